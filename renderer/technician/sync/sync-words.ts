import type { BackendTokenInfo, SyncStatus } from '../../../core/sync/schemas.js';

/** The sync's state in a technician's words (Settings and the status bar). */

export function tokenSentence(info: BackendTokenInfo | null): string {
  if (!info) return 'Looking for a saved token…';
  if (!info.set) return 'No token saved: recoveries stay in the journal on this laptop until you add one.';
  const kept = info.keptBy === 'keychain' ? "protected by this laptop's keychain" : 'readable only by your user account on this laptop';
  return `A token ending in …${info.hint ?? '????'} is saved, ${kept}.`;
}

/** Said once, beside the token, where no OS keychain wraps it (the web host, a Linux without a secret store). */
export function plainTokenWarning(info: BackendTokenInfo | null): string | null {
  if (info?.keptBy !== 'file') return null;
  return 'No OS keychain here, so the token is stored unencrypted in backend-token.json: anyone who copies the data folder can use it. Forget it when this laptop changes hands.';
}

function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function waitingWords(count: number): string {
  return count === 1 ? '1 record waiting' : `${count} records waiting`;
}

/** One sentence: where the journal goes and how far it got. */
export function syncSentence(sync: SyncStatus): string {
  const waiting = waitingWords(sync.waiting);
  if (sync.target.source === null) {
    return sync.target.problem === 'no-token'
      ? `${waiting}: the backend address is set, but no token is saved for it.`
      : `${waiting}: no backend is set, so records stay on this laptop.`;
  }
  if (sync.running) return `Sending to ${sync.target.url}…`;
  if (sync.failure) {
    const retry = sync.nextAttemptAt ? ` Next try at ${clock(sync.nextAttemptAt)}.` : '';
    return `${waiting}. ${sync.failure.detail}${sync.failure.kind === 'refused' ? '' : retry}`;
  }
  const last = sync.lastSyncAt ? ` Last sync ${clock(sync.lastSyncAt)}.` : '';
  const where = sync.target.source === 'embedded' ? 'the helpdesk dashboard on this laptop' : sync.target.url;
  return sync.waiting === 0 ? `Everything is sent to ${where}.${last}` : `${waiting} for ${where}.${last}`;
}

/** The status bar's short form. */
export function syncShort(sync: SyncStatus): { text: string; tone: 'success' | 'warning' | 'danger' | 'neutral' } {
  const waiting = `${sync.waiting} waiting to sync`;
  const last = sync.lastSyncAt ? ` · last sync ${clock(sync.lastSyncAt)}` : '';
  if (sync.target.source === null) return { text: `${waiting} · ${sync.target.problem === 'no-token' ? 'no token saved' : 'no backend set'}`, tone: 'neutral' };
  if (sync.failure?.kind === 'refused') return { text: `${waiting} · the backend refused the token`, tone: 'danger' };
  if (sync.failure) return { text: `${waiting} · offline${sync.nextAttemptAt ? `, retrying at ${clock(sync.nextAttemptAt)}` : ''}`, tone: 'warning' };
  if (sync.running) return { text: `${waiting} · sending…`, tone: 'neutral' };
  if (sync.waiting > 0) return { text: `${waiting}${last}`, tone: 'neutral' };
  return { text: `All synced${last}`, tone: 'success' };
}
