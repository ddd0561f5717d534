import type { MachineIdentity } from '../../core/journal/schemas.js';
import { BootmendError } from '../../core/errors.js';
import { MIN_PASSPHRASE, type ImportKeysRequest, type ImportSummary, type LookupKeyResult, type RevealedList, type VaultStats, type VaultStatus } from '../../core/keys/schemas.js';
import type { EventJournal } from '../journal/journal.js';
import { checkImportOptions, KeyImportError, mergeImports, readImportSources, type ImportProgress } from './import-keys.js';
import { KeyIndex } from './lookup.js';
import { isKeyRevealedEvent, revealedKeysCsv, revealKey, ROTATION_ADVICE, type Revealed } from './reveal.js';
import {
  addKeySource,
  assertNotExpired,
  emptyVault,
  forgetKeyring,
  hasWeakPassphraseCopy,
  isExpired,
  newKeyring,
  openVaultKeyed,
  passphraseKeySource,
  saveVault,
  vaultExists,
  vaultKeyKinds,
  wipeVault,
  type KeySource,
  type VaultData,
  type VaultKeyring,
} from './store.js';

/**
 * The key vault held open for the app's local API: decrypted into memory on unlock, and
 * forgotten (records dropped, data key zeroed) on lock, on wipe, or after `autoLockMinutes`
 * without a lookup, reveal or import — a laptop left open in a server room must not keep
 * every key readable. status() does not count as use, so a UI polling it does not keep the
 * vault open.
 *
 * The data key stays the same across imports and every wrapped copy of it is kept, so a
 * vault unlocked with the OS keychain still opens with its passphrase afterwards, and the
 * other way round. A keychain copy (Electron safeStorage) is added only when the technician
 * asks for it (`alsoUnlockWithLaptopLogin`): it lets anyone who can sign in as this user on
 * this laptop open the vault, which is a choice, not a default.
 */

/** The OS keychain as the host has it: a key source, or the sentence saying why there is none. */
export type KeychainState = KeySource | { readonly unavailable: string };

/** Hosts without Electron (the web host, the CLI) cannot reach the OS keychain. */
export const NO_KEYCHAIN_HERE = "Only the Bootmend desktop app can use this laptop's login to unlock the vault; here, type the passphrase.";

export interface VaultSessionOptions {
  /** The vault file (main/services/data-folder.ts names it; `--vault` may point elsewhere). */
  vaultPath: string;
  /** The data folder's one journal (main/services builds it): reveals are audited there. */
  journal: EventJournal;
  /** Minutes without use before the vault locks itself; null never (tests, kiosk). Default 15. */
  autoLockMinutes?: number | null;
  /** The OS keychain as a key source (main/electron/vault-key-source.ts), or why the host has none. */
  keychain?: KeychainState | null | (() => KeychainState | null);
  now?: () => Date;
}

export type UnlockRequest =
  | { passphrase: string; create?: boolean | undefined; alsoUnlockWithLaptopLogin?: boolean | undefined }
  /** Unlock with the OS keychain, or with any KeySource (tests, future sources). */
  | { passphrase?: undefined; keySource?: KeySource | undefined; create?: boolean | undefined };

export interface RevealRequestIn {
  id: string;
  machine: string;
  reason: string;
  technician: string;
  /** The journal machine the reveal is for (the audit event carries it). */
  machineId?: string | undefined;
  /** Its identity as the journal knows it. */
  identity?: MachineIdentity | undefined;
}

export type ImportProgressFn = (done: number, total: number, message: string) => void;
export type { ImportProgress };

interface Open {
  data: VaultData;
  keyring: VaultKeyring;
  index: KeyIndex;
}

const LOCKED = 'The key vault is locked: unlock it with its passphrase first.';
export { MIN_PASSPHRASE };

export class VaultSession {
  readonly path: string;
  private readonly journal: EventJournal;
  private readonly autoLockMs: number | null;
  private readonly now: () => Date;
  private open: Open | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Imports and wipes run one at a time: two saves must not race on one file. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: VaultSessionOptions) {
    this.path = options.vaultPath;
    this.journal = options.journal;
    const minutes = options.autoLockMinutes === undefined ? 15 : options.autoLockMinutes;
    this.autoLockMs = minutes === null ? null : minutes * 60_000;
    this.now = options.now ?? (() => new Date());
  }

  async status(): Promise<VaultStatus> {
    const exists = await vaultExists(this.path);
    const open = this.open;
    let keySources: string[] = open ? [...new Set(open.keyring.keys.map((k) => k.kind))] : [];
    if (!open && exists) keySources = await vaultKeyKinds(this.path).catch(() => []);
    return {
      path: this.path,
      exists,
      unlocked: open !== null,
      keys: open ? open.index.size : null,
      devices: open ? open.index.devices : null,
      expiresAt: open?.data.expiresAt ?? null,
      expired: open ? isExpired(open.data, this.now()) : false,
      keySources,
      safeStorageAvailable: this.keychain().source !== null,
      safeStorageUnavailableReason: this.keychain().unavailable,
      autoLockMinutes: this.autoLockMs === null ? null : this.autoLockMs / 60_000,
      updatedAt: open && exists ? open.data.updatedAt : null,
    };
  }

  /**
   * With a passphrase: opens the vault, or — when there is none yet and `create` is set —
   * writes an empty one protected by it; with `alsoUnlockWithLaptopLogin`, a copy of the key
   * wrapped by this laptop's keychain is added (or renewed) too. Without a passphrase: the OS
   * keychain (or the given KeySource). Wrong passphrase → UNAUTHORIZED, nothing kept.
   * A passphrase copy from before SCRYPT_NEW_N is rewrapped at today's cost while the
   * passphrase is at hand; a keychain copy the OS asks to re-encrypt is written again.
   */
  async unlock(request: UnlockRequest): Promise<VaultStatus> {
    const keychain = this.keychain();
    const wantsLogin = request.passphrase !== undefined && request.alsoUnlockWithLaptopLogin === true;
    if (wantsLogin && !keychain.source) throw new BootmendError('INVALID_INPUT', keychain.unavailable ?? NO_KEYCHAIN_HERE, { field: 'alsoUnlockWithLaptopLogin' });
    const source = request.passphrase !== undefined ? passphraseKeySource(request.passphrase) : (request.keySource ?? keychain.source);
    if (!source) throw new BootmendError('INVALID_INPUT', 'Type the vault passphrase.', { field: 'passphrase' });
    if (await vaultExists(this.path)) {
      const { data, keyring } = await openVaultKeyed(this.path, source);
      let ring = keyring;
      try {
        if (wantsLogin) ring = await addKeySource(ring, keychain.source!);
        if (request.passphrase !== undefined && hasWeakPassphraseCopy(ring)) ring = await addKeySource(ring, source);
        if (source.shouldRewrap?.() === true) ring = await addKeySource(ring, source);
        if (ring !== keyring) await saveVault(this.path, ring, data, this.now());
      } catch (error) {
        forgetKeyring(keyring);
        throw error;
      }
      this.keep(data, ring);
    } else {
      if (request.create !== true) throw new BootmendError('NOT_FOUND', 'There is no key vault on this computer yet: create one, then import a key export.');
      if (request.passphrase === undefined) throw new BootmendError('INVALID_INPUT', 'Choose a passphrase for the new key vault.', { field: 'passphrase' });
      if (request.passphrase.length < MIN_PASSPHRASE) throw new BootmendError('INVALID_INPUT', `The vault passphrase must be at least ${MIN_PASSPHRASE} characters.`, { field: 'passphrase' });
      // Written at once, so the Keys screen (and the next launch) finds the vault it just made.
      const data = emptyVault(this.now());
      const ring = await newKeyring(wantsLogin ? [source, keychain.source!] : [source]);
      await saveVault(this.path, ring, data, this.now());
      this.keep(data, ring);
    }
    return this.status();
  }

  lock(): Promise<VaultStatus> {
    this.forget();
    return this.status();
  }

  /** Reads every source (all must be key exports, or nothing changes), merges, saves, and keeps the result open. */
  import(request: ImportKeysRequest, progress?: ImportProgressFn, signal?: AbortSignal): Promise<ImportSummary> {
    return this.serial(async () => {
      const open = this.requireOpen();
      const options = checkImportOptions({ format: request.format, scope: request.scope, expires: request.expires }, request.sources.length);
      const read = await readImportSources(request.sources, options, (p) => {
        signal?.throwIfAborted();
        progress?.(p.fileIndex * 1000 + (p.bytesTotal > 0 ? Math.floor((p.bytesDone / p.bytesTotal) * 1000) : 1000), p.files * 1000, `Reading ${p.file}`);
      });
      if (!read.ok) throw new KeyImportError(read.message, read.failed);
      signal?.throwIfAborted();
      progress?.(request.sources.length * 1000, request.sources.length * 1000, 'Encrypting the vault');
      const { next, json } = mergeImports(open.data, read.results, options.expiresAt, this.path);
      const now = this.now();
      await saveVault(this.path, open.keyring, next, now);
      if (this.open === open) this.keep({ ...next, updatedAt: now.toISOString() }, open.keyring);
      const { vault: _vault, ...summary } = json;
      return summary;
    });
  }

  lookup(query: string): LookupKeyResult {
    const open = this.requireOpen();
    assertNotExpired(open.data, this.now());
    return open.index.lookup(query);
  }

  /** The audited reveal (journal event fsync'd before the password is returned). */
  async reveal(request: RevealRequestIn): Promise<Revealed> {
    const open = this.requireOpen();
    return revealKey(open.index, open.data, this.journal, { ...request, now: this.now() });
  }

  /** Every reveal in the journal (at or after `since`, an ISO time in UTC, when given). Needs no unlocked vault. */
  async revealedList(filter: { since?: string | undefined } = {}): Promise<RevealedList> {
    const { events, damaged } = await this.journal.read({ type: 'key.revealed', ...(filter.since === undefined ? {} : { since: filter.since }) });
    const revealed = events.filter(isKeyRevealedEvent).map((e) => ({
      eventId: e.id,
      at: e.at,
      keyId: e.keyId,
      device: e.device,
      machine: e.machine,
      technician: e.technician,
      reason: e.reason,
      serial: e.machineIdentity?.serial ?? null,
      assetTag: e.machineIdentity?.assetTag ?? null,
      site: e.machineIdentity?.site ?? null,
    }));
    return { revealed, advice: ROTATION_ADVICE.join(' '), csv: revealedKeysCsv(events), damagedJournalLines: damaged.length };
  }

  /**
   * Counts over the open vault; a vault that does not exist yet answers `exists: false`
   * without an unlock. Works on an expired vault (it says so). Like status(), not a use: it
   * does not hold the vault open.
   */
  async stats(): Promise<VaultStats> {
    const open = this.open;
    if (!open) {
      if (!(await vaultExists(this.path))) return { vault: this.path, exists: false, keys: 0 };
      throw new BootmendError('UNAUTHORIZED', LOCKED);
    }
    const { records } = open.data;
    const created = records.map((r) => r.created).filter((c): c is string => c !== null).sort();
    const byVolumeType: Record<string, number> = {};
    for (const r of records) byVolumeType[r.volumeType ?? 'unknown'] = (byVolumeType[r.volumeType ?? 'unknown'] ?? 0) + 1;
    return {
      vault: this.path,
      exists: true,
      keys: open.index.size,
      devices: open.index.devices,
      withoutDevice: records.filter((r) => r.device === null).length,
      byVolumeType,
      oldestKey: created[0] ?? null,
      newestKey: created.at(-1) ?? null,
      createdAt: open.data.createdAt,
      updatedAt: open.data.updatedAt,
      expiresAt: open.data.expiresAt,
      expired: isExpired(open.data, this.now()),
    };
  }

  async revealedCsv(): Promise<string> {
    return revealedKeysCsv((await this.journal.read({ type: 'key.revealed' })).events);
  }

  /** Locks, then overwrites and deletes the vault file. The journal (the audit record) stays. */
  wipe(): Promise<VaultStatus> {
    return this.serial(async () => {
      this.forget();
      await wipeVault(this.path);
      return this.status();
    });
  }

  /** Electron's safeStorage is usable only once the app is ready, so the host may pass a getter. */
  private keychain(): { source: KeySource; unavailable: null } | { source: null; unavailable: string } {
    const option = this.options.keychain;
    const state = typeof option === 'function' ? option() : (option ?? null);
    if (state === null) return { source: null, unavailable: NO_KEYCHAIN_HERE };
    return 'unavailable' in state ? { source: null, unavailable: state.unavailable } : { source: state, unavailable: null };
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private requireOpen(): Open {
    if (!this.open) throw new BootmendError('UNAUTHORIZED', LOCKED);
    this.armAutoLock();
    return this.open;
  }

  private keep(data: VaultData, keyring: VaultKeyring): void {
    if (this.open && this.open.keyring !== keyring) forgetKeyring(this.open.keyring);
    this.open = { data, keyring, index: new KeyIndex(data.records) };
    this.armAutoLock();
  }

  private armAutoLock(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.autoLockMs === null) return;
    this.timer = setTimeout(() => this.forget(), this.autoLockMs);
    this.timer.unref();
  }

  private forget(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.open) forgetKeyring(this.open.keyring);
    this.open = null;
  }
}
