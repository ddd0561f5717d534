import type { MethodInput, MethodOutput } from '../../../core/api/contract.js';
import { BootmendError } from '../../../core/errors.js';
import { deriveMachineStates } from '../../../core/journal/machine-state.js';
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
 * from its events with the journal's own rules (core/journal/machine-state.ts). The real
 * journal is main/journal's (a file on disk); this one lets the store be tested without it.
 */

export interface TestJournal {
  handlers: FakeHandlers;
  events: RecoveryEvent[];
  /** Moves the journal's clock (events are stamped with it). */
  setNow(ms: number): void;
  state(machineId: string): MachineState;
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
    return deriveMachineStates(own).get(machineId)!;
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
