import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BootmendError } from '../../core/errors.js';
import { fakeGuid, fakeRecoveryPassword, seededRng } from '../keys/fake-keys.js';
import { addKeySource, emptyVault, newKeyring, openVault, openVaultKeyed, passphraseKeySource, saveVault, vaultKeyKinds } from '../keys/store.js';
import { createVaultKeySource, KEYCHAIN_REASONS, probeVaultKeySource, protectedByBuiltInKey, SAFE_STORAGE_KIND, type SafeStorageLike } from './vault-key-source.js';

/**
 * A stand-in for Electron's asynchronous safeStorage: AES under a per-"user" key, failing for
 * another user, like DPAPI. Ciphertexts carry a version tag as Chromium's do: `v11` (a key
 * kept by the Linux Secret Service) unless told `v10` (Chromium's built-in Linux key).
 */
function standInSafeStorage(userKey = randomBytes(32), available = true, tag = 'v11'): SafeStorageLike & { available: boolean; temporarilyUnavailable: boolean; reEncrypt: boolean; backend: string } {
  const store = {
    available,
    temporarilyUnavailable: false,
    reEncrypt: false,
    backend: tag === 'v10' ? 'basic_text' : 'gnome_libsecret',
    getSelectedStorageBackend: () => store.backend,
    isAsyncEncryptionAvailable: async () => store.available,
    async encryptStringAsync(text: string): Promise<Buffer> {
      if (!store.available) throw new Error('Error while encrypting the text provided to safeStorage.encryptStringAsync.');
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', userKey, iv);
      const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from(tag, 'latin1'), iv, cipher.getAuthTag(), body]);
    },
    async decryptStringAsync(bytes: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }> {
      if (store.temporarilyUnavailable) throw new Error('safeStorage.decryptStringAsync is temporarily unavailable. Please try again.');
      const sealed = bytes.subarray(tag.length);
      const decipher = createDecipheriv('aes-256-gcm', userKey, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return { shouldReEncrypt: store.reEncrypt, result: Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8') };
    },
  };
  return store;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bootmend-ss-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function data() {
  const rng = seededRng(5);
  return { ...emptyVault(), records: [{ id: fakeGuid(rng), password: fakeRecoveryPassword(rng), device: 'PC-1', deviceId: null, dn: null, created: null, volumeType: null, source: 'x:2' }] };
}

describe('safeStorage vault key source (with a stand-in asynchronous safeStorage, no Electron)', () => {
  it('is null when the OS offers no encryption, or when asking fails', async () => {
    expect(await createVaultKeySource(standInSafeStorage(undefined, false))).toBeNull();
    const broken = { ...standInSafeStorage(), isAsyncEncryptionAvailable: () => Promise.reject(new Error('safeStorage cannot be used before app is ready')) };
    expect(await createVaultKeySource(broken)).toBeNull();
  });

  it("is null on Linux when safeStorage would wrap with Chromium's built-in key (no secret service); v10 is DPAPI on Windows and is used", async () => {
    expect(await createVaultKeySource(standInSafeStorage(undefined, true, 'v10'), 'linux')).toBeNull();
    expect(await createVaultKeySource(standInSafeStorage(undefined, true, 'v11'), 'linux')).not.toBeNull();
    expect(await createVaultKeySource(standInSafeStorage(undefined, true, 'v10'), 'win32')).not.toBeNull();
    expect(protectedByBuiltInKey(Buffer.from('v10xyz', 'latin1'), 'linux')).toBe(true);
    expect(protectedByBuiltInKey(Buffer.from('v11xyz', 'latin1'), 'linux')).toBe(false);
    expect(protectedByBuiltInKey(Buffer.from('v10xyz', 'latin1'), 'darwin')).toBe(false);
  });

  it("refuses Linux's basic_text backend (a key built into every Chromium) with a sentence saying why, whichever sign shows it", async () => {
    const named = standInSafeStorage(undefined, true, 'v11');
    named.backend = 'basic_text';
    expect(await probeVaultKeySource(named, 'linux')).toEqual({ source: null, unavailable: KEYCHAIN_REASONS.basicText });
    const { getSelectedStorageBackend: _older, ...unnamed } = standInSafeStorage(undefined, true, 'v10');
    expect(await probeVaultKeySource(unnamed, 'linux')).toEqual({ source: null, unavailable: KEYCHAIN_REASONS.basicText });
    expect(KEYCHAIN_REASONS.basicText).toMatch(/basic_text.*built into every copy of Chromium/);
    expect(await probeVaultKeySource(standInSafeStorage(undefined, false), 'linux')).toEqual({ source: null, unavailable: KEYCHAIN_REASONS.none });
    expect((await probeVaultKeySource(standInSafeStorage(), 'linux')).source).not.toBeNull();
    // A keyring that stops answering after the probe: the wrap is refused rather than written with the built-in key.
    const later = standInSafeStorage();
    const source = (await probeVaultKeySource(later, 'linux')).source!;
    later.backend = 'basic_text';
    await expect(source.wrap(randomBytes(32))).rejects.toMatchObject({ code: 'UNAVAILABLE', message: KEYCHAIN_REASONS.basicText });
  });

  it("passes on safeStorage's shouldReEncrypt so the vault session can write the copy again", async () => {
    const safeStorage = standInSafeStorage();
    const keychain = (await createVaultKeySource(safeStorage, 'linux'))!;
    const wrapped = await keychain.wrap(randomBytes(32));
    await keychain.unwrap(wrapped);
    expect(keychain.shouldRewrap?.()).toBe(false);
    safeStorage.reEncrypt = true;
    await keychain.unwrap(wrapped);
    expect(keychain.shouldRewrap?.()).toBe(true);
  });

  it('a keychain that is temporarily unavailable is refused with UNAUTHORIZED pointing to the passphrase, and opens again later', async () => {
    const file = join(dir, 'vault.bmv');
    const safeStorage = standInSafeStorage();
    const keychain = (await createVaultKeySource(safeStorage, 'linux'))!;
    await saveVault(file, await newKeyring([passphraseKeySource('pass phrase'), keychain]), data());
    safeStorage.temporarilyUnavailable = true;
    await expect(openVault(file, keychain)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/not available now.*passphrase/) });
    safeStorage.temporarilyUnavailable = false;
    expect((await openVault(file, keychain)).records).toHaveLength(1);
  });

  it('a vault wrapped by passphrase AND safeStorage opens with either; the file holds neither the key nor the passwords', async () => {
    const file = join(dir, 'vault.bmv');
    const keychain = (await createVaultKeySource(standInSafeStorage()))!;
    const passphrase = passphraseKeySource('correct horse battery');
    const content = data();
    await saveVault(file, await newKeyring([passphrase, keychain]), content);
    expect(await vaultKeyKinds(file)).toEqual(['scrypt-passphrase', SAFE_STORAGE_KIND]);
    expect((await openVault(file, keychain)).records).toEqual(content.records);
    expect((await openVault(file, passphrase)).records).toEqual(content.records);
    const bytes = await readFile(file);
    expect(bytes.includes(Buffer.from(content.records[0]!.password))).toBe(false);
  });

  it('another user\'s keychain is refused with a plain UNAUTHORIZED that points to the passphrase', async () => {
    const file = join(dir, 'vault.bmv');
    await saveVault(file, await newKeyring([passphraseKeySource('pass phrase'), (await createVaultKeySource(standInSafeStorage()))!]), data());
    const error = await openVault(file, (await createVaultKeySource(standInSafeStorage()))!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BootmendError);
    expect((error as BootmendError).code).toBe('UNAUTHORIZED');
    expect((error as BootmendError).message).toMatch(/passphrase/);
  });

  it('adding the keychain to an existing passphrase vault keeps the data key, so both open it', async () => {
    const file = join(dir, 'vault.bmv');
    const passphrase = passphraseKeySource('pass phrase');
    await saveVault(file, passphrase, data());
    const keychain = (await createVaultKeySource(standInSafeStorage()))!;
    await expect(openVault(file, keychain)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/unlocked with a passphrase/) });
    const { data: content, keyring } = await openVaultKeyed(file, passphrase);
    await saveVault(file, await addKeySource(keyring, keychain), content);
    expect((await openVault(file, keychain)).records).toHaveLength(1);
    expect((await openVault(file, passphrase)).records).toHaveLength(1);
  });
});
