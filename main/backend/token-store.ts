import { readFile, rm } from 'node:fs/promises';
import { BootmendError } from '../../core/errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { KeychainState } from '../keys/session.js';
import type { WrappedKey } from '../keys/store.js';

/**
 * The technician's backend token, in the data folder (backend-token.json, readable by this
 * user only). Where the OS keychain is at hand (Electron's safeStorage) the file holds the
 * token wrapped by it, so a copied data folder does not carry a usable token; elsewhere
 * (the web host, the CLI) it holds the token itself and says so. The token never leaves
 * main: the renderer sees whether one is set and its last four characters.
 */

export interface BackendTokenInfo {
  set: boolean;
  /** The token's last four characters, so a technician can tell which one is saved. */
  hint: string | null;
  /** How the saved token is kept: wrapped by the OS keychain, or only by the file's permissions. */
  keptBy: 'keychain' | 'file' | null;
}

type Saved = { version: 1; keptBy: 'file'; token: string } | { version: 1; keptBy: 'keychain'; wrapped: WrappedKey; hint: string };

const TOKEN_SHAPE = /^[\x21-\x7e]{8,512}$/;

export class BackendTokenStore {
  constructor(
    private readonly file: string,
    private readonly keychain: () => KeychainState | null = () => null,
  ) {}

  async info(): Promise<BackendTokenInfo> {
    const saved = await this.load();
    if (!saved) return { set: false, hint: null, keptBy: null };
    return { set: true, hint: saved.keptBy === 'file' ? saved.token.slice(-4) : saved.hint, keptBy: saved.keptBy };
  }

  /** The token, or null when none is saved or the keychain that wrapped it cannot open it here. */
  async read(): Promise<string | null> {
    const saved = await this.load();
    if (!saved) return null;
    if (saved.keptBy === 'file') return saved.token;
    const source = this.source();
    if (!source) return null;
    try {
      return (await source.unwrap(saved.wrapped)).toString('utf8');
    } catch {
      return null;
    }
  }

  async save(token: string): Promise<BackendTokenInfo> {
    const trimmed = token.trim();
    if (!TOKEN_SHAPE.test(trimmed)) {
      throw new BootmendError('INVALID_INPUT', 'A backend token is 8 to 512 printable characters without spaces; paste it as `bootmend-server token create` printed it.', { field: 'token' });
    }
    const source = this.source();
    const saved: Saved = source
      ? { version: 1, keptBy: 'keychain', wrapped: await source.wrap(Buffer.from(trimmed, 'utf8')), hint: trimmed.slice(-4) }
      : { version: 1, keptBy: 'file', token: trimmed };
    await writeFileAtomic(this.file, `${JSON.stringify(saved)}\n`, { mode: 0o600 });
    return this.info();
  }

  async clear(): Promise<BackendTokenInfo> {
    await rm(this.file, { force: true });
    return this.info();
  }

  private source() {
    const state = this.keychain();
    return state && !('unavailable' in state) ? state : null;
  }

  private async load(): Promise<Saved | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      const data = JSON.parse(text) as Partial<Saved> & { version?: unknown };
      if (data.version === 1 && data.keptBy === 'file' && typeof data.token === 'string') return { version: 1, keptBy: 'file', token: data.token };
      if (data.version === 1 && data.keptBy === 'keychain' && data.wrapped && typeof data.hint === 'string') return { version: 1, keptBy: 'keychain', wrapped: data.wrapped, hint: data.hint };
    } catch {
      // fall through: a damaged file reads as no token, and saving a new one replaces it
    }
    return null;
  }
}
