#!/usr/bin/env node
// Runs after `npm install` and before `npm run typecheck` (a later `npm install <pkg>`
// drops the binary-less package again). Electron is an optional dependency: where its binary cannot be downloaded (an
// offline CI, a locked-down network) npm drops the whole package and install still
// succeeds. The Electron host must be type-checked everywhere, so we put the package
// back from the npm registry without running its download script — the same state
// as ELECTRON_SKIP_BINARY_DOWNLOAD=1: typings and launcher, no binary.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'node_modules', 'electron');
if (existsSync(join(target, 'electron.d.ts'))) process.exit(0);

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const version = pkg.optionalDependencies?.electron;
if (!version) process.exit(0);

const work = mkdtempSync(join(tmpdir(), 'bootmend-electron-'));
try {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const out = execFileSync(npm, ['pack', `electron@${version}`, '--silent', '--pack-destination', work], {
    cwd: work,
    encoding: 'utf8',
    shell: process.platform === 'win32',
  }).trim();
  const tarball = join(work, out.split('\n').pop());
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  console.log(`bootmend: Electron ${version} binary unavailable here; installed its typings only. ` +
    '`npm start` will use the web host.');
} catch (err) {
  // Not fatal: only the Electron host type-check needs these files.
  console.warn(`bootmend: could not restore Electron typings (${err instanceof Error ? err.message : err}).`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
