import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback, type ScryptOptions } from 'node:crypto';
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BootmendError } from '../../core/errors.js';
import { syncFolder, writeFileAtomic } from '../fs/atomic-write.js';
import type { KeyRecord } from '../../core/keys/importers/types.js';

/**
 * The vault: ONE file holding every imported key, encrypted with AES-256-GCM.
 *
 *   "BMVAULT1" | uint32 BE header length | header (JSON, UTF-8) | ciphertext | GCM tag (16)
 *
 * The body is encrypted under a random 256-bit data key with the whole prefix (magic,
 * length, header) as additional authenticated data, so editing the expiry, the KDF
 * parameters or anything else in the header fails decryption. The data key is stored
 * wrapped by one or more KeySources (a passphrase through scrypt, r = 8, p = 1, N = 2^17 for
 * copies written now — 2^15 before, still read; Electron's safeStorage): any one of them
 * unlocks the vault.
 * Writes are atomic (temp file, fsync, rename, fsync of the folder).
 *
 * Header version 1 (still read, no longer written): `key: WrappedKey`, body = one JSON
 * document `{"records":[{...}]}`. It took 13 s and gigabytes to open with a million keys.
 * Header version 2: `keys: WrappedKey[]`, body = UTF-8 lines: a column line
 * (`id\tpassword\t...`, so columns can be added later), then one record per line with
 * tab-separated fields (`\N` is null; backslash, tab, CR and LF escaped as \\ \t \r \n).
 * It is written and read in chunks through the cipher, never as one string or buffer;
 * records read from a body are handed out only after its GCM tag verified.
 */

export const VAULT_MAGIC = Buffer.from('BMVAULT1', 'ascii');
const TAG_BYTES = 16;
const IV_BYTES = 12;
const MAX_HEADER_BYTES = 64 * 1024;
/** The lowest scrypt cost a vault file may hold: what Bootmend wrote before SCRYPT_NEW_N. */
export const SCRYPT_MIN_N = 2 ** 15;
/** The cost of every passphrase copy written now (128 MiB and ~0.3-1 s per unlock on a laptop; OWASP's floor is 2^17). */
export const SCRYPT_NEW_N = 2 ** 17;
const SCRYPT_MAX_N = 2 ** 20;
const SCRYPT_R = 8;

/**
 * Node refuses scrypt above `maxmem` (32 MiB by default, less than N = 2^15 needs): allow what
 * the parameters need (128 * N * r bytes, plus 128 * r * p) with room to spare, and no more,
 * so a changed header cannot make Bootmend allocate without bound (N is capped anyway).
 */
export function scryptMaxmem(N: number, r: number, p: number): number {
  return 128 * N * r + 128 * r * p + 1024 * 1024;
}

/** A wrapped data key: a `kind` plus whatever that key source needs (all JSON-safe). */
export type WrappedKey = { kind: string } & Record<string, string | number>;

/** Where the data key's protection comes from: a passphrase here, Electron's safeStorage later. */
export interface KeySource {
  readonly kind: string;
  wrap(dataKey: Buffer): Promise<WrappedKey>;
  /** Throws BootmendError UNAUTHORIZED when this source cannot unwrap the key (wrong passphrase). */
  unwrap(wrapped: WrappedKey): Promise<Buffer>;
  /**
   * True when the copy the last unwrap opened should be wrapped again (the OS keychain rotated
   * or upgraded its key: safeStorage's `shouldReEncrypt`); whoever holds the vault rewrites it.
   */
  shouldRewrap?(): boolean;
}

export interface VaultData {
  records: KeyRecord[];
  createdAt: string;
  updatedAt: string;
  /** After this moment lookups are refused (the keys stay encrypted until wiped or replaced). */
  expiresAt: string | null;
}

interface VaultHeaderBase {
  format: 'bootmend-vault';
  cipher: 'aes-256-gcm';
  iv: string;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
}
interface VaultHeaderV1 extends VaultHeaderBase {
  version: 1;
  key: WrappedKey;
}
interface VaultHeaderV2 extends VaultHeaderBase {
  version: 2;
  keys: WrappedKey[];
  body: 'tsv';
  records: number;
}
type VaultHeader = VaultHeaderV1 | VaultHeaderV2;

/**
 * The unwrapped data key of an open vault and every wrapped copy of it. Kept by whoever
 * holds the vault open (the app's VaultSession) so a save keeps the key and all its
 * wrappings: re-encrypting under a new key would drop the copies whose source is not at
 * hand (safeStorage in the CLI, the passphrase in an app unlocked by the OS keychain).
 * Every save uses a fresh random IV. SECRET: call forgetKeyring() when done.
 */
export interface VaultKeyring {
  dataKey: Buffer;
  keys: WrappedKey[];
}

/** A new random data key wrapped by each source (at least one). */
export async function newKeyring(sources: readonly KeySource[]): Promise<VaultKeyring> {
  if (sources.length === 0) throw new BootmendError('INVALID_INPUT', 'A vault needs at least one way to unlock it.');
  const dataKey = randomBytes(32);
  const keys: WrappedKey[] = [];
  for (const source of sources) keys.push(await source.wrap(dataKey));
  return { dataKey, keys };
}

/** Adds (or replaces) the copy wrapped by `source`'s kind, e.g. after the passphrase changed or safeStorage was turned on. */
export async function addKeySource(keyring: VaultKeyring, source: KeySource): Promise<VaultKeyring> {
  const wrapped = await source.wrap(keyring.dataKey);
  return { dataKey: keyring.dataKey, keys: [...keyring.keys.filter((k) => k.kind !== source.kind), wrapped] };
}

/** Drops the copies of one kind; refuses to drop the last way in. */
export function removeKeySource(keyring: VaultKeyring, kind: string): VaultKeyring {
  const keys = keyring.keys.filter((k) => k.kind !== kind);
  if (keys.length === 0) throw new BootmendError('INVALID_INPUT', 'This is the only way to unlock the vault; add another before removing it.');
  return { dataKey: keyring.dataKey, keys };
}

/** True when a passphrase copy in the keyring was wrapped with a cost below today's (a vault from before SCRYPT_NEW_N). */
export function hasWeakPassphraseCopy(keyring: VaultKeyring): boolean {
  return keyring.keys.some((k) => k.kind === 'scrypt-passphrase' && (typeof k.N !== 'number' || k.N < SCRYPT_NEW_N));
}

export function forgetKeyring(keyring: VaultKeyring): void {
  keyring.dataKey.fill(0);
}

const WRONG_KEY = 'The vault passphrase is wrong (or the vault file was changed). Nothing was decrypted.';

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCallback(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/** The passphrase key source (BOOTMEND_VAULT_PASSPHRASE for the CLI). New copies are wrapped with N = SCRYPT_NEW_N or more. */
export function passphraseKeySource(passphrase: string, options: { N?: number } = {}): KeySource {
  if (passphrase.length === 0) throw new BootmendError('INVALID_INPUT', 'The vault passphrase is empty.');
  const N = options.N ?? SCRYPT_NEW_N;
  if (N < SCRYPT_NEW_N || N > SCRYPT_MAX_N || (N & (N - 1)) !== 0) throw new BootmendError('INVALID_INPUT', `The scrypt cost must be a power of two from 2^17 to 2^20.`);
  const derive = (salt: Buffer, n: number, r: number, p: number): Promise<Buffer> => scrypt(passphrase, salt, 32, { N: n, r, p, maxmem: scryptMaxmem(n, r, p) });
  return {
    kind: 'scrypt-passphrase',
    async wrap(dataKey) {
      const salt = randomBytes(16);
      const iv = randomBytes(IV_BYTES);
      const kek = await derive(salt, N, SCRYPT_R, 1);
      const cipher = createCipheriv('aes-256-gcm', kek, iv);
      cipher.setAAD(Buffer.from('bootmend-vault-key:scrypt-passphrase'));
      const wrapped = Buffer.concat([cipher.update(dataKey), cipher.final()]);
      return { kind: 'scrypt-passphrase', N, r: SCRYPT_R, p: 1, salt: salt.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), wrapped: wrapped.toString('base64') };
    },
    async unwrap(key) {
      const { N: n, r, p, salt, iv, tag, wrapped } = key;
      if (key.kind !== 'scrypt-passphrase') throw new BootmendError('UNAUTHORIZED', `This vault is protected by "${key.kind}", not by a passphrase.`);
      if (typeof n !== 'number' || typeof r !== 'number' || typeof p !== 'number' || n < SCRYPT_MIN_N || n > SCRYPT_MAX_N || (n & (n - 1)) !== 0 || r !== SCRYPT_R || p < 1 || p > 4) throw damaged('its key parameters are out of range');
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

const PREFIX_BYTES = VAULT_MAGIC.length + 4;
const CHUNK_BYTES = 4 << 20;
const COLUMNS = ['id', 'password', 'device', 'deviceId', 'dn', 'created', 'volumeType', 'source'] as const;

function validHeader(header: VaultHeader | null): boolean {
  if (header?.format !== 'bootmend-vault' || header.cipher !== 'aes-256-gcm' || typeof header.iv !== 'string') return false;
  if (header.version === 1) return typeof header.key?.kind === 'string';
  if (header.version === 2) return Array.isArray(header.keys) && header.keys.length > 0 && header.keys.every((k) => typeof k?.kind === 'string') && header.body === 'tsv' && Number.isInteger(header.records);
  return false;
}

interface Prefix {
  header: VaultHeader;
  /** Magic, length and header: the GCM additional data. */
  aad: Buffer;
  bodyStart: number;
  size: number;
}

async function readPrefix(handle: FileHandle): Promise<Prefix> {
  const { size } = await handle.stat();
  const start = Buffer.alloc(Math.min(size, PREFIX_BYTES));
  await handle.read(start, 0, start.length, 0);
  if (start.length < PREFIX_BYTES || !start.subarray(0, VAULT_MAGIC.length).equals(VAULT_MAGIC)) throw new BootmendError('INVALID_INPUT', 'This file is not a Bootmend key vault.');
  const length = start.readUInt32BE(VAULT_MAGIC.length);
  if (length > MAX_HEADER_BYTES || PREFIX_BYTES + length + TAG_BYTES > size) throw damaged('its header length is wrong');
  const aad = Buffer.alloc(PREFIX_BYTES + length);
  await handle.read(aad, 0, aad.length, 0);
  let header: VaultHeader | null;
  try {
    header = JSON.parse(aad.subarray(PREFIX_BYTES).toString('utf8')) as VaultHeader | null;
  } catch {
    throw damaged('its header is not readable');
  }
  if (!validHeader(header)) throw damaged('its header is not a vault header this version of Bootmend knows');
  return { header: header!, aad, bodyStart: aad.length, size };
}

/** The key sources that can open a vault file, without decrypting it: "scrypt-passphrase", "safe-storage". */
export async function vaultKeyKinds(file: string): Promise<string[]> {
  return withVaultFile(file, async (handle) => {
    const { header } = await readPrefix(handle);
    return [...new Set((header.version === 1 ? [header.key] : header.keys).map((k) => k.kind))];
  });
}

async function withVaultFile<T>(file: string, use: (handle: FileHandle) => Promise<T>): Promise<T> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BootmendError('NOT_FOUND', `There is no key vault at ${file} yet: import an export first (bootmend keys import).`);
    throw new BootmendError('IO_ERROR', `Cannot read the key vault ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}.`);
  }
  try {
    return await use(handle);
  } finally {
    await handle.close();
  }
}

/** Unwraps with the first copy `source` can open; a vault without a copy of its kind says which kinds it has. */
async function unwrapAny(header: VaultHeader, source: KeySource): Promise<Buffer> {
  const keys = header.version === 1 ? [header.key] : header.keys;
  const mine = keys.filter((k) => k.kind === source.kind);
  if (mine.length === 0) {
    throw new BootmendError('UNAUTHORIZED', `This vault is unlocked with ${keys.map((k) => describeKind(k.kind)).join(' or ')}, not with ${describeKind(source.kind)}.`);
  }
  let last: unknown;
  for (const key of mine) {
    try {
      return await source.unwrap(key);
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

function describeKind(kind: string): string {
  return kind === 'scrypt-passphrase' ? 'a passphrase' : kind === 'safe-storage' ? "this computer's keychain (safeStorage)" : `"${kind}"`;
}

/** Decrypts the vault. Wrong passphrase → UNAUTHORIZED; changed bytes → IO_ERROR; absent → NOT_FOUND. */
export async function openVault(file: string, source: KeySource): Promise<VaultData> {
  const { data, keyring } = await openVaultKeyed(file, source);
  forgetKeyring(keyring);
  return data;
}

/** Like openVault, and keeps the data key and its wrapped copies so a later save can keep them. */
export async function openVaultKeyed(file: string, source: KeySource): Promise<{ data: VaultData; keyring: VaultKeyring }> {
  return withVaultFile(file, async (handle) => {
    const { header, aad, bodyStart, size } = await readPrefix(handle);
    const dataKey = await unwrapAny(header, source);
    try {
      const records = header.version === 1 ? await readBodyV1(handle, header, aad, dataKey, bodyStart, size) : await readBodyV2(handle, header, aad, dataKey, bodyStart, size);
      const keyring: VaultKeyring = { dataKey, keys: header.version === 1 ? [header.key] : header.keys };
      return { data: { records, createdAt: header.createdAt, updatedAt: header.updatedAt, expiresAt: header.expiresAt }, keyring };
    } catch (error) {
      dataKey.fill(0);
      throw error;
    }
  });
}

async function readBodyV1(handle: FileHandle, header: VaultHeaderV1, aad: Buffer, dataKey: Buffer, bodyStart: number, size: number): Promise<KeyRecord[]> {
  const body = Buffer.alloc(size - bodyStart);
  await handle.read(body, 0, body.length, bodyStart);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(header.iv, 'base64'));
    decipher.setAAD(aad);
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    plain = Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw damaged('it fails its integrity check');
  }
  try {
    return (JSON.parse(plain.toString('utf8')) as { records: KeyRecord[] }).records;
  } finally {
    plain.fill(0);
  }
}

/** Streams the body through the decipher, parsing lines as they come; nothing is returned unless the tag verifies. */
async function readBodyV2(handle: FileHandle, header: VaultHeaderV2, aad: Buffer, dataKey: Buffer, bodyStart: number, size: number): Promise<KeyRecord[]> {
  const tag = Buffer.alloc(TAG_BYTES);
  await handle.read(tag, 0, TAG_BYTES, size - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(header.iv, 'base64'));
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  const parser = new BodyParser();
  const chunk = Buffer.alloc(CHUNK_BYTES);
  for (let position = bodyStart; position < size - TAG_BYTES; ) {
    const length = Math.min(CHUNK_BYTES, size - TAG_BYTES - position);
    const { bytesRead } = await handle.read(chunk, 0, length, position);
    if (bytesRead === 0) throw damaged('it is shorter than its header says');
    position += bytesRead;
    const plain = decipher.update(chunk.subarray(0, bytesRead));
    parser.push(plain);
    plain.fill(0);
  }
  try {
    decipher.final();
  } catch {
    throw damaged('it fails its integrity check');
  }
  const records = parser.end();
  if (records === null || records.length !== header.records) throw damaged('its key list is not readable');
  return records;
}

/** Lines of the v2 body to records. Bytes are split at LF; a line is decoded on its own. */
class BodyParser {
  private carry: Buffer | null = null;
  private columns: number[] | null = null;
  private broken = false;
  readonly records: KeyRecord[] = [];

  push(plain: Buffer): void {
    let bytes = plain;
    if (this.carry) {
      bytes = Buffer.concat([this.carry, plain]);
      this.carry.fill(0);
      this.carry = null;
    }
    let from = 0;
    for (let lf = bytes.indexOf(10, from); lf !== -1; lf = bytes.indexOf(10, from)) {
      this.line(bytes.toString('utf8', from, lf));
      from = lf + 1;
    }
    if (from < bytes.length) this.carry = Buffer.from(bytes.subarray(from));
    if (bytes !== plain) bytes.fill(0);
  }

  end(): KeyRecord[] | null {
    if (this.carry) {
      this.carry.fill(0);
      return null; // the body always ends with a line feed
    }
    return this.broken || this.columns === null ? null : this.records;
  }

  private line(text: string): void {
    if (this.broken) return;
    const fields = text.split('\t');
    if (this.columns === null) {
      this.columns = COLUMNS.map((name) => fields.indexOf(name));
      if (this.columns[0]! < 0 || this.columns[1]! < 0) this.broken = true;
      return;
    }
    const at = (column: number): string | null => {
      const index = this.columns![column]!;
      if (index < 0) return null;
      const value = fields[index];
      if (value === undefined) {
        this.broken = true;
        return null;
      }
      return decodeField(value);
    };
    const id = at(0);
    const password = at(1);
    if (id === null || password === null) {
      this.broken = true;
      return;
    }
    this.records.push({ id, password, device: at(2), deviceId: at(3), dn: at(4), created: at(5), volumeType: internVolumeType(at(6)), source: at(7) ?? '' });
  }
}

const VOLUME_TYPES = new Map(['operatingSystemVolume', 'fixedDataVolume', 'removableDataVolume'].map((v) => [v, v]));
/** A million records share three volume-type strings instead of holding one each. */
function internVolumeType(value: string | null): string | null {
  return value === null ? null : (VOLUME_TYPES.get(value) ?? value);
}

const NEEDS_ESCAPE = /[\\\t\r\n]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\r': '\\r', '\n': '\\n' };
const UNESCAPES: Record<string, string> = { '\\': '\\', t: '\t', r: '\r', n: '\n' };

function encodeField(value: string | null): string {
  if (value === null) return '\\N';
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\r\n]/g, (c) => ESCAPES[c]!) : value;
}

function decodeField(value: string): string | null {
  if (!value.includes('\\')) return value;
  if (value === '\\N') return null;
  return value.replace(/\\(.)/g, (_, c: string) => UNESCAPES[c] ?? c);
}

function recordLine(r: KeyRecord): string {
  return `${encodeField(r.id)}\t${encodeField(r.password)}\t${encodeField(r.device)}\t${encodeField(r.deviceId)}\t${encodeField(r.dn)}\t${encodeField(r.created)}\t${encodeField(r.volumeType)}\t${encodeField(r.source)}\n`;
}

function isKeyring(value: KeySource | VaultKeyring): value is VaultKeyring {
  return Buffer.isBuffer((value as VaultKeyring).dataKey);
}

/**
 * Encrypts and writes the vault atomically (a crash leaves the old file or the new one, never
 * half), streaming the body through the cipher. Given a KeySource, a new data key is made and
 * wrapped by it alone; given a keyring (from openVaultKeyed / newKeyring), its key and all
 * its wrapped copies are kept.
 */
export async function saveVault(file: string, protection: KeySource | VaultKeyring, data: VaultData, now: Date = new Date()): Promise<void> {
  const keyring = isKeyring(protection) ? protection : await newKeyring([protection]);
  try {
    const iv = randomBytes(IV_BYTES);
    const header: VaultHeaderV2 = {
      format: 'bootmend-vault',
      version: 2,
      cipher: 'aes-256-gcm',
      iv: iv.toString('base64'),
      keys: keyring.keys,
      body: 'tsv',
      records: data.records.length,
      createdAt: data.createdAt,
      updatedAt: now.toISOString(),
      expiresAt: data.expiresAt,
    };
    const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
    if (headerBytes.length > MAX_HEADER_BYTES) throw new BootmendError('INVALID_INPUT', 'The vault header is too large (too many wrapped keys).');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(headerBytes.length);
    const aad = Buffer.concat([VAULT_MAGIC, length, headerBytes]);
    const cipher = createCipheriv('aes-256-gcm', keyring.dataKey, iv);
    cipher.setAAD(aad);
    await writeFileAtomic(file, async (write) => {
      await write(aad);
      const encrypt = async (text: string): Promise<void> => {
        const plain = Buffer.from(text, 'utf8');
        const sealed = cipher.update(plain);
        plain.fill(0);
        await write(sealed);
      };
      let batch = `${COLUMNS.join('\t')}\n`;
      for (const record of data.records) {
        batch += recordLine(record);
        if (batch.length >= CHUNK_BYTES) {
          await encrypt(batch);
          batch = '';
        }
      }
      await encrypt(batch);
      await write(cipher.final());
      await write(cipher.getAuthTag());
    });
  } finally {
    if (!isKeyring(protection)) forgetKeyring(keyring);
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
