import type { MachineResult } from '../playbooks/machine-result.js';
import type {
  KeyRevealedAudit,
  MachineIdentity,
  MachineState,
  MachineStatus,
  Outcome,
  RecoveryEvent,
  RecoveryEventBody,
  RecoveryPath,
} from './schemas.js';

/**
 * A machine's state is derived from its events alone, replayed in the order the journal
 * saved them (`seq`): never from a field someone wrote into a row. The same events in any
 * array order give the same state, and applying them one at a time (the journal's in-memory
 * index, on every append) gives the same state as deriving them all at once.
 *
 * The fold tolerates events that break the rules (a synced event from another laptop, an
 * undo of an outcome that is no longer current): it skips what makes no sense rather than
 * throwing, because a journal that cannot be opened loses more than one odd event.
 * The rules are enforced before an event is written, by `refuseEvent`.
 */

/** What the derivation reads: the recovery events and the reveal audit events that name a machine. */
export type MachineEvent = RecoveryEvent | KeyRevealedAudit;

type Activity = 'pending' | 'in_progress' | 'paused';

interface OutcomeEntry {
  eventId: string;
  at: string;
  technician: string;
  outcome: Outcome;
  path: RecoveryPath | undefined;
  notes: string | undefined;
  filesRemoved: string[];
  keyId: string | undefined;
}

/** The fold's working state; `machineState()` turns it into the contract's MachineState. */
export interface MachineFold {
  machineId: string;
  machine: MachineIdentity;
  activity: Activity;
  chosenPath: RecoveryPath | null;
  stepsByPath: Partial<Record<RecoveryPath, number[]>>;
  /** Outcomes still standing, oldest first; an undo takes the last one back. */
  outcomes: OutcomeEntry[];
  technician: string;
  addedAt: string;
  startedAt: string | null;
  timerRunning: boolean;
  workedMs: number;
  /** The time up to which workedMs is counted (the last event's time). */
  countedUntil: number;
  stickResult: MachineResult | null;
  stickResultSeq: number;
  keyIdRevealed: string | null;
  lastEventAt: string;
  lastSeq: number;
  eventCount: number;
}

/** fix.cmd's environment word to the journal's path. */
export function pathOfEnvironment(environment: MachineResult['environment']): RecoveryPath | null {
  if (environment === 'winpe') return 'winpe';
  if (environment === 'winre') return 'winre';
  if (environment === 'safemode') return 'safe_mode';
  return null;
}

/** Files fix.cmd took off the machine (quarantined or deleted), as full paths. */
export function filesRemovedByResult(result: MachineResult): string[] {
  return result.files.filter((f) => f.action === 'quarantined' || f.action === 'deleted').map((f) => f.path);
}

/** The key ID of a volume fix.cmd found BitLocker-protected (the one a password was typed for). */
export function keyIdOfResult(result: MachineResult): string | null {
  return result.volumes.find((v) => v.keyId !== null)?.keyId ?? null;
}

function isRecoveryEvent(event: MachineEvent): event is RecoveryEvent {
  return event.type.startsWith('machine.');
}

function newFold(event: MachineEvent & { machineId: string }): MachineFold {
  const identity: MachineIdentity = isRecoveryEvent(event) ? event.machine : { hostname: event.machine.slice(0, 63) || 'unknown' };
  return {
    machineId: event.machineId,
    machine: identity,
    activity: 'pending',
    chosenPath: null,
    stepsByPath: {},
    outcomes: [],
    technician: event.technician,
    addedAt: event.at,
    startedAt: null,
    timerRunning: false,
    workedMs: 0,
    countedUntil: Date.parse(event.at),
    stickResult: null,
    stickResultSeq: 0,
    keyIdRevealed: null,
    lastEventAt: event.at,
    lastSeq: 0,
    eventCount: 0,
  };
}

function startTimer(fold: MachineFold, at: string): void {
  if (fold.startedAt === null) fold.startedAt = at;
  fold.timerRunning = true;
}

/**
 * Applies one event to a machine's fold (creating it when `fold` is undefined) and returns it.
 * Events must come in seq order; one with a seq not above the last applied is ignored, so a
 * replay or a duplicate delivery changes nothing.
 */
export function applyMachineEvent(fold: MachineFold | undefined, event: MachineEvent): MachineFold | undefined {
  if (event.machineId === undefined) return fold;
  if (fold && event.seq <= fold.lastSeq) return fold;
  const f = fold ?? newFold({ ...event, machineId: event.machineId });
  const time = Date.parse(event.at);
  // Time counts while the timer runs, up to each event; a clock set back counts nothing.
  if (f.timerRunning && Number.isFinite(time) && time > f.countedUntil) f.workedMs += time - f.countedUntil;
  if (Number.isFinite(time) && time > f.countedUntil) f.countedUntil = time;
  f.lastEventAt = event.at;
  f.lastSeq = event.seq;
  f.eventCount += 1;

  if (!isRecoveryEvent(event)) {
    f.keyIdRevealed = event.keyId;
    return f;
  }
  if (event.type !== 'machine.result_read') f.technician = event.technician;
  const open = f.outcomes.length === 0;
  switch (event.type) {
    case 'machine.added':
      f.machine = event.machine;
      f.addedAt = event.at;
      break;
    case 'machine.identity_changed':
      f.machine = event.machine;
      break;
    case 'machine.path_chosen':
      f.chosenPath = event.path;
      if (open) {
        f.activity = 'in_progress';
        startTimer(f, event.at);
      }
      break;
    case 'machine.step_confirmed': {
      const steps = f.stepsByPath[event.path] ?? [];
      if (!steps.includes(event.step)) f.stepsByPath[event.path] = [...steps, event.step].sort((a, b) => a - b);
      if (f.chosenPath === null) f.chosenPath = event.path;
      if (open) {
        f.activity = 'in_progress';
        startTimer(f, event.at);
      }
      break;
    }
    case 'machine.paused':
      if (open && f.activity !== 'paused') {
        f.activity = 'paused';
        f.timerRunning = false;
      }
      break;
    case 'machine.resumed':
      if (open && f.activity === 'paused') {
        f.activity = f.startedAt === null ? 'pending' : 'in_progress';
        f.timerRunning = f.startedAt !== null;
      }
      break;
    case 'machine.outcome':
      f.outcomes.push({
        eventId: event.id,
        at: event.at,
        technician: event.technician,
        outcome: event.outcome,
        path: event.path,
        notes: event.notes,
        filesRemoved: event.filesRemoved,
        keyId: event.keyId,
      });
      if (event.path !== undefined && f.chosenPath === null) f.chosenPath = event.path;
      f.timerRunning = false;
      break;
    case 'machine.outcome_undone': {
      const current = f.outcomes.at(-1);
      if (current?.eventId !== event.undoes) break;
      f.outcomes.pop();
      // Back to work: the timer runs again from the undo when it ran before the outcome.
      if (f.outcomes.length === 0 && f.activity === 'in_progress') f.timerRunning = true;
      break;
    }
    case 'machine.result_read':
      if (f.stickResult === null || event.result.endedAt >= f.stickResult.endedAt) {
        f.stickResult = event.result;
        f.stickResultSeq = event.seq;
      }
      break;
  }
  return f;
}

const CLOSED: readonly MachineStatus[] = ['fixed', 'nothing_to_do'];
const FOR_HELPDESK: readonly MachineStatus[] = ['needs_reimage', 'escalated'];

/** Who a machine in this status still waits for (see MachineStateSchema.openFor). */
export function openFor(status: MachineStatus): 'technician' | 'helpdesk' | null {
  if (CLOSED.includes(status)) return null;
  return FOR_HELPDESK.includes(status) ? 'helpdesk' : 'technician';
}

/** The contract's view of a fold (a new object; the fold stays the journal's). */
export function machineState(f: MachineFold): MachineState {
  const outcome = f.outcomes.at(-1) ?? null;
  const status: MachineStatus = outcome ? outcome.outcome : f.activity;
  const stick = f.stickResult;
  const path = f.chosenPath ?? outcome?.path ?? null;
  const outcomeFiles = outcome?.filesRemoved ?? [];
  return {
    machineId: f.machineId,
    machine: f.machine,
    status,
    path,
    stepsConfirmed: path === null ? [] : [...(f.stepsByPath[path] ?? [])],
    technician: outcome?.technician ?? f.technician,
    addedAt: f.addedAt,
    startedAt: f.startedAt,
    endedAt: outcome?.at ?? null,
    secondsWorked: Math.floor(f.workedMs / 1000),
    outcome: outcome?.outcome ?? null,
    outcomeEventId: outcome?.eventId ?? null,
    notes: outcome?.notes ?? null,
    // What the stick says pre-fills what the technician did not say.
    filesRemoved: outcomeFiles.length > 0 ? [...outcomeFiles] : stick ? filesRemovedByResult(stick) : [],
    keyIdUsed: outcome?.keyId ?? f.keyIdRevealed ?? (stick ? keyIdOfResult(stick) : null),
    stickResult: stick,
    lastEventAt: f.lastEventAt,
    eventCount: f.eventCount,
    openFor: openFor(status),
    timerRunning: f.timerRunning,
    keyIdRevealed: f.keyIdRevealed,
  };
}

/** Every machine's state from a set of events, in any array order (replayed by seq). */
export function deriveMachineStates(events: readonly MachineEvent[]): Map<string, MachineState> {
  const folds = foldMachines(events);
  const states = new Map<string, MachineState>();
  for (const [id, fold] of folds) states.set(id, machineState(fold));
  return states;
}

export function foldMachines(events: readonly MachineEvent[]): Map<string, MachineFold> {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const folds = new Map<string, MachineFold>();
  for (const event of sorted) {
    if (event.machineId === undefined) continue;
    // A reveal for a machine the journal does not know names no machine to fold into.
    if (!folds.has(event.machineId) && !isRecoveryEvent(event)) continue;
    const next = applyMachineEvent(folds.get(event.machineId), event);
    if (next) folds.set(event.machineId, next);
  }
  return folds;
}

// ---------------------------------------------------------------------------------------

export const PATH_WORDS: Record<RecoveryPath, string> = { winpe: 'the Bootmend stick (WinPE)', winre: 'the WinRE command prompt', safe_mode: 'Safe Mode' };
export const STATUS_WORDS: Record<MachineStatus, string> = {
  pending: 'not started',
  in_progress: 'in progress',
  paused: 'paused',
  fixed: 'fixed',
  nothing_to_do: 'nothing to do',
  needs_reimage: 'needs reimage',
  escalated: 'escalated',
  failed: 'failed',
};

export interface Refusal {
  code: 'INVALID_INPUT' | 'NOT_FOUND';
  message: string;
  field?: string;
}

/**
 * The outcome rules and the walkthrough's order, checked before an event is written. Answers
 * the sentence a technician reads, or null when the event may be recorded. `state` is the
 * machine as its events make it now (undefined: the journal has no such machine).
 */
export function refuseEvent(state: MachineState | undefined, body: RecoveryEventBody, machineIdGiven: boolean): Refusal | null {
  if (body.type === 'machine.added') {
    if (state) return { code: 'INVALID_INPUT', message: `The journal already has a machine with this id (${state.machine.hostname}).`, field: 'machineId' };
    return null;
  }
  if (!state) {
    return machineIdGiven
      ? { code: 'NOT_FOUND', message: 'The journal has no machine with this id; add the machine first.', field: 'machineId' }
      : { code: 'INVALID_INPUT', message: `A ${body.type} event needs the machineId of a machine in the journal.`, field: 'machineId' };
  }
  const name = state.machine.hostname;
  switch (body.type) {
    case 'machine.step_confirmed':
      if (state.path !== null && state.path !== body.path) {
        return { code: 'INVALID_INPUT', message: `${name} is on the path through ${PATH_WORDS[state.path]}; choose ${PATH_WORDS[body.path]} before confirming its steps.`, field: 'path' };
      }
      return null;
    case 'machine.paused':
      if (state.outcome !== null) return { code: 'INVALID_INPUT', message: `${name} already has an outcome (${STATUS_WORDS[state.outcome]}); there is nothing to pause.` };
      if (state.status === 'paused') return { code: 'INVALID_INPUT', message: `${name} is already paused.` };
      return null;
    case 'machine.resumed':
      if (state.status !== 'paused') return { code: 'INVALID_INPUT', message: `${name} is not paused (it is ${STATUS_WORDS[state.status]}).` };
      return null;
    case 'machine.outcome':
      if (body.outcome === 'fixed' && state.path === null && body.path === undefined && state.stickResult?.outcome !== 'fixed') {
        return {
          code: 'INVALID_INPUT',
          message: `${name} cannot be recorded as fixed before a recovery path is chosen (Bootmend stick, WinRE or Safe Mode) or a stick result says it was fixed.`,
          field: 'outcome',
        };
      }
      return null;
    case 'machine.outcome_undone':
      if (state.outcomeEventId !== body.undoes) {
        return {
          code: 'INVALID_INPUT',
          message:
            state.outcomeEventId === null
              ? `${name} has no outcome to undo.`
              : `Only ${name}'s latest outcome (${STATUS_WORDS[state.status]}) can be undone.`,
          field: 'undoes',
        };
      }
      return null;
    default:
      return null;
  }
}
