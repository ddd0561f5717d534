import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidRecoveryPassword } from '../../core/keys/bitlocker.js';
import { fakeGuid, fakeRecoveryPassword, seededRng } from './fake-keys.js';
import { buildFixtures } from './fixtures/generate.js';
import { readRecord, sniffDelimiter, walkRecords } from '../../core/keys/importers/csv.js';
import { mergeRecords, parseExport, readExport, type FileImport, type KeyRecord, type ParseOutcome } from './read-export.js';
import { scopeMatcher } from '../../core/keys/importers/scope.js';
import { parseCreated } from '../../core/keys/importers/values.js';
import { bytesFromGuid, guidFromBytes } from '../../core/keys/importers/guid-bytes.js';
import { describeKeyIds, ImportSummarySchema } from '../../core/keys/schemas.js';
import { mergeImports } from './import-keys.js';
import { emptyVault } from './store.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);

function ok(outcome: ParseOutcome): FileImport {
  if (!outcome.ok) throw new Error(`expected a parse, got: ${outcome.reason}`);
  return outcome.result;
}

const fixtures = buildFixtures();
const passwordOf = (id: string): string | undefined => fixtures.keys.find((k) => k.id === id)?.password;

describe('fixtures', () => {
  it('on disk equal what the generator makes, and every key in them is checksum-valid and fake', () => {
    for (const [name, bytes] of Object.entries(fixtures.files)) expect(readFileSync(fixture(name)).equals(bytes), name).toBe(true);
    for (const key of fixtures.keys) expect(isValidRecoveryPassword(key.password)).toBe(true);
  });
});

describe('raw Get-ADObject | Export-Csv', () => {
  for (const name of ['ad-raw-type.csv', 'ad-raw-notype.csv']) {
    it(`${name}: GUID and time from Name, device from the DN, bad block named`, async () => {
      const result = ok(await readExport(fixture(name)));
      expect(result.layout).toBe('ad');
      expect(result.rows).toBe(4);
      expect(result.records.map((r) => r.device)).toEqual(['PC-BER-001', 'PC-BER-002', 'PC-MUC-001']);
      const first = result.records[0]!;
      expect(first.created).toBe('2024-07-19T08:00:00.000Z');
      expect(first.dn).toMatch(/^CN=2024-07-19T08:00:00-00:00\{.+\},CN=PC-BER-001,OU=Workstations,OU=Berlin/);
      expect(first.password).toBe(passwordOf(first.id));
      expect(result.rejected).toEqual([{ file: name, line: name === 'ad-raw-type.csv' ? 6 : 5, reason: expect.stringContaining('bad checksum in block 3') }]);
    });
  }
});

describe('AD report CSVs', () => {
  it('semicolon, CRLF, BOM: braces/lower case/space-separated values, quoted ; and "", a two-line quoted field, a row with no ID', async () => {
    const result = ok(await readExport(fixture('ad-report-semicolon.csv')));
    expect(result.layout).toBe('ad');
    expect(result.records.map((r) => [r.device, r.created])).toEqual([
      ['PC-HAM-010', '2024-07-19T07:55:00.000Z'],
      ['PC-HAM-011', '2024-07-19T08:10:00.000Z'],
      ['PC-HAM-012', '2024-07-20T11:00:00.000Z'],
    ]);
    for (const r of result.records) expect(r.password).toBe(passwordOf(r.id));
    expect(result.records[1]!.id).toBe(result.records[1]!.id.toUpperCase());
    expect(result.rejected).toEqual([{ file: 'ad-report-semicolon.csv', line: 6, reason: 'no ID: column PasswordID is empty' }]);
  });

  it('comma, LF: a RecoveryKey column holding IDs is told apart from the password column by its values', async () => {
    const result = ok(await readExport(fixture('ad-report-comma.csv')));
    expect(result.records.map((r) => r.device)).toEqual(['PC-FRA-001', 'PC-FRA-002']);
    for (const r of result.records) expect(r.password).toBe(passwordOf(r.id));
    expect(result.rejected.map((r) => [r.line, r.reason])).toEqual([
      [4, "missing column: the row has 3 of the header's 5 columns"],
      [5, expect.stringContaining('bad checksum in block 7')],
    ]);
  });
});

describe('Microsoft Graph JSON', () => {
  it('one file of concatenated pages equals the pages as separate files; volumeType "1", 1 and "operatingSystemVolume" are the OS volume', async () => {
    const joined = ok(await readExport(fixture('graph-concatenated.json')));
    const p1 = ok(await readExport(fixture('graph-page1.json')));
    const p2 = ok(await readExport(fixture('graph-page2.json')));
    expect(joined.layout).toBe('graph');
    expect(joined.records.map((r) => r.id)).toEqual([...p1.records, ...p2.records].map((r) => r.id));
    expect(joined.records.map((r) => r.volumeType)).toEqual(['operatingSystemVolume', 'operatingSystemVolume', 'operatingSystemVolume', 'fixedDataVolume']);
    expect(joined.records[2]!.created).toBe('2024-07-19T08:02:00.123Z');
    for (const r of joined.records) expect(r.password).toBe(passwordOf(r.id));
    expect(joined.rejected).toEqual([{ file: 'graph-concatenated.json', line: 38, reason: expect.stringContaining('no "key"') }]);
    expect(p2.rejected[0]!.line).toBe(11);
  });

  it('a cut-off page is reported and the other pages are kept', () => {
    const text = readFileSync(fixture('graph-concatenated.json'), 'utf8');
    const cut = text.slice(0, text.length - 40);
    const result = ok(parseExport(Buffer.from(cut), 'cut.json'));
    expect(result.records).toHaveLength(3);
    expect(result.rejected.at(-1)!.reason).toContain('not valid JSON');
  });

  it('--format graph on a CSV, and JSON that is not Graph, are not recognised', () => {
    expect(parseExport(Buffer.from('Id,Key\n'), 'x.csv', { format: 'graph' }).ok).toBe(false);
    expect(parseExport(Buffer.from('{"hello":1}'), 'x.json').ok).toBe(false);
  });
});

describe('Entra / Intune, MBAM, minimal', () => {
  it('entra.csv: layout, volume types, device IDs', async () => {
    const result = ok(await readExport(fixture('entra.csv')));
    expect(result.layout).toBe('entra');
    expect(result.records).toHaveLength(4);
    expect(result.records.every((r) => r.deviceId !== null && r.volumeType === 'operatingSystemVolume')).toBe(true);
  });

  it('entra.csv merged: the duplicate collapses, the conflict keeps the newest and reports the other without passwords', async () => {
    const result = ok(await readExport(fixture('entra.csv')));
    const into = new Map<string, KeyRecord>();
    const outcome = mergeRecords(into, result.records);
    expect(outcome).toMatchObject({ imported: 2, duplicates: 1 });
    expect(outcome.conflicts).toHaveLength(1);
    const conflict = outcome.conflicts[0]!;
    expect(conflict.kept).toEqual({ device: 'LAPTOP-BER-8', created: '2024-07-19T09:00:00.000Z', source: 'entra.csv:5' });
    expect(conflict.dropped.source).toBe('entra.csv:3');
    expect(JSON.stringify(outcome)).not.toMatch(/\d{6}-\d{6}/);
    expect(into.get(conflict.id)!.source).toBe('entra.csv:5');
  });

  it('mbam.csv: the integer Id and the VolumeGuid are not taken for the key ID', async () => {
    const result = ok(await readExport(fixture('mbam.csv')));
    expect(result.layout).toBe('mbam');
    expect(result.records.map((r) => r.device)).toEqual(['PC-STU-001', 'PC-STU-002']);
    for (const r of result.records) expect(r.password).toBe(passwordOf(r.id));
  });

  it('minimal Id,Key, braces and undashed passwords, no trailing newline', async () => {
    const result = ok(await readExport(fixture('minimal.csv')));
    expect(result.layout).toBe('csv');
    expect(result.records).toHaveLength(2);
    for (const r of result.records) expect(r.password).toBe(passwordOf(r.id));
  });

  it('a CSV without passwords or IDs is not recognised, and says why; a missing file says why', async () => {
    const notKeys = await readExport(fixture('not-keys.csv'));
    expect(notKeys.ok || notKeys.reason).toMatch(/no column holds recovery passwords/);
    const noIds = parseExport(Buffer.from(`Device,Key\nPC-1,${fakeRecoveryPassword(seededRng(1))}\n`), 'x.csv');
    expect(noIds.ok || noIds.reason).toMatch(/no column holds key IDs/);
    const missing = await readExport(fixture('nope.csv'));
    expect(missing.ok || missing.reason).toMatch(/does not exist/);
  });

  it('UTF-16 LE with BOM (Windows PowerShell Out-File) reads like UTF-8', () => {
    const text = readFileSync(fixture('entra.csv'), 'utf8');
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(ok(parseExport(bytes, 'entra16.csv')).records).toHaveLength(4);
  });
});

describe('scope', () => {
  it('device-name globs and OU components', async () => {
    const berlin = ok(await readExport(fixture('ad-raw-type.csv'), { scope: ['OU=Berlin'] }));
    expect(berlin.records.map((r) => r.device)).toEqual(['PC-BER-001', 'PC-BER-002']);
    expect(berlin.outOfScope).toBe(1);
    expect(berlin.rejected).toHaveLength(1); // PC-BER-003 is in scope and has a bad block
    const glob = ok(await readExport(fixture('ad-raw-type.csv'), { scope: ['pc-muc-*'] }));
    expect(glob.records.map((r) => r.device)).toEqual(['PC-MUC-001']);
    expect(glob.rejected).toHaveLength(0);
    const either = ok(await readExport(fixture('ad-report-comma.csv'), { scope: ['PC-FRA-00?', 'nothing'] }));
    expect(either.records).toHaveLength(2);
  });

  it('matcher rules', () => {
    const m = scopeMatcher(['OU=Work*,OU=Berlin']);
    expect(m({ device: null, deviceId: null, dn: 'CN=PC,OU=Workstations,OU=Berlin,DC=x' })).toBe(true);
    expect(m({ device: null, deviceId: null, dn: 'CN=PC,OU=Workstations,OU=Munich,DC=x' })).toBe(false);
    expect(m({ device: 'PC', deviceId: null, dn: null })).toBe(false);
    expect(scopeMatcher([])({ device: null, deviceId: null, dn: null })).toBe(true);
  });
});

describe('CSV reader', () => {
  it('sniffs the delimiter outside quotes', () => {
    expect(sniffDelimiter('"a,b";c;d')).toBe(';');
    expect(sniffDelimiter('a,b;c,d')).toBe(',');
    expect(sniffDelimiter('a\tb\tc')).toBe('\t');
  });

  it('reads doubled quotes, CR-only line ends and an unclosed quote without throwing', () => {
    expect(readRecord('"a ""b"", c",d\rnext', 0, 1, ',')).toMatchObject({ fields: ['a "b", c', 'd'], closed: true, end: 15 });
    expect(readRecord('x,"open\nmore', 0, 1, ',')).toMatchObject({ closed: false, endLine: 2 });
  });

  it('restarts on the next line after an unclosed quote', () => {
    const lines = [...walkRecords('a,"b\nc,d\ne,f\n', ',')].filter((r) => r.closed).map((r) => r.fields);
    expect(lines).toEqual([['c', 'd'], ['e', 'f']]);
  });

  it('parses the date shapes exports use', () => {
    expect(parseCreated('2024-07-19T08:00:00-00:00')).toBe('2024-07-19T08:00:00.000Z');
    expect(parseCreated('2024-07-19T10:00:00+02:00')).toBe('2024-07-19T08:00:00.000Z');
    expect(parseCreated('19.07.2024 08:00:00')).toBe('2024-07-19T08:00:00.000Z');
    expect(parseCreated('7/19/2024 8:00:00 PM')).toBe('2024-07-19T20:00:00.000Z');
    expect(parseCreated('yesterday')).toBeNull();
  });
});

describe('property: malformed CSV', () => {
  const garbage = fc.array(fc.constantFrom('"', ',', ';', '\n', '\r\n', 'x', ' ', '{', '}', '1', '-', '#', '\t', '""'), { minLength: 0, maxLength: 30 }).map((parts) => parts.join(''));

  it('never throws, and every valid row is imported or reported at its line', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.tuple(fc.boolean(), garbage), { minLength: 1, maxLength: 25 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), (seed, plan, eol, quoteAll) => {
        const rng = seededRng(seed);
        const lines = ['DeviceName,RecoveryKeyId,RecoveryKey'];
        const valid: { id: string; password: string; line: number }[] = [];
        for (const [isValid, junk] of plan) {
          if (isValid) {
            const id = fakeGuid(rng);
            const password = fakeRecoveryPassword(rng);
            const fields = [`PC-${valid.length}`, id, password];
            lines.push(quoteAll ? fields.map((f) => `"${f}"`).join(',') : fields.join(','));
            valid.push({ id, password, line: 0 });
            valid.at(-1)!.line = countLines(lines.join(eol)) ;
          } else lines.push(junk);
        }
        const text = lines.join(eol);
        let outcome: ParseOutcome | undefined;
        expect(() => {
          outcome = parseExport(Buffer.from(text), 'fuzz.csv');
        }).not.toThrow();
        if (valid.length === 0) return;
        const result = ok(outcome!);
        for (const row of valid) {
          const imported = result.records.some((r) => r.id === row.id && r.password === row.password);
          const reported = result.rejected.some((r) => r.line === row.line);
          expect(imported || reported, `row at line ${row.line} lost`).toBe(true);
        }
        for (const r of result.rejected) expect(r.reason).not.toMatch(/\d{6}/);
      }),
      { numRuns: 400 },
    );
  });
});

describe('property: streamed file reading equals reading in memory', () => {
  const piece = fc.constantFrom('"', ',', ';', '\n', '\r\n', '\r', 'x', ' ', 'Ä', '😀', '#', '""', '{', '}');
  it('for any CSV text and any read size (cutting lines and UTF-8 characters), readExport finds the same records and rejections as parseExport', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bootmend-stream-'));
    try {
      await fc.assert(
        fc.asyncProperty(fc.integer(), fc.array(fc.oneof(fc.boolean(), fc.array(piece, { maxLength: 12 }).map((p) => p.join(''))), { minLength: 1, maxLength: 20 }), fc.constantFrom('\n', '\r\n', '\r'), fc.integer({ min: 1, max: 64 }), fc.boolean(), async (seed, plan, eol, chunkBytes, bom) => {
          const rng = seededRng(seed);
          const lines = ['DeviceName;RecoveryKeyId;RecoveryKey'];
          for (const item of plan) lines.push(typeof item === 'string' ? item : `"PC-Ä-${lines.length}";${fakeGuid(rng)};${item ? fakeRecoveryPassword(rng) : fakeRecoveryPassword(rng).replace(/-/g, ' ')}`);
          const bytes = Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(lines.join(eol))]);
          const file = join(dir, 'k.csv');
          writeFileSync(file, bytes);
          const streamed = await readExport(file, { chunkBytes });
          const memory = parseExport(bytes, 'k.csv');
          expect(streamed).toEqual(memory);
        }),
        { numRuns: 300 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function countLines(text: string): number {
  return text.split(/\r\n|\n|\r/).length;
}

describe('AD exports with msFVE-RecoveryGuid as raw bytes', () => {
  /** How Windows stores a GUID (System.Guid.ToByteArray): the first three fields little-endian, the rest as written. */
  function storedBytes(guid: string): Buffer {
    const hex = guid.replace(/-/g, '');
    const field = (from: number, to: number) => Buffer.from(hex.slice(from, to), 'hex').reverse();
    return Buffer.concat([field(0, 8), field(8, 12), field(12, 16), Buffer.from(hex.slice(16), 'hex')]);
  }
  const rng = seededRng(1913);
  const keys = Array.from({ length: 3 }, (_, i) => ({ id: fakeGuid(rng), password: fakeRecoveryPassword(rng), device: `PC-SEA-00${i + 1}` }));
  const name = (id: string) => `2024-07-19T10:12:33-08:00{${id}}`;
  const dn = (id: string, device: string) => `CN=${name(id)},CN=${device},OU=Workstations,OU=Seattle,DC=corp,DC=example`;
  const q = (v: string) => `"${v.replace(/"/g, '""')}"`;
  const adCsv = (guidCell: (id: string) => string, header = '"DistinguishedName","msFVE-RecoveryGuid","msFVE-RecoveryPassword","Name","ObjectClass"') =>
    ['#TYPE Microsoft.ActiveDirectory.Management.ADObject', header, ...keys.map((k) => [dn(k.id, k.device), guidCell(k.id), k.password, name(k.id), 'msFVE-RecoveryInformation'].map(q).join(','))].join('\r\n') + '\r\n';

  it('System.Guid byte order: 00112233-4455-6677-8899-AABBCCDDEEFF is stored as 33 22 11 00 55 44 77 66 88 99 AA …', () => {
    expect(guidFromBytes(Buffer.from('33221100554477668899aabbccddeeff', 'hex'))).toBe('00112233-4455-6677-8899-AABBCCDDEEFF');
    expect(Buffer.from(bytesFromGuid('00112233-4455-6677-8899-AABBCCDDEEFF')).toString('hex')).toBe('33221100554477668899aabbccddeeff');
    expect(storedBytes('00112233-4455-6677-8899-AABBCCDDEEFF').toString('hex')).toBe('33221100554477668899aabbccddeeff');
  });

  const formats: [string, (id: string) => string][] = [
    ["PowerShell's view of a byte[] ({51, 34, 17, …})", (id) => `{${[...storedBytes(id)].join(', ')}}`],
    ['-join " " of the bytes', (id) => [...storedBytes(id)].join(' ')],
    ["csvde's X'…'", (id) => `X'${storedBytes(id).toString('hex')}'`],
    ['base64 (ldifde, [Convert]::ToBase64String)', (id) => storedBytes(id).toString('base64')],
    ['[BitConverter]::ToString (9F-6B-…)', (id) => [...storedBytes(id)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join('-')],
    ['32 hex digits in byte order', (id) => storedBytes(id).toString('hex')],
  ];
  for (const [label, cell] of formats) {
    it(`${label}: turned into the key ID, which agrees with the Name; the summary says so`, () => {
      const result = ok(parseExport(Buffer.from(adCsv(cell)), 'ad-guid.csv'));
      expect(result.layout).toBe('ad');
      expect(result.records.map((r) => [r.id, r.password, r.device])).toEqual(keys.map((k) => [k.id, k.password, k.device]));
      expect(result.keyIds).toEqual({ column: 'msFVE-RecoveryGuid', encoding: 'bytes', checkedAgainst: 'Name / DistinguishedName', agreed: 3, disagreed: 0, fromName: 0 });
      expect(result.warnings).toEqual([]);
      expect(describeKeyIds(result.keyIds!)).toBe('Key IDs from msFVE-RecoveryGuid (raw bytes; the first three GUID fields are stored byte-reversed and were turned around), checked against Name / DistinguishedName: 3 agree.');
    });
  }

  it('32 hex digits in text order (a [guid] written with ToString("N")) agree with the Name too, and are not turned around', () => {
    const result = ok(parseExport(Buffer.from(adCsv((id) => id.replace(/-/g, '').toLowerCase())), 'ad-n.csv'));
    expect(result.records.map((r) => r.id)).toEqual(keys.map((k) => k.id));
    expect(result.keyIds).toMatchObject({ agreed: 3, disagreed: 0 });
  });

  it('a row whose msFVE-RecoveryGuid disagrees with its Name is filed under the Name, with a warning naming both IDs; an empty one takes the Name', () => {
    const wrong = fakeGuid(seededRng(7));
    const text = adCsv((id) => (id === keys[0]!.id ? `X'${storedBytes(wrong).toString('hex')}'` : id === keys[1]!.id ? '' : `X'${storedBytes(id).toString('hex')}'`));
    const result = ok(parseExport(Buffer.from(text), 'ad-mixed.csv'));
    expect(result.records.map((r) => r.id)).toEqual(keys.map((k) => k.id));
    expect(result.keyIds).toEqual({ column: 'msFVE-RecoveryGuid', encoding: 'bytes', checkedAgainst: 'Name / DistinguishedName', agreed: 1, disagreed: 1, fromName: 1 });
    expect(result.warnings).toEqual([
      { file: 'ad-mixed.csv', line: 3, message: `column msFVE-RecoveryGuid gives key ID ${wrong} (read as raw bytes, first three fields turned around) but Name gives ${keys[0]!.id}; the key is filed under ${keys[0]!.id}, the ID Windows named the key object with` },
      { file: 'ad-mixed.csv', line: 4, message: `column msFVE-RecoveryGuid is empty; the ID in Name (${keys[1]!.id}) was used` },
    ]);
    for (const warning of result.warnings) for (const k of keys) expect(warning.message).not.toContain(k.password);
    expect(describeKeyIds(result.keyIds!)).toContain('1 differ (the Name / DistinguishedName ID was used; see the warnings)');
  });

  it('Export-Csv of the raw attribute ("System.Byte[]") holds no ID: the Name is used and the summary says so', () => {
    const result = ok(parseExport(Buffer.from(adCsv(() => 'System.Byte[]')), 'ad-sysbyte.csv'));
    expect(result.records.map((r) => r.id)).toEqual(keys.map((k) => k.id));
    expect(result.keyIds).toEqual({ column: 'Name', encoding: 'name', checkedAgainst: null, agreed: 0, disagreed: 0, fromName: 0 });
    expect(describeKeyIds(result.keyIds!)).toBe('Key IDs from the {GUID} in Name.');
  });

  it('without Name or DN the bytes are used on their own (nothing to check against)', () => {
    const text = ['"Computer","msFVE-RecoveryGuid","msFVE-RecoveryPassword"', ...keys.map((k) => [k.device, storedBytes(k.id).toString('base64'), k.password].map(q).join(','))].join('\n');
    const result = ok(parseExport(Buffer.from(text), 'no-name.csv'));
    expect(result.records.map((r) => [r.id, r.device])).toEqual(keys.map((k) => [k.id, k.device]));
    expect(result.keyIds).toMatchObject({ column: 'msFVE-RecoveryGuid', encoding: 'bytes', checkedAgainst: null });
  });

  it('a value that is no GUID and no 16 bytes is a rejected row naming the column, when no Name can stand in', () => {
    const text = ['"Computer","msFVE-RecoveryGuid","msFVE-RecoveryPassword"', ...keys.map((k, i) => [k.device, i === 1 ? '{1, 2, 3}' : storedBytes(k.id).toString('base64'), k.password].map(q).join(','))].join('\n');
    const result = ok(parseExport(Buffer.from(text), 'short.csv'));
    expect(result.rejected).toEqual([{ file: 'short.csv', line: 3, reason: 'no ID: column msFVE-RecoveryGuid is not a key ID (a GUID, or its 16 bytes as hex, base64 or a list of numbers)' }]);
  });

  it('the import summary carries the per-file report and the warnings (what the Keys screen and `keys import` show)', () => {
    const wrong = fakeGuid(seededRng(8));
    const result = ok(parseExport(Buffer.from(adCsv((id) => (id === keys[2]!.id ? storedBytes(wrong).toString('base64') : storedBytes(id).toString('base64')))), 'ad.csv'));
    const { json } = mergeImports(emptyVault(), [result], undefined, '/v.bmv');
    expect(json.files).toEqual([{ file: 'ad.csv', layout: 'ad', rows: 3, keys: 3, keyIds: expect.objectContaining({ agreed: 2, disagreed: 1 }) }]);
    expect(json.warnings).toEqual([expect.objectContaining({ file: 'ad.csv', line: 5, message: expect.stringContaining(`filed under ${keys[2]!.id}`) })]);
    expect(ImportSummarySchema.safeParse({ ...json, vault: undefined }).success).toBe(true);
  });
});

describe('ldifde output (LDIF)', () => {
  const rng = seededRng(2849);
  const keys = Array.from({ length: 3 }, (_, i) => ({ id: fakeGuid(rng), password: fakeRecoveryPassword(rng), device: `PC-LDF-00${i + 1}` }));
  const stored = (guid: string): Buffer => {
    const h = guid.replace(/-/g, '');
    const swap = (a: number, b: number) => Buffer.from(h.slice(a, b), 'hex').reverse();
    return Buffer.concat([swap(0, 8), swap(8, 12), swap(12, 16), Buffer.from(h.slice(16), 'hex')]);
  };
  /** RFC 2849 folding: a long line goes on with lines that start with one space, as ldifde writes at 80 columns. */
  const fold = (line: string): string => (line.length <= 78 ? line : [line.slice(0, 78), ...(line.slice(78).match(/.{1,77}/g) ?? []).map((part) => ` ${part}`)].join('\r\n'));
  const name = (id: string) => `2024-07-19T10:12:33-08:00{${id}}`;
  const dn = (id: string, device: string) => `CN=${name(id)},CN=${device},OU=Workstations,OU=Seattle,DC=corp,DC=example`;
  const entry = (k: (typeof keys)[number], options: { guid?: string; password?: boolean; base64Dn?: boolean } = {}) =>
    [
      options.base64Dn ? `dn:: ${Buffer.from(dn(k.id, k.device)).toString('base64')}` : fold(`dn: ${dn(k.id, k.device)}`),
      'changetype: add',
      'objectClass: top',
      'objectClass: msFVE-RecoveryInformation',
      `cn: ${name(k.id)}`,
      `name: ${name(k.id)}`,
      `msFVE-RecoveryGuid:: ${stored(options.guid ?? k.id).toString('base64')}`,
      ...(options.password === false ? [] : [`msFVE-RecoveryPassword: ${k.password}`]),
      'whenCreated: 20240719181233.0Z',
    ].join('\r\n');
  const computer = ['dn: CN=PC-LDF-001,OU=Workstations,OU=Seattle,DC=corp,DC=example', 'changetype: add', 'objectClass: computer', 'name: PC-LDF-001'].join('\r\n');
  const other = fakeGuid(seededRng(3));
  const noPassword = { id: fakeGuid(rng), password: '', device: 'PC-LDF-009' };
  const ldif = ['version: 1', '', computer, '', entry(keys[0]!), '', entry(keys[1]!, { base64Dn: true }), '', entry(keys[2]!, { guid: other }), '', entry(noPassword, { password: false }), ''].join('\r\n');

  it('reads every key object: base64 msFVE-RecoveryGuid turned into the ID, folded and base64 DNs, computers skipped, a disagreement warned, a missing password rejected', () => {
    const result = ok(parseExport(Buffer.from(ldif), 'keys.ldf'));
    expect(result.layout).toBe('ad');
    expect(result.rows).toBe(4);
    expect(result.records.map((r) => [r.id, r.password, r.device, r.created])).toEqual(keys.map((k) => [k.id, k.password, k.device, '2024-07-19T18:12:33.000Z']));
    expect(result.keyIds).toEqual({ column: 'msFVE-RecoveryGuid', encoding: 'bytes', checkedAgainst: 'name / dn', agreed: 2, disagreed: 1, fromName: 0 });
    expect(result.warnings).toEqual([expect.objectContaining({ file: 'keys.ldf', message: expect.stringContaining(`gives key ID ${other}`) })]);
    expect(result.rejected).toEqual([{ file: 'keys.ldf', line: expect.any(Number), reason: expect.stringMatching(/^no recovery password: the object has no msFVE-RecoveryPassword/) }]);
  });

  it('streamed from disk in small pieces, it reads the same as in memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bootmend-ldif-'));
    try {
      const path = join(dir, 'keys.ldf');
      writeFileSync(path, ldif);
      const streamed = ok(await readExport(path, { chunkBytes: 7 }));
      expect(streamed).toEqual(ok(parseExport(Buffer.from(ldif), 'keys.ldf')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an LDIF file with no key objects is refused, naming the ldifde filter to use', () => {
    const outcome = parseExport(Buffer.from(['version: 1', '', computer, ''].join('\n')), 'computers.ldf');
    expect(outcome).toEqual({ ok: false, file: 'computers.ldf', reason: expect.stringContaining('objectClass=msFVE-RecoveryInformation') });
  });
});
