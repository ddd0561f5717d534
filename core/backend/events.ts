import type { RecoveryEvent } from '../journal/schemas.js';
import type { ApiEvent, EventStatus, Method } from './schemas.js';

/**
 * How a journal event becomes an API v1 event (`POST /api/v1/events`) for the technician
 * app's sync (main/sync). The event's words and the batch limits are declared once, in
 * schemas.ts, which the server validates against: the two cannot drift.
 */

/** The sync sends at most this many events per request (the server takes up to MAX_EVENTS_PER_BATCH). */
export const SYNC_BATCH_SIZE = 500;

const RESULT_STATUS = { fixed: 'fixed', nothing_to_do: 'nothing_to_do', needs_attention: 'escalated', failed: 'failed' } as const satisfies Record<string, EventStatus>;
const RESULT_METHOD = { winpe: 'winpe', winre: 'winre', safemode: 'safe_mode', windows: 'other', unknown: 'other' } as const satisfies Record<string, Method>;

/**
 * The journal event types that tell the helpdesk something. Every other type (a machine queued,
 * paused or resumed, the key-reveal audit, the sync's receipts, a type a newer version wrote)
 * stays on this laptop; the status bar counts only these as waiting, since only they are sent.
 */
const SENT_TYPES: ReadonlySet<string> = new Set(['machine.path_chosen', 'machine.step_confirmed', 'machine.outcome', 'machine.outcome_undone', 'machine.result_read'] satisfies RecoveryEvent['type'][]);

export function reachesBackend(type: string): boolean {
  return SENT_TYPES.has(type);
}

/**
 * What a journal event tells the helpdesk, or null when it changes nothing there (its status on
 * the dashboard stays as it was). The event keeps its id, so a retried sync is a duplicate on
 * the server, never a second record.
 */
export function toBackendEvent(event: RecoveryEvent): ApiEvent | null {
  if (!reachesBackend(event.type)) return null;
  const base = { id: event.id, machine: event.machine, at: event.at, technician: event.technician };
  switch (event.type) {
    case 'machine.path_chosen':
      return { ...base, status: 'in_progress', method: event.path };
    case 'machine.step_confirmed':
      return { ...base, status: 'in_progress', method: event.path, notes: `Step ${event.step + 1} done: ${event.title}` };
    case 'machine.outcome':
      return {
        ...base,
        status: event.outcome,
        ...(event.path ? { method: event.path } : {}),
        ...(event.notes ? { notes: event.notes } : {}),
        ...(event.filesRemoved.length > 0 ? { files: event.filesRemoved } : {}),
      };
    case 'machine.outcome_undone':
      return { ...base, status: 'in_progress', notes: 'The last outcome was undone.' };
    case 'machine.result_read': {
      const removed = event.result.files.filter((file) => file.action === 'quarantined' || file.action === 'deleted').map((file) => file.path);
      return {
        ...base,
        status: RESULT_STATUS[event.result.outcome],
        method: RESULT_METHOD[event.result.environment],
        notes: `Result read from a Bootmend stick (${event.file}).`,
        ...(removed.length > 0 ? { files: removed } : {}),
      };
    }
    default:
      return null;
  }
}
