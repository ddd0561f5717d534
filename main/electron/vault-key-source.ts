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
 * Written against the three safeStorage calls it uses, so it is tested without Electron;
 * main.ts passes `electron.safeStorage`. Only this folder may import Electron.
 */

export const SAFE_STORAGE_KIND = 'safe-storage';

/**
 * On Linux the asynchronous safeStorage falls back, when no secret service answers (no
 * keyring, `--password-store=basic`), to Chromium's built-in key — a constant compiled into
 * every Chromium — and says so only in the ciphertext's version tag: `v10` is that key; `v11`
 * is a key kept by the Secret Service. (On Windows `v10` is the DPAPI-protected key: fine.)
 */
export const LINUX_BUILT_IN_KEY_TAG = 'v10';

/** The part of Electron's safeStorage this needs (Electron 42 and later). */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }>;
}

/** True when `ciphertext` is protected by no secret at all, only by Chromium's built-in Linux key. */
export function protectedByBuiltInKey(ciphertext: Buffer, platform: NodeJS.Platform): boolean {
  return platform === 'linux' && ciphertext.subarray(0, LINUX_BUILT_IN_KEY_TAG.length).toString('latin1') === LINUX_BUILT_IN_KEY_TAG;
}

const PROBE = 'bootmend keychain probe';
const NOT_NOW = "This computer's keychain is not available now: unlock the vault with its passphrase.";

/**
 * A KeySource over safeStorage, or null when the OS offers no encryption — including Linux
 * without a secret service, where safeStorage would wrap with Chromium's built-in key: worse
 * than none, so the vault stays passphrase-only (one probe encryption tells). Call after
 * Electron's `ready` event.
 */
export async function createVaultKeySource(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): Promise<KeySource | null> {
  try {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) return null;
    if (platform === 'linux' && protectedByBuiltInKey(await safeStorage.encryptStringAsync(PROBE), platform)) return null;
  } catch {
    return null;
  }
  return {
    kind: SAFE_STORAGE_KIND,
    async wrap(dataKey: Buffer): Promise<WrappedKey> {
      // safeStorage encrypts strings; base64 keeps the 32 key bytes intact through it.
      const wrapped = await safeStorage.encryptStringAsync(dataKey.toString('base64'));
      // Never written: a copy anyone with Chromium's source could open.
      if (protectedByBuiltInKey(wrapped, platform)) throw new BootmendError('UNAVAILABLE', "This computer's keychain is not available now: the vault stays protected by its passphrase only.");
      return { kind: SAFE_STORAGE_KIND, wrapped: wrapped.toString('base64') };
    },
    async unwrap(wrapped: WrappedKey): Promise<Buffer> {
      if (wrapped.kind !== SAFE_STORAGE_KIND || typeof wrapped.wrapped !== 'string') throw new BootmendError('UNAUTHORIZED', "This vault copy is not protected by this computer's keychain.");
      let encoded: string;
      try {
        // `shouldReEncrypt` (the OS rotated or upgraded its key) is not acted on: this copy still
        // opened with the key it names, and a KeySource has no way to rewrite the vault header.
        ({ result: encoded } = await safeStorage.decryptStringAsync(Buffer.from(wrapped.wrapped, 'base64')));
      } catch (error) {
        if (error instanceof Error && /temporarily unavailable/i.test(error.message)) throw new BootmendError('UNAUTHORIZED', NOT_NOW);
        // Another user, another computer, or a reset keychain: the passphrase still works.
        throw new BootmendError('UNAUTHORIZED', "This computer's keychain cannot open this vault (it was protected on another computer or for another user): unlock it with its passphrase.");
      }
      const key = Buffer.from(encoded, 'base64');
      if (key.length !== 32) throw new BootmendError('UNAUTHORIZED', "The keychain copy of the vault key is damaged: unlock the vault with its passphrase.");
      return key;
    },
  };
}
