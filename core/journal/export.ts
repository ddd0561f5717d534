import { pathOfEnvironment } from './machine-state.js';
import { csvCell } from '../csv.js';
import type { MachineState } from './schemas.js';

/**
 * The journal's exports (`bootmend journal export`, the Journal screen's buttons): one row per
 * machine, or the raw events. No recovery password can be in the journal (it refuses one on
 * write), and every export text is checked again on the way out: a password-shaped run of
 * digits is replaced, never passed on.
 */

export type ExportFormat = 'csv' | 'json' | 'ndjson';

/** The machine row's columns, in order, as the CSV header names them. */
export const MACHINE_COLUMNS = [
  ['hostname', 'hostname'],
  ['serial', 'serial'],
  ['assetTag', 'asset tag'],
  ['site', 'site'],
  ['outcome', 'outcome'],
  ['path', 'path'],
  ['technician', 'technician'],
  ['started', 'started'],
  ['ended', 'ended'],
  ['minutes', 'minutes'],
  ['filesRemoved', 'files removed'],
  ['keyIdUsed', 'key ID used'],
  ['notes', 'notes'],
] as const;

export interface MachineRow {
  machineId: string;
  hostname: string;
  serial: string | null;
  assetTag: string | null;
  site: string | null;
  /** The recorded outcome, else where the machine stands (pending, in_progress, paused). */
  outcome: string;
  /** The path chosen, else the environment the stick's result names. */
  path: string | null;
  technician: string;
  started: string | null;
  ended: string | null;
  /** Time worked, pauses excluded, to one decimal. */
  minutes: number;
  filesRemoved: string[];
  keyIdUsed: string | null;
  notes: string | null;
}

export function machineRow(state: MachineState): MachineRow {
  const stickPath = state.stickResult ? pathOfEnvironment(state.stickResult.environment) : null;
  return {
    machineId: state.machineId,
    hostname: state.machine.hostname,
    serial: state.machine.serial ?? null,
    assetTag: state.machine.assetTag ?? null,
    site: state.machine.site ?? null,
    outcome: state.outcome ?? state.status,
    path: state.path ?? stickPath,
    technician: state.technician,
    started: state.startedAt,
    ended: state.endedAt,
    minutes: Math.round(state.secondsWorked / 6) / 10,
    filesRemoved: state.filesRemoved,
    keyIdUsed: state.keyIdUsed,
    notes: state.notes,
  };
}

/** Machines touched at or after `since` (any event), at `site` (any case). */
export function selectMachines(states: Iterable<MachineState>, filter: { since?: string | undefined; site?: string | undefined }): MachineState[] {
  const since = filter.since === undefined ? undefined : Date.parse(filter.since);
  const site = filter.site?.trim().toLowerCase();
  const out: MachineState[] = [];
  for (const s of states) {
    if (since !== undefined && Date.parse(s.lastEventAt) < since) continue;
    if (site && (s.machine.site ?? '').toLowerCase() !== site) continue;
    out.push(s);
  }
  return out;
}

export function machinesCsv(rows: readonly MachineRow[]): string {
  const lines = [MACHINE_COLUMNS.map(([, header]) => header).join(',')];
  for (const row of rows) {
    lines.push(MACHINE_COLUMNS.map(([key]) => csvCell(key === 'filesRemoved' ? row.filesRemoved.join('; ') : row[key])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The raw events as CSV: the fields every event has, then the rest as JSON. */
export function eventsCsv(events: readonly Record<string, unknown>[]): string {
  const fixed = ['seq', 'id', 'type', 'at', 'technician', 'machineId'] as const;
  const lines = [[...fixed, 'hostname', 'details'].join(',')];
  for (const event of events) {
    const { machine, seq: _seq, id: _id, type: _type, at: _at, technician: _technician, machineId: _machineId, ...details } = event;
    const hostname = typeof machine === 'object' && machine !== null ? (machine as { hostname?: string }).hostname ?? null : typeof machine === 'string' ? machine : null;
    const cells = fixed.map((key) => {
      const value = event[key];
      return csvCell(typeof value === 'string' || typeof value === 'number' ? value : null);
    });
    lines.push([...cells, csvCell(hostname), csvCell(JSON.stringify(details))].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function asJson(items: readonly unknown[], format: 'json' | 'ndjson'): string {
  if (format === 'json') return `${JSON.stringify(items, null, 2)}\n`;
  return items.map((item) => `${JSON.stringify(item)}\n`).join('');
}

/** 48 digits in 8 groups of 6, with or without separators: the shape of a BitLocker recovery password. */
const PASSWORD_LIKE = /\d{6}(?:[\s-]*\d{6}){7}/g;

/** The last guard before an export leaves Bootmend. */
export function withoutPasswords(text: string): string {
  return text.replace(PASSWORD_LIKE, '[removed: looked like a recovery password]');
}

export function exportFileName(kind: 'machines' | 'events', format: ExportFormat, now: Date): string {
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return `bootmend-${kind}-${stamp}.${format}`;
}
