import { BootmendError } from '../../core/errors.js';
import type { KeySource, WrappedKey } from '../vault/store.js';

/**
 * The vault's data key wrapped by the operating system's keychain through Electron's
 * safeStorage (DPAPI on Windows, Keychain on macOS, libsecret/kwallet on Linux): a vault
 * opens on this computer, for this user, without typing the passphrase. The wrapped copy
 * sits next to the passphrase copy in the vault header (store.ts `keys`), so the same
 * vault still opens with the passphrase on another computer.
 *
 * Written against the three safeStorage calls it uses, so it is tested without Electron;
 * main.ts passes `electron.safeStorage`. Only this folder may import Electron.
 */

export const SAFE_STORAGE_KIND = 'safe-storage';

/** The part of Electron's safeStorage this needs. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * A KeySource over safeStorage, or null when the OS offers no encryption (Linux without a
 * secret service: safeStorage would fall back to a hard-coded key there — worse than none,
 * so the vault stays passphrase-only). Call after Electron's `ready` event.
 */
export function createVaultKeySource(safeStorage: SafeStorageLike): KeySource | null {
  if (!safeStorage.isEncryptionAvailable()) return null;
  return {
    kind: SAFE_STORAGE_KIND,
    async wrap(dataKey: Buffer): Promise<WrappedKey> {
      // safeStorage encrypts strings; base64 keeps the 32 key bytes intact through it.
      const encoded = dataKey.toString('base64');
      return { kind: SAFE_STORAGE_KIND, wrapped: safeStorage.encryptString(encoded).toString('base64') };
    },
    async unwrap(wrapped: WrappedKey): Promise<Buffer> {
      if (wrapped.kind !== SAFE_STORAGE_KIND || typeof wrapped.wrapped !== 'string') throw new BootmendError('UNAUTHORIZED', "This vault copy is not protected by this computer's keychain.");
      if (!safeStorage.isEncryptionAvailable()) throw new BootmendError('UNAUTHORIZED', "This computer's keychain is not available now: unlock the vault with its passphrase.");
      let key: Buffer;
      try {
        key = Buffer.from(safeStorage.decryptString(Buffer.from(wrapped.wrapped, 'base64')), 'base64');
      } catch {
        // Another user, another computer, or a reset keychain: the passphrase still works.
        throw new BootmendError('UNAUTHORIZED', "This computer's keychain cannot open this vault (it was protected on another computer or for another user): unlock it with its passphrase.");
      }
      if (key.length !== 32) throw new BootmendError('UNAUTHORIZED', "The keychain copy of the vault key is damaged: unlock the vault with its passphrase.");
      return key;
    },
  };
}
