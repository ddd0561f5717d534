import { applyMachineEvent, machineState, type MachineEvent, type MachineFold } from '../../core/journal/machine-state.js';
import type { MachineState } from '../../core/journal/schemas.js';
import type { FileJournal, StoredEvent } from './journal.js';

/**
 * The journal's machines, kept in memory and brought up to date on every append (the journal
 * feeds its views in seq order), so listing 10,000 machines never rereads the file. Events are
 * checked against the core schema when they are written (main/journal/record.ts), so the load
 * trusts lines whose checksum holds and does not parse each one again.
 */
export class MachineIndex {
  private readonly folds = new Map<string, MachineFold>();
  private readonly states = new Map<string, MachineState>();
  private readonly timelines = new Map<string, StoredEvent[]>();
  /** machine.result_read's resultKey → the machine it was read for (a second read is a no-op). */
  private readonly resultKeys = new Map<string, string>();
  private ready: Promise<void> | null = null;

  constructor(readonly journal: FileJournal) {}

  /** Loads the journal once (later calls wait for the same load). */
  load(): Promise<void> {
    this.ready ??= this.journal.subscribe((event) => this.apply(event));
    return this.ready;
  }

  private apply(event: StoredEvent): void {
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
    timeline.push(event);
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

  timeline(machineId: string): readonly StoredEvent[] {
    return this.timelines.get(machineId) ?? [];
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
