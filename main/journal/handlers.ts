import type { HandlersOf } from '../../core/api/dispatcher.js';
import { BootmendError } from '../../core/errors.js';
import type { journalContract } from '../../core/journal/contract.js';
import { MachineStatusSchema, type MachineState, type MachineStatus } from '../../core/journal/schemas.js';
import { technicianName } from '../keys/technician.js';
import type { Services } from '../services/services.js';
import { exportJournal } from './export.js';
import { ingestResults } from './ingest.js';
import { machinesOf } from './machines.js';
import { recordEvent } from './record.js';
import { findSticks, systemMounts, type MountLister } from './sticks.js';

export interface JournalHandlerOptions {
  /** Where plugged-in media are mounted (systeminformation's; a test names folders instead). */
  listMounts?: MountLister;
}

function matches(state: MachineState, site: string | undefined, q: string | undefined): boolean {
  if (site !== undefined && (state.machine.site ?? '').toLowerCase() !== site) return false;
  if (q === undefined) return true;
  const { hostname, serial, assetTag } = state.machine;
  return [hostname, serial, assetTag].some((v) => v !== undefined && v.toLowerCase().includes(q));
}

export function journalHandlers(services: Services, options: JournalHandlerOptions = {}): HandlersOf<typeof journalContract> {
  const { journal, settings } = services;
  const index = machinesOf(journal);
  const technician = async (requested?: string): Promise<string> => technicianName(requested, requested === undefined ? (await settings.read()).technicianName : undefined);
  return {
    recordEvent: async (request) => recordEvent(journal, request, await technician(request.technician)),
    listMachines: async ({ status, site, q }) => {
      await index.load();
      const { damaged } = await journal.refresh();
      const siteKey = site?.trim().toLowerCase() || undefined;
      const query = q?.trim().toLowerCase() || undefined;
      const wanted = status && status.length > 0 ? new Set<MachineStatus>(status) : null;
      const counts = Object.fromEntries(MachineStatusSchema.options.map((s) => [s, 0])) as Record<MachineStatus, number>;
      const sites = new Set<string>();
      const machines: MachineState[] = [];
      for (const state of index.all()) {
        if (state.machine.site) sites.add(state.machine.site);
        if (!matches(state, siteKey, query)) continue;
        // Counts follow the site and the search but not the status filter, so each status shows what choosing it would list.
        counts[state.status] += 1;
        if (!wanted || wanted.has(state.status)) machines.push(state);
      }
      return { machines, counts, sites: [...sites].sort((a, b) => a.localeCompare(b)), damagedLines: damaged.length };
    },
    getMachine: async ({ machineId }) => {
      await index.load();
      await journal.refresh(); // catch up with other processes' appends
      const state = index.state(machineId);
      if (!state) throw new BootmendError('NOT_FOUND', 'The journal has no machine with this id.', { field: 'machineId' });
      return { state, events: index.timeline(machineId).map((e) => ({ ...e })) };
    },
    ingestResults: async ({ path }, ctx) =>
      ingestResults(journal, path, await technician(), {
        signal: ctx.signal,
        progress: (done, total, file) =>
          ctx.progress({ phase: 'reading', message: file ? `Reading ${file}` : 'Read every result file', bytesDone: done, bytesTotal: total, speed: null, etaSeconds: null, fraction: total > 0 ? done / total : 1 }),
      }),
    exportJournal: async (request) => exportJournal(journal, request),
    listSticks: async () => ({ sticks: await findSticks(options.listMounts ?? systemMounts) }),
  };
}
