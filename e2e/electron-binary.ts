import { electronBinaryPath } from '../scripts/electron-path.mjs';

/** The Electron binary's path, or why there is none (its install downloads it; offline computers have only the typings). */
export function findElectronBinary(): { path: string } | { missing: string } {
  const found = electronBinaryPath();
  return 'path' in found ? found : { missing: `no Electron binary here (${found.missing})` };
}
