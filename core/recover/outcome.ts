import type { MachineState, MachineStatus, Outcome, RecordEventRequest, RecoveryPath } from '../journal/schemas.js';
import type { MachineResult } from '../playbooks/machine-result.js';

/**
 * What the technician may record as a machine's outcome, and what an outcome does to the
 * queue. Undo is a new event (`machine.outcome_undone`), offered for a short while.
 */

/** How long the Recover screen offers Undo after an outcome. */
export const UNDO_WINDOW_MS = 10_000;

/** Done with: these close the machine. Every other outcome leaves it open — `needs_reimage` and `escalated` for the helpdesk, `failed` for another try. */
const CLOSING: ReadonlySet<Outcome> = new Set(['fixed', 'nothing_to_do']);

export function closesMachine(outcome: Outcome): boolean {
  return CLOSING.has(outcome);
}

/** Still someone's work: not started, being worked on, set aside, or an outcome that keeps it open. */
export function isOpen(status: MachineStatus): boolean {
  return !CLOSING.has(status as Outcome);
}

/** The technician's own to-do: what "next machine" picks from (helpdesk hand-overs are not). */
export function isTodo(status: MachineStatus): boolean {
  return status === 'pending' || status === 'in_progress' || status === 'paused';
}

export interface OutcomeDraft {
  outcome: Outcome;
  /** The path taken; null when none was chosen. */
  path: RecoveryPath | null;
  notes: string;
  filesRemoved: readonly string[];
  /** The key ID used, as typed or scanned (the journal keeps only a full one). */
  keyId: string | null;
}

export interface OutcomeProblem {
  field: 'outcome' | 'path' | 'notes';
  message: string;
}

/** Why this outcome cannot be recorded as it stands, or null. */
export function checkOutcome(draft: Pick<OutcomeDraft, 'outcome' | 'path' | 'notes'>): OutcomeProblem | null {
  if (draft.outcome === 'fixed' && draft.path === null) {
    return { field: 'path', message: 'Choose the path you took (Bootmend stick, WinRE or Safe Mode) before marking the machine fixed: the journal records how each PC was fixed.' };
  }
  if (draft.notes.length > 2000) return { field: 'notes', message: `Notes can be at most 2000 characters; these have ${draft.notes.length}.` };
  return null;
}

const FULL_KEY_ID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

/** A key ID as the journal keeps it (upper case, no braces), or null for a partial or unreadable one. */
export function fullKeyId(value: string | null | undefined): string | null {
  const id = (value ?? '').trim().replace(/^\{|\}$/g, '').toUpperCase();
  return FULL_KEY_ID.test(id) ? id : null;
}

/** The `machine.outcome` event for a checked draft. */
export function outcomeEvent(machine: Pick<MachineState, 'machineId' | 'machine'>, draft: OutcomeDraft): RecordEventRequest {
  const notes = draft.notes.trim();
  const keyId = fullKeyId(draft.keyId);
  const filesRemoved = [...new Set(draft.filesRemoved.map((file) => file.trim()).filter((file) => file !== ''))];
  return {
    type: 'machine.outcome',
    machineId: machine.machineId,
    machine: machine.machine,
    outcome: draft.outcome,
    ...(draft.path ? { path: draft.path } : {}),
    ...(notes ? { notes } : {}),
    filesRemoved,
    ...(keyId ? { keyId } : {}),
  };
}

export function canUndo(outcomeAtMs: number, nowMs: number): boolean {
  return nowMs - outcomeAtMs < UNDO_WINDOW_MS;
}

const STICK_OUTCOME: Record<MachineResult['outcome'], Outcome> = {
  fixed: 'fixed',
  nothing_to_do: 'nothing_to_do',
  // The stick cannot tell why; the helpdesk decides what comes next.
  needs_attention: 'escalated',
  failed: 'failed',
};

const STICK_PATH: Partial<Record<MachineResult['environment'], RecoveryPath>> = { winpe: 'winpe', winre: 'winre', safemode: 'safe_mode' };

export interface StickPrefill {
  outcome: Outcome;
  path: RecoveryPath | null;
  filesRemoved: string[];
  keyId: string | null;
}

/** What the outcome form starts with when fix.cmd's result for this machine was read back. */
export function prefillFromStick(result: MachineResult): StickPrefill {
  const filesRemoved = result.files.filter((file) => file.action === 'quarantined' || file.action === 'deleted').map((file) => file.path);
  const keyId = result.volumes.find((volume) => volume.bitlocker === 'unlocked-by-bootmend' && volume.keyId)?.keyId ?? null;
  return { outcome: STICK_OUTCOME[result.outcome], path: STICK_PATH[result.environment] ?? null, filesRemoved, keyId };
}

/**
 * Seconds worked on a machine at `nowMs`: what its events say (pauses excluded, up to its
 * last event), plus the time since then while it is being worked on.
 */
export function secondsWorkedAt(state: Pick<MachineState, 'status' | 'secondsWorked' | 'lastEventAt' | 'startedAt'>, nowMs: number): number {
  if (state.status !== 'in_progress' || !state.startedAt) return state.secondsWorked;
  const since = Date.parse(state.lastEventAt);
  return state.secondsWorked + (Number.isNaN(since) ? 0 : Math.max(0, Math.floor((nowMs - since) / 1000)));
}
