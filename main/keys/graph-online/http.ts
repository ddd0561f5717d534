import { BootmendError } from '../../../core/errors.js';

/**
 * HTTP for the Microsoft identity platform and Graph, with errors in plain words. A token
 * is only ever in a request header: never in a URL, a message or a log, and a page link
 * (`@odata.nextLink`) is only followed on the Graph origin the client was given, so the
 * token cannot be sent anywhere else.
 */

export interface HttpContext {
  fetchImpl: typeof fetch;
  /** Waits (Retry-After, polling interval); injectable so tests do not sleep. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  headers: Record<string, string>;
}

export const MAX_RETRY_AFTER_MS = 60_000;

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function cancelled(): BootmendError {
  return new BootmendError('CANCELLED', 'The Microsoft sign-in or lookup was cancelled.');
}

/** Graph's `{ "error": { "code", "message" } }` and the identity platform's `{ "error": "...", "error_description" }`: only the code is kept (messages may quote request details). */
export function errorCode(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'string') return error.slice(0, 80);
  if (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string') return (error as { code: string }).code.slice(0, 80);
  return null;
}

export async function send(ctx: HttpContext, url: string, init: RequestInit, what: string, signal?: AbortSignal): Promise<Response> {
  try {
    return await ctx.fetchImpl(url, { ...init, headers: { ...ctx.headers, ...(init.headers as Record<string, string> | undefined) }, ...(signal ? { signal } : {}) });
  } catch (error) {
    if (signal?.aborted) throw cancelled();
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    const host = new URL(url).host;
    throw new BootmendError('UNAVAILABLE', `Cannot reach ${host} to ${what}${typeof code === 'string' ? ` (${code})` : ''}: check the network connection or proxy, or use the offline vault.`);
  }
}

export async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}

/** Seconds (or an HTTP date) from Retry-After, capped; a missing or odd value waits 5 s. */
export function retryAfterMs(response: Response, now = Date.now()): number {
  const value = response.headers.get('retry-after');
  if (value === null) return 5_000;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Number.isFinite(ms) ? ms : 5_000));
}

/** A non-2xx Graph response as a BootmendError a technician can act on. */
export function graphFailure(status: number, body: unknown, retryAfterSeconds?: number): BootmendError {
  const code = errorCode(body);
  const detail = code ? ` (${status} ${code})` : ` (${status})`;
  if (status === 401) return new BootmendError('UNAUTHORIZED', `Microsoft Graph did not accept the sign-in${detail}: it expired or was revoked. Sign in again.`);
  if (status === 403) {
    return new BootmendError('FORBIDDEN', `Microsoft Graph refused to read BitLocker keys${detail}: the signed-in account needs a role that may read them (e.g. Helpdesk or Cloud Device Administrator) and the app needs consent for BitLockerKey.Read.All.`);
  }
  if (status === 429) return new BootmendError('UNAVAILABLE', `Microsoft Graph is throttling requests${detail}: wait ${retryAfterSeconds ?? 'a few'} seconds and try again, or use the offline vault.`);
  if (status === 404) return new BootmendError('NOT_FOUND', `Microsoft Graph has no BitLocker key with that ID${detail}.`);
  if (status >= 500) return new BootmendError('UNAVAILABLE', `Microsoft Graph is not answering properly${detail}: try again later, or use the offline vault.`);
  return new BootmendError('INTERNAL', `Microsoft Graph refused the request${detail}.`);
}
