import { asJson, eventsCsv, exportFileName, machineRow, machinesCsv, selectMachines, withoutPasswords, type ExportFormat } from '../../core/journal/export.js';
import type { FileJournal, StoredEvent } from './journal.js';
import { machinesOf } from './machines.js';

export interface ExportRequest {
  format: ExportFormat;
  since?: string | undefined;
  site?: string | undefined;
  events: boolean;
}

export interface ExportResult {
  format: ExportFormat;
  rows: number;
  text: string;
  fileName: string;
}

/**
 * One row per machine (machines touched since `since`, at `site`), or with `events` the raw
 * event log (events at or after `since`; with `site`, the events of that site's machines).
 * The journal holds no recovery password (it refuses one on write); `withoutPasswords` is
 * the second lock on the way out.
 */
export async function exportJournal(journal: FileJournal, request: ExportRequest, now: Date = new Date()): Promise<ExportResult> {
  const index = machinesOf(journal);
  await index.load();
  if (request.events) {
    const { events } = await journal.events();
    const since = request.since === undefined ? undefined : Date.parse(request.since);
    const siteMachines = request.site === undefined ? null : new Set(selectMachines(index.all(), { site: request.site }).map((m) => m.machineId));
    const chosen = events.filter(
      (e: StoredEvent) => (since === undefined || Date.parse(e.at) >= since) && (siteMachines === null || (typeof e.machineId === 'string' && siteMachines.has(e.machineId))),
    );
    const text = request.format === 'csv' ? eventsCsv(chosen) : asJson(chosen, request.format);
    return { format: request.format, rows: chosen.length, text: withoutPasswords(text), fileName: exportFileName('events', request.format, now) };
  }
  const rows = selectMachines(index.all(), request).map(machineRow);
  const text = request.format === 'csv' ? machinesCsv(rows) : asJson(rows, request.format);
  return { format: request.format, rows: rows.length, text: withoutPasswords(text), fileName: exportFileName('machines', request.format, now) };
}
