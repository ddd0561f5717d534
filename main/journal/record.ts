import { uuidv7 } from '../../core/uuid7.js';
import type { z } from 'zod';
import { BootmendError } from '../../core/errors.js';
import { refuseEvent } from '../../core/journal/machine-state.js';
import { RecoveryEventSchema, type MachineState, type RecordEventRequestSchema, type RecoveryEvent } from '../../core/journal/schemas.js';
import type { FileJournal } from './journal.js';
import { machinesOf } from './machines.js';

export type RecordRequest = z.output<typeof RecordEventRequestSchema>;

export interface Recorded {
  saved: boolean;
  event: RecoveryEvent;
  state: MachineState;
}

/**
 * Records one recovery event: fills in the id, machine id, time and identity, checks the
 * outcome rules and the walkthrough's order against the machine as it is now, validates the
 * whole event with the core schema, and answers only once it is fsync'd. The same id again
 * answers the event saved the first time (`saved: false`), so a retry after a lost answer
 * never records twice.
 */
export async function recordEvent(journal: FileJournal, request: RecordRequest, technician: string, now: () => Date = () => new Date()): Promise<Recorded> {
  const index = machinesOf(journal);
  await index.load();
  const { id: requestedId, technician: _technician, machineId: requestedMachineId, machine: requestedMachine, ...body } = request;
  const id = requestedId ?? uuidv7();
  const outcome = await journal.appendChecked<Recorded>(() => {
    const existing = journal.peek(id);
    if (existing) return { existing: answerFor(existing as unknown as RecoveryEvent, index.state(String(existing.machineId))) };
    const machineId = requestedMachineId ?? (body.type === 'machine.added' ? uuidv7() : undefined);
    const state = machineId === undefined ? undefined : index.state(machineId);
    const refusal = refuseEvent(state, body, requestedMachineId !== undefined);
    if (refusal) throw new BootmendError(refusal.code, refusal.message, refusal.field === undefined ? undefined : { field: refusal.field });
    const machine = requestedMachine ?? state?.machine;
    if (!machine) throw new BootmendError('INVALID_INPUT', 'A new machine needs its identity: at least a hostname (serial, asset tag and site when known).', { field: 'machine' });
    if (body.type === 'machine.identity_changed' && !requestedMachine) {
      throw new BootmendError('INVALID_INPUT', 'An identity change needs the machine\u2019s new identity.', { field: 'machine' });
    }
    const candidate = { id, seq: 1, at: now().toISOString(), technician, machineId, machine, ...body };
    const checked = RecoveryEventSchema.safeParse(candidate);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new BootmendError('INVALID_INPUT', `The event is not valid: ${issue?.path.join('.') || 'event'}: ${issue?.message ?? 'invalid'}.`, issue?.path.length ? { field: issue.path.join('.') } : undefined);
    }
    const { seq: _seq, ...event } = checked.data;
    return { event };
  });
  if (!outcome.saved && 'existing' in outcome) return outcome.existing;
  const stored = outcome.event as unknown as RecoveryEvent;
  return answerFor(stored, index.state(stored.machineId), outcome.saved);
}

function answerFor(event: RecoveryEvent, state: MachineState | undefined, saved = false): Recorded {
  if (!state) throw new BootmendError('INVALID_INPUT', `Event ${event.id} is already in the journal and is not a recovery event of a machine; use a new id.`, { field: 'id' });
  return { saved, event, state };
}
