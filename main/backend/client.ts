import { z } from 'zod';
import { BackendStatusSchema, MachinePageSchema, type BackendStatus, type MachineSummary } from '../../core/backend/schemas.js';
import { BootmendError, type ErrorCode } from '../../core/errors.js';
import { WhoAmISchema, type WhoAmI } from '../../core/backend/dashboard.js';
import type { BackendConnection } from './connection.js';

/**
 * The technician app's calls to the backend's API v1 (server/), over fetch with a timeout.
 * Every failure is a BootmendError whose sentence says what went wrong and what to do:
 * offline or no answer (UNAVAILABLE), a token refused (UNAUTHORIZED) or of the wrong role
 * (FORBIDDEN), a refusal with the server's own reason. The token is sent only in the
 * Authorization header and never appears in a message; nor does a recovery password.
 */

export interface CallOptions {
  fetchImpl?: typeof fetch;
  /** Per request (default 15 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/** The server's error body: `{ error: { code, message, field? } }`. */
const ServerErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) });

function endpoint(connection: BackendConnection, path: string): URL {
  try {
    return new URL(path, connection.url.endsWith('/') ? connection.url : `${connection.url}/`);
  } catch {
    throw new BootmendError('INVALID_INPUT', `The backend address in Settings (${connection.url}) is not a URL.`, { field: 'backendUrl' });
  }
}

async function request<T>(connection: BackendConnection, path: string, init: { method: 'GET' | 'POST'; body?: unknown }, schema: z.ZodType<T>, options: CallOptions): Promise<T> {
  const url = endpoint(connection, path);
  const where = `the backend at ${url.origin}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await (options.fetchImpl ?? fetch)(url, {
      method: init.method,
      headers: { authorization: `Bearer ${connection.token}`, accept: 'application/json', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw new BootmendError('CANCELLED', 'Cancelled.');
    if (timeout.aborted) throw new BootmendError('UNAVAILABLE', `No answer from ${where} within ${Math.round(timeoutMs / 1000)} s: check this laptop's network, or try again later.`);
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new BootmendError('UNAVAILABLE', `Cannot reach ${where}${cause ? ` (${cause})` : ''}: this laptop seems offline, or the address in Settings is wrong.`);
  }
  let body: unknown = null;
  const text = await response.text().catch(() => '');
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = null;
  }
  if (!response.ok) {
    const server = ServerErrorSchema.safeParse(body);
    const reason = server.success ? server.data.error.message : `HTTP ${response.status} ${response.statusText}`.trim();
    const field = server.success ? server.data.error.field : undefined;
    const [code, sentence] = refusal(response.status, where, reason);
    throw new BootmendError(code, sentence, field === undefined ? undefined : { field });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new BootmendError('UNAVAILABLE', `${capital(where)} answered ${url.pathname} with something this app does not understand: is it a Bootmend backend of the same version?`);
  return parsed.data;
}

const capital = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

function refusal(status: number, where: string, reason: string): [ErrorCode, string] {
  if (status === 401) return ['UNAUTHORIZED', `${capital(where)} refused the token (${reason}): ask the helpdesk for a technician token.`];
  if (status === 403) return ['FORBIDDEN', `${capital(where)} refused: ${reason} This needs a technician token.`];
  if (status === 404) return ['NOT_FOUND', `${capital(where)}: ${reason}`];
  if (status === 429) return ['UNAVAILABLE', `${capital(where)}: ${reason}`];
  if (status >= 500) return ['UNAVAILABLE', `${capital(where)} failed to answer (${reason}); try again in a moment.`];
  return ['INVALID_INPUT', `${capital(where)} refused the request: ${reason}`];
}

/** GET /api/v1/machines: one page of the fleet list. */
export function listMachines(
  connection: BackendConnection,
  query: { site?: string; status?: readonly BackendStatus[]; cursor?: string | null; limit?: number },
  options: CallOptions = {},
): Promise<z.infer<typeof MachinePageSchema>> {
  const params = new URLSearchParams();
  if (query.site) params.set('site', query.site);
  if (query.status && query.status.length > 0) params.set('status', query.status.map((s) => BackendStatusSchema.parse(s)).join(','));
  if (query.cursor) params.set('cursor', query.cursor);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  return request(connection, `api/v1/machines?${params.toString()}`, { method: 'GET' }, MachinePageSchema, options);
}

export interface FleetList {
  machines: MachineSummary[];
  pages: number;
  /** More machines than `maxMachines` were listed: the rest were left on the backend. */
  truncated: boolean;
}

/** Every page of a site's fleet list (cursor after cursor), up to `maxMachines`. */
export async function pullFleetList(
  connection: BackendConnection,
  query: { site: string; status: readonly BackendStatus[] },
  options: CallOptions & { pageSize?: number; maxMachines?: number } = {},
): Promise<FleetList> {
  const pageSize = options.pageSize ?? 500;
  const maxMachines = options.maxMachines ?? 20_000;
  const machines: MachineSummary[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await listMachines(connection, { site: query.site, status: query.status, cursor, limit: pageSize }, options);
    pages += 1;
    machines.push(...page.machines);
    cursor = page.nextCursor;
    if (machines.length >= maxMachines) return { machines: machines.slice(0, maxMachines), pages, truncated: cursor !== null || machines.length > maxMachines };
  } while (cursor !== null);
  return { machines, pages, truncated: false };
}

const KeyFacts = { keyId: z.string(), device: z.string().nullable(), created: z.string().nullable(), volumeType: z.string().nullable() };

/** POST /api/v1/keys/lookup's answer (server/escrow/routes.ts): the password only for one match. */
export const EscrowAnswerSchema = z.discriminatedUnion('match', [
  z.object({ match: z.literal('one'), key: z.object({ ...KeyFacts, password: z.string() }) }),
  z.object({ match: z.literal('ambiguous'), candidates: z.array(z.object(KeyFacts)) }),
]);
export type EscrowAnswer = z.infer<typeof EscrowAnswerSchema>;

/** POST /api/v1/keys/lookup: the server audits it (who, key ID, machine, reason) before it answers. */
export function lookupEscrowKey(connection: BackendConnection, query: { keyId: string; machine: string; reason: string }, options: CallOptions = {}): Promise<EscrowAnswer> {
  return request(connection, 'api/v1/keys/lookup', { method: 'POST', body: query }, EscrowAnswerSchema, options);
}

/** GET /api/v1/whoami: the token's name and role (Settings' "Test connection"). */
export function whoAmI(connection: BackendConnection, options: CallOptions = {}): Promise<WhoAmI> {
  return request(connection, 'api/v1/whoami', { method: 'GET' }, WhoAmISchema, options);
}
