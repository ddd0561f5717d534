import { normalizeKeyId, parseRecoveryPassword, RECOVERY_PASSWORD_BLOCK_LIMIT } from '../bitlocker.js';
import { forEachLine, MAX_RECORD_CHARS, readRecord, RecordSplitter, sniffDelimiter, type CsvRecord, type Delimiter } from './csv.js';
import { dnComponents, EVERYTHING, type ScopeMatcher } from './scope.js';
import { readGuidCell } from './guid-bytes.js';
import { MAX_WARNINGS_PER_FILE, type FileImport, type ImportWarning, type KeyIdReport, type KeyRecord, type LayoutKind } from './types.js';
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
  /**
   * A column holding the GUID itself — `rawBytes` when it is AD's msFVE-RecoveryGuid, which
   * may hold the 16 raw bytes — checked against the {GUID} in `crossCheck` (Name / DN) when
   * the export has them; or only columns holding it in braces (raw AD Name / DN).
   */
  id: { column: number; rawBytes: boolean; crossCheck: number[] } | { embedded: number[] };
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

/** Parses a whole export already in memory (tests, text dropped into the web host). */
export function importCsvText(text: string, file: string, options: CsvImportOptions): CsvImportResult {
  const importer = new CsvImporter(file, options);
  forEachLine(text, (line) => importer.push(line));
  return importer.end();
}

/**
 * Reads a CSV export line by line (push each physical line with its line end, then end()):
 * skips the preamble (blank lines, PowerShell's "#TYPE ..." and other "#" comments), reads
 * the header, holds back the lines of the first SAMPLE_ROWS rows to find the layout from
 * their values, then turns every row into a record, a rejection or an out-of-scope count.
 * Memory is the records plus the current row, never the file.
 */
export class CsvImporter {
  private phase: 'preamble' | 'header' | 'sample' | 'rows' | 'failed' = 'preamble';
  private line = 1;
  private headerLines: string[] = [];
  private headerStart = 0;
  private delimiter: Delimiter = ',';
  private header: string[] = [];
  private held: string[] = [];
  private sample: CsvRecord[] = [];
  private sampler: RecordSplitter | null = null;
  private rows: RecordSplitter | null = null;
  private failure = '';
  private reader: RowReader | null = null;
  private readonly result: FileImport;

  constructor(
    private readonly file: string,
    private readonly options: CsvImportOptions,
  ) {
    this.result = { file, layout: 'csv', records: [], rejected: [], outOfScope: 0, rows: 0, warnings: [], keyIds: null };
  }

  push(line: string): void {
    const number = this.line;
    this.line += 1;
    switch (this.phase) {
      case 'preamble': {
        const content = (number === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line).trim();
        if (content === '' || content.startsWith('#')) return;
        this.phase = 'header';
        this.headerStart = number;
        this.delimiter = sniffDelimiter(line);
        this.pushHeader(number === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
        return;
      }
      case 'header':
        this.pushHeader(line);
        return;
      case 'sample':
        this.held.push(line);
        this.sampler!.push(line);
        if (this.sample.length >= SAMPLE_ROWS) this.startRows();
        return;
      case 'rows':
        this.rows!.push(line);
        return;
      case 'failed':
        return;
    }
  }

  end(): CsvImportResult {
    if (this.phase === 'preamble') return { ok: false, reason: `${this.file} has no header line and no rows.` };
    if (this.phase === 'header') return { ok: false, reason: `${this.file}: the header line (line ${this.headerStart}) has a quote that is never closed.` };
    if (this.phase === 'sample') {
      this.sampler!.end();
      this.startRows();
    }
    if (this.phase === 'failed') return { ok: false, reason: `${this.file}: ${this.failure}` };
    this.rows!.end();
    this.result.keyIds = this.reader?.keyIds() ?? null;
    return { ok: true, result: this.result };
  }

  private pushHeader(line: string): void {
    this.headerLines.push(line);
    const text = this.headerLines.join('');
    const record = readRecord(text, 0, this.headerStart, this.delimiter);
    if (!record.closed) {
      if (text.length >= MAX_RECORD_CHARS) this.phase = 'header'; // still open: end() reports it, later lines are ignored
      return;
    }
    this.header = record.fields.map((field) => field.trim());
    this.phase = 'sample';
    this.sampler = new RecordSplitter(this.delimiter, this.line, (sampled) => {
      const fits = sampled.closed && sampled.fields.length === this.header.length;
      if (fits && !isBlank(sampled) && this.sample.length < SAMPLE_ROWS) this.sample.push(sampled);
      // A record spanning lines may be a stray quote swallowing real rows: sample those rows on their own too.
      return fits && sampled.endLine === sampled.line;
    });
  }

  private startRows(): void {
    const layout = detectLayout(this.header, this.sample, this.delimiter, this.options.format);
    this.sample = [];
    this.sampler = null;
    if (typeof layout === 'string') {
      this.phase = 'failed';
      this.failure = layout;
      this.held = [];
      return;
    }
    this.result.layout = layout.kind;
    const held = this.held;
    this.held = [];
    const first = this.line - held.length;
    const row = new RowReader(layout, this.file, this.options.scope, this.result.warnings);
    this.reader = row;
    this.rows = new RecordSplitter(this.delimiter, first, (record) => {
      if (isBlank(record) || (record.closed && record.endLine === record.line && record.fields.length === 1 && record.fields[0]!.trimStart().startsWith('#'))) return true;
      this.result.rows += 1;
      const outcome = row.read(record);
      if (outcome === OUT_OF_SCOPE) this.result.outOfScope += 1;
      else if (typeof outcome === 'string') {
        const span = record.endLine > record.line && record.closed ? ` (a quoted field runs to line ${record.endLine}; the following lines are read again on their own)` : '';
        this.result.rejected.push({ file: this.file, line: record.line, reason: outcome + span });
        return false;
      } else this.result.records.push(outcome);
      return true;
    });
    this.phase = 'rows';
    for (const line of held) this.rows.push(line);
  }
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
  const embedded = columns
    .filter((i) => i !== password && count(i, (v) => EMBEDDED_GUID.test(v) && !GUID_SHAPE.test(v)) > 0)
    .sort((a, b) => (keys[a] === 'name' ? -1 : keys[b] === 'name' ? 1 : 0));
  // AD's own attribute, which raw exports (csvde, ldifde, PowerShell) may give as bytes.
  const rawBytes = columns.find((i) => i !== password && keys[i] === 'msfverecoveryguid' && count(i, (v) => readGuidCell(v, true) !== null) > 0);
  let id: CsvLayout['id'];
  if (rawBytes !== undefined) id = { column: rawBytes, rawBytes: true, crossCheck: embedded.filter((i) => i !== rawBytes) };
  else if (idColumn !== undefined) id = { column: idColumn, rawBytes: false, crossCheck: embedded.filter((i) => i !== idColumn) };
  else if (embedded.length > 0) id = { embedded };
  else return 'no column holds key IDs (GUIDs like 8A1C3E5F-2B4D-4F6A-9C8E-1A3B5C7D9E0F, alone or in braces in Name / DistinguishedName).';

  const used = new Set<number>([password, ...('column' in id ? [id.column, ...id.crossCheck.filter((i) => keys[i] === 'name')] : id.embedded.filter((i) => keys[i] === 'name'))]);
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

function isBlank(record: CsvRecord): boolean {
  return record.closed && record.fields.every((field) => field.trim() === '');
}

export const OUT_OF_SCOPE = 'out-of-scope';

/**
 * Turns one row into a record. Runs once per row of million-row files, so the usual shapes
 * (a canonical GUID, a dashed password, an ISO time ending in Z) are checked character by
 * character, and anything else goes through the general parsers in core/keys/bitlocker.ts,
 * which give the same answer and the wording for rejections.
 */
export class RowReader {
  private readonly width: number;
  private readonly everything: boolean;
  private readonly report: { agreed: number; disagreed: number; fromName: number; bytes: number; text: number; nameColumn: number | null } = { agreed: 0, disagreed: 0, fromName: 0, bytes: 0, text: 0, nameColumn: null };
  /** The warning of the row being read, kept only if the row is imported. */
  private pending: string | null = null;

  constructor(
    private readonly layout: CsvLayout,
    private readonly file: string,
    private readonly scope: ScopeMatcher,
    private readonly warnings: ImportWarning[] = [],
  ) {
    this.width = layout.header.length;
    this.everything = scope === EVERYTHING;
  }

  /** Where this file's key IDs came from (after every row was read). */
  keyIds(): KeyIdReport {
    const { layout, report } = this;
    if ('embedded' in layout.id) {
      const column = layout.header[report.nameColumn ?? layout.id.embedded[0]!]!;
      return { column, encoding: 'name', checkedAgainst: null, agreed: 0, disagreed: 0, fromName: 0 };
    }
    const checked = layout.id.crossCheck.length > 0 ? layout.id.crossCheck.map((c) => layout.header[c]!).join(' / ') : null;
    return {
      column: layout.header[layout.id.column]!,
      encoding: report.bytes > 0 && report.bytes >= report.text ? 'bytes' : 'text',
      checkedAgainst: checked,
      agreed: report.agreed,
      disagreed: report.disagreed,
      fromName: report.fromName,
    };
  }

  read(record: CsvRecord): KeyRecord | string | typeof OUT_OF_SCOPE {
    this.pending = null;
    const outcome = this.readRow(record);
    if (typeof outcome === 'object') this.settle(record.line);
    return outcome;
  }

  /** Counts and warns for an imported row only: a rejected or out-of-scope row says nothing about its IDs. */
  private settle(line: number): void {
    const tally = this.tally;
    if (tally) this.report[tally] += 1;
    if (this.pending !== null && this.warnings.length < MAX_WARNINGS_PER_FILE) this.warnings.push({ file: this.file, line, message: this.pending });
  }

  private tally: 'agreed' | 'disagreed' | 'fromName' | null = null;

  private readRow(record: CsvRecord): KeyRecord | string | typeof OUT_OF_SCOPE {
    const layout = this.layout;
    this.tally = null;
    if (!record.closed) return 'a quoted field is never closed (a quote is missing)';
    const { fields, line } = record;
    const width = this.width;
    if (fields.length !== width) {
      return fields.length < width
        ? `missing column: the row has ${fields.length} of the header's ${width} columns`
        : `the row has ${fields.length} columns but the header has ${width} (a value holding the delimiter must be in quotes)`;
    }
    const cell = (index: number | null): string => (index === null ? '' : trim(fields[index]!));
    const dn = cell(layout.dn) || null;
    let id: string | null = null;
    let embeddedTime: string | null = null;
    /** The {GUID} in Name / DN and the column it came from. */
    const fromName = (columns: readonly number[]): { id: string; column: number } | null => {
      for (const column of columns) {
        const value = cell(column);
        const match = EMBEDDED_GUID.exec(value);
        if (match) {
          embeddedTime = parseCreated(value.slice(0, match.index).replace(/^CN=/i, ''));
          return { id: match[1]!.toUpperCase(), column };
        }
      }
      return null;
    };
    if ('column' in layout.id) {
      const { column, rawBytes, crossCheck } = layout.id;
      const header = layout.header[column]!;
      const raw = cell(column);
      let read: { id: string; encoding: 'text' | 'bytes'; other?: string } | null = null;
      if (raw !== '') {
        if (rawBytes) read = readGuidCell(raw, true);
        else {
          const canonical = canonicalGuid(raw);
          if (canonical !== null) read = { id: canonical, encoding: 'text' };
          else {
            const parsed = normalizeKeyId(raw);
            if (!parsed.ok || !('full' in parsed)) return `no ID: column ${header} is not a full key ID (32 hex digits)`;
            read = { id: parsed.full, encoding: 'text' };
          }
        }
      }
      const named = crossCheck.length > 0 ? fromName(crossCheck) : null;
      if (read === null) {
        if (named === null) return raw === '' ? `no ID: column ${header} is empty` : `no ID: column ${header} is not a key ID (a GUID, or its 16 bytes as hex, base64 or a list of numbers)`;
        id = named.id;
        this.tally = 'fromName';
        this.pending = `column ${header} ${raw === '' ? 'is empty' : 'holds no readable key ID'}; the ID in ${layout.header[named.column]} (${named.id}) was used`;
      } else {
        if (read.encoding === 'bytes') this.report.bytes += 1;
        else this.report.text += 1;
        id = read.id;
        if (named !== null) {
          const other = read.other ?? (rawBytes ? undefined : readGuidCell(raw, false)?.other);
          if (named.id === read.id || named.id === other) this.tally = 'agreed';
          else {
            this.tally = 'disagreed';
            const how = read.encoding === 'bytes' ? 'read as raw bytes, first three fields turned around' : 'read as text';
            this.pending = `column ${header} gives key ID ${read.id} (${how}) but ${layout.header[named.column]} gives ${named.id}; the key is filed under ${named.id}, the ID Windows named the key object with`;
          }
          id = named.id;
        }
      }
    } else {
      const named = fromName(layout.id.embedded);
      if (named === null) return `no ID: no {GUID} in ${layout.id.embedded.map((c) => layout.header[c]).join(' or ')}`;
      id = named.id;
      if (this.report.nameColumn === null) this.report.nameColumn = named.column;
    }
    const device = cell(layout.device) || deviceFromDn(dn);
    const deviceId = cell(layout.deviceId) || null;
    if (!this.everything && !this.scope({ device, deviceId, dn })) return OUT_OF_SCOPE;
    const rawPassword = cell(layout.password);
    if (rawPassword === '') return `no recovery password: column ${layout.header[layout.password]} is empty`;
    let password = canonicalPassword(rawPassword);
    if (password === null) {
      const parsed = parseRecoveryPassword(rawPassword);
      if (!parsed.ok) return describePasswordProblem(parsed.block, parsed.reason);
      password = parsed.password;
    }
    const created = embeddedTime ?? isoZ(cell(layout.created)) ?? parseCreated(cell(layout.created));
    return {
      id: own(id),
      password: own(password),
      device: device === null ? null : own(device),
      deviceId: deviceId === null ? null : own(deviceId),
      dn: dn === null ? null : own(dn),
      created: created === null ? null : own(created),
      volumeType: volumeType(cell(layout.volumeType)),
      source: `${this.file}:${line}`,
    };
  }
}

/** trim() without a new string in the usual case of nothing to trim. */
function trim(value: string): string {
  const n = value.length;
  if (n === 0 || (value.charCodeAt(0) > 32 && value.charCodeAt(n - 1) > 32)) return value;
  return value.trim();
}

/**
 * Values are slices of their own line (each line is decoded into its own string), so a
 * record keeps at most its line alive, never a whole chunk or file; copying each value
 * out would cost more time and no less memory.
 */
function own(value: string): string {
  return value;
}

/** "8A1C3E5F-2B4D-4F6A-9C8E-1A3B5C7D9E0F" in any case → upper case; anything else → null (general parser). */
function canonicalGuid(raw: string): string | null {
  if (raw.length !== 36) return null;
  let lower = false;
  for (let i = 0; i < 36; i += 1) {
    const c = raw.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return null;
    } else if (c >= 97 && c <= 102) lower = true;
    else if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70))) return null;
  }
  return lower ? raw.toUpperCase() : raw;
}

/** A canonical dashed password whose blocks pass the checksum → itself; anything else → null (general parser). */
function canonicalPassword(raw: string): string | null {
  if (raw.length !== 55) return null;
  for (let block = 0; block < 8; block += 1) {
    const at = block * 7;
    if (block > 0 && raw.charCodeAt(at - 1) !== 45) return null;
    let value = 0;
    for (let i = at; i < at + 6; i += 1) {
      const d = raw.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return null;
      value = value * 10 + d;
    }
    if (value % 11 !== 0 || value >= RECOVERY_PASSWORD_BLOCK_LIMIT) return null;
  }
  return raw;
}

/** "2024-07-19T08:00:00Z" → "2024-07-19T08:00:00.000Z" when plainly valid (days up to 28); else null (general parser). */
function isoZ(raw: string): string | null {
  if (raw.length !== 20 || raw.charCodeAt(19) !== 90 || raw.charCodeAt(10) !== 84) return null;
  const num = (from: number, digits: number): number => {
    let value = 0;
    for (let i = from; i < from + digits; i += 1) {
      const d = raw.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return -1;
      value = value * 10 + d;
    }
    return value;
  };
  if (raw.charCodeAt(4) !== 45 || raw.charCodeAt(7) !== 45 || raw.charCodeAt(13) !== 58 || raw.charCodeAt(16) !== 58) return null;
  const year = num(0, 4);
  const month = num(5, 2);
  const day = num(8, 2);
  const hour = num(11, 2);
  const minute = num(14, 2);
  const second = num(17, 2);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 28 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  return `${raw.slice(0, 19)}.000Z`;
}

/** The three Graph volume types are shared constants, not a string per row. */
function volumeType(raw: string): string | null {
  if (raw === '1') return 'operatingSystemVolume';
  if (raw === '2') return 'fixedDataVolume';
  return normalizeVolumeType(raw);
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
