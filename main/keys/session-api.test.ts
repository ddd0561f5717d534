import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { vaultPlace } from '../../test/vault-place.js';
import { BootmendError } from '../../core/errors.js';
import { keyCodes } from './codes.js';
import { ROTATION_ADVICE } from './reveal.js';
import { VaultSession } from './session.js';
import { fakeGuid, fakeRecoveryPassword, seededRng } from './fake-keys.js';
import { buildFixtures } from './fixtures/generate.js';

/** The vault behind the local API (what the Keys screen calls), over FAKE keys only. */

const PASSPHRASE = 'correct horse battery';
const fixtures = buildFixtures();
const AD_RAW = fixtures.files['ad-raw-type.csv']!.toString('utf8');
const BERLIN = fixtures.keys.find((k) => k.device === 'PC-BER-001')!;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bootmend-api-vault-'));
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown> | (() => unknown)): Promise<BootmendError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    expect(error).toBeInstanceOf(BootmendError);
    return error as BootmendError;
  }
  throw new Error('expected a failure');
}

const noProgress = (): void => undefined;
const signal = new AbortController().signal;

async function vaultWithKeys(options: { now?: () => Date } = {}): Promise<VaultSession> {
  const vault = new VaultSession({ ...vaultPlace(dir), ...options });
  await vault.unlock({ passphrase: PASSPHRASE, create: true });
  await vault.import({ sources: [{ name: 'ad-raw-type.csv', text: AD_RAW }] }, noProgress, signal);
  return vault;
}

/** Every file under the data folder, as text, for the plaintext greps. */
async function everyFileText(): Promise<string> {
  const names = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(names.filter((n) => n.isFile()).map((n) => readFile(join(n.parentPath, n.name), 'latin1')));
  return texts.join('\n');
}

/** What the revealKey API method adds to a session reveal (main/api.ts). */
async function revealWithCodes(vault: VaultSession, request: Parameters<VaultSession['reveal']>[0]) {
  const revealed = await vault.reveal(request);
  return { ...revealed, ...(await keyCodes(revealed.password)), rotationAdvice: ROTATION_ADVICE.join(' ') };
}

describe('VaultSession (the local API behind the Keys screen)', () => {
  it('says there is no vault yet, and refuses to unlock one that does not exist', async () => {
    const vault = new VaultSession({ ...vaultPlace(dir) });
    expect(await vault.status()).toMatchObject({ exists: false, unlocked: false, keys: null, path: join(dir, 'vault.bmv') });
    expect((await failure(vault.unlock({ passphrase: PASSPHRASE }))).code).toBe('NOT_FOUND');
  });

  it('creates a vault only with a passphrase of 8 characters or more, named as the passphrase field', async () => {
    const vault = new VaultSession({ ...vaultPlace(dir) });
    const short = await failure(vault.unlock({ passphrase: 'short', create: true }));
    expect(short.field).toBe('passphrase');
    expect(await vault.status()).toMatchObject({ exists: false });
    expect(await vault.unlock({ passphrase: PASSPHRASE, create: true })).toMatchObject({ exists: true, unlocked: true, keys: 0, devices: 0, autoLockMinutes: 15 });
  });

  it('imports text sources with progress and reports each rejected row by file and line', async () => {
    const vault = new VaultSession({ ...vaultPlace(dir) });
    await vault.unlock({ passphrase: PASSPHRASE, create: true });
    const progress: string[] = [];
    const summary = await vault.import({ sources: [{ name: 'ad-raw-type.csv', text: AD_RAW }] }, (_d, _t, message) => progress.push(message), signal);
    expect(summary).toMatchObject({ imported: 3, duplicates: 0, outOfScope: 0, total: 3, files: [{ file: 'ad-raw-type.csv', layout: 'ad', rows: 4, keys: 3 }] });
    expect(summary.rejected).toEqual([{ file: 'ad-raw-type.csv', line: 6, reason: expect.stringContaining('block 3') }]);
    expect(progress).toEqual(['Reading ad-raw-type.csv', 'Encrypting the vault']);
    expect(await vault.status()).toMatchObject({ keys: 3, devices: 3 });
  });

  it('keeps only the rows in scope, and refuses a file whose layout it cannot recognise, importing nothing', async () => {
    const vault = new VaultSession({ ...vaultPlace(dir) });
    await vault.unlock({ passphrase: PASSPHRASE, create: true });
    const scoped = await vault.import({ sources: [{ name: 'ad.csv', text: AD_RAW }], scope: ['OU=Munich'] }, noProgress, signal);
    // The Berlin row with a bad block is out of scope too, so it is not reported as rejected.
    expect(scoped).toMatchObject({ imported: 1, outOfScope: 3, rejected: [] });
    const refused = await failure(vault.import({ sources: [{ name: 'x.csv', text: fixtures.files['not-keys.csv']!.toString() }] }, noProgress, signal));
    expect(refused).toMatchObject({ code: 'INVALID_INPUT', field: 'sources' });
    expect(refused.message).toContain('Nothing was imported');
    expect(await vault.status()).toMatchObject({ keys: 1 });
  });

  it('finds a key by 8 characters of its ID in any case, by device, and lists an ambiguous prefix without passwords', async () => {
    const vault = await vaultWithKeys();
    expect(vault.lookup(BERLIN.id.slice(0, 8).toLowerCase())).toEqual({ kind: 'found', key: expect.objectContaining({ id: BERLIN.id, device: 'PC-BER-001' }) });
    expect(vault.lookup('pc-ber-001')).toMatchObject({ kind: 'found', key: { id: BERLIN.id } });
    expect(vault.lookup('DEADBEEF')).toMatchObject({ kind: 'not-found' });

    const rng = seededRng(77);
    const row = (): string => `ABCDEF12${fakeGuid(rng).slice(8)},${fakeRecoveryPassword(rng)}`;
    await vault.import({ sources: [{ name: 'pair.csv', text: ['Id,Key', row(), row()].join('\n') }] }, noProgress, signal);
    const ambiguous = vault.lookup('{abcdef12}');
    expect(ambiguous).toMatchObject({ kind: 'ambiguous', total: 2 });
    expect(JSON.stringify(ambiguous)).not.toMatch(/\d{6}-\d{6}/);
  });

  it('reveals only after recording who, which key, which PC and why; the list and its CSV hold no password', async () => {
    const vault = await vaultWithKeys();
    const revealed = await revealWithCodes(vault, { id: BERLIN.id, machine: 'PC-BER-001-DESK4', reason: 'Recovery screen after the faulty update', technician: 'Ana Lopez' });
    expect(revealed).toMatchObject({ id: BERLIN.id, device: 'PC-BER-001', password: BERLIN.password });
    expect(revealed.barcodes.map((b) => b.digits).join('')).toBe(BERLIN.password.replace(/-/g, ''));
    expect(revealed.rotationAdvice).toContain('manage-bde');

    const list = await vault.revealedList();
    expect(list.revealed).toEqual([
      { eventId: revealed.eventId, at: expect.any(String), keyId: BERLIN.id, device: 'PC-BER-001', machine: 'PC-BER-001-DESK4', technician: 'Ana Lopez', reason: 'Recovery screen after the faulty update', serial: null, assetTag: null, site: null },
    ]);
    expect(list.csv).toContain(BERLIN.id);
    expect(list.csv).not.toContain(BERLIN.password);

    const onDisk = await everyFileText();
    for (const key of fixtures.keys) {
      expect(onDisk).not.toContain(key.password);
      expect(onDisk).not.toContain(key.password.replace(/-/g, ''));
    }
  });

  it('refuses a reveal without a machine or a reason, and records nothing', async () => {
    const vault = await vaultWithKeys();
    expect((await failure(vault.reveal({ id: BERLIN.id, machine: ' ', reason: 'why', technician: 'Ana' }))).field).toBe('machine');
    expect((await failure(vault.reveal({ id: BERLIN.id, machine: 'PC', reason: '', technician: 'Ana' }))).field).toBe('reason');
    expect((await vault.revealedList()).revealed).toEqual([]);
  });

  it('after Lock, and in a new process, needs the passphrase again; a wrong one decrypts nothing', async () => {
    const vault = await vaultWithKeys();
    expect(await vault.lock()).toMatchObject({ exists: true, unlocked: false, keys: null });
    expect((await failure(() => vault.lookup(BERLIN.id))).code).toBe('UNAUTHORIZED');
    expect((await failure(vault.reveal({ id: BERLIN.id, machine: 'PC', reason: 'why', technician: 'Ana' }))).code).toBe('UNAUTHORIZED');
    const wrong = await failure(vault.unlock({ passphrase: 'not the passphrase' }));
    expect(wrong.code).toBe('UNAUTHORIZED');
    expect(wrong.message).toContain('passphrase is wrong');
    expect(await vault.status()).toMatchObject({ unlocked: false });

    const restarted = new VaultSession({ ...vaultPlace(dir) });
    expect(await restarted.status()).toMatchObject({ exists: true, unlocked: false });
    expect(await restarted.unlock({ passphrase: PASSPHRASE })).toMatchObject({ unlocked: true, keys: 3 });
  });

  it('locks itself after the idle time, and every use restarts the clock', async () => {
    const vault = await vaultWithKeys();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    vault.lookup('PC-BER-001');
    vi.advanceTimersByTime(14 * 60_000);
    vault.lookup('PC-BER-001');
    vi.advanceTimersByTime(14 * 60_000);
    expect(await vault.status()).toMatchObject({ unlocked: true });
    vi.advanceTimersByTime(60_000);
    expect(await vault.status()).toMatchObject({ unlocked: false });
  });

  it('refuses lookups once expired, says so in the status, and a fresh import with a new expiry opens it again', async () => {
    let now = new Date('2024-07-20T12:00:00Z');
    const vault = await vaultWithKeys({ now: () => now });
    await vault.import({ sources: [{ name: 'ad.csv', text: AD_RAW }], expires: '2024-07-31T23:59:59Z' }, noProgress, signal);
    expect(vault.lookup('PC-BER-001').kind).toBe('found');
    now = new Date('2024-08-01T00:00:00Z');
    expect(await vault.status()).toMatchObject({ expired: true, expiresAt: '2024-07-31T23:59:59.000Z' });
    expect((await failure(() => vault.lookup('PC-BER-001'))).code).toBe('FORBIDDEN');
    const badDate = await failure(vault.import({ sources: [{ name: 'ad.csv', text: AD_RAW }], expires: 'next friday' }, noProgress, signal));
    expect(badDate.field).toBe('expires');
    await vault.import({ sources: [{ name: 'ad.csv', text: AD_RAW }], expires: '2024-08-31' }, noProgress, signal);
    expect(vault.lookup('PC-BER-001').kind).toBe('found');
  });

  it('wipes the vault file and forgets the keys; the reveal record stays', async () => {
    const vault = await vaultWithKeys();
    await vault.reveal({ id: BERLIN.id, machine: 'PC', reason: 'why', technician: 'Ana' });
    expect(await vault.wipe()).toMatchObject({ exists: false, unlocked: false });
    expect((await readdir(dir)).filter((name) => name.startsWith('vault'))).toEqual([]);
    expect((await failure(() => vault.lookup(BERLIN.id))).code).toBe('UNAUTHORIZED');
    expect((await vault.revealedList()).revealed).toHaveLength(1);
  });
});
