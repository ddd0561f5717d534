import type { MachineIdentity, MachineStatus, Outcome } from '../../../core/journal/schemas.js';
import type { ScanKind } from '../../../core/recover/queue.js';
import { STATUS_LABEL, STATUS_TONE } from '../journal/words.js';
import type { StatusFilter } from './store.js';

/** How the Recover screen says a machine's status, an outcome, a duration and a machine's identity. */

/** A machine's status reads and looks as on the Journal screen: one table for both. */
export { STATUS_LABEL, STATUS_TONE };

export interface OutcomeChoice {
  outcome: Outcome;
  label: string;
  hint: string;
  /** The key that records it on the outcome step. */
  key: string;
}

export const OUTCOME_CHOICES: readonly OutcomeChoice[] = [
  { outcome: 'fixed', label: 'Fixed', hint: 'Windows starts normally again.', key: 'F' },
  { outcome: 'nothing_to_do', label: 'Nothing to do', hint: 'The faulty file was not there; the PC was fine or fixed before.', key: 'T' },
  { outcome: 'needs_reimage', label: 'Needs reimage', hint: 'Beyond a file fix: stays open for the helpdesk to reimage.', key: 'R' },
  { outcome: 'escalated', label: 'Escalated', hint: 'Handed to the helpdesk: say why in the notes.', key: 'E' },
  { outcome: 'failed', label: 'Failed', hint: 'Did not work this time: stays in the queue to try again.', key: 'X' },
];

export const STATUS_FILTERS: readonly { value: StatusFilter; label: string }[] = [
  { value: 'todo', label: 'To do (waiting, in progress, paused)' },
  { value: 'open', label: 'Open (to do and handed to the helpdesk)' },
  { value: 'all', label: 'All machines' },
  ...(Object.keys(STATUS_LABEL) as MachineStatus[]).map((status) => ({ value: status, label: STATUS_LABEL[status] })),
];

export const SCAN_KIND_LABEL: Record<ScanKind, string> = { assetTag: 'Asset tag', hostname: 'Hostname', serial: 'Serial number' };

/** "4:05", "1:02:03": a stopwatch, as the technician reads it at a glance. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/** "Asset A-1001 · Serial SN9 · Berlin": what else is known of a machine, beside its hostname. */
export function identityDetails(machine: MachineIdentity): string {
  return [
    machine.assetTag && machine.assetTag !== machine.hostname ? `Asset ${machine.assetTag}` : null,
    machine.serial && machine.serial !== machine.hostname ? `Serial ${machine.serial}` : null,
    machine.site ?? null,
  ]
    .filter(Boolean)
    .join(' · ');
}

export function outcomeSaved(hostname: string, outcome: Outcome): string {
  return `${hostname}: ${STATUS_LABEL[outcome].toLowerCase()} — saved in the journal.`;
}

/** The queue's one-line count: "3 to do · 1 with the helpdesk · 12 done". */
export function queueCounts(counts: Partial<Record<MachineStatus, number>>): string {
  const n = (...statuses: MachineStatus[]): number => statuses.reduce((sum, status) => sum + (counts[status] ?? 0), 0);
  return `${n('pending', 'in_progress', 'paused')} to do · ${n('needs_reimage', 'escalated', 'failed')} open with the helpdesk or to retry · ${n('fixed', 'nothing_to_do')} done`;
}

/** Where Look up asks while the vault cannot be searched (none on this laptop, or locked): the same chain as the store's lookupKey. */
export function onlineLookupSentence(vault: 'absent' | 'locked', graphSignedIn: boolean): string {
  const when = vault === 'locked' ? ' meanwhile' : '';
  return graphSignedIn ? `Look up asks Microsoft Graph${when} (you are signed in), then offers the backend’s key escrow.` : `Look up asks the backend’s key escrow${when}.`;
}
