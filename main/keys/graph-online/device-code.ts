import { BootmendError } from '../../../core/errors.js';
import { errorCode, readJson, send, type HttpContext } from './http.js';

/**
 * OAuth 2.0 device authorization grant (RFC 8628) against the Microsoft identity platform:
 * POST {login}/{tenant}/oauth2/v2.0/devicecode gives a user code to type at
 * microsoft.com/devicelogin on any device (the technician's phone), then
 * POST {login}/{tenant}/oauth2/v2.0/token is polled until the person has signed in.
 */

export interface DeviceCodePrompt {
  userCode: string;
  verificationUri: string;
  /** Seconds until the code expires. */
  expiresIn: number;
  /** Microsoft's own sentence ("To sign in, use a web browser to open ... and enter the code ..."). */
  message: string;
}

export interface PendingSignIn extends DeviceCodePrompt {
  deviceCode: string;
  intervalSeconds: number;
  expiresAt: number;
}

/** SECRET: the access and refresh tokens. Held in memory only. */
export interface Tokens {
  accessToken: string;
  refreshToken: string | null;
  /** ms since epoch; refreshed a minute early. */
  expiresAt: number;
}

export interface Endpoints {
  loginBaseUrl: string;
  tenantId: string;
  clientId: string;
  scopes: readonly string[];
}

function endpoint(e: Endpoints, path: 'devicecode' | 'token'): string {
  return `${e.loginBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(e.tenantId)}/oauth2/v2.0/${path}`;
}

function form(values: Record<string, string>): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(values).toString() };
}

const SIGN_IN_ERRORS: Record<string, string> = {
  invalid_client: 'the client ID is not an app registration in this tenant, or it does not allow public client flows ("Allow public client flows" must be on)',
  unauthorized_client: 'the app registration does not allow device sign-in ("Allow public client flows" must be on)',
  invalid_scope: 'the app registration cannot ask for BitLockerKey.Read.All',
  invalid_request: 'the tenant or client ID is not right',
  authorization_declined: 'the sign-in was declined',
  expired_token: 'the code expired before anyone signed in: start again',
  bad_verification_code: 'Microsoft did not recognise the sign-in code: start again',
  invalid_grant: 'the sign-in is no longer valid: sign in again',
};

function signInFailure(status: number, body: unknown): BootmendError {
  const code = errorCode(body);
  const why = (code && SIGN_IN_ERRORS[code]) ?? 'Microsoft refused the sign-in';
  return new BootmendError(code === 'authorization_declined' || code === 'invalid_grant' ? 'UNAUTHORIZED' : 'INVALID_INPUT', `Microsoft sign-in failed (${status}${code ? ` ${code}` : ''}): ${why}.`);
}

export async function requestDeviceCode(ctx: HttpContext, e: Endpoints, now: number): Promise<PendingSignIn> {
  const response = await send(ctx, endpoint(e, 'devicecode'), form({ client_id: e.clientId, scope: e.scopes.join(' ') }), 'start the Microsoft sign-in');
  const body = (await readJson(response)) as Record<string, unknown> | null;
  if (!response.ok || body === null) throw signInFailure(response.status, body);
  const { device_code, user_code, verification_uri, expires_in, interval, message } = body;
  if (typeof device_code !== 'string' || typeof user_code !== 'string' || typeof verification_uri !== 'string') throw new BootmendError('INTERNAL', 'Microsoft sign-in answered without a device code.');
  const expiresIn = typeof expires_in === 'number' ? expires_in : Number(expires_in ?? 900);
  return {
    deviceCode: device_code,
    userCode: user_code,
    verificationUri: verification_uri,
    expiresIn,
    expiresAt: now + expiresIn * 1000,
    intervalSeconds: typeof interval === 'number' ? interval : Number(interval ?? 5) || 5,
    message: typeof message === 'string' ? message : `To sign in, open ${verification_uri} and enter the code ${user_code}.`,
  };
}

function tokensFrom(body: Record<string, unknown>, now: number): Tokens | null {
  if (typeof body.access_token !== 'string') return null;
  const expiresIn = Number(body.expires_in ?? 3600);
  return { accessToken: body.access_token, refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : null, expiresAt: now + (Number.isFinite(expiresIn) ? expiresIn : 3600) * 1000 - 60_000 };
}

/** Polls the token endpoint at the interval Microsoft asked for until sign-in, refusal, expiry or cancel. */
export async function pollForTokens(ctx: HttpContext, e: Endpoints, pending: PendingSignIn, now: () => number, signal?: AbortSignal): Promise<Tokens> {
  let interval = pending.intervalSeconds;
  for (;;) {
    if (now() >= pending.expiresAt) throw new BootmendError('UNAUTHORIZED', 'The sign-in code expired before anyone signed in: start the sign-in again.');
    const response = await send(ctx, endpoint(e, 'token'), form({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: e.clientId, device_code: pending.deviceCode }), 'finish the Microsoft sign-in', signal);
    const body = ((await readJson(response)) ?? {}) as Record<string, unknown>;
    if (response.ok) {
      const tokens = tokensFrom(body, now());
      if (tokens) return tokens;
      throw new BootmendError('INTERNAL', 'Microsoft sign-in answered without an access token.');
    }
    const code = errorCode(body);
    if (code === 'authorization_pending') {
      await ctx.sleep(interval * 1000, signal);
      continue;
    }
    if (code === 'slow_down') {
      interval += 5;
      await ctx.sleep(interval * 1000, signal);
      continue;
    }
    throw signInFailure(response.status, body);
  }
}

export async function refreshTokens(ctx: HttpContext, e: Endpoints, refreshToken: string, now: number): Promise<Tokens> {
  const response = await send(ctx, endpoint(e, 'token'), form({ grant_type: 'refresh_token', client_id: e.clientId, refresh_token: refreshToken, scope: e.scopes.join(' ') }), 'renew the Microsoft sign-in');
  const body = ((await readJson(response)) ?? {}) as Record<string, unknown>;
  const tokens = response.ok ? tokensFrom(body, now) : null;
  if (!tokens) throw signInFailure(response.status, body);
  return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
}
