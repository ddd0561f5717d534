import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildFixtures } from './fixtures/generate.js';
import { fakeGuid, fakeRecoveryPassword, seededRng } from './fake-keys.js';
import { keysImport, keysLookup, keysRevealed, keysStats, keysWipe, vaultEnvFrom, type CliResult, type ImportJson, type VaultEnv } from './cli-commands.js';
import { KeyIndex } from './lookup.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const ALL = ['ad-raw-type.csv', 'ad-raw-notype.csv', 'ad-report-semicolon.csv', 'ad-report-comma.csv', 'graph-concatenated.json', 'graph-page1.json', 'graph-page2.json', 'entra.csv', 'mbam.csv', 'minimal.csv'].map((f) => join(FIXTURES, f));
const { keys } = buildFixtures();

let dir: string;
let env: VaultEnv;
const outputs: string[] = [];
function keep(result: CliResult): CliResult {
  outputs.push(result.text, JSON.stringify(result.json));
  return result;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bootmend-keys-'));
  env = { ...vaultEnvFrom({ dataDir: dir, env: { BOOTMEND_VAULT_PASSPHRASE: 'test passphrase' } }), now: new Date('2024-07-20T10:00:00Z') };
  outputs.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('keys import', () => {
  it('imports every layout, collapses duplicates, reports conflicts and rejected rows by file and line', async () => {
    const result = keep(await keysImport({ files: ALL }, env));
    expect(result.exitCode).toBe(0);
    const json = result.json as ImportJson;
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['imported', 'duplicates', 'conflicts', 'rejected']));
    expect(json.files.map((f) => f.layout)).toEqual(['ad', 'ad', 'ad', 'ad', 'graph', 'graph', 'graph', 'entra', 'mbam', 'csv']);
    // 3 AD raw + 3 semicolon + 2 comma + 4 graph + 2 entra + 2 mbam + 2 minimal distinct IDs.
    expect(json.imported).toBe(18);
    // ad-raw twice (3), graph pages twice (4), entra duplicate row (1).
    expect(json.duplicates).toBe(8);
    expect(json.conflicts).toHaveLength(1);
    expect(json.total).toBe(18);
    expect(json.rejected).toEqual(
      expect.arrayContaining([
        { file: 'ad-raw-type.csv', line: 6, reason: expect.stringContaining('block 3') },
        { file: 'ad-report-comma.csv', line: 4, reason: expect.stringContaining('missing column') },
        { file: 'ad-report-semicolon.csv', line: 6, reason: expect.stringContaining('no ID') },
      ]),
    );
    expect(json.vault).toBe(join(dir, 'vault.bmv'));
  });

  it('a second import merges into the vault; scope keeps only matching keys', async () => {
    const first = keep(await keysImport({ files: [join(FIXTURES, 'ad-raw-type.csv')], scope: ['OU=Berlin'] }, env));
    expect((first.json as ImportJson).imported).toBe(2);
    const second = keep(await keysImport({ files: [join(FIXTURES, 'ad-raw-notype.csv'), join(FIXTURES, 'mbam.csv')] }, env));
    expect(second.json).toMatchObject({ imported: 3, duplicates: 2, total: 5 });
  });

  it('exit 1 naming the file when one cannot be read or is not a key export; nothing imported', async () => {
    const missing = keep(await keysImport({ files: [join(FIXTURES, 'mbam.csv'), join(dir, 'nope.csv')] }, env));
    expect(missing.exitCode).toBe(1);
    expect(missing.text).toMatch(/nope\.csv: it does not exist/);
    const unknown = keep(await keysImport({ files: [join(FIXTURES, 'not-keys.csv')] }, env));
    expect(unknown.exitCode).toBe(1);
    expect(unknown.json).toMatchObject({ failed: [{ file: 'not-keys.csv', reason: expect.stringContaining('no column holds recovery passwords') }] });
    expect((await keysStats(env)).json).toMatchObject({ exists: false });
  });

  it('usage: no passphrase, a bad --format, a bad --expires', async () => {
    expect((await keysImport({ files: ALL }, { ...env, passphrase: undefined })).exitCode).toBe(64);
    expect((await keysImport({ files: ALL, format: 'xml' }, env)).exitCode).toBe(64);
    expect((await keysImport({ files: ALL, expires: 'soon' }, env)).exitCode).toBe(64);
  });

  it('a wrong passphrase on an existing vault is exit 1 and does not touch it', async () => {
    await keysImport({ files: [join(FIXTURES, 'mbam.csv')] }, env);
    const before = await readFile(env.vaultPath);
    const wrong = await keysImport({ files: [join(FIXTURES, 'minimal.csv')] }, { ...env, passphrase: 'nope' });
    expect(wrong.exitCode).toBe(1);
    expect(wrong.json).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect((await readFile(env.vaultPath)).equals(before)).toBe(true);
  });
});

describe('keys lookup and reveal', () => {
  beforeEach(async () => {
    await keysImport({ files: ALL }, env);
  });

  it('finds by 8-character prefix (any case, braces) and by device, without the password', async () => {
    const key = keys.find((k) => k.device === 'PC-STU-001')!;
    for (const query of [key.id.slice(0, 8).toLowerCase(), `{${key.id}}`, key.id.replace(/-/g, ''), 'pc-stu-001']) {
      const result = keep(await keysLookup({ query }, env));
      expect(result.exitCode, query).toBe(0);
      expect(result.json).toEqual({ id: key.id, device: 'PC-STU-001', created: '2024-07-19T05:00:00.000Z' });
    }
  });

  it('exit 2 when nothing matches, with a hint for too-short IDs', async () => {
    const none = keep(await keysLookup({ query: 'PC-NOWHERE' }, env));
    expect(none.exitCode).toBe(2);
    const short = keep(await keysLookup({ query: 'abc' }, env));
    expect(short.exitCode).toBe(2);
    expect(short.text).toMatch(/at least the first 8/);
  });

  it('reveal appends the audit event before showing the password; the event has no password', async () => {
    const key = keys.find((k) => k.device === 'PC-HAM-010')!;
    const result = await keysLookup({ query: key.id.slice(0, 8), reveal: true, reason: 'boot loop after update', technician: 'Ana' }, env);
    expect(result.exitCode).toBe(0);
    expect(result.json).toEqual({ id: key.id, device: 'PC-HAM-010', created: '2024-07-19T07:55:00.000Z', password: key.password });
    const journal = await readFile(env.journalPath, 'utf8');
    expect(journal).toContain(key.id);
    expect(journal).toContain('"machine":"PC-HAM-010"');
    expect(journal).toContain('"technician":"Ana"');
    expect(journal).not.toContain(key.password);
    expect(journal).not.toContain(key.password.replace(/-/g, ''));
    const csv = keep(await keysRevealed({ format: 'csv' }, env));
    expect(csv.text).toMatch(/^# Every recovery password/);
    expect(csv.text).toContain(`id,device,machine,technician,time,reason\r\n${key.id},PC-HAM-010,PC-HAM-010,Ana,2024-07-20T10:00:00.000Z,boot loop after update\r\n`);
    expect(csv.json).toMatchObject({ revealed: [{ id: key.id, technician: 'Ana' }] });
  });

  it('reveal without a reason is a usage error and writes nothing', async () => {
    const result = keep(await keysLookup({ query: keys[0]!.id, reveal: true, technician: 'Ana' }, env));
    expect(result.exitCode).toBe(64);
    expect((await keysRevealed({}, env)).json).toMatchObject({ revealed: [] });
  });

  it('an expired vault refuses lookups (exit 1) but still reports stats', async () => {
    await keysImport({ files: [join(FIXTURES, 'minimal.csv')], expires: '2024-07-20T09:00:00Z' }, env);
    const result = keep(await keysLookup({ query: keys[0]!.id }, env));
    expect(result.exitCode).toBe(1);
    expect(result.json).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect((await keysStats(env)).json).toMatchObject({ expired: true, keys: 18 });
  });

  it('stats and wipe', async () => {
    const stats = keep(await keysStats(env));
    expect(stats.json).toMatchObject({ exists: true, keys: 18, expiresAt: null, expired: false });
    const wipe = keep(await keysWipe(env));
    expect(wipe.json).toEqual({ vault: env.vaultPath, wiped: true });
    expect((await keysLookup({ query: keys[0]!.id }, env)).json).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('no password appears in plaintext in the vault file, the journal or any output (with and without dashes)', async () => {
    await keysLookup({ query: 'PC-BER-001', reveal: true, reason: 'r', technician: 't' }, env);
    keep(await keysStats(env));
    keep(await keysRevealed({ format: 'csv' }, env));
    keep(await keysLookup({ query: 'LAPTOP-BER-8' }, env));
    const vault = await readFile(env.vaultPath);
    const journal = await readFile(env.journalPath);
    const everything = [vault, journal, Buffer.from(outputs.join('\n'))];
    for (const key of keys) {
      for (const form of [key.password, key.password.replace(/-/g, ''), key.password.replace(/-/g, ' ')]) {
        for (const bytes of everything) expect(bytes.includes(Buffer.from(form)), `${key.id} leaked`).toBe(false);
      }
    }
  });
});

describe('ambiguity', () => {
  it('a shared prefix gives exit 3 with candidates (id, device, created) and no passwords', async () => {
    const rng = seededRng(9);
    const prefix = 'ABCDEF01';
    const rows = ['DeviceName,RecoveryKeyId,RecoveryKey,CreatedDateTime'];
    for (let i = 0; i < 3; i += 1) rows.push(`PC-${i},${prefix}${fakeGuid(rng).slice(8)},${fakeRecoveryPassword(rng)},2024-07-0${i + 1}T00:00:00Z`);
    const file = join(dir, 'same-prefix.csv');
    await writeFile(file, rows.join('\n'));
    await keysImport({ files: [file] }, env);
    const result = keep(await keysLookup({ query: prefix.toLowerCase() }, env));
    expect(result.exitCode).toBe(3);
    expect(result.json).toMatchObject({ total: 3, candidates: [{ device: expect.any(String), created: expect.any(String) }, {}, {}] });
    expect(JSON.stringify(result.json)).not.toMatch(/\d{6}-\d{6}/);
    expect(result.text).toMatch(/type more characters/);
  });

  it('a device with several keys asks for the key ID', () => {
    const rng = seededRng(3);
    const rec = (device: string) => ({ id: fakeGuid(rng), password: fakeRecoveryPassword(rng), device, deviceId: null, dn: null, created: null, volumeType: null, source: 'x' });
    const index = new KeyIndex([rec('PC-1'), rec('PC-1'), rec('PC-2')]);
    expect(index.lookup('pc-1')).toMatchObject({ kind: 'ambiguous', total: 2, message: expect.stringMatching(/has 2 keys/) });
    expect(index.lookup('PC-2')).toMatchObject({ kind: 'found' });
  });
});
