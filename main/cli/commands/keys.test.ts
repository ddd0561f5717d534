import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../../api.js';
import { main, type CliApiOverrides } from '../../cli.js';
import { fakeGuid, fakeRecoveryPassword, seededRng } from '../../keys/fake-keys.js';
import { buildFixtures } from '../../keys/fixtures/generate.js';

/**
 * `bootmend keys …` end to end through main() (argument parsing → the local API's keys
 * methods → printing), over FAKE keys only. These are the assertions the old
 * main/keys/cli-commands.ts tests made, now against the commands scripts run.
 */

const FIXTURES = fileURLToPath(new URL('../../keys/fixtures/', import.meta.url));
const ALL = ['ad-raw-type.csv', 'ad-raw-notype.csv', 'ad-report-semicolon.csv', 'ad-report-comma.csv', 'graph-concatenated.json', 'graph-page1.json', 'graph-page2.json', 'entra.csv', 'mbam.csv', 'minimal.csv'].map((f) => join(FIXTURES, f));
const { keys } = buildFixtures();
const PASSPHRASE = 'test passphrase';

let dir: string;
let journalPath: string;
/** Everything any command printed, stdout and stderr, except the stdout of reveals. */
const transcript: string[] = [];
/** stderr of every command, reveals included. */
const stderr: string[] = [];

interface Run {
  code: number;
  out: string;
  err: string;
  json: <T = Record<string, unknown>>() => T;
}

async function bootmend(args: string[], options: { reveal?: boolean; overrides?: CliApiOverrides } = {}): Promise<Run> {
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t), tty: false };
  const code = await main([...args, '--data-dir', dir], io, options.overrides);
  if (!options.reveal) transcript.push(out);
  transcript.push(err);
  stderr.push(err);
  return { code, out, err, json: <T,>() => JSON.parse(out) as T };
}

async function journalEvents(): Promise<Record<string, unknown>[]> {
  const text = await readFile(journalPath, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bootmend-keys-cli-'));
  journalPath = join(dir, 'journal', 'events.ndjson');
  vi.stubEnv('BOOTMEND_VAULT_PASSPHRASE', PASSPHRASE);
  transcript.length = 0;
  stderr.length = 0;
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

interface ImportJson {
  imported: number;
  duplicates: number;
  conflicts: unknown[];
  rejected: { file: string; line: number; reason: string }[];
  files: { layout: string }[];
  total: number;
  vault: string;
  expiresAt: string | null;
}

describe('keys import', () => {
  it('imports every layout, collapses duplicates, reports conflicts and rejected rows by file and line', async () => {
    const result = await bootmend(['keys', 'import', ...ALL, '--json']);
    expect(result.code).toBe(0);
    const json = result.json<ImportJson>();
    expect(Object.keys(json)).toEqual(['imported', 'duplicates', 'conflicts', 'rejected', 'outOfScope', 'files', 'warnings', 'total', 'vault', 'expiresAt']);
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

  it('prints a summary a person reads without --json', async () => {
    const result = await bootmend(['keys', 'import', join(FIXTURES, 'mbam.csv')]);
    expect(result.code).toBe(0);
    expect(result.out).toBe('mbam.csv: mbam layout, 2 rows, 2 keys read\nImported 2 new keys (0 duplicates collapsed, 0 conflicts, 0 rows rejected). The vault now holds 2 keys.\n');
  });

  it("says where an AD export's key IDs came from (msFVE-RecoveryGuid as csvde's X'…' bytes, checked against Name) and warns on a row that disagrees", async () => {
    const rng = seededRng(1913);
    const stored = (guid: string): string => {
      const h = guid.replace(/-/g, '');
      const swap = (a: number, b: number) => Buffer.from(h.slice(a, b), 'hex').reverse().toString('hex');
      return `X'${swap(0, 8)}${swap(8, 12)}${swap(12, 16)}${h.slice(16).toLowerCase()}'`;
    };
    const rows = [fakeGuid(rng), fakeGuid(rng)].map((id, i) => ({ id, password: fakeRecoveryPassword(rng), device: `PC-${i}` }));
    const other = fakeGuid(rng);
    const file = join(dir, 'csvde.csv');
    await writeFile(
      file,
      ['DN,objectClass,msFVE-RecoveryGuid,msFVE-RecoveryPassword,name', ...rows.map((r, i) => `"CN=2024-07-19T10:12:33-08:00{${r.id}},CN=${r.device},OU=Seattle,DC=corp,DC=example",msFVE-RecoveryInformation,${stored(i === 1 ? other : r.id)},${r.password},2024-07-19T10:12:33-08:00{${r.id}}`)].join('\r\n') + '\r\n',
    );
    const result = await bootmend(['keys', 'import', file]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('csvde.csv: ad layout, 2 rows, 2 keys read. Key IDs from msFVE-RecoveryGuid (raw bytes; the first three GUID fields are stored byte-reversed and were turned around), checked against name / DN: 1 agree, 1 differ');
    expect(result.out).toContain(`warning csvde.csv:3: column msFVE-RecoveryGuid gives key ID ${other}`);
    for (const r of rows) expect(result.out).not.toContain(r.password);
    const found = await bootmend(['keys', 'lookup', rows[1]!.id.slice(0, 8), '--json']);
    expect(found.json()).toMatchObject({ id: rows[1]!.id, device: 'PC-1' });
  });

  it('a second import merges into the vault; scope keeps only matching keys', async () => {
    const first = await bootmend(['keys', 'import', join(FIXTURES, 'ad-raw-type.csv'), '--scope', 'OU=Berlin', '--json']);
    expect(first.json<ImportJson>().imported).toBe(2);
    const second = await bootmend(['keys', 'import', join(FIXTURES, 'ad-raw-notype.csv'), join(FIXTURES, 'mbam.csv'), '--json']);
    expect(second.json()).toMatchObject({ imported: 3, duplicates: 2, total: 5 });
  });

  it('exit 1 naming the file when one cannot be read or is not a key export; nothing imported, no vault left behind', async () => {
    const missing = await bootmend(['keys', 'import', join(FIXTURES, 'mbam.csv'), join(dir, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^bootmend: .*nope\.csv: it does not exist/);
    const unknown = await bootmend(['keys', 'import', join(FIXTURES, 'not-keys.csv'), '--json']);
    expect(unknown.code).toBe(1);
    expect(unknown.json()).toEqual({
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^Nothing was imported/) },
      failed: [{ file: 'not-keys.csv', reason: expect.stringContaining('no column holds recovery passwords') }],
    });
    expect((await bootmend(['keys', 'stats', '--json'])).json()).toEqual({ vault: join(dir, 'vault.bmv'), exists: false, keys: 0 });
  });

  it('a failed import into an existing vault keeps the vault and its keys', async () => {
    await bootmend(['keys', 'import', join(FIXTURES, 'mbam.csv')]);
    expect((await bootmend(['keys', 'import', join(dir, 'nope.csv')])).code).toBe(1);
    expect((await bootmend(['keys', 'stats', '--json'])).json()).toMatchObject({ exists: true, keys: 2 });
  });

  it('usage (exit 64): no passphrase, a bad --format, a bad --expires, no file', async () => {
    vi.stubEnv('BOOTMEND_VAULT_PASSPHRASE', '');
    const none = await bootmend(['keys', 'import', ...ALL, '--json']);
    expect(none.code).toBe(64);
    expect(none.json()).toMatchObject({ error: { code: 'INVALID_INPUT', message: expect.stringContaining('BOOTMEND_VAULT_PASSPHRASE') } });
    vi.stubEnv('BOOTMEND_VAULT_PASSPHRASE', PASSPHRASE);
    expect((await bootmend(['keys', 'import', ...ALL, '--format', 'xml'])).code).toBe(64);
    const expires = await bootmend(['keys', 'import', ...ALL, '--expires', 'soon']);
    expect(expires.code).toBe(64);
    expect(expires.err).toContain('--expires must be a date');
    expect((await bootmend(['keys', 'import'])).code).toBe(64);
    expect((await bootmend(['keys', 'stats', '--json'])).json()).toMatchObject({ exists: false });
  });

  it('a new vault needs the app\'s minimum passphrase length (exit 64)', async () => {
    vi.stubEnv('BOOTMEND_VAULT_PASSPHRASE', 'short');
    const result = await bootmend(['keys', 'import', join(FIXTURES, 'mbam.csv'), '--json']);
    expect(result.code).toBe(64);
    expect(result.json()).toMatchObject({ error: { field: 'passphrase' } });
  });

  it('a wrong passphrase on an existing vault is exit 1 and does not touch it', async () => {
    await bootmend(['keys', 'import', join(FIXTURES, 'mbam.csv')]);
    const before = await readFile(join(dir, 'vault.bmv'));
    vi.stubEnv('BOOTMEND_VAULT_PASSPHRASE', 'not the passphrase');
    const wrong = await bootmend(['keys', 'import', join(FIXTURES, 'minimal.csv'), '--json']);
    expect(wrong.code).toBe(1);
    expect(wrong.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect((await readFile(join(dir, 'vault.bmv'))).equals(before)).toBe(true);
  });

  it('--vault FILE keeps the vault elsewhere; reveals from it are still audited in the data folder', async () => {
    const elsewhere = join(dir, 'elsewhere', 'keys.bmv');
    const imported = await bootmend(['keys', 'import', join(FIXTURES, 'mbam.csv'), '--vault', elsewhere, '--json']);
    expect(imported.json()).toMatchObject({ vault: elsewhere, imported: 2 });
    expect((await bootmend(['keys', 'stats', '--json'])).json()).toMatchObject({ exists: false });
    expect((await bootmend(['keys', 'stats', '--vault', elsewhere, '--json'])).json()).toMatchObject({ vault: elsewhere, exists: true, keys: 2 });
    const key = keys.find((k) => k.device === 'PC-STU-001')!;
    expect((await bootmend(['keys', 'lookup', 'PC-STU-001', '--vault', elsewhere, '--reveal', '--reason', 'r', '--json'], { reveal: true })).code).toBe(0);
    expect(await journalEvents()).toEqual([expect.objectContaining({ type: 'key.revealed', keyId: key.id })]);
  });
});

describe('keys lookup and reveal', () => {
  beforeEach(async () => {
    expect((await bootmend(['keys', 'import', ...ALL])).code).toBe(0);
  });

  it('finds by 8-character prefix (any case, braces) and by device, without the password', async () => {
    const key = keys.find((k) => k.device === 'PC-STU-001')!;
    for (const query of [key.id.slice(0, 8).toLowerCase(), `{${key.id}}`, key.id.replace(/-/g, ''), 'pc-stu-001']) {
      const result = await bootmend(['keys', 'lookup', query, '--json']);
      expect(result.code, query).toBe(0);
      expect(result.json()).toEqual({ id: key.id, device: 'PC-STU-001', created: '2024-07-19T05:00:00.000Z' });
    }
    const text = await bootmend(['keys', 'lookup', 'PC-STU-001']);
    expect(text.out).toBe(`${key.id}  PC-STU-001  2024-07-19T05:00:00.000Z\nAdd --reveal --reason TEXT [--machine NAME] to show the recovery password (the reveal is recorded).\n`);
  });

  it('exit 2 when nothing matches, with a hint for too-short IDs', async () => {
    const none = await bootmend(['keys', 'lookup', 'PC-NOWHERE', '--json']);
    expect(none.code).toBe(2);
    expect(none.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
    const short = await bootmend(['keys', 'lookup', 'abc']);
    expect(short.code).toBe(2);
    expect(short.out).toMatch(/at least the first 8/);
  });

  it('reveal appends the audit event once before showing the password; the event has no password', async () => {
    const key = keys.find((k) => k.device === 'PC-HAM-010')!;
    const result = await bootmend(['keys', 'lookup', key.id.slice(0, 8), '--reveal', '--reason', 'boot loop after update', '--technician', 'Ana', '--json'], { reveal: true });
    expect(result.code).toBe(0);
    expect(result.json()).toEqual({ id: key.id, device: 'PC-HAM-010', created: '2024-07-19T07:55:00.000Z', password: key.password });
    const events = await journalEvents();
    expect(events).toEqual([expect.objectContaining({ type: 'key.revealed', keyId: key.id, machine: 'PC-HAM-010', technician: 'Ana', reason: 'boot loop after update' })]);
    const journal = await readFile(journalPath, 'utf8');
    expect(journal).not.toContain(key.password);
    expect(journal).not.toContain(key.password.replace(/-/g, ''));
    const csv = await bootmend(['keys', 'revealed', '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.out).toMatch(/^# Every recovery password/);
    expect(csv.out).toMatch(new RegExp(`id,device,machine,technician,time,reason,serial,asset_tag,site\\r\\n${key.id},PC-HAM-010,PC-HAM-010,Ana,\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z,boot loop after update,,,\\r\\n$`));
    // --json (or --format json) prints the API's RevealedList, the object the Keys screen gets.
    const json = await bootmend(['keys', 'revealed', '--json']);
    expect(json.json()).toEqual({
      revealed: [{ eventId: events[0]!.id, at: events[0]!.at, keyId: key.id, device: 'PC-HAM-010', machine: 'PC-HAM-010', technician: 'Ana', reason: 'boot loop after update', serial: null, assetTag: null, site: null }],
      advice: expect.stringMatching(/^Every recovery password in this list was shown to a person/),
      csv: csv.out,
      damagedJournalLines: 0,
    });
    expect((await bootmend(['keys', 'revealed', '--format', 'json'])).json()).toEqual(json.json());
  });

  it('the human reveal shows the password in groups and names the audit event', async () => {
    const key = keys.find((k) => k.device === 'PC-BER-001')!;
    const result = await bootmend(['keys', 'lookup', 'PC-BER-001', '--reveal', '--reason', 'r', '--machine', 'PC-BER-001-DESK4'], { reveal: true });
    expect(result.code).toBe(0);
    const [event] = await journalEvents();
    expect(event).toMatchObject({ machine: 'PC-BER-001-DESK4' });
    expect(result.out).toContain(`\n\n  ${key.password.split('-').join('  ')}\n\nThis reveal was recorded (event ${String(event!.id)}).`);
    expect(result.err).toBe('');
  });

  it('reveal without a reason is a usage error and writes nothing', async () => {
    const result = await bootmend(['keys', 'lookup', keys[0]!.id, '--reveal', '--technician', 'Ana', '--json']);
    expect(result.code).toBe(64);
    expect(result.json()).toMatchObject({ error: { code: 'INVALID_INPUT', field: 'reason' } });
    expect((await bootmend(['keys', 'revealed', '--json'])).json()).toMatchObject({ revealed: [] });
  });

  it('--machine may be left out only when the key has a device name; otherwise exit 64 naming --machine, nothing written', async () => {
    const noDevice = keys.find((k) => k.device === null && k.id.startsWith('3DE330F6'))!;
    const refused = await bootmend(['keys', 'lookup', noDevice.id, '--reveal', '--reason', 'r']);
    expect(refused.code).toBe(64);
    expect(refused.err).toContain('--reveal needs --machine NAME');
    expect(refused.err).not.toContain(noDevice.password);
    expect(await journalEvents()).toEqual([]);
    expect((await bootmend(['keys', 'lookup', noDevice.id, '--reveal', '--reason', 'r', '--machine', 'PC-LAB-7', '--json'], { reveal: true })).json()).toMatchObject({ password: noDevice.password });
    expect(await journalEvents()).toEqual([expect.objectContaining({ keyId: noDevice.id, machine: 'PC-LAB-7', device: null })]);
  });

  it("one rule for the technician's name, the app's and the CLI's: --technician, else settings, else the OS user name", async () => {
    const key = keys.find((k) => k.device === 'PC-BER-001')!;
    const reveal = async (...extra: string[]) => (await bootmend(['keys', 'lookup', key.id, '--reveal', '--reason', 'r', ...extra, '--json'], { reveal: true })).code;
    expect(await reveal()).toBe(0);
    expect((await bootmend(['settings', 'set', 'technicianName=Ana Lopez'])).code).toBe(0);
    expect(await reveal()).toBe(0);
    expect(await reveal('--technician', 'Ben')).toBe(0);
    // The app: the same revealKey method, no technician in the request.
    const api = createApi({ host: 'web', dataDir: dir, vaultAutoLockMinutes: null });
    expect((await api.dispatcher.call('unlockVault', { passphrase: PASSPHRASE })).ok).toBe(true);
    expect((await api.dispatcher.call('revealKey', { id: key.id, machine: 'PC-BER-001', reason: 'r' })).ok).toBe(true);
    expect((await api.dispatcher.call('saveSettings', { technicianName: '' })).ok).toBe(true);
    expect((await api.dispatcher.call('revealKey', { id: key.id, machine: 'PC-BER-001', reason: 'r' })).ok).toBe(true);
    const user = userInfo().username;
    expect((await journalEvents()).map((e) => e.technician)).toEqual([user, 'Ana Lopez', 'Ben', 'Ana Lopez', user]);
  });

  it('revealed --since keeps later reveals; a bad --since or --format is exit 64', async () => {
    await bootmend(['keys', 'lookup', 'PC-BER-001', '--reveal', '--reason', 'r'], { reveal: true });
    expect((await bootmend(['keys', 'revealed', '--since', '2000-01-01', '--json'])).json<{ revealed: unknown[] }>().revealed).toHaveLength(1);
    expect((await bootmend(['keys', 'revealed', '--since', '2999-01-01T00:00:00Z', '--json'])).json<{ revealed: unknown[] }>().revealed).toHaveLength(0);
    expect((await bootmend(['keys', 'revealed', '--since', 'yesterday'])).code).toBe(64);
    expect((await bootmend(['keys', 'revealed', '--format', 'xml'])).code).toBe(64);
  });

  it('counts damaged journal lines instead of failing', async () => {
    await bootmend(['keys', 'lookup', 'PC-BER-001', '--reveal', '--reason', 'r'], { reveal: true });
    await writeFile(journalPath, `${await readFile(journalPath, 'utf8')}not a journal line\n`);
    const json = await bootmend(['keys', 'revealed', '--json']);
    expect(json.json()).toMatchObject({ revealed: [{ device: 'PC-BER-001' }], damagedJournalLines: 1 });
    const csv = await bootmend(['keys', 'revealed']);
    expect(csv.err).toMatch(/1 damaged journal line/);
  });

  it('an expired vault refuses lookups (exit 1) but still reports stats', async () => {
    await bootmend(['keys', 'import', join(FIXTURES, 'minimal.csv'), '--expires', '2024-07-20T09:00:00Z']);
    const result = await bootmend(['keys', 'lookup', keys[0]!.id, '--json']);
    expect(result.code).toBe(1);
    expect(result.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const stats = await bootmend(['keys', 'stats', '--json']);
    expect(stats.json()).toMatchObject({ expired: true, keys: 18, expiresAt: '2024-07-20T09:00:00.000Z' });
    expect((await bootmend(['keys', 'stats'])).out).toMatch(/^18 keys for \d+ devices in .*vault\.bmv; EXPIRED on 2024-07-20T09:00:00\.000Z; last import /);
  });

  it('stats (the same field names as before) and wipe (no passphrase needed)', async () => {
    const stats = await bootmend(['keys', 'stats', '--json']);
    expect(Object.keys(stats.json())).toEqual(['vault', 'exists', 'keys', 'devices', 'withoutDevice', 'byVolumeType', 'oldestKey', 'newestKey', 'createdAt', 'updatedAt', 'expiresAt', 'expired']);
    expect(stats.json()).toMatchObject({ vault: join(dir, 'vault.bmv'), exists: true, keys: 18, withoutDevice: expect.any(Number), byVolumeType: expect.any(Object), expiresAt: null, expired: false });
    vi.stubEnv('BOOTMEND_VAULT_PASSPHRASE', '');
    expect((await bootmend(['keys', 'stats'])).code).toBe(64);
    const wipe = await bootmend(['keys', 'wipe', '--json']);
    expect(wipe.code).toBe(0);
    expect(wipe.json()).toEqual({ vault: join(dir, 'vault.bmv'), wiped: true });
    expect((await bootmend(['keys', 'wipe'])).out).toBe(`There was no key vault at ${join(dir, 'vault.bmv')}.\n`);
    vi.stubEnv('BOOTMEND_VAULT_PASSPHRASE', PASSPHRASE);
    const gone = await bootmend(['keys', 'lookup', keys[0]!.id, '--json']);
    expect(gone.code).toBe(1);
    expect(gone.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('no password appears in plaintext in the vault file, the journal, stderr or any other output (with and without dashes)', async () => {
    await bootmend(['keys', 'lookup', 'PC-BER-001', '--reveal', '--reason', 'r', '--technician', 't'], { reveal: true });
    await bootmend(['keys', 'lookup', 'PC-BER-002', '--reveal', '--reason', 'r', '--json'], { reveal: true });
    await bootmend(['keys', 'stats']);
    await bootmend(['keys', 'stats', '--json']);
    await bootmend(['keys', 'revealed', '--format', 'csv']);
    await bootmend(['keys', 'revealed', '--json']);
    await bootmend(['keys', 'lookup', 'LAPTOP-BER-8']);
    await bootmend(['keys', 'import', ...ALL, '--json']);
    const vault = await readFile(join(dir, 'vault.bmv'));
    const journal = await readFile(journalPath);
    expect(stderr.length).toBeGreaterThan(0);
    const everything = [vault, journal, Buffer.from(transcript.join('\n')), Buffer.from(stderr.join('\n'))];
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
    await bootmend(['keys', 'import', file]);
    const result = await bootmend(['keys', 'lookup', prefix.toLowerCase(), '--json']);
    expect(result.code).toBe(3);
    expect(result.json()).toMatchObject({ total: 3, candidates: [{ device: expect.any(String), created: expect.any(String) }, {}, {}] });
    expect(result.out).not.toMatch(/\d{6}-\d{6}/);
    const text = await bootmend(['keys', 'lookup', prefix.toLowerCase()]);
    expect(text.code).toBe(3);
    expect(text.out).toMatch(/type more characters/);
  });
});

describe('keys lookup --online (Microsoft Graph stand-in)', () => {
  const TENANT = 'contoso.onmicrosoft.com';
  const CLIENT = '11111111-2222-3333-4444-555555555555';
  const rng = seededRng(41);
  const graphKey = { id: fakeGuid(rng).toLowerCase(), key: fakeRecoveryPassword(rng), deviceId: fakeGuid(rng).toLowerCase(), createdDateTime: '2024-07-18T08:00:00Z', volumeType: '1' };
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetchImpl = (async (input: string | URL | Request) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (url.pathname.endsWith('/oauth2/v2.0/devicecode')) return json({ device_code: 'D', user_code: 'B7QK-9XPL', verification_uri: 'https://microsoft.com/devicelogin', expires_in: 900, interval: 5, message: 'To sign in, enter the code B7QK-9XPL.' });
    if (url.pathname.endsWith('/oauth2/v2.0/token')) return json({ token_type: 'Bearer', access_token: 'stand-in-token', expires_in: 3600 });
    if (url.pathname.endsWith(`/recoveryKeys/${graphKey.id}`)) {
      const { key, ...listed } = graphKey;
      return json(url.searchParams.get('$select') === 'key' ? { id: graphKey.id, key } : listed);
    }
    return json({ error: { code: 'NotFound', message: 'not found' } }, 404);
  }) as typeof fetch;

  it('reveals into the services\' one journal, exactly once, with the same technician rule; the sign-in text goes to stderr', async () => {
    await bootmend(['settings', 'set', 'technicianName=Ana Lopez']);
    const id = graphKey.id.toUpperCase();
    const args = ['keys', 'lookup', id, '--online', '--tenant', TENANT, '--client-id', CLIENT, '--reveal', '--reason', 'no vault copy', '--json'];
    const noMachine = await bootmend(args, { overrides: { fetchImpl } });
    expect(noMachine.code).toBe(64);
    expect(noMachine.json()).toMatchObject({ error: { code: 'INVALID_INPUT', field: 'machine', message: expect.stringContaining('--machine') } });
    const result = await bootmend([...args, '--machine', 'PC-REMOTE-1'], { reveal: true, overrides: { fetchImpl } });
    expect(result.code).toBe(0);
    expect(result.json()).toEqual({ id, device: null, created: '2024-07-18T08:00:00.000Z', password: graphKey.key, source: 'graph' });
    expect(result.err).toContain('B7QK-9XPL');
    expect(result.err).not.toContain(graphKey.key);
    expect(await journalEvents()).toEqual([expect.objectContaining({ type: 'key.revealed', keyId: id, machine: 'PC-REMOTE-1', technician: 'Ana Lopez', source: 'graph' })]);
    expect((await bootmend(['keys', 'revealed', '--json'])).json()).toMatchObject({ revealed: [{ keyId: id, machine: 'PC-REMOTE-1' }] });
  });

  it('needs a tenant and a client ID (exit 64) before any request', async () => {
    const calls: string[] = [];
    const counting = ((input: string) => (calls.push(input), fetchImpl(input))) as typeof fetch;
    const result = await bootmend(['keys', 'lookup', graphKey.id, '--online', '--json'], { overrides: { fetchImpl: counting } });
    expect(result.code).toBe(64);
    expect(result.json()).toMatchObject({ error: { code: 'INVALID_INPUT', message: expect.stringContaining('--tenant') } });
    expect(calls).toEqual([]);
  });
});
