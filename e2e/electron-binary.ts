import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The Electron binary's path, or why there is none (its install downloads it; offline computers have only the typings). */
export function findElectronBinary(): { path: string } | { missing: string } {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { missing: 'the electron package is installed without its binary' };
  } catch (error) {
    return { missing: `no Electron binary here (${(error as Error).message.split('\n')[0]})` };
  }
}
