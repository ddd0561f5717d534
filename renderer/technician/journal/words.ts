import type { MachineStatus, RecoveryPath } from '../../../core/journal/schemas.js';
import type { Tone } from '../../ui/Badge.js';

/** How the Journal screen words statuses, paths, durations and events (the Recover screen words statuses with these tables too). */

export const STATUS_LABEL: Record<MachineStatus, string> = {
  pending: 'Not started',
  in_progress: 'In progress',
  paused: 'Paused',
  fixed: 'Fixed',
  nothing_to_do: 'Nothing to do',
  needs_reimage: 'Needs reimage',
  escalated: 'Escalated',
  failed: 'Failed',
};

export const STATUS_TONE: Record<MachineStatus, Tone> = {
  pending: 'neutral',
  in_progress: 'info',
  paused: 'warning',
  fixed: 'success',
  nothing_to_do: 'success',
  needs_reimage: 'warning',
  escalated: 'warning',
  failed: 'danger',
};

export const PATH_LABEL: Record<RecoveryPath, string> = { winpe: 'Stick (WinPE)', winre: 'WinRE', safe_mode: 'Safe Mode' };

/** 0 → "—", 75 → "1 min 15 s", 3700 → "1 h 1 min". */
export function workedTime(seconds: number): string {
  if (seconds <= 0) return '—';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "19 Jul, 08:05" in this laptop's time zone. */
export function shortTime(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

/** One line for a timeline entry. */
export function eventLine(event: Record<string, unknown>): string {
  const str = (key: string): string => (typeof event[key] === 'string' ? (event[key] as string) : '');
  switch (event.type) {
    case 'machine.added':
      return `Added (${str('source') || 'typed'})`;
    case 'machine.identity_changed':
      return 'Identity corrected';
    case 'machine.path_chosen':
      return `Path chosen: ${PATH_LABEL[str('path') as RecoveryPath] ?? str('path')}`;
    case 'machine.step_confirmed':
      return `Step ${Number(event.step) + 1} confirmed: ${str('title')}`;
    case 'machine.paused':
      return 'Paused';
    case 'machine.resumed':
      return 'Resumed';
    case 'machine.outcome': {
      const notes = str('notes');
      return `Outcome: ${STATUS_LABEL[str('outcome') as MachineStatus] ?? str('outcome')}${notes ? ` — ${notes}` : ''}`;
    }
    case 'machine.outcome_undone':
      return 'Outcome undone';
    case 'machine.result_read': {
      const result = event.result as { outcome?: string } | undefined;
      return `Stick result read (${str('file')}): ${result?.outcome?.replace(/_/g, ' ') ?? 'unknown'}`;
    }
    case 'key.revealed':
      return `Recovery key ${str('keyId').slice(0, 8)}… revealed (${str('reason')})`;
    default:
      return String(event.type);
  }
}
