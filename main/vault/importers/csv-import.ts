import { normalizeKeyId, parseRecoveryPassword } from '../../../core/bitlocker.js';
import { readRecord, sniffDelimiter, walkRecords, nextLineStart, type CsvRecord, type Delimiter } from './csv.js';
import { dnComponents, type ScopeMatcher } from './scope.js';
import type { FileImport, KeyRecord, LayoutKind } from './types.js';
import { DN_SHAPE, EMBEDDED_GUID, GUID_SHAPE, PASSWORD_SHAPE, headerKey, normalizeVolumeType, parseCreated } from './values.js';

/**
 * Every CSV-shaped export (raw AD, AD reports, Entra/Intune, MBAM, minimal Id,Key) goes
 * through one reader: the columns are found from the values first (which column holds
 * 48-digit passwords, which holds GUIDs, which holds DNs) and from the header names only
 * to break ties — a `RecoveryKey` column is the password in one export and the ID in
 * another.
 */

export interface CsvLayout {
  kind: LayoutKind;
  delimiter: Delimiter;
  header: string[];
  password: number;
  /** A column holding the GUID itself, or columns holding it in braces (raw AD Name / DN). */
  id: { column: number } | { embedded: number[] };
  device: number | null;
  dn: number | null;
  created: number | null;
  deviceId: number | null;
  volumeType: number | null;
}

const ID_HINTS = new Set(['passwordid', 'recoverykeyid', 'keyid', 'id', 'recoverypasswordid', 'protectorid', 'recoveryguid', 'msfverecoveryguid', 'bitlockerkeyid', 'recoverykey', 'keyprotectorid', 'bitlockerrecoverykeyid']);
const NOT_KEY_ID = new Set(['deviceid', 'objectguid', 'volumeguid', 'azureaddeviceid', 'entradeviceid', 'aaddeviceid', 'intunedeviceid', 'manageddeviceid', 'objectid', 'computerguid', 'machineguid', 'volumeid', 'computerobjectguid']);
const PASSWORD_HINTS = new Set(['recoverypassword', 'msfverecoverypassword', 'recoverykey', 'key', 'password', 'bitlockerrecoverypassword', 'bitlockerkey']);
const DEVICE_HINTS = ['devicename', 'computername', 'computer', 'machinename', 'machine', 'hostname', 'host', 'device', 'displayname', 'pcname', 'workstation', 'name'];
const DN_HINTS = ['distinguishedname', 'dn', 'computerdn', 'adpath', 'ou', 'organizationalunit', 'path', 'canonicalname'];
const CREATED_HINTS = ['createddatetime', 'created', 'whencreated', 'creationtime', 'createdate', 'datecreated', 'backupdate', 'date', 'timestamp', 'lastupdatetime', 'lastupdated', 'time'];
const DEVICE_ID_HINTS = ['deviceid', 'azureaddeviceid', 'entradeviceid', 'aaddeviceid'];
const VOLUME_HINTS = ['volumetype', 'volume', 'drivetype', 'volumekind'];
const MBAM_HINTS = ['volumeguid', 'machinename', 'disclosed', 'lastupdatetime', 'domainname', 'mbam'];

export interface CsvImportOptions {
  format: LayoutKind | 'auto';
  scope: ScopeMatcher;
}

export type CsvImportResult = { ok: true; result: FileImport } | { ok: false; reason: string };

const SAMPLE_ROWS = 200;

export function importCsvText(text: string, file: string, options: CsvImportOptions): CsvImportResult {
  // Preamble: blank lines, PowerShell's "#TYPE ..." and other "#" comment lines.
  let pos = 0;
  let line = 1;
  while (pos < text.length) {
    const end = nextLineStart(text, pos);
    const content = text.slice(pos, end).trim();
    if (content !== '' && !content.startsWith('#')) break;
    pos = end;
    line += 1;
  }
  if (pos >= text.length) return { ok: false, reason: `${file} has no header line and no rows.` };
  const headerEnd = nextLineStart(text, pos);
  const delimiter = sniffDelimiter(text.slice(pos, headerEnd));
  const headerRecord = readRecord(text, pos, line, delimiter);
  if (!headerRecord.closed) return { ok: false, reason: `${file}: the header line (line ${line}) has a quote that is never closed.` };
  const header = headerRecord.fields.map((field) => field.trim());

  const sample: CsvRecord[] = [];
  const sampler = walkRecords(text, delimiter, headerRecord.end, headerRecord.endLine + 1);
  let fits: boolean | undefined;
  for (let step = sampler.next(); !step.done && sample.length < SAMPLE_ROWS; step = sampler.next(fits)) {
    fits = step.value.closed && step.value.fields.length === header.length;
    if (fits && !isBlank(step.value)) sample.push(step.value);
  }
  const layout = detectLayout(header, sample, delimiter, options.format);
  if (typeof layout === 'string') return { ok: false, reason: `${file}: ${layout}` };

  const result: FileImport = { file, layout: layout.kind, records: [], rejected: [], outOfScope: 0, rows: 0 };
  const walker = walkRecords(text, delimiter, headerRecord.end, headerRecord.endLine + 1);
  let accepted: boolean | undefined;
  for (let step = walker.next(); !step.done; step = walker.next(accepted)) {
    const record = step.value;
    accepted = true;
    if (isBlank(record) || (record.closed && record.endLine === record.line && record.fields.length === 1 && record.fields[0]!.trimStart().startsWith('#'))) continue;
    result.rows += 1;
    const outcome = recordFromRow(layout, record, file, options.scope);
    if (outcome === 'out-of-scope') result.outOfScope += 1;
    else if (typeof outcome === 'string') {
      accepted = false;
      const span = record.endLine > record.line && record.closed ? ` (a quoted field runs to line ${record.endLine}; the following lines are read again on their own)` : '';
      result.rejected.push({ file, line: record.line, reason: outcome + span });
    } else result.records.push(outcome);
  }
  return { ok: true, result };
}

function isBlank(record: CsvRecord): boolean {
  return record.closed && record.fields.every((field) => field.trim() === '');
}

function findColumn(keys: string[], hints: readonly string[], skip: Set<number>): number | null {
  for (const hint of hints) {
    const index = keys.findIndex((key, i) => key === hint && !skip.has(i));
    if (index >= 0) return index;
  }
  return null;
}

export function detectLayout(header: string[], sample: CsvRecord[], delimiter: Delimiter, format: LayoutKind | 'auto'): CsvLayout | string {
  const keys = header.map(headerKey);
  const count = (column: number, test: (value: string) => boolean): number => sample.filter((r) => (r.fields[column] ?? '').trim() !== '' && test(r.fields[column]!)).length;
  const columns = header.map((_, i) => i);

  const passwordScores = columns.map((i) => count(i, (v) => PASSWORD_SHAPE.test(v)));
  const bestPasswordScore = Math.max(0, ...passwordScores);
  const passwordCandidates = columns.filter((i) => bestPasswordScore > 0 && passwordScores[i] === bestPasswordScore);
  const password = passwordCandidates.find((i) => PASSWORD_HINTS.has(keys[i]!)) ?? passwordCandidates[0];
  if (password === undefined) {
    if (sample.length === 0) return 'the file has a header but no rows to tell its layout from.';
    return 'no column holds recovery passwords (8 blocks of 6 digits); is this a BitLocker key export?';
  }

  const guidColumns = columns.filter((i) => i !== password && !NOT_KEY_ID.has(keys[i]!) && count(i, (v) => GUID_SHAPE.test(v)) > 0);
  const hinted = guidColumns.filter((i) => ID_HINTS.has(keys[i]!));
  const idColumn = (hinted.length > 0 ? hinted : guidColumns).sort((a, b) => count(b, (v) => GUID_SHAPE.test(v)) - count(a, (v) => GUID_SHAPE.test(v)))[0];
  const embedded = columns.filter((i) => i !== password && count(i, (v) => EMBEDDED_GUID.test(v) && !GUID_SHAPE.test(v)) > 0);
  let id: CsvLayout['id'];
  if (idColumn !== undefined) id = { column: idColumn };
  else if (embedded.length > 0) id = { embedded: embedded.sort((a, b) => (keys[a] === 'name' ? -1 : keys[b] === 'name' ? 1 : 0)) };
  else return 'no column holds key IDs (GUIDs like 8A1C3E5F-2B4D-4F6A-9C8E-1A3B5C7D9E0F, alone or in braces in Name / DistinguishedName).';

  const used = new Set<number>([password, ...('column' in id ? [id.column] : id.embedded.filter((i) => keys[i] === 'name'))]);
  const dnByValue = columns.filter((i) => !used.has(i) && count(i, (v) => DN_SHAPE.test(v)) > 0);
  const dn = findColumn(keys, DN_HINTS, new Set(columns.filter((i) => !dnByValue.includes(i)))) ?? dnByValue[0] ?? null;
  if (dn !== null) used.add(dn);
  const device = findColumn(keys, DEVICE_HINTS, new Set([...used, ...columns.filter((i) => count(i, (v) => EMBEDDED_GUID.test(v) || GUID_SHAPE.test(v)) > 0)]));
  const created = findColumn(keys, CREATED_HINTS, used);
  const deviceId = findColumn(keys, DEVICE_ID_HINTS, used);
  const volumeType = findColumn(keys, VOLUME_HINTS, used);

  const kind: LayoutKind =
    format !== 'auto'
      ? format
      : 'embedded' in id || keys.some((k) => k.startsWith('msfve'))
        ? 'ad'
        : keys.some((k) => MBAM_HINTS.includes(k))
          ? 'mbam'
          : deviceId !== null || keys.includes('recoverykeyid')
            ? 'entra'
            : keys.some((k) => ['computername', 'passwordid', 'recoverypassword', 'computer', 'distinguishedname'].includes(k))
              ? 'ad'
              : 'csv';
  return { kind, delimiter, header, password, id, device, dn, created, deviceId, volumeType };
}

function recordFromRow(layout: CsvLayout, record: CsvRecord, file: string, scope: ScopeMatcher): KeyRecord | string | 'out-of-scope' {
  if (!record.closed) return 'a quoted field is never closed (a quote is missing)';
  const { fields, line } = record;
  const width = layout.header.length;
  if (fields.length !== width) {
    return fields.length < width
      ? `missing column: the row has ${fields.length} of the header's ${width} columns`
      : `the row has ${fields.length} columns but the header has ${width} (a value holding the delimiter must be in quotes)`;
  }
  const cell = (index: number | null): string => (index === null ? '' : (fields[index] ?? '').trim());
  const dn = cell(layout.dn) || null;
  let id: string | null = null;
  let embeddedTime: string | null = null;
  if ('column' in layout.id) {
    const raw = cell(layout.id.column);
    if (raw === '') return `no ID: column ${layout.header[layout.id.column]} is empty`;
    const parsed = normalizeKeyId(raw);
    if (!parsed.ok || !('full' in parsed)) return `no ID: column ${layout.header[layout.id.column]} is not a full key ID (32 hex digits)`;
    id = parsed.full;
  } else {
    for (const column of layout.id.embedded) {
      const value = cell(column);
      const match = EMBEDDED_GUID.exec(value);
      if (match) {
        id = match[1]!.toUpperCase();
        const before = value.slice(0, match.index).replace(/^CN=/i, '');
        embeddedTime = parseCreated(before);
        break;
      }
    }
    if (id === null) return `no ID: no {GUID} in ${layout.id.embedded.map((c) => layout.header[c]).join(' or ')}`;
  }
  const device = cell(layout.device) || deviceFromDn(dn);
  const deviceId = cell(layout.deviceId) || null;
  if (!scope({ device, deviceId, dn })) return 'out-of-scope';
  const rawPassword = cell(layout.password);
  if (rawPassword === '') return `no recovery password: column ${layout.header[layout.password]} is empty`;
  const password = parseRecoveryPassword(rawPassword);
  if (!password.ok) return describePasswordProblem(password.block, password.reason);
  return {
    id,
    password: password.password,
    device,
    deviceId,
    dn,
    created: embeddedTime ?? parseCreated(cell(layout.created)),
    volumeType: normalizeVolumeType(cell(layout.volumeType)),
    source: `${file}:${line}`,
  };
}

/** Says which block is wrong and why; never the digits. */
export function describePasswordProblem(block: number | null, reason: string): string {
  if (block === null) return `bad recovery password: ${reason}`;
  if (/multiple of 11|too large/.test(reason)) return `bad checksum in block ${block} of the recovery password (each block is a multiple of 11 below 720896)`;
  return `bad recovery password in block ${block}: ${reason}`;
}

/** The computer's name in a DN: the first CN that is not the key object's own `<time>{GUID}`. */
export function deviceFromDn(dn: string | null): string | null {
  if (!dn) return null;
  for (const part of dnComponents(dn)) {
    const match = /^CN\s*=\s*(.+)$/i.exec(part);
    if (match && !EMBEDDED_GUID.test(match[1]!)) return match[1]!.replace(/\\(.)/g, '$1');
  }
  return null;
}
