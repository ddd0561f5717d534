import { deriveMachineStates } from './machine-state.js';
import { RecoveryEventSchema, type MachineIdentity, type MachineState } from './schemas.js';

/*
 * For tests of anything that shows or filters machines: a machine as the journal derives it
 * right after it was added (the real rules of machine-state.ts), with the fields a test cares
 * about changed. Not used by the app itself.
 */

export const FIXTURE_ADDED_AT = '2024-07-19T08:00:00.000Z';

/** A journal machine just added: pending, no path, by Ana Lopez at FIXTURE_ADDED_AT; `overrides` on top. */
export function machineStateFixture(overrides: Partial<MachineState> = {}): MachineState {
  const machineId = overrides.machineId ?? '00000000-0000-4000-8000-000000000001';
  const machine: MachineIdentity = overrides.machine ?? { hostname: 'PC-1' };
  const added = RecoveryEventSchema.parse({ type: 'machine.added', source: 'typed', id: '00000000-0000-4000-8000-0000000000a1', seq: 1, at: overrides.addedAt ?? FIXTURE_ADDED_AT, technician: overrides.technician ?? 'Ana Lopez', machineId, machine });
  return { ...deriveMachineStates([added]).get(machineId)!, ...overrides };
}
