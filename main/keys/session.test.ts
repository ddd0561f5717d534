import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { vaultPlace } from '../../test/vault-place.js';
import { BootmendError } from '../../core/errors.js';
import { buildFixtures } from './fixtures/generate.js';
import { VaultSession } from './session.js';
import { openVault, passphraseKeySource, type KeySource } from './store.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const { keys } = buildFixtures();
const PASS = 'session passphrase';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bootmend-session-'));
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<BootmendError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(BootmendError);
  return error as BootmendError;
}

/** A stand-in OS keychain source: wraps with a fixed in-memory key. */
function keychain(): KeySource {
  const secret = Buffer.alloc(32, 7);
  return {
    kind: 'safe-storage',
    async wrap(dataKey) {
      return { kind: 'safe-storage', wrapped: Buffer.from(dataKey.map((b, i) => b ^ secret[i]!)).toString('base64') };
    },
    async unwrap(wrapped) {
      return Buffer.from(Buffer.from(String(wrapped.wrapped), 'base64').map((b, i) => b ^ secret[i]!));
    },
  };
}

describe('VaultSession (the app\'s open vault)', () => {
  it('unlock with a new passphrase starts a vault; import (a path and dropped text) writes it; lookup and audited reveal', async () => {
    const session = new VaultSession({ ...vaultPlace(dir), autoLockMinutes: null });
    expect(await session.status()).toMatchObject({ exists: false, unlocked: false, keys: null });
    await expect(session.import({ sources: [{ path: join(FIXTURES, 'mbam.csv') }] })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await failure(session.unlock({ passphrase: 'short', create: true }))).field).toBe('passphrase');
    expect(await session.unlock({ passphrase: PASS, create: true })).toMatchObject({ exists: true, unlocked: true, keys: 0 });
    const progress: string[] = [];
    const summary = await session.import(
      { sources: [{ path: join(FIXTURES, 'mbam.csv') }, { name: 'minimal.csv', text: await readFile(join(FIXTURES, 'minimal.csv'), 'utf8') }] },
      (_done, _total, message) => progress.push(message),
    );
    expect(summary).toMatchObject({ imported: 4, duplicates: 0, total: 4, files: [{ file: 'mbam.csv', layout: 'mbam' }, { file: 'minimal.csv', layout: 'csv' }] });
    expect(summary).not.toHaveProperty('vault');
    expect(progress).toEqual(expect.arrayContaining(['Reading mbam.csv', 'Reading minimal.csv', 'Encrypting the vault']));
    expect(await session.status()).toMatchObject({ exists: true, unlocked: true, keys: 4, devices: 2, keySources: ['scrypt-passphrase'] }); // minimal.csv has no device names
    const key = keys.find((k) => k.device === 'PC-STU-001')!;
    expect(session.lookup('pc-stu-001')).toMatchObject({ kind: 'found', key: { id: key.id } });
    const revealed = await session.reveal({ id: key.id, machine: 'PC-STU-001', reason: 'boot loop', technician: 'Ana' });
    expect(revealed.password).toBe(key.password);
    const list = await session.revealedList();
    expect(list.revealed).toEqual([expect.objectContaining({ keyId: key.id, technician: 'Ana', machine: 'PC-STU-001' })]);
    expect(list.csv).not.toContain(key.password);
    expect(await session.revealedCsv()).toContain(`${key.id},PC-STU-001,PC-STU-001,Ana`);
    expect((await openVault(session.path, passphraseKeySource(PASS))).records).toHaveLength(4);
  });

  it('a failed file imports nothing; lock forgets the keys; a wrong passphrase keeps it locked', async () => {
    const session = new VaultSession({ ...vaultPlace(dir), autoLockMinutes: null });
    await session.unlock({ passphrase: PASS, create: true });
    await session.import({ sources: [{ path: join(FIXTURES, 'mbam.csv') }] });
    const bad = await failure(session.import({ sources: [{ path: join(FIXTURES, 'minimal.csv') }, { path: join(dir, 'missing.csv') }] }));
    expect(bad.message).toMatch(/Nothing was imported: .*does not exist/);
    expect((await session.status()).keys).toBe(2);
    expect(await session.lock()).toMatchObject({ unlocked: false, keys: null, exists: true, keySources: ['scrypt-passphrase'] });
    expect(() => session.lookup('PC-STU-001')).toThrow(/locked/);
    expect((await failure(session.unlock({ passphrase: 'wrong passphrase' }))).code).toBe('UNAUTHORIZED');
    expect((await session.status()).unlocked).toBe(false);
    await session.unlock({ passphrase: PASS });
    expect((await session.status()).keys).toBe(2);
  });

  it('locks itself after the idle minutes; lookups keep it open, status does not', async () => {
    vi.useFakeTimers();
    const session = new VaultSession({ ...vaultPlace(dir), autoLockMinutes: 5 });
    await session.unlock({ passphrase: PASS, create: true });
    vi.advanceTimersByTime(4 * 60_000);
    session.lookup('anything');
    vi.advanceTimersByTime(4 * 60_000);
    await session.status();
    expect((await session.status()).unlocked).toBe(true);
    vi.advanceTimersByTime(60_001);
    expect((await session.status()).unlocked).toBe(false);
  });

  it('with a keychain: a passphrase vault gains a keychain copy on unlock, later unlocks need no passphrase, and the passphrase still works', async () => {
    const plain = new VaultSession({ ...vaultPlace(dir), autoLockMinutes: null });
    await plain.unlock({ passphrase: PASS, create: true });
    await plain.import({ sources: [{ path: join(FIXTURES, 'mbam.csv') }] });
    const app = new VaultSession({ ...vaultPlace(dir), autoLockMinutes: null, keychain: keychain() });
    await expect(app.unlock({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await app.unlock({ passphrase: PASS })).toMatchObject({ keySources: ['scrypt-passphrase', 'safe-storage'], safeStorageAvailable: true });
    await app.lock();
    expect(await app.unlock({})).toMatchObject({ unlocked: true, keys: 2 });
    await app.import({ sources: [{ path: join(FIXTURES, 'minimal.csv') }] });
    expect((await openVault(app.path, passphraseKeySource(PASS))).records).toHaveLength(4);
  });

  it('wipe locks and destroys the vault; the audit journal stays', async () => {
    const session = new VaultSession({ ...vaultPlace(dir), autoLockMinutes: null });
    await session.unlock({ passphrase: PASS, create: true });
    await session.import({ sources: [{ path: join(FIXTURES, 'mbam.csv') }] });
    const key = keys.find((k) => k.device === 'PC-STU-002')!;
    await session.reveal({ id: key.id, machine: 'm', reason: 'r', technician: 't' });
    expect(await session.wipe()).toMatchObject({ exists: false, unlocked: false });
    expect((await session.revealedList()).revealed).toHaveLength(1);
  });
});
