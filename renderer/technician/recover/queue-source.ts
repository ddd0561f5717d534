import type { MachineIdentity, MachineState, MachineStatus } from '../../../core/journal/schemas.js';
import { sameMachine } from '../../../core/recover/queue.js';
import type { FleetList } from '../../../core/recover/schemas.js';
import type { ApiClient } from '../../api/client.js';

/**
 * Where the queue's machines come from. The journal is always one source (machines typed,
 * scanned or read from sticks on this laptop); the backend's fleet list plugs in as another:
 * its machines show in the queue and are added to the journal (source `fleet`) when opened.
 */
export interface QueueFilter {
  site: string | null;
  /** Hostname, asset tag or serial, any part. */
  text: string;
}

/** A machine a source offers that the journal does not hold yet. */
export interface OfferedMachine {
  /** Stable within its source, for list keys. */
  key: string;
  identity: MachineIdentity;
}

export interface SourceList {
  /** Machines with a journal state. */
  machines: MachineState[];
  /** Machines to add on opening (a fleet list), not yet in the journal. */
  offered: OfferedMachine[];
  sites: string[];
  counts: Partial<Record<MachineStatus, number>>;
  /** Journal lines that failed their checksum (a torn tail after a crash). */
  damagedLines: number;
}

export interface QueueSource {
  readonly id: string;
  list(client: ApiClient, filter: QueueFilter): Promise<SourceList>;
}

/** This laptop's journal: every machine with its derived state. */
export const journalSource: QueueSource = {
  id: 'journal',
  async list(client, filter) {
    const answer = await client.call('listMachines', { ...(filter.site ? { site: filter.site } : {}) });
    return { machines: answer.machines, offered: [], sites: answer.sites, counts: answer.counts, damagedLines: answer.damagedLines };
  },
};

/**
 * The backend's fleet list of a site, as last pulled (`pullFleetList`): its machines are offered
 * until opened. Listing it asks nothing of the network, so the queue reads as fast offline; a
 * new pull replaces it.
 */
export function fleetSource(list: FleetList): QueueSource {
  const offered = list.machines.map((machine) => ({ key: `fleet:${machine.backendId}`, identity: machine.identity }));
  const sites = [...new Set(list.machines.flatMap((machine) => (machine.identity.site ? [machine.identity.site] : [])))];
  return {
    id: 'fleet',
    list: async () => ({ machines: [], offered, sites, counts: {}, damagedLines: 0 }),
  };
}

/**
 * The sources' lists as one: machines by id; offers only for machines the journal does not
 * hold and each machine offered once (same hostname, serial or asset tag = same machine).
 */
export function mergeLists(lists: SourceList[]): SourceList {
  const machines = new Map<string, MachineState>();
  for (const list of lists) for (const machine of list.machines) machines.set(machine.machineId, machine);
  const known: MachineIdentity[] = [...machines.values()].map((m) => m.machine);
  const offered: OfferedMachine[] = [];
  for (const offer of lists.flatMap((list) => list.offered)) {
    if (known.some((identity) => sameMachine(identity, offer.identity))) continue;
    known.push(offer.identity);
    offered.push(offer);
  }
  const counts: Partial<Record<MachineStatus, number>> = {};
  for (const list of lists) for (const [status, count] of Object.entries(list.counts) as [MachineStatus, number][]) counts[status] = (counts[status] ?? 0) + count;
  return {
    machines: [...machines.values()],
    offered,
    sites: [...new Set(lists.flatMap((list) => list.sites))].sort(),
    counts,
    damagedLines: lists.reduce((sum, list) => sum + list.damagedLines, 0),
  };
}
