// Where the Electron binary is, read the way the electron package's index.js reads it
// (path.txt, dist/, ELECTRON_OVERRIDE_DIST_PATH) without loading that file: loaded without its
// binary, it starts a download (printing to stdout, which scripts parse) and throws.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The binary's path, or why there is none. */
export function electronBinaryPath(env = process.env) {
  let dir;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed' };
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const name = existsSync(join(dir, 'path.txt')) ? readFileSync(join(dir, 'path.txt'), 'utf8').trim() : '';
  if (!name && !override) return { missing: 'the electron package is installed without its binary (its download needs the internet)' };
  const path = override ? join(override, name || 'electron') : join(dir, 'dist', name);
  return existsSync(path) ? { path } : { missing: `no Electron binary at ${path}` };
}
