import { OUT_OF_SCOPE, RowReader, type CsvImportResult, type CsvLayout } from './csv-import.js';
import type { ScopeMatcher } from './scope.js';
import type { FileImport } from './types.js';

/**
 * `ldifde -f keys.ldf -r "(objectClass=msFVE-RecoveryInformation)" -l "name,msFVE-RecoveryGuid,msFVE-RecoveryPassword,whenCreated"`
 * writes LDIF (RFC 2849): records separated by blank lines, `attribute: value` lines, binary
 * or non-ASCII values as `attribute:: base64`, long lines folded onto lines that start with
 * one space. msFVE-RecoveryGuid is binary, so it is always base64 there. Each key object
 * becomes one row of the raw-AD layout and goes through the CSV importer's RowReader: the
 * same ID reading (bytes turned into the GUID, checked against the Name / DN), scope,
 * password checks and rejections. Fed line by line, like CsvImporter.
 */

const COLUMNS = ['dn', 'msFVE-RecoveryGuid', 'msFVE-RecoveryPassword', 'name', 'whenCreated'] as const;
const LAYOUT: CsvLayout = {
  kind: 'ad',
  delimiter: ',',
  header: [...COLUMNS],
  password: 2,
  id: { column: 1, rawBytes: true, crossCheck: [3, 0] },
  device: null,
  dn: 0,
  created: 4,
  deviceId: null,
  volumeType: null,
};

/** The first lines of an LDIF file: an optional `version: 1`, then `dn:` (comments and blank lines before). */
export function looksLikeLdif(head: string): boolean {
  for (const raw of head.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    return /^(?:version:\s*1\s*$|dn::?\s)/i.test(line);
  }
  return false;
}

/** LDAP generalized time (`20240719181233.0Z`) to ISO 8601; anything else is kept for parseCreated. */
function generalizedTime(value: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(value);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : value;
}

function decodeBase64Text(value: string): string {
  // core has no Buffer: atob gives Latin-1 bytes, TextDecoder makes them UTF-8.
  const binary = atob(value.replace(/\s+/g, ''));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

export class LdifImporter {
  private readonly result: FileImport;
  private readonly reader: RowReader;
  private line = 0;
  /** The logical line being unfolded, and where it started. */
  private current: string | null = null;
  private currentLine = 0;
  private entry: Map<string, string> | null = null;
  /** objectClass has several values (top, msFVE-RecoveryInformation). */
  private classes: string[] = [];
  private entryLine = 0;
  private keyObjects = 0;

  constructor(
    private readonly file: string,
    scope: ScopeMatcher,
  ) {
    this.result = { file, layout: 'ad', records: [], rejected: [], outOfScope: 0, rows: 0, warnings: [], keyIds: null };
    this.reader = new RowReader(LAYOUT, file, scope, this.result.warnings);
  }

  /** One physical line, with or without its line end. */
  push(physical: string): void {
    this.line += 1;
    const text = physical.replace(/\r?\n$/, '').replace(/\r$/, '').replace(/^\uFEFF/, '');
    if (text.startsWith(' ') && this.current !== null) {
      this.current += text.slice(1);
      return;
    }
    this.flushLine();
    if (text.trim() === '') {
      this.flushEntry();
      return;
    }
    if (text.startsWith('#')) return;
    this.current = text;
    this.currentLine = this.line;
  }

  end(): CsvImportResult {
    this.flushLine();
    this.flushEntry();
    if (this.keyObjects === 0) return { ok: false, reason: `${this.file} is LDIF but holds no msFVE-RecoveryInformation object (export them with ldifde -r "(objectClass=msFVE-RecoveryInformation)").` };
    this.result.keyIds = this.reader.keyIds();
    return { ok: true, result: this.result };
  }

  private flushLine(): void {
    const text = this.current;
    this.current = null;
    if (text === null) return;
    const colon = text.indexOf(':');
    if (colon <= 0) return;
    const name = text.slice(0, colon).toLowerCase();
    let value: string;
    if (text[colon + 1] === ':') {
      try {
        value = name === 'msfve-recoveryguid' ? text.slice(colon + 2).trim() : decodeBase64Text(text.slice(colon + 2).trim());
      } catch {
        value = '';
      }
    } else if (text[colon + 1] === '<') value = '';
    else value = text.slice(colon + 1).trim();
    if (name === 'dn') {
      this.flushEntry();
      this.entry = new Map();
      this.entryLine = this.currentLine;
    }
    if (this.entry && name === 'objectclass') this.classes.push(value.toLowerCase());
    else if (this.entry && !this.entry.has(name)) this.entry.set(name, value);
  }

  private flushEntry(): void {
    const entry = this.entry;
    const classes = this.classes;
    this.entry = null;
    this.classes = [];
    if (!entry) return;
    const isKey = entry.has('msfve-recoverypassword') || entry.has('msfve-recoveryguid') || classes.includes('msfve-recoveryinformation');
    if (!isKey) return;
    this.keyObjects += 1;
    this.result.rows += 1;
    const fields = [entry.get('dn') ?? '', entry.get('msfve-recoveryguid') ?? '', entry.get('msfve-recoverypassword') ?? '', entry.get('name') ?? entry.get('cn') ?? '', generalizedTime(entry.get('whencreated') ?? '')];
    const outcome = this.reader.read({ fields, line: this.entryLine, endLine: this.entryLine, closed: true, start: 0, end: 0 });
    if (outcome === OUT_OF_SCOPE) this.result.outOfScope += 1;
    else if (typeof outcome === 'string') {
      const reason = outcome.startsWith('no recovery password') ? 'no recovery password: the object has no msFVE-RecoveryPassword (ldifde must run as an account allowed to read it)' : outcome;
      this.result.rejected.push({ file: this.file, line: this.entryLine, reason });
    } else this.result.records.push(outcome);
  }
}

/** Parses a whole LDIF export already in memory. */
export function importLdifText(text: string, file: string, scope: ScopeMatcher): CsvImportResult {
  const importer = new LdifImporter(file, scope);
  for (const line of text.split('\n')) importer.push(line);
  return importer.end();
}
