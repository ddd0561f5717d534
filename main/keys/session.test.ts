import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { vaultPlace } from '../../test/vault-place.js';
import { BootmendError } from '../../core/errors.js';
import { buildFixtures } from './fixtures/generate.js';
import { VaultSession } from './session.js';
import { openVault, passphraseKeySource, vaultKeyKinds, type KeySource } from './store.js';

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

/**
 * A stand-in OS keychain source: wraps with an in-memory key (another seed: another user or a
 * reset keychain, whose unwrap fails as safeStorage's does). `rotate` plays safeStorage's
 * shouldReEncrypt answer.
 */
function keychain(seed = 7): KeySource & { rotate: boolean } {
  const secret = Buffer.alloc(32, seed);
  const source = {
    kind: 'safe-storage',
    rotate: false,
    async wrap(dataKey: Buffer) {
      return { kind: 'safe-storage', seed, wrapped: Buffer.from(dataKey.map((b, i) => b ^ secret[i]!)).toString('base64') };
    },
    async unwrap(wrapped: { kind: string } & Record<string, string | number>) {
      if (wrapped.seed !== seed) throw new BootmendError('UNAUTHORIZED', "The copy of the vault key in this laptop's keychain no longer opens: unlock the vault with its passphrase.");
      return Buffer.from(Buffer.from(String(wrapped.wrapped), 'base64').map((b, i) => b ^ secret[i]!));
    },
    shouldRewrap: () => source.rotate,
  };
  return source;
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

  it("with a keychain: a passphrase unlock adds no keychain copy unless asked (alsoUnlockWithLaptopLogin); asked, later unlocks need no passphrase, and the passphrase still works", async () => {
    const plain = new VaultSession({ ...vaultPlace(dir), autoLockMinutes: null });
    await plain.unlock({ passphrase: PASS, create: true });
    await plain.import({ sources: [{ path: join(FIXTURES, 'mbam.csv') }] });
    const app = new VaultSession({ ...vaultPlace(dir), autoLockMinutes: null, keychain: keychain() });
    await expect(app.unlock({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    // Not asked: the vault file keeps its passphrase copy only.
    expect(await app.unlock({ passphrase: PASS })).toMatchObject({ keySources: ['scrypt-passphrase'], safeStorageAvailable: true, safeStorageUnavailableReason: null });
    expect(await vaultKeyKinds(app.path)).toEqual(['scrypt-passphrase']);
    await app.lock();
    expect(await app.unlock({ passphrase: PASS, alsoUnlockWithLaptopLogin: true })).toMatchObject({ keySources: ['scrypt-passphrase', 'safe-storage'] });
    expect(await vaultKeyKinds(app.path)).toEqual(['scrypt-passphrase', 'safe-storage']);
    await app.lock();
    expect(await app.unlock({})).toMatchObject({ unlocked: true, keys: 2 });
    await app.import({ sources: [{ path: join(FIXTURES, 'minimal.csv') }] });
    expect((await openVault(app.path, passphraseKeySource(PASS))).records).toHaveLength(4);
  });

  it('a new vault gets a keychain copy only when asked', async () => {
    const app = new VaultSession({ ...vaultPlace(dir), autoLockMinutes: null, keychain: keychain() });
    expect(await app.unlock({ passphrase: PASS, create: true })).toMatchObject({ keySources: ['scrypt-passphrase'] });
    await app.wipe();
    expect(await app.unlock({ passphrase: PASS, create: true, alsoUnlockWithLaptopLogin: true })).toMatchObject({ keySources: ['scrypt-passphrase', 'safe-storage'] });
  });

  it("without a keychain (web host, CLI, Linux basic_text), asking for the laptop's login is refused at that field with the host's reason, and nothing is unlocked", async () => {
    const web = new VaultSession({ ...vaultPlace(dir), autoLockMinutes: null });
    expect(await web.status()).toMatchObject({ safeStorageAvailable: false, safeStorageUnavailableReason: expect.stringMatching(/only the Bootmend desktop app/i) });
    const refused = await failure(web.unlock({ passphrase: PASS, create: true, alsoUnlockWithLaptopLogin: true }));
    expect(refused).toMatchObject({ code: 'INVALID_INPUT', field: 'alsoUnlockWithLaptopLogin' });
    expect(await web.status()).toMatchObject({ exists: false, unlocked: false });
    const linux = new VaultSession({ ...vaultPlace(dir), autoLockMinutes: null, keychain: () => ({ unavailable: 'No keyring answers (basic_text).' }) });
    expect(await linux.status()).toMatchObject({ safeStorageAvailable: false, safeStorageUnavailableReason: 'No keyring answers (basic_text).' });
    expect(await failure(linux.unlock({ passphrase: PASS, create: true, alsoUnlockWithLaptopLogin: true }))).toMatchObject({ field: 'alsoUnlockWithLaptopLogin', message: 'No keyring answers (basic_text).' });
  });

  it("a keychain copy that no longer opens says so and the passphrase still opens the vault; asked again, the copy is renewed", async () => {
    const first = new VaultSession({ ...vaultPlace(dir), autoLockMinutes: null, keychain: keychain(7) });
    await first.unlock({ passphrase: PASS, create: true, alsoUnlockWithLaptopLogin: true });
    // The keychain was reset (or this is another user): its copy of the vault key is noise now.
    const reset = new VaultSession({ ...vaultPlace(dir), autoLockMinutes: null, keychain: keychain(9) });
    const refused = await failure(reset.unlock({}));
    expect(refused.code).toBe('UNAUTHORIZED');
    expect(refused.message).toMatch(/keychain.*no longer opens.*passphrase/);
    expect(await reset.unlock({ passphrase: PASS, alsoUnlockWithLaptopLogin: true })).toMatchObject({ unlocked: true });
    await reset.lock();
    expect(await reset.unlock({})).toMatchObject({ unlocked: true });
  });

  it("a keychain copy the OS asks to re-encrypt (safeStorage's shouldReEncrypt) is written again after it opened", async () => {
    const source = keychain(7);
    const app = new VaultSession({ ...vaultPlace(dir), autoLockMinutes: null, keychain: source });
    await app.unlock({ passphrase: PASS, create: true, alsoUnlockWithLaptopLogin: true });
    const before = await readFile(app.path);
    await app.lock();
    source.rotate = true;
    await app.unlock({});
    expect((await readFile(app.path)).equals(before)).toBe(false);
    source.rotate = false;
    await app.lock();
    const same = await readFile(app.path);
    await app.unlock({});
    expect((await readFile(app.path)).equals(same)).toBe(true);
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
