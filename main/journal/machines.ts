import { applyMachineEvent, machineState, type MachineEvent, type MachineFold } from '../../core/journal/machine-state.js';
import type { MachineState } from '../../core/journal/schemas.js';
import type { FileJournal, PersistedView, StoredEvent } from './journal.js';

/**
 * The journal's machines, kept in memory and brought up to date on every append (the journal
 * feeds its views in seq order), so listing 10,000 machines never rereads the file. Events are
 * checked against the core schema when they are written (main/journal/record.ts), so the load
 * trusts lines whose checksum holds and does not parse each one again. The index is saved in
 * the journal's snapshot, so an open replays only the events after it.
 */
export class MachineIndex {
  private readonly folds = new Map<string, MachineFold>();
  private readonly states = new Map<string, MachineState>();
  /** A machine's events as positions in the journal (parsed when a timeline is asked for). */
  private readonly timelines = new Map<string, number[]>();
  /** machine.result_read's resultKey → the machine it was read for (a second read is a no-op). */
  private readonly resultKeys = new Map<string, string>();
  private ready: Promise<void> | null = null;

  constructor(readonly journal: FileJournal) {}

  /** Loads the journal once (later calls wait for the same load). */
  load(): Promise<void> {
    this.ready ??= this.journal.subscribe((event, position) => this.apply(event, position), this.persisted());
    return this.ready;
  }

  private persisted(): PersistedView {
    return {
      // v1: MachineFold as core/journal/machine-state.ts has it; bump when that shape changes.
      name: 'machines.v1',
      // A stick result is most of a fold's size: it is saved as the position of the event that holds it.
      save: () => ({ folds: [...this.folds].map(([id, fold]) => [id, this.foldToSave(id, fold)]), timelines: [...this.timelines], resultKeys: [...this.resultKeys] }),
      restore: (data) => {
        const saved = data as { folds?: unknown; timelines?: unknown; resultKeys?: unknown };
        if (!Array.isArray(saved.folds) || !Array.isArray(saved.timelines) || !Array.isArray(saved.resultKeys)) return false;
        const folds = saved.folds as [string, MachineFold][];
        const timelines = saved.timelines as [string, number[]][];
        const resultKeys = saved.resultKeys as [string, string][];
        const pairs = (list: unknown[]) => list.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string');
        if (!pairs(folds) || !pairs(timelines) || !pairs(resultKeys)) return false;
        if (!folds.every(([, f]) => typeof f === 'object' && f !== null && typeof f.machineId === 'string' && typeof f.lastSeq === 'number')) return false;
        if (!timelines.every(([, t]) => Array.isArray(t))) return false;
        const restored: [string, MachineFold][] = [];
        for (const [id, saved] of folds) {
          const { stickResultAt, ...fold } = saved as MachineFold & { stickResultAt?: number };
          if (typeof stickResultAt === 'number') {
            const event = this.journal.eventAt(stickResultAt);
            if (event.seq !== fold.stickResultSeq || typeof event.result !== 'object' || event.result === null) return false;
            fold.stickResult = event.result as MachineFold['stickResult'];
          }
          restored.push([id, fold]);
        }
        for (const [id, fold] of restored) this.folds.set(id, fold);
        for (const [id, positions] of timelines) this.timelines.set(id, positions);
        for (const [key, id] of resultKeys) this.resultKeys.set(key, id);
        return true;
      },
    };
  }

  private foldToSave(machineId: string, fold: MachineFold): MachineFold & { stickResultAt?: number } {
    if (fold.stickResult === null) return fold;
    const stickResultAt = (this.timelines.get(machineId) ?? []).find((p) => this.journal.seqAt(p) === fold.stickResultSeq);
    return stickResultAt === undefined ? fold : { ...fold, stickResult: null, stickResultAt };
  }

  private apply(event: StoredEvent, position: number): void {
    const machineId = event.machineId;
    if (typeof machineId !== 'string') return;
    const machineEvent = event.type.startsWith('machine.');
    if (!machineEvent && event.type !== 'key.revealed') return;
    // A reveal for a machine the journal does not know is only an audit record.
    if (!machineEvent && !this.folds.has(machineId)) return;
    const next = applyMachineEvent(this.folds.get(machineId), event as unknown as MachineEvent);
    if (!next) return;
    this.folds.set(machineId, next);
    this.states.delete(machineId);
    let timeline = this.timelines.get(machineId);
    if (!timeline) this.timelines.set(machineId, (timeline = []));
    timeline.push(position);
    if (event.type === 'machine.result_read' && typeof event.resultKey === 'string') this.resultKeys.set(event.resultKey, machineId);
  }

  state(machineId: string): MachineState | undefined {
    let state = this.states.get(machineId);
    if (!state) {
      const fold = this.folds.get(machineId);
      if (!fold) return undefined;
      state = machineState(fold);
      this.states.set(machineId, state);
    }
    return state;
  }

  /** Every machine, in the order each first appeared in the journal. */
  all(): MachineState[] {
    const out: MachineState[] = [];
    for (const id of this.folds.keys()) out.push(this.state(id)!);
    return out;
  }

  timeline(machineId: string): StoredEvent[] {
    return (this.timelines.get(machineId) ?? []).map((position) => this.journal.eventAt(position));
  }

  machineOfResult(resultKey: string): string | undefined {
    return this.resultKeys.get(resultKey);
  }
}

const indexes = new WeakMap<FileJournal, MachineIndex>();

/** The one machines index of a journal (like the journal itself, one per file per process). */
export function machinesOf(journal: FileJournal): MachineIndex {
  let index = indexes.get(journal);
  if (!index) indexes.set(journal, (index = new MachineIndex(journal)));
  return index;
}
