import type { HandlersOf } from '../../core/api/dispatcher.js';
import { BootmendError } from '../../core/errors.js';
import type { MachineIdentity } from '../../core/journal/schemas.js';
import type { keysContract } from '../../core/keys/contract.js';
import { machinesOf } from '../journal/machines.js';
import type { Services } from '../services/services.js';
import { backendConnection } from '../backend/connection.js';
import { keyCodes } from './codes.js';
import { revealFromEscrow } from './escrow.js';
import { graphSessionOf } from './graph-session.js';
import { ROTATION_ADVICE } from './reveal.js';
import { technicianName } from './technician.js';

export function keysHandlers(services: Services): HandlersOf<typeof keysContract> {
  const { vault, settings } = services;
  return {
    getVaultStatus: () => vault.status(),
    unlockVault: (request) => vault.unlock(request),
    lockVault: () => vault.lock(),
    importKeys: (request, ctx) =>
      vault.import(
        request,
        (done, total, message) => ctx.progress({ phase: 'importing', message, bytesDone: done, bytesTotal: total, speed: null, etaSeconds: null, fraction: total > 0 ? done / total : null }),
        ctx.signal,
      ),
    lookupKey: async ({ query }) => vault.lookup(query),
    revealKey: async ({ technician, ...request }) => {
      const identity = request.machineId === undefined ? undefined : await requireJournalMachine(services, request.machineId);
      const saved = technician === undefined ? (await settings.read()).technicianName : undefined;
      const revealed = await vault.reveal({ ...request, identity, technician: technicianName(technician, saved) });
      return { ...revealed, ...(await keyCodes(revealed.password)), rotationAdvice: ROTATION_ADVICE.join(' ') };
    },
    lookupEscrowKey: async ({ technician, ...request }) => {
      const identity = request.machineId === undefined ? undefined : await requireJournalMachine(services, request.machineId);
      const saved = technician === undefined ? (await settings.read()).technicianName : undefined;
      return revealFromEscrow(await backendConnection(services), services.journal, { ...request, identity, technician: technicianName(technician, saved) }, { fetchImpl: services.fetchImpl });
    },
    getGraphSignIn: async () => graphSessionOf(services).status(await settings.read()),
    startGraphSignIn: async (request) => graphSessionOf(services).start(await settings.read(), request),
    signOutGraph: async () => graphSessionOf(services).signOut(),
    findGraphKey: async ({ query }) => graphSessionOf(services).find(await settings.read(), query),
    lookupGraphKey: async ({ technician, ...request }) => {
      const identity = request.machineId === undefined ? undefined : await requireJournalMachine(services, request.machineId);
      const saved = await settings.read();
      return graphSessionOf(services).lookupAndReveal(saved, services.journal, { ...request, identity, technician: technicianName(technician, technician === undefined ? saved.technicianName : undefined) });
    },
    listRevealedKeys: ({ since }) => vault.revealedList(since === undefined ? {} : { since: utcSince(since) }),
    getVaultStats: () => vault.stats(),
    wipeVault: () => vault.wipe(),
  };
}

/** A reveal for a journal machine names one the journal has, so the audit event points at it and carries its identity. */
async function requireJournalMachine(services: Services, machineId: string): Promise<MachineIdentity> {
  const index = machinesOf(services.journal);
  await index.load();
  await services.journal.refresh();
  const state = index.state(machineId);
  if (!state) throw new BootmendError('NOT_FOUND', 'The journal has no machine with this id; the reveal was not made.', { field: 'machineId' });
  return state.machine;
}

/**
 * The journal compares times as text in UTC ("2024-07-20T08:00:00.000Z"): a date stays as it
 * is (its midnight, UTC); a time becomes that form, read as UTC when it names no offset.
 */
function utcSince(since: string): string {
  const time = since.includes('T');
  const zoned = !time || /(?:Z|[+-]\d{2}:?\d{2})$/.test(since) ? since : `${since}Z`;
  const ms = Date.parse(zoned);
  if (Number.isNaN(ms)) throw new BootmendError('INVALID_INPUT', 'Since must be an ISO date or time like 2024-07-20 or 2024-07-20T08:00:00Z.', { field: 'since' });
  return time ? new Date(ms).toISOString() : since;
}
