import { create } from 'zustand';
import type { IngestSummary, MachineDetail, MachineList, MachineStatus } from '../../../core/journal/schemas.js';
import type { ApiClient } from '../../api/client.js';
import { describeError } from '../../state/errors.js';
import { IDLE_JOB, jobRunner, type JobState } from '../../state/job.js';

/**
 * The Journal screen: every machine the journal knows (filtered by status, site and a search
 * that runs on the privileged side), one machine's timeline, exports, and reading results
 * from a stick. The list is refreshed after every change and on a timer (the Recover screen
 * and the CLI write to the same journal).
 */

export type StatusFilter = 'all' | 'open' | MachineStatus;
export type ExportKind = 'csv' | 'json' | 'events';

/** What "open" lists: machines still waiting for someone. */
export const OPEN_STATUSES: MachineStatus[] = ['pending', 'in_progress', 'paused', 'needs_reimage', 'escalated', 'failed'];

export interface Filters {
  status: StatusFilter;
  site: string;
  q: string;
}

interface JournalState {
  list: MachineList | null;
  listError: string | null;
  filters: Filters;
  selectedId: string | null;
  detail: MachineDetail | null;
  detailError: string | null;
  exporting: ExportKind | null;
  exportError: string | null;
  stickPath: string;
  sticks: { path: string; label: string | null; resultFiles: number }[] | null;
  ingest: JobState<IngestSummary, 'path'>;

  refresh(client: ApiClient): Promise<void>;
  setFilters(client: ApiClient, change: Partial<Filters>): void;
  select(client: ApiClient, machineId: string | null): Promise<void>;
  exportAs(client: ApiClient, kind: ExportKind, save: (fileName: string, text: string, type: string) => void): Promise<void>;
  findSticks(client: ApiClient): Promise<void>;
  setStickPath(path: string): void;
  readStick(client: ApiClient, path: string): Promise<void>;
}

function listInput(filters: Filters): { status?: MachineStatus[]; site?: string; q?: string } {
  const status = filters.status === 'all' ? undefined : filters.status === 'open' ? OPEN_STATUSES : [filters.status];
  return {
    ...(status ? { status } : {}),
    ...(filters.site ? { site: filters.site } : {}),
    ...(filters.q.trim() ? { q: filters.q.trim() } : {}),
  };
}

let searchTimer: ReturnType<typeof setTimeout> | null = null;
let listRequest = 0;

export const useJournal = create<JournalState>()((set, get) => {
  const ingestJob = jobRunner<JournalState, IngestSummary, 'path'>({ set, get, read: (s) => s.ingest, write: (ingest) => ({ ingest }), fields: ['path'] });
  return {
    list: null,
    listError: null,
    filters: { status: 'all', site: '', q: '' },
    selectedId: null,
    detail: null,
    detailError: null,
    exporting: null,
    exportError: null,
    stickPath: '',
    sticks: null,
    ingest: IDLE_JOB,

    async refresh(client) {
      const request = (listRequest += 1);
      try {
        const list = await client.call('listMachines', listInput(get().filters));
        // An older answer arriving after a newer one (typing fast) must not win.
        if (request === listRequest) set({ list, listError: null });
      } catch (error) {
        if (request === listRequest) set({ listError: describeError(error) });
      }
      const { selectedId } = get();
      if (selectedId) await get().select(client, selectedId);
    },

    setFilters(client, change) {
      set({ filters: { ...get().filters, ...change } });
      if (searchTimer) clearTimeout(searchTimer);
      // Typing in the search waits for a pause; a filter button answers at once.
      searchTimer = setTimeout(() => void get().refresh(client), change.q === undefined ? 0 : 150);
    },

    async select(client, machineId) {
      if (machineId === null) {
        set({ selectedId: null, detail: null, detailError: null });
        return;
      }
      set({ selectedId: machineId, ...(get().detail?.state.machineId === machineId ? {} : { detail: null }), detailError: null });
      try {
        const detail = await client.call('getMachine', { machineId });
        if (get().selectedId === machineId) set({ detail });
      } catch (error) {
        if (get().selectedId === machineId) set({ detailError: describeError(error) });
      }
    },

    async exportAs(client, kind, save) {
      set({ exporting: kind, exportError: null });
      try {
        const { filters } = get();
        const result = await client.call('exportJournal', {
          format: kind === 'events' ? 'ndjson' : kind,
          events: kind === 'events',
          ...(filters.site ? { site: filters.site } : {}),
        });
        save(result.fileName, result.text, kind === 'csv' ? 'text/csv;charset=utf-8' : 'application/json');
        set({ exporting: null });
      } catch (error) {
        set({ exporting: null, exportError: describeError(error) });
      }
    },

    async findSticks(client) {
      try {
        const { sticks } = await client.call('listSticks', {});
        set({ sticks, ...(get().stickPath === '' && sticks[0] ? { stickPath: sticks[0].path } : {}) });
      } catch {
        set({ sticks: [] });
      }
    },

    setStickPath(stickPath) {
      set({ stickPath });
    },

    async readStick(client, path) {
      await ingestJob.run((signals) => client.stream('ingestResults', { path: path.trim() }, signals));
      await get().refresh(client);
    },
  };
});
