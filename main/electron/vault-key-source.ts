import { BootmendError } from '../../core/errors.js';
import type { KeySource, WrappedKey } from '../keys/store.js';

/**
 * The vault's data key wrapped by the operating system's keychain through Electron's
 * safeStorage (DPAPI on Windows, Keychain on macOS, the Secret Service — GNOME Keyring,
 * KWallet — or the desktop portal on Linux): a vault opens on this computer, for this user,
 * without typing the passphrase. The wrapped copy sits next to the passphrase copy in the
 * vault header (store.ts `keys`), so the same vault still opens with the passphrase on
 * another computer.
 *
 * Uses safeStorage's asynchronous API: Electron 45 deprecates the synchronous
 * isEncryptionAvailable / encryptString / decryptString and Electron 46 removes them.
 * Copies wrapped by the synchronous API (Bootmend on Electron 41) still open:
 * decryptStringAsync reads what encryptString wrote.
 *
 * Written against the few safeStorage calls it uses, so it is tested without Electron;
 * main.ts passes `electron.safeStorage`. Only this folder may import Electron.
 */

export const SAFE_STORAGE_KIND = 'safe-storage';

/**
 * On Linux the asynchronous safeStorage falls back, when no secret service answers (no
 * keyring, `--password-store=basic`), to Chromium's built-in key — a constant compiled into
 * every Chromium (the `basic_text` backend of getSelectedStorageBackend) — and its ciphertexts
 * carry the version tag `v10`; `v11` is a key kept by the Secret Service. (On Windows `v10` is
 * the DPAPI-protected key: fine.)
 */
export const LINUX_BUILT_IN_KEY_TAG = 'v10';

/** The part of Electron's safeStorage this needs (Electron 42 and later). */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }>;
  /** Linux only: which store keeps the key ("basic_text", "gnome_libsecret", "kwallet5", …). */
  getSelectedStorageBackend?(): string;
}

/** True when `ciphertext` is protected by no secret at all, only by Chromium's built-in Linux key. */
export function protectedByBuiltInKey(ciphertext: Buffer, platform: NodeJS.Platform): boolean {
  return platform === 'linux' && ciphertext.subarray(0, LINUX_BUILT_IN_KEY_TAG.length).toString('latin1') === LINUX_BUILT_IN_KEY_TAG;
}

const PROBE = 'bootmend keychain probe';
const NOT_NOW = "This laptop's keychain is not available now: unlock the vault with its passphrase.";

/** Why this laptop's login cannot protect the vault key: shown beside the choice on the Keys screen. */
export const KEYCHAIN_REASONS = {
  none: "This laptop's system offers Bootmend no keychain (safeStorage is not available), so the vault opens with its passphrase only.",
  basicText:
    "No keyring (GNOME Keyring, KWallet) answers on this Linux desktop, so Electron would fall back to its basic_text store, whose key is built into every copy of Chromium: anyone who copied the vault could open it. Bootmend uses the passphrase only; start a keyring to use this laptop's login.",
  failed: "This laptop's keychain could not be checked, so the vault opens with its passphrase only.",
} as const;

/** A key source over this laptop's keychain, or the sentence saying why there is none. */
export type KeychainProbe = { source: KeySource; unavailable?: undefined } | { source: null; unavailable: string };

/**
 * A KeySource over safeStorage, or why there is none: the OS offers no encryption, or — on
 * Linux without a secret service — safeStorage would wrap with Chromium's built-in key
 * (backend `basic_text`; its ciphertexts carry the `v10` tag): worse than none, so the vault
 * stays passphrase-only. Both signs are checked, the backend name and one probe encryption.
 * Call after Electron's `ready` event.
 */
export async function probeVaultKeySource(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): Promise<KeychainProbe> {
  try {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) return { source: null, unavailable: KEYCHAIN_REASONS.none };
    if (platform === 'linux') {
      if (safeStorage.getSelectedStorageBackend?.() === 'basic_text') return { source: null, unavailable: KEYCHAIN_REASONS.basicText };
      if (protectedByBuiltInKey(await safeStorage.encryptStringAsync(PROBE), platform)) return { source: null, unavailable: KEYCHAIN_REASONS.basicText };
    }
  } catch {
    return { source: null, unavailable: KEYCHAIN_REASONS.failed };
  }
  return { source: safeStorageKeySource(safeStorage, platform) };
}

/** probeVaultKeySource without the reason: the key source, or null. */
export async function createVaultKeySource(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): Promise<KeySource | null> {
  return (await probeVaultKeySource(safeStorage, platform)).source;
}

function safeStorageKeySource(safeStorage: SafeStorageLike, platform: NodeJS.Platform): KeySource {
  let rewrap = false;
  return {
    kind: SAFE_STORAGE_KIND,
    async wrap(dataKey: Buffer): Promise<WrappedKey> {
      // Checked on every wrap too: a keyring that stopped answering since the probe would
      // otherwise get the basic_text key. Never written: a copy anyone with Chromium's source could open.
      if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') throw new BootmendError('UNAVAILABLE', KEYCHAIN_REASONS.basicText);
      // safeStorage encrypts strings; base64 keeps the 32 key bytes intact through it.
      const wrapped = await safeStorage.encryptStringAsync(dataKey.toString('base64'));
      if (protectedByBuiltInKey(wrapped, platform)) throw new BootmendError('UNAVAILABLE', KEYCHAIN_REASONS.basicText);
      return { kind: SAFE_STORAGE_KIND, wrapped: wrapped.toString('base64') };
    },
    async unwrap(wrapped: WrappedKey): Promise<Buffer> {
      rewrap = false;
      if (wrapped.kind !== SAFE_STORAGE_KIND || typeof wrapped.wrapped !== 'string') throw new BootmendError('UNAUTHORIZED', "This vault copy is not protected by this laptop's keychain.");
      let answer: { shouldReEncrypt: boolean; result: string };
      try {
        answer = await safeStorage.decryptStringAsync(Buffer.from(wrapped.wrapped, 'base64'));
      } catch (error) {
        if (error instanceof Error && /temporarily unavailable/i.test(error.message)) throw new BootmendError('UNAUTHORIZED', NOT_NOW);
        // Another user, another computer, or a reset keychain: the passphrase still works.
        throw new BootmendError(
          'UNAUTHORIZED',
          "The copy of the vault key in this laptop's keychain no longer opens (it was made on another computer or for another user, or the keychain was reset): unlock the vault with its passphrase.",
        );
      }
      const key = Buffer.from(answer.result, 'base64');
      if (key.length !== 32) throw new BootmendError('UNAUTHORIZED', "The keychain copy of the vault key is damaged: unlock the vault with its passphrase.");
      // The OS rotated or upgraded its key: this copy opened, and the vault session writes a fresh one.
      rewrap = answer.shouldReEncrypt;
      return key;
    },
    shouldRewrap: () => rewrap,
  };
}
