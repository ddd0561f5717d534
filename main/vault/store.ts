import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback, type ScryptOptions } from 'node:crypto';
import { open, readFile, rename, rm, stat, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BootmendError } from '../../core/errors.js';
import type { KeyRecord } from './importers/types.js';

/**
 * The vault: ONE file holding every imported key, encrypted with AES-256-GCM.
 *
 *   "BMVAULT1" | uint32 BE header length | header (JSON, UTF-8) | ciphertext | GCM tag (16)
 *
 * The body is encrypted under a random 256-bit data key with the whole prefix (magic,
 * length, header) as additional authenticated data, so editing the expiry, the KDF
 * parameters or anything else in the header fails decryption. The data key is stored
 * wrapped by a KeySource: here a passphrase through scrypt (N = 2^15 or more, r = 8,
 * p = 1, salt and parameters in the header); inside Electron a source over safeStorage
 * can wrap the same data key without any change to this file's layout.
 * Writes are atomic (temp file, fsync, rename, fsync of the folder).
 */

export const VAULT_MAGIC = Buffer.from('BMVAULT1', 'ascii');
const TAG_BYTES = 16;
const IV_BYTES = 12;
const MAX_HEADER_BYTES = 64 * 1024;
export const SCRYPT_MIN_N = 2 ** 15;
const SCRYPT_MAX_N = 2 ** 20;

/** A wrapped data key: a `kind` plus whatever that key source needs (all JSON-safe). */
export type WrappedKey = { kind: string } & Record<string, string | number>;

/** Where the data key's protection comes from: a passphrase here, Electron's safeStorage later. */
export interface KeySource {
  readonly kind: string;
  wrap(dataKey: Buffer): Promise<WrappedKey>;
  /** Throws BootmendError UNAUTHORIZED when this source cannot unwrap the key (wrong passphrase). */
  unwrap(wrapped: WrappedKey): Promise<Buffer>;
}

export interface VaultData {
  records: KeyRecord[];
  createdAt: string;
  updatedAt: string;
  /** After this moment lookups are refused (the keys stay encrypted until wiped or replaced). */
  expiresAt: string | null;
}

interface VaultHeader {
  format: 'bootmend-vault';
  version: 1;
  cipher: 'aes-256-gcm';
  iv: string;
  key: WrappedKey;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
}

const WRONG_KEY = 'The vault passphrase is wrong (or the vault file was changed). Nothing was decrypted.';

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCallback(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/** The passphrase key source (BOOTMEND_VAULT_PASSPHRASE for the CLI). */
export function passphraseKeySource(passphrase: string, options: { N?: number } = {}): KeySource {
  if (passphrase.length === 0) throw new BootmendError('INVALID_INPUT', 'The vault passphrase is empty.');
  const N = options.N ?? SCRYPT_MIN_N;
  if (N < SCRYPT_MIN_N || N > SCRYPT_MAX_N || (N & (N - 1)) !== 0) throw new BootmendError('INVALID_INPUT', `The scrypt cost must be a power of two from 2^15 to 2^20.`);
  const derive = (salt: Buffer, n: number, r: number, p: number): Promise<Buffer> => scrypt(passphrase, salt, 32, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 });
  return {
    kind: 'scrypt-passphrase',
    async wrap(dataKey) {
      const salt = randomBytes(16);
      const iv = randomBytes(IV_BYTES);
      const kek = await derive(salt, N, 8, 1);
      const cipher = createCipheriv('aes-256-gcm', kek, iv);
      cipher.setAAD(Buffer.from('bootmend-vault-key:scrypt-passphrase'));
      const wrapped = Buffer.concat([cipher.update(dataKey), cipher.final()]);
      return { kind: 'scrypt-passphrase', N, r: 8, p: 1, salt: salt.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), wrapped: wrapped.toString('base64') };
    },
    async unwrap(key) {
      const { N: n, r, p, salt, iv, tag, wrapped } = key;
      if (key.kind !== 'scrypt-passphrase') throw new BootmendError('UNAUTHORIZED', `This vault is protected by "${key.kind}", not by a passphrase.`);
      if (typeof n !== 'number' || typeof r !== 'number' || typeof p !== 'number' || n < SCRYPT_MIN_N || n > SCRYPT_MAX_N || r !== 8 || p < 1 || p > 4) throw damaged('its key parameters are out of range');
      if (typeof salt !== 'string' || typeof iv !== 'string' || typeof tag !== 'string' || typeof wrapped !== 'string') throw damaged('its key header is incomplete');
      const kek = await derive(Buffer.from(salt, 'base64'), n, r, p);
      try {
        const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(iv, 'base64'));
        decipher.setAAD(Buffer.from('bootmend-vault-key:scrypt-passphrase'));
        decipher.setAuthTag(Buffer.from(tag, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(wrapped, 'base64')), decipher.final()]);
      } catch {
        throw new BootmendError('UNAUTHORIZED', WRONG_KEY);
      }
    },
  };
}

function damaged(why: string): BootmendError {
  return new BootmendError('IO_ERROR', `The vault file is damaged or was changed (${why}). Nothing was decrypted.`);
}

export async function vaultExists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

export function emptyVault(now: Date = new Date()): VaultData {
  return { records: [], createdAt: now.toISOString(), updatedAt: now.toISOString(), expiresAt: null };
}

function parseHeader(bytes: Buffer): { header: VaultHeader; aad: Buffer; body: Buffer } {
  if (bytes.length < VAULT_MAGIC.length + 4 || !bytes.subarray(0, VAULT_MAGIC.length).equals(VAULT_MAGIC)) throw new BootmendError('INVALID_INPUT', 'This file is not a Bootmend key vault.');
  const length = bytes.readUInt32BE(VAULT_MAGIC.length);
  const headerStart = VAULT_MAGIC.length + 4;
  if (length > MAX_HEADER_BYTES || headerStart + length + TAG_BYTES > bytes.length) throw damaged('its header length is wrong');
  let header: VaultHeader;
  try {
    header = JSON.parse(bytes.subarray(headerStart, headerStart + length).toString('utf8')) as VaultHeader;
  } catch {
    throw damaged('its header is not readable');
  }
  if (header?.format !== 'bootmend-vault' || header.version !== 1 || header.cipher !== 'aes-256-gcm' || typeof header.iv !== 'string' || typeof header.key?.kind !== 'string') throw damaged('its header is not a version 1 vault header');
  return { header, aad: bytes.subarray(0, headerStart + length), body: bytes.subarray(headerStart + length) };
}

/** Decrypts the vault. Wrong passphrase → UNAUTHORIZED; changed bytes → IO_ERROR; absent → NOT_FOUND. */
export async function openVault(file: string, source: KeySource): Promise<VaultData> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BootmendError('NOT_FOUND', `There is no key vault at ${file} yet: import an export first (bootmend keys import).`);
    throw new BootmendError('IO_ERROR', `Cannot read the key vault ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}.`);
  }
  const { header, aad, body } = parseHeader(bytes);
  const dataKey = await source.unwrap(header.key);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(header.iv, 'base64'));
    decipher.setAAD(aad);
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    plain = Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw damaged('it fails its integrity check');
  } finally {
    dataKey.fill(0);
  }
  try {
    const parsed = JSON.parse(plain.toString('utf8')) as { records: KeyRecord[] };
    return { records: parsed.records, createdAt: header.createdAt, updatedAt: header.updatedAt, expiresAt: header.expiresAt };
  } finally {
    plain.fill(0);
  }
}

/** Encrypts and writes the vault atomically (a crash leaves the old file or the new one, never half). */
export async function saveVault(file: string, source: KeySource, data: VaultData, now: Date = new Date()): Promise<void> {
  const dataKey = randomBytes(32);
  const iv = randomBytes(IV_BYTES);
  let output: Buffer;
  try {
    const header: VaultHeader = {
      format: 'bootmend-vault',
      version: 1,
      cipher: 'aes-256-gcm',
      iv: iv.toString('base64'),
      key: await source.wrap(dataKey),
      createdAt: data.createdAt,
      updatedAt: now.toISOString(),
      expiresAt: data.expiresAt,
    };
    const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(headerBytes.length);
    const aad = Buffer.concat([VAULT_MAGIC, length, headerBytes]);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    cipher.setAAD(aad);
    const plain = Buffer.from(JSON.stringify({ records: data.records }), 'utf8');
    try {
      output = Buffer.concat([aad, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    } finally {
      plain.fill(0);
    }
  } finally {
    dataKey.fill(0);
  }
  await writeAtomic(file, output);
}

export async function writeAtomic(file: string, bytes: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new BootmendError('IO_ERROR', `Cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}.`);
  }
  await syncFolder(dirname(file));
}

/** fsync of the folder makes the rename durable on POSIX; Windows refuses it and does not need it. */
export async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not supported on this platform (Windows): rename is already durable there.
  }
}

/**
 * Overwrites the vault with random bytes (synced), then deletes it. Returns false when
 * there was no vault. On SSDs and copy-on-write file systems an overwrite cannot promise
 * the old blocks are gone; the encryption is what protects them there.
 */
export async function wipeVault(file: string): Promise<boolean> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    return false;
  }
  try {
    const handle = await open(file, 'r+');
    try {
      const chunk = 1024 * 1024;
      for (let offset = 0; offset < size; offset += chunk) {
        const length = Math.min(chunk, size - offset);
        await handle.write(randomBytes(length), 0, length, offset);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rm(file);
  } catch (error) {
    throw new BootmendError('IO_ERROR', `Cannot wipe the key vault ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}.`);
  }
  await syncFolder(dirname(file));
  return true;
}

export function isExpired(data: Pick<VaultData, 'expiresAt'>, now: Date = new Date()): boolean {
  return data.expiresAt !== null && now.getTime() >= Date.parse(data.expiresAt);
}

export function assertNotExpired(data: Pick<VaultData, 'expiresAt'>, now: Date = new Date()): void {
  if (isExpired(data, now)) {
    throw new BootmendError('FORBIDDEN', `This key vault expired on ${data.expiresAt}: its keys can no longer be looked up. Wipe it and import a fresh export.`);
  }
}
