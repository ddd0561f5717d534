import { z } from 'zod';
import type { KeyRevealedAudit, RecoveryEvent } from '../journal/schemas.js';
import { MachineIdentitySchema } from '../journal/schemas.js';

/**
 * The backend's API v1 event words (`POST /api/v1/events`), shared by the server (server/)
 * and the technician app's sync (main/sync): one declaration, so the two cannot drift. The
 * field names and status words are an interface other tools post to; add, never rename.
 */

export const BackendStatusSchema = z.enum(['in_progress', 'fixed', 'nothing_to_do', 'needs_reimage', 'escalated', 'failed']);
export type BackendStatus = z.infer<typeof BackendStatusSchema>;

export const BackendMethodSchema = z.enum(['winpe', 'winre', 'safe_mode', 'other']);
export type BackendMethod = z.infer<typeof BackendMethodSchema>;

export const BackendEventSchema = z
  .object({
    id: z.uuid(),
    machine: MachineIdentitySchema,
    status: BackendStatusSchema,
    method: BackendMethodSchema.optional(),
    at: z.iso.datetime({ offset: true }),
    technician: z.string().trim().min(1).max(200).optional(),
    notes: z.string().max(2000).optional(),
    files: z.array(z.string().min(1).max(400)).max(1000).optional(),
  })
  .strict();
export type BackendEvent = z.infer<typeof BackendEventSchema>;

/** A batch is bounded so one request stays small; the sync sends at most this many. */
export const MAX_EVENTS_PER_BATCH = 500;

export const EventBatchSchema = z.object({ events: z.array(BackendEventSchema).min(1).max(MAX_EVENTS_PER_BATCH) }).strict();

export const EventBatchResultSchema = z.object({ accepted: z.array(z.uuid()), duplicates: z.array(z.uuid()) });
export type EventBatchResult = z.infer<typeof EventBatchResultSchema>;

const RESULT_STATUS = { fixed: 'fixed', nothing_to_do: 'nothing_to_do', needs_attention: 'escalated', failed: 'failed' } as const satisfies Record<string, BackendStatus>;
const RESULT_METHOD = { winpe: 'winpe', winre: 'winre', safemode: 'safe_mode', windows: 'other', unknown: 'other' } as const satisfies Record<string, BackendMethod>;

/**
 * What a journal event tells the helpdesk, or null when it changes nothing there (a machine
 * queued, paused or resumed: its status on the dashboard stays as it was). The event keeps
 * its id, so a retried sync is a duplicate on the server, never a second record.
 */
export function toBackendEvent(event: RecoveryEvent | KeyRevealedAudit): BackendEvent | null {
  if (event.type === 'key.revealed') return revealForHelpdesk(event);
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
    case 'machine.added':
    case 'machine.identity_changed':
    case 'machine.paused':
    case 'machine.resumed':
      return null;
    default:
      // The outbox holds every journal event; those that are not recovery events (the key-reveal audit, the sync's receipts) stay on this laptop.
      return null;
  }
}

/**
 * A reveal made for a journal machine tells the helpdesk that machine is being worked on and
 * which key ID was used (never the password); a reveal for a typed name only stays on this
 * laptop, so a typo never becomes a machine on the dashboard.
 */
function revealForHelpdesk(event: KeyRevealedAudit): BackendEvent | null {
  if (event.machineId === undefined || event.machineIdentity === undefined) return null;
  const source = event.source ? ` from the ${event.source}` : '';
  return { id: event.id, machine: event.machineIdentity, at: event.at, technician: event.technician, status: 'in_progress', notes: `BitLocker recovery key ${event.keyId} revealed${source}: ${event.reason}`.slice(0, 2000) };
}
