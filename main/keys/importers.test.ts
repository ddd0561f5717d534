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
