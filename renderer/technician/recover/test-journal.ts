import type { MethodInput, MethodOutput } from '../../../core/api/contract.js';
import { BootmendError } from '../../../core/errors.js';
import {
  MachineStatusSchema,
  RecordEventRequestSchema,
  RecoveryEventSchema,
  type MachineState,
  type MachineStatus,
  type RecoveryEvent,
} from '../../../core/journal/schemas.js';
import type { FakeHandlers } from '../../state/fake-client.js';

/*
 * For the Recover screen's unit tests: an in-memory journal answering recordEvent,
 * listMachines and getMachine through the typed fake client, deriving each machine's state
 * from its events as the contract describes (core/journal/schemas.ts). The real journal is
 * main/journal's; this one only lets the store and views be tested before and beside it.
 */

export interface TestJournal {
  handlers: FakeHandlers;
  events: RecoveryEvent[];
  /** Moves the journal's clock (events are stamped with it). */
  setNow(ms: number): void;
  state(machineId: string): MachineState;
}

function derive(events: RecoveryEvent[]): MachineState {
  const first = events[0]!;
  let state: MachineState = {
    machineId: first.machineId,
    machine: first.machine,
    status: 'pending',
    path: null,
    stepsConfirmed: [],
    technician: first.technician,
    addedAt: first.at,
    startedAt: null,
    endedAt: null,
    secondsWorked: 0,
    outcome: null,
    outcomeEventId: null,
    notes: null,
    filesRemoved: [],
    keyIdUsed: null,
    stickResult: null,
    lastEventAt: first.at,
    eventCount: 0,
  };
  let workingSince: number | null = null;
  const stop = (at: number): void => {
    if (workingSince !== null) state.secondsWorked += Math.max(0, Math.floor((at - workingSince) / 1000));
    workingSince = null;
  };
  const outcomes = new Map<string, MachineStatus>();
  for (const event of events) {
    const at = Date.parse(event.at);
    state = { ...state, machine: event.machine, lastEventAt: event.at, eventCount: state.eventCount + 1 };
    switch (event.type) {
      case 'machine.path_chosen':
        if (state.path !== event.path) state.stepsConfirmed = [];
        state.path = event.path;
        state.startedAt ??= event.at;
        state.status = 'in_progress';
        workingSince ??= at;
        break;
      case 'machine.step_confirmed':
        if (!state.stepsConfirmed.includes(event.step)) state.stepsConfirmed = [...state.stepsConfirmed, event.step];
        break;
      case 'machine.paused':
        stop(at);
        state.status = 'paused';
        break;
      case 'machine.resumed':
        state.status = state.path ? 'in_progress' : 'pending';
        if (state.path) workingSince = at;
        break;
      case 'machine.outcome':
        stop(at);
        outcomes.set(event.id, event.outcome);
        state = { ...state, status: event.outcome, outcome: event.outcome, outcomeEventId: event.id, endedAt: event.at, notes: event.notes ?? null, filesRemoved: event.filesRemoved, keyIdUsed: event.keyId ?? null };
        break;
      case 'machine.outcome_undone':
        if (state.outcomeEventId === event.undoes) {
          state = { ...state, status: state.path ? 'in_progress' : 'pending', outcome: null, outcomeEventId: null, endedAt: null, notes: null, filesRemoved: [], keyIdUsed: null };
          if (state.path) workingSince = at;
        }
        break;
      case 'machine.result_read':
        state.stickResult = event.result;
        break;
      default:
        break;
    }
  }
  if (workingSince !== null) stop(Date.parse(state.lastEventAt));
  return state;
}

export function testJournal(options: { technician?: string; now?: number } = {}): TestJournal {
  const events: RecoveryEvent[] = [];
  let now = options.now ?? Date.parse('2024-07-19T08:00:00.000Z');
  let counter = 0;
  const uuid = (): string => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
  const machineEvents = (machineId: string): RecoveryEvent[] => events.filter((event) => event.machineId === machineId);
  const state = (machineId: string): MachineState => {
    const own = machineEvents(machineId);
    if (own.length === 0) throw new BootmendError('NOT_FOUND', `No machine ${machineId} in the journal.`);
    return derive(own);
  };
  const machineIds = (): string[] => [...new Set(events.map((event) => event.machineId))];

  const recordEvent = (input: MethodInput<'recordEvent'>): MethodOutput<'recordEvent'> => {
    const request = RecordEventRequestSchema.parse(input);
    if (request.id && events.some((event) => event.id === request.id)) {
      const saved = events.find((event) => event.id === request.id)!;
      return { saved: false, event: saved, state: state(saved.machineId) };
    }
    const machineId = request.type === 'machine.added' ? (request.machineId ?? uuid()) : request.machineId;
    if (!machineId) throw new BootmendError('INVALID_INPUT', 'machineId is needed for this event.', { field: 'machineId' });
    const known = machineEvents(machineId);
    if (request.type !== 'machine.added' && known.length === 0) throw new BootmendError('NOT_FOUND', `No machine ${machineId} in the journal.`);
    const machine = request.machine ?? known.at(-1)?.machine;
    if (!machine) throw new BootmendError('INVALID_INPUT', 'A new machine needs its identity.', { field: 'machine' });
    const event = RecoveryEventSchema.parse({
      ...request,
      id: request.id ?? uuid(),
      seq: events.length + 1,
      at: new Date(now).toISOString(),
      technician: request.technician ?? options.technician ?? 'Ana Lopez',
      machineId,
      machine,
    });
    events.push(event);
    return { saved: true, event, state: state(machineId) };
  };

  const handlers: FakeHandlers = {
    recordEvent,
    listMachines: (input) => {
      const all = machineIds().map(state);
      const statuses = input.status;
      const q = input.q?.trim().toLowerCase() ?? '';
      const machines = all.filter(
        (m) =>
          (!statuses || statuses.includes(m.status)) &&
          (!input.site || m.machine.site === input.site) &&
          (q === '' || [m.machine.hostname, m.machine.serial, m.machine.assetTag].some((v) => v?.toLowerCase().includes(q))),
      );
      const counts = Object.fromEntries(MachineStatusSchema.options.map((status) => [status, all.filter((m) => m.status === status).length])) as Record<MachineStatus, number>;
      const sites = [...new Set(all.map((m) => m.machine.site).filter((site): site is string => Boolean(site)))].sort();
      return { machines, counts, sites, damagedLines: 0 };
    },
    getMachine: (input) => ({ state: state(input.machineId), events: machineEvents(input.machineId) as unknown as Record<string, unknown>[] }),
  };

  return {
    handlers,
    events,
    setNow: (ms) => {
      now = ms;
    },
    state,
  };
}
