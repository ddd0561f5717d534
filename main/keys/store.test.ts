import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BootmendError } from '../../core/errors.js';
import { fakeGuid, fakeRecoveryPassword, seededRng } from './fake-keys.js';
import type { KeyRecord } from '../../core/keys/importers/types.js';
import { vaultPlace } from '../../test/vault-place.js';
import { VaultSession } from './session.js';
import { assertNotExpired, emptyVault, openVault, passphraseKeySource, saveVault, SCRYPT_NEW_N, scryptMaxmem, wipeVault, type KeySource, type WrappedKey } from './store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bootmend-vault-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function records(n: number): KeyRecord[] {
  const rng = seededRng(42);
  return Array.from({ length: n }, (_, i) => ({ id: fakeGuid(rng), password: fakeRecoveryPassword(rng), device: `PC-${i}`, deviceId: null, dn: null, created: null, volumeType: null, source: `t.csv:${i + 2}` }));
}

async function failure(promise: Promise<unknown>): Promise<BootmendError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(BootmendError);
    return error as BootmendError;
  }
  throw new Error('expected a failure');
}

describe('vault store', () => {
  const source = passphraseKeySource('correct horse battery staple');

  it('round-trips, with no plaintext in the file and no temp file left', async () => {
    const file = join(dir, 'vault.bmv');
    const data = { ...emptyVault(), records: records(5) };
    await saveVault(file, source, data);
    const bytes = await readFile(file);
    for (const r of data.records) {
      expect(bytes.includes(Buffer.from(r.password))).toBe(false);
      expect(bytes.includes(Buffer.from(r.password.replace(/-/g, '')))).toBe(false);
      expect(bytes.includes(Buffer.from(r.device!))).toBe(false);
    }
    expect((await openVault(file, source)).records).toEqual(data.records);
    expect(await readdir(dir)).toEqual(['vault.bmv']);
    const header = JSON.parse(bytes.subarray(12, 12 + bytes.readUInt32BE(8)).toString()) as { version: number; keys: { N: number; r: number; p: number }[] };
    expect(header.version).toBe(2);
    expect(header.keys[0]).toMatchObject({ N: 2 ** 17, r: 8, p: 1 });
  });

  it('a wrong passphrase is a clear UNAUTHORIZED error', async () => {
    const file = join(dir, 'vault.bmv');
    await saveVault(file, source, { ...emptyVault(), records: records(1) });
    const error = await failure(openVault(file, passphraseKeySource('wrong')));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toMatch(/passphrase is wrong/);
  });

  it('any changed byte (header, body or tag) is refused and nothing is decrypted', async () => {
    const file = join(dir, 'vault.bmv');
    await saveVault(file, source, { ...emptyVault(), records: records(2) });
    const original = await readFile(file);
    const headerEnd = 12 + original.readUInt32BE(8);
    // Magic, length, several header bytes (incl. expiry and KDF area), body, tag.
    const positions = [0, 9, 20, Math.floor(headerEnd / 2), headerEnd - 3, headerEnd + 5, original.length - 20, original.length - 1];
    for (const position of positions) {
      const tampered = Buffer.from(original);
      tampered[position] = tampered[position]! ^ 0x01;
      await writeFile(file, tampered);
      const error = await failure(openVault(file, source));
      expect(['UNAUTHORIZED', 'IO_ERROR', 'INVALID_INPUT']).toContain(error.code);
    }
  });

  it('editing the expiry in the header breaks the integrity check', async () => {
    const file = join(dir, 'vault.bmv');
    await saveVault(file, source, { ...emptyVault(), records: records(1), expiresAt: '2024-08-01T00:00:00.000Z' });
    const original = await readFile(file);
    const edited = Buffer.from(original.toString('latin1').replace('2024-08-01', '2099-08-01'), 'latin1');
    await writeFile(file, edited);
    expect((await failure(openVault(file, source))).code).toBe('IO_ERROR');
  });

  it('expiry refuses lookups after the date', async () => {
    const file = join(dir, 'vault.bmv');
    await saveVault(file, source, { ...emptyVault(), records: records(1), expiresAt: '2024-08-01T00:00:00.000Z' });
    const data = await openVault(file, source);
    expect(() => assertNotExpired(data, new Date('2024-07-31T23:59:59Z'))).not.toThrow();
    expect(() => assertNotExpired(data, new Date('2024-08-01T00:00:00Z'))).toThrow(/expired/);
  });

  it('a source for another key kind (e.g. safeStorage) plugs in through the KeySource interface', async () => {
    const wrappingKey = Buffer.alloc(32, 7);
    const fake: KeySource = {
      kind: 'test-xor',
      wrap: async (key) => ({ kind: 'test-xor', blob: Buffer.from(key.map((b, i) => b ^ wrappingKey[i]!)).toString('base64') }),
      unwrap: async (w) => Buffer.from(Buffer.from(String(w.blob), 'base64').map((b, i) => b ^ wrappingKey[i]!)),
    };
    const file = join(dir, 'vault.bmv');
    await saveVault(file, fake, { ...emptyVault(), records: records(3) });
    expect((await openVault(file, fake)).records).toHaveLength(3);
    expect((await failure(openVault(file, source))).code).toBe('UNAUTHORIZED');
  });

  it('wipe overwrites then deletes; a missing vault is NOT_FOUND on open and false on wipe', async () => {
    const file = join(dir, 'vault.bmv');
    await saveVault(file, source, { ...emptyVault(), records: records(1) });
    expect(await wipeVault(file)).toBe(true);
    expect(await readdir(dir)).toEqual([]);
    expect(await wipeVault(file)).toBe(false);
    expect((await failure(openVault(file, source))).code).toBe('NOT_FOUND');
  });

  it('refuses a file that is not a vault, and weak scrypt costs', async () => {
    const file = join(dir, 'x');
    await writeFile(file, 'Id,Key\n');
    expect((await failure(openVault(file, source))).code).toBe('INVALID_INPUT');
    expect(() => passphraseKeySource('x', { N: 2 ** 10 })).toThrow(BootmendError);
    // 2^15 is still read (older vaults) but never written again.
    expect(() => passphraseKeySource('x', { N: 2 ** 15 })).toThrow(/2\^17/);
    expect(() => passphraseKeySource('')).toThrow(BootmendError);
  });
});

describe('vault file versions', () => {
  const source = passphraseKeySource('correct horse battery staple');
  /** What Bootmend wrote before format 2: one `key`, a JSON body. Kept here so old vaults are proven to open. */
  async function writeVersion1(file: string, passphrase: string, data: ReturnType<typeof emptyVault>): Promise<void> {
    const { createCipheriv, randomBytes } = await import('node:crypto');
    const dataKey = randomBytes(32);
    const iv = randomBytes(12);
    const header = { format: 'bootmend-vault', version: 1, cipher: 'aes-256-gcm', iv: iv.toString('base64'), key: await passphraseKeySource(passphrase).wrap(dataKey), createdAt: data.createdAt, updatedAt: data.updatedAt, expiresAt: data.expiresAt };
    const headerBytes = Buffer.from(JSON.stringify(header));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(headerBytes.length);
    const aad = Buffer.concat([Buffer.from('BMVAULT1'), length, headerBytes]);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    cipher.setAAD(aad);
    await writeFile(file, Buffer.concat([aad, cipher.update(JSON.stringify({ records: data.records })), cipher.final(), cipher.getAuthTag()]));
  }

  it('a version 1 vault still opens, and is written back as version 2 with the same records', async () => {
    const file = join(dir, 'old.bmv');
    const data = { ...emptyVault(), records: records(20), expiresAt: '2099-01-01T00:00:00.000Z' };
    await writeVersion1(file, 'old pass', data);
    const opened = await openVault(file, passphraseKeySource('old pass'));
    expect(opened).toEqual(data);
    await expect(openVault(file, passphraseKeySource('nope'))).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await saveVault(file, passphraseKeySource('old pass'), opened);
    const bytes = await readFile(file);
    expect(JSON.parse(bytes.subarray(12, 12 + bytes.readUInt32BE(8)).toString())).toMatchObject({ version: 2, body: 'tsv', records: 20 });
    expect((await openVault(file, passphraseKeySource('old pass'))).records).toEqual(data.records);
  });

  it('version 2 keeps tabs, newlines, backslashes, "\\N", empty strings and nulls in values exactly', async () => {
    const file = join(dir, 'odd.bmv');
    const odd = records(3);
    odd[0] = { ...odd[0]!, device: 'tab\there\nnew\\line\r', dn: '\\N', source: '' };
    odd[1] = { ...odd[1]!, device: 'PC-ÄÖÜ-😀', deviceId: null, created: null, volumeType: 'something else' };
    await saveVault(file, source, { ...emptyVault(), records: odd });
    expect((await openVault(file, source)).records).toEqual(odd);
  });

  it('a truncated or extended version 2 file is refused as damaged', async () => {
    const file = join(dir, 'v.bmv');
    await saveVault(file, source, { ...emptyVault(), records: records(50) });
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, bytes.length - 40));
    await expect(openVault(file, source)).rejects.toMatchObject({ code: 'IO_ERROR' });
    await writeFile(file, Buffer.concat([bytes, Buffer.from('x')]));
    await expect(openVault(file, source)).rejects.toMatchObject({ code: 'IO_ERROR' });
  });
});

describe('scrypt cost', () => {
  /** A passphrase copy as Bootmend wrote it before N = 2^17, made here with Node's scrypt directly. */
  async function wrapAtOldCost(passphrase: string, dataKey: Buffer): Promise<WrappedKey> {
    const { createCipheriv, randomBytes, scryptSync } = await import('node:crypto');
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const kek = scryptSync(passphrase, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const cipher = createCipheriv('aes-256-gcm', kek, iv);
    cipher.setAAD(Buffer.from('bootmend-vault-key:scrypt-passphrase'));
    const wrapped = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { kind: 'scrypt-passphrase', N: 2 ** 15, r: 8, p: 1, salt: salt.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), wrapped: wrapped.toString('base64') };
  }
  const headerOf = (bytes: Buffer) => JSON.parse(bytes.subarray(12, 12 + bytes.readUInt32BE(8)).toString()) as { keys: { kind: string; N?: number }[] };

  it('a vault from before N = 2^17 still opens; the app rewraps its passphrase copy at 2^17 on the next unlock', async () => {
    const { randomBytes } = await import('node:crypto');
    const file = join(dir, 'vault.bmv');
    const dataKey = randomBytes(32);
    const data = { ...emptyVault(), records: records(3) };
    await saveVault(file, { dataKey: Buffer.from(dataKey), keys: [await wrapAtOldCost('old passphrase', dataKey)] }, data);
    expect(headerOf(await readFile(file)).keys[0]!.N).toBe(2 ** 15);
    expect((await openVault(file, passphraseKeySource('old passphrase'))).records).toEqual(data.records);
    await expect(openVault(file, passphraseKeySource('wrong passphrase'))).rejects.toMatchObject({ code: 'UNAUTHORIZED' });

    const session = new VaultSession({ ...vaultPlace(dir), vaultPath: file, autoLockMinutes: null });
    expect(await session.unlock({ passphrase: 'old passphrase' })).toMatchObject({ unlocked: true, keys: 3 });
    expect(headerOf(await readFile(file)).keys).toEqual([expect.objectContaining({ kind: 'scrypt-passphrase', N: 2 ** 17 })]);
    expect((await openVault(file, passphraseKeySource('old passphrase'))).records).toEqual(data.records);
  });

  it("allows scrypt the memory its cost needs (Node's default maxmem, 32 MiB, is below even 2^15)", () => {
    expect(scryptMaxmem(SCRYPT_NEW_N, 8, 1)).toBeGreaterThanOrEqual(128 * SCRYPT_NEW_N * 8 + 128 * 8);
    expect(scryptMaxmem(SCRYPT_NEW_N, 8, 1)).toBeLessThan(2 * 128 * SCRYPT_NEW_N * 8);
    expect(SCRYPT_NEW_N).toBeGreaterThanOrEqual(2 ** 17);
  });

  it('a header whose cost is not a power of two is a damaged file, not a crash', async () => {
    const { randomBytes } = await import('node:crypto');
    const file = join(dir, 'vault.bmv');
    const dataKey = randomBytes(32);
    const wrapped = { ...(await wrapAtOldCost('old passphrase', dataKey)), N: 3 * 2 ** 15 };
    await saveVault(file, { dataKey, keys: [wrapped] }, emptyVault());
    expect(await failure(openVault(file, passphraseKeySource('old passphrase')))).toMatchObject({ code: 'IO_ERROR', message: expect.stringMatching(/out of range/) });
  });
});
