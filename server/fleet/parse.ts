import { FleetMachineSchema, type FleetMachine } from '../../core/backend/schemas.js';
import { describeZodError, BootmendError } from '../../core/errors.js';
import { decodeText, sniffDelimiter, walkRecords } from '../../core/keys/importers/csv.js';
import { headerKey } from '../../core/keys/importers/values.js';

/**
 * A fleet list as helpdesks have them: a CSV from the asset database or a spreadsheet
 * (comma, semicolon or tab; header names in any case and spacing), or JSON (an array of
 * machines, or `{ "machines": [...] }`). Columns are found by name; unknown ones are ignored.
 */

const FIELD_NAMES: Record<keyof FleetMachine, readonly string[]> = {
  hostname: ['hostname', 'host', 'computername', 'computer', 'devicename', 'device', 'machinename', 'machine', 'name', 'pcname'],
  serial: ['serial', 'serialnumber', 'serialno', 'sn'],
  assetTag: ['assettag', 'asset', 'assetnumber', 'assetid', 'tag', 'inventorynumber'],
  site: ['site', 'location', 'office', 'branch', 'building'],
  owner: ['owner', 'user', 'assignedto', 'primaryuser', 'username', 'email'],
};

/** The field a column name stands for, or null. */
export function fieldOf(name: string): keyof FleetMachine | null {
  const key = headerKey(name);
  for (const field of Object.keys(FIELD_NAMES) as (keyof FleetMachine)[]) if (FIELD_NAMES[field].includes(key)) return field;
  return null;
}

export interface ParsedFleet {
  machines: { row: number; machine: FleetMachine }[];
  rejected: { row: number; reason: string }[];
}

export const MAX_FLEET_ROWS = 1_000_000;

function machineFrom(values: Partial<Record<keyof FleetMachine, unknown>>, row: number, parsed: ParsedFleet): void {
  const candidate = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '')));
  const result = FleetMachineSchema.safeParse(candidate);
  if (result.success) parsed.machines.push({ row, machine: result.data });
  else parsed.rejected.push({ row, reason: describeZodError(result.error, 'this machine').message });
}

export function parseFleetCsv(bytes: Uint8Array | string): ParsedFleet {
  const text = typeof bytes === 'string' ? bytes.replace(/^\uFEFF/, '') : decodeText(bytes);
  // A preamble of blank lines and "#" comments (PowerShell's "#TYPE …", an export's title) comes before the header.
  let offset = 0;
  let line = 1;
  for (;;) {
    const end = text.slice(offset).search(/\r\n|\r|\n/);
    const current = end === -1 ? text.slice(offset) : text.slice(offset, offset + end);
    if (end === -1 || (current.trim() !== '' && !current.startsWith('#'))) break;
    offset += end + (text.startsWith('\r\n', offset + end) ? 2 : 1);
    line += 1;
  }
  const headerLine = text.slice(offset).split(/\r|\n/, 1)[0] ?? '';
  if (headerLine.trim() === '' || headerLine.startsWith('#')) throw new BootmendError('INVALID_INPUT', 'The fleet CSV has no header line; its first line must name the columns (hostname, serial, asset tag, site, owner).');
  const delimiter = sniffDelimiter(headerLine);
  const records = walkRecords(text, delimiter, offset, line);
  const header = records.next();
  if (header.done) throw new BootmendError('INVALID_INPUT', 'The fleet CSV has no header line.');
  const columns = header.value.fields.map(fieldOf);
  if (!columns.includes('hostname')) {
    throw new BootmendError('INVALID_INPUT', 'The fleet CSV has no hostname column: name one "hostname" (or "computer name", "device name"); the others may be serial, asset tag, site and owner.');
  }
  const parsed: ParsedFleet = { machines: [], rejected: [] };
  for (let step = records.next(); !step.done; step = records.next(true)) {
    const record = step.value;
    if (record.fields.length === 1 && record.fields[0]!.trim() === '') continue;
    if (parsed.machines.length + parsed.rejected.length >= MAX_FLEET_ROWS) throw new BootmendError('INVALID_INPUT', `The fleet CSV has more than ${MAX_FLEET_ROWS} rows; split it.`);
    if (!record.closed) {
      parsed.rejected.push({ row: record.line, reason: `line ${record.line}: a quoted field is never closed` });
      continue;
    }
    const values: Partial<Record<keyof FleetMachine, string>> = {};
    columns.forEach((field, i) => {
      const value = record.fields[i];
      if (field && value !== undefined && values[field] === undefined) values[field] = value;
    });
    const before = parsed.rejected.length;
    machineFrom(values, record.line, parsed);
    if (parsed.rejected.length > before) parsed.rejected[before]!.reason = `line ${record.line}: ${parsed.rejected[before]!.reason}`;
  }
  return parsed;
}

export function parseFleetJson(value: unknown): ParsedFleet {
  const list = Array.isArray(value) ? value : value && typeof value === 'object' && Array.isArray((value as { machines?: unknown }).machines) ? (value as { machines: unknown[] }).machines : null;
  if (!list) throw new BootmendError('INVALID_INPUT', 'A JSON fleet import is an array of machines, or { "machines": [ … ] }, each with at least a "hostname".');
  if (list.length > MAX_FLEET_ROWS) throw new BootmendError('INVALID_INPUT', `The fleet list has more than ${MAX_FLEET_ROWS} machines; split it.`);
  const parsed: ParsedFleet = { machines: [], rejected: [] };
  list.forEach((item, index) => {
    const row = index + 1;
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      parsed.rejected.push({ row, reason: `machine ${row} is not an object with a "hostname"` });
      return;
    }
    const values: Partial<Record<keyof FleetMachine, unknown>> = {};
    for (const [key, v] of Object.entries(item as Record<string, unknown>)) {
      const field = fieldOf(key);
      if (field && values[field] === undefined) values[field] = v;
    }
    const before = parsed.rejected.length;
    machineFrom(values, row, parsed);
    if (parsed.rejected.length > before) parsed.rejected[before]!.reason = `machine ${row}: ${parsed.rejected[before]!.reason}`;
  });
  return parsed;
}
