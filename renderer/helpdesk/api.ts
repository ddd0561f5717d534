import { restClient, type RestClient } from '../../core/api/rest-client.js';
import { HELPDESK_ROUTES, helpdeskContract, type HelpdeskContract } from '../../core/backend/helpdesk-contract.js';

/**
 * The dashboard's client of API v1: same origin (the server serves the dashboard), the token
 * in `Authorization: Bearer`, and one sentence per failure for the screens to show.
 */

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

/** The server's own sentence when it gave one, else one naming what went wrong. */
async function failure(response: Response, what: string): Promise<ApiError> {
  let code = 'HTTP';
  let message = '';
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? '';
  } catch {
    // not JSON: the status alone names it
  }
  if (response.status === 401) return new ApiError(message || 'This token is unknown or revoked; sign in again with a valid token.', 401, 'UNAUTHORIZED');
  return new ApiError(message || `${what} failed: the server answered ${response.status}.`, response.status, code);
}

export function networkFailure(what: string): ApiError {
  return new ApiError(`${what} failed: the server did not answer. Check that bootmend-server is running and reload.`, 0, 'NETWORK');
}

export async function request(token: string, path: string, what: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` } });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw networkFailure(what);
  }
  if (!response.ok) throw await failure(response, what);
  return response;
}

/** An answer's JSON, unchecked: only helpdeskApi reads it, through the contract's schemas. */
async function getJson(token: string, path: string, what: string, signal?: AbortSignal): Promise<unknown> {
  const response = await request(token, path, what, signal ? { signal } : {});
  return response.json();
}

/** The dashboard's reads (whoAmI, getSummary, listMachines…), typed and checked by the contract the server registers. */
export function helpdeskApi(token: string): RestClient<HelpdeskContract> {
  return restClient(helpdeskContract, HELPDESK_ROUTES, (path, what, signal) => getJson(token, path, what, signal));
}

/** A query string from the filters that are set. */
export { queryString as query } from '../../core/backend/helpdesk-contract.js';
