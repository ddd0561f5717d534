import type { Status } from '../../core/app/contract.js';

/**
 * Backend reachability: a GET of <url>/api/health with a short timeout. Any answer
 * below 500 counts as reachable; the backend issue replaces this with an
 * authenticated check.
 */
export async function checkBackend(url: string, fetchImpl: typeof fetch = fetch, timeoutMs = 3000): Promise<Status['backend']> {
  const checkedAt = new Date().toISOString();
  if (!url) return { state: 'not-configured', url: null, checkedAt: null, detail: null };
  try {
    const response = await fetchImpl(new URL('api/health', url.endsWith('/') ? url : `${url}/`), {
      signal: AbortSignal.timeout(timeoutMs),
    });
    return response.status < 500
      ? { state: 'online', url, checkedAt, detail: null }
      : { state: 'offline', url, checkedAt, detail: `The backend answered ${response.status}.` };
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : 'cannot be reached';
    return { state: 'offline', url, checkedAt, detail: `The backend ${reason}.` };
  }
}
