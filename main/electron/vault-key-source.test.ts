import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BootmendError } from '../../core/errors.js';
import { fakeGuid, fakeRecoveryPassword, seededRng } from '../vault/fake-keys.js';
import { addKeySource, emptyVault, newKeyring, openVault, openVaultKeyed, passphraseKeySource, saveVault, vaultKeyKinds } from '../vault/store.js';
import { createVaultKeySource, SAFE_STORAGE_KIND, type SafeStorageLike } from './vault-key-source.js';

/** A stand-in for Electron's safeStorage: AES under a per-"user" key, failing for another user, like DPAPI. */
function standInSafeStorage(userKey = randomBytes(32), available = true): SafeStorageLike & { available: boolean } {
  const store = {
    available,
    isEncryptionAvailable: () => store.available,
    encryptString(text: string): Buffer {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', userKey, iv);
      const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString(bytes: Buffer): string {
      const decipher = createDecipheriv('aes-256-gcm', userKey, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
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

describe('safeStorage vault key source (with a stand-in safeStorage, no Electron)', () => {
  it('is null when the OS offers no encryption', () => {
    expect(createVaultKeySource(standInSafeStorage(undefined, false))).toBeNull();
  });

  it('a vault wrapped by passphrase AND safeStorage opens with either; the file holds neither the key nor the passwords', async () => {
    const file = join(dir, 'vault.bmv');
    const keychain = createVaultKeySource(standInSafeStorage())!;
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
    await saveVault(file, await newKeyring([passphraseKeySource('pass phrase'), createVaultKeySource(standInSafeStorage())!]), data());
    const error = await openVault(file, createVaultKeySource(standInSafeStorage())!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BootmendError);
    expect((error as BootmendError).code).toBe('UNAUTHORIZED');
    expect((error as BootmendError).message).toMatch(/passphrase/);
  });

  it('adding the keychain to an existing passphrase vault keeps the data key, so both open it', async () => {
    const file = join(dir, 'vault.bmv');
    const passphrase = passphraseKeySource('pass phrase');
    await saveVault(file, passphrase, data());
    const keychain = createVaultKeySource(standInSafeStorage())!;
    await expect(openVault(file, keychain)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/unlocked with a passphrase/) });
    const { data: content, keyring } = await openVaultKeyed(file, passphrase);
    await saveVault(file, await addKeySource(keyring, keychain), content);
    expect((await openVault(file, keychain)).records).toHaveLength(1);
    expect((await openVault(file, passphrase)).records).toHaveLength(1);
  });
});
