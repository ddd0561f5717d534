#!/usr/bin/env node
// `npm start`: the Electron app where an Electron binary is installed, else the web host
// (same renderer, same local API) on 127.0.0.1 with a per-launch token.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const forceWeb = args.includes('--web') || process.env.BOOTMEND_HOST === 'web';

function electronBinary() {
  try {
    // The electron package exports the binary's path, and throws when the binary is missing.
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function isStale(output, sources) {
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return sources.some((dir) => existsSync(dir) && newestMtime(dir) > built);
}

function run(script, label) {
  process.stderr.write(`${label}\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', '--silent', script], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' });
  if (result.status !== 0) {
    process.stderr.write(`bootmend: "npm run ${script}" failed; see the messages above.\n`);
    process.exit(result.status ?? 1);
  }
}

const sources = [join(root, 'renderer'), join(root, 'core')];
if (isStale(join(root, 'dist', 'renderer', 'index.html'), sources)) run('build:renderer', 'Building the app screens…');

const electron = forceWeb ? null : electronBinary();
let child;
if (electron) {
  if (isStale(join(root, 'dist', 'electron', 'main.cjs'), [join(root, 'main'), join(root, 'core')])) run('build:electron', 'Building the Electron host…');
  child = spawn(electron, [root, ...args.filter((a) => a !== '--web')], { cwd: root, stdio: 'inherit' });
} else {
  if (!forceWeb) process.stderr.write('No Electron binary here: starting the web host instead.\n');
  child = spawn(process.execPath, ['--import', 'tsx', join(root, 'main', 'web', 'main.ts'), ...args.filter((a) => a !== '--web')], {
    cwd: root,
    stdio: 'inherit',
  });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
