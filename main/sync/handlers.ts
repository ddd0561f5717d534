import type { HandlersOf } from '../../core/api/dispatcher.js';
import { reachesBackend } from '../../core/backend/events.js';
import { BootmendError } from '../../core/errors.js';
import type { syncContract } from '../../core/sync/contract.js';
import type { SyncStatus, TestConnectionResult } from '../../core/sync/schemas.js';
import { resolveBackend } from '../backend/connection.js';
import { whoAmI } from '../backend/client.js';
import type { Services } from '../services/services.js';

export function syncHandlers(services: Services): HandlersOf<typeof syncContract> {
  return {
    getBackendToken: () => services.backendToken.info(),
    saveBackendToken: async ({ token }) => {
      const info = await services.backendToken.save(token);
      void services.sync.syncNow();
      return info;
    },
    clearBackendToken: () => services.backendToken.clear(),
    testBackendConnection: (request) => testConnection(services, request),
    syncNow: () => syncStatus(services, true),
  };
}

/** The status bar's and Settings' view of the sync (getStatus and syncNow). */
export async function syncStatus(services: Services, now = false, backend?: Awaited<ReturnType<typeof resolveBackend>>): Promise<SyncStatus> {
  const state = now ? await services.sync.syncNow() : services.sync.status();
  // Read afresh, not from the last round: Settings may have changed since, and the CLI never runs a round.
  const [resolved, waiting] = await Promise.all([backend ?? resolveBackend(services), services.journal.pendingSync(reachesBackend)]);
  const target = resolved.connection ? { source: resolved.connection.source, url: resolved.connection.url } : { source: null, problem: resolved.problem };
  const { running, lastSyncAt, failure, nextAttemptAt, lastReport } = state;
  return { target, waiting, running, lastSyncAt, failure, nextAttemptAt, lastReport };
}

async function testConnection(services: Services, request: { url?: string | undefined; token?: string | undefined }): Promise<TestConnectionResult> {
  const saved = await resolveBackend(services);
  const url = request.url || (saved.connection?.url ?? (await services.settings.read()).backendUrl) || null;
  if (!url) return { ok: false, url: null, problem: 'no-url', detail: 'No backend address yet: type the address the helpdesk gave you.' };
  const token = request.token || (request.url && saved.connection?.url !== request.url ? null : saved.connection?.token) || (await services.backendToken.read());
  if (!token) return { ok: false, url, problem: 'no-token', detail: 'No token saved for this backend: paste the technician token the helpdesk gave you.' };
  try {
    const me = await whoAmI({ url, token, source: 'settings' }, { fetchImpl: services.fetchImpl, timeoutMs: 8000 });
    if (me.role === 'helpdesk') {
      return { ok: false, url, problem: 'wrong-role', detail: `The backend knows this token as “${me.name}”, a helpdesk token: it cannot send recoveries. Ask for a technician token.` };
    }
    return { ok: true, url, name: me.name, role: me.role, detail: `Connected as “${me.name}” (${me.role}).` };
  } catch (error) {
    if (!(error instanceof BootmendError)) throw error;
    if (error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN') return { ok: false, url, problem: 'refused', detail: error.message };
    if (error.code === 'NOT_FOUND') return { ok: false, url, problem: 'not-bootmend', detail: `Something answers at ${url}, but it is not a Bootmend backend (no /api/v1/whoami). Check the address.` };
    if (error.code === 'INVALID_INPUT' && error.field === 'backendUrl') return { ok: false, url, problem: 'unreachable', detail: error.message };
    return { ok: false, url, problem: error.message.includes('does not understand') ? 'not-bootmend' : 'unreachable', detail: error.message };
  }
}
