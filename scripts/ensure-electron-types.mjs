#!/usr/bin/env node
// Runs after `npm install` and before `npm run typecheck` (a later `npm install <pkg>`
// drops the binary-less package again). Electron is an optional dependency, and npm leaves
// an optional package out, still exiting 0, when it cannot install it: since Electron 42
// (no download at install any more) that is when this Node is older than the package's
// `engines` (recent Electron packages want Node >= 22.12), or with --omit=optional. The Electron host
// must be type-checked everywhere, so we put the package back from the npm registry as it is
// published: typings and launcher, no binary (which Electron downloads on its first launch).
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
  const wants = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')).engines?.node;
  console.log(`bootmend: npm left out the optional electron ${version} package here` +
    `${wants ? ` (it wants Node ${wants}; this is ${process.version})` : ''}; restored its typings without a binary. ` +
    '`npm start` will use the web host where no Electron binary can be had.');
} catch (err) {
  // Not fatal: only the Electron host type-check needs these files.
  console.warn(`bootmend: could not restore Electron typings (${err instanceof Error ? err.message : err}).`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
