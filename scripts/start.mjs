#!/usr/bin/env node
// `npm start`: the Electron app where an Electron binary is installed, else the web host
// (same renderer, same local API) on 127.0.0.1 with a per-launch token; beside it an embedded
// backend with the helpdesk dashboard (scripts/embedded-backend.ts) that the app syncs to when
// no backend is set in Settings. --no-backend (or BOOTMEND_NO_BACKEND=1) leaves it out;
// --demo (`npm run demo`) feeds it a simulated fleet being fixed live.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { electronBinaryPath } from './electron-path.mjs';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const forceWeb = args.includes('--web') || process.env.BOOTMEND_HOST === 'web';
const noBackend = args.includes('--no-backend') || ['1', 'true'].includes(process.env.BOOTMEND_NO_BACKEND ?? '');
const demo = args.includes('--demo');
const appArgs = args.filter((a) => a !== '--web' && a !== '--no-backend' && a !== '--demo');

function electronBinary() {
  const found = electronBinaryPath();
  return 'path' in found ? found.path : null;
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

/** Starts the embedded backend and waits for its three lines; null (with the reason said) when it cannot start. */
function startBackend() {
  const dataDirAt = appArgs.findIndex((a) => a === '--data-dir' || a.startsWith('--data-dir='));
  const dataDirArgs = dataDirAt < 0 ? [] : appArgs[dataDirAt].includes('=') ? [appArgs[dataDirAt]] : appArgs.slice(dataDirAt, dataDirAt + 2);
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'embedded-backend.ts'), ...(demo ? ['--demo'] : []), ...dataDirArgs], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve) => {
    const found = {};
    let started = false;
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const at = line.indexOf('=');
      if (at > 0) found[line.slice(0, at)] = line.slice(at + 1);
      if (!started && found.BOOTMEND_EMBEDDED_BACKEND_URL && found.BOOTMEND_EMBEDDED_BACKEND_TOKEN && found.BOOTMEND_HELPDESK_URL) {
        started = true;
        resolve({ child, ...found });
      }
    });
    child.on('exit', () => {
      if (started) return;
      process.stderr.write('bootmend: the embedded backend did not start (see above); the app runs without it and keeps its records until a backend is set in Settings.\n');
      resolve(null);
    });
  });
}

const electron = forceWeb ? null : electronBinary();
const env = { ...process.env };
let backend = null;
if (!noBackend) {
  if (isStale(join(root, 'dist', 'helpdesk', 'index.html'), sources)) run('build:helpdesk', 'Building the helpdesk dashboard…');
  backend = await startBackend();
  if (backend) {
    env.BOOTMEND_EMBEDDED_BACKEND_URL = backend.BOOTMEND_EMBEDDED_BACKEND_URL;
    env.BOOTMEND_EMBEDDED_BACKEND_TOKEN = backend.BOOTMEND_EMBEDDED_BACKEND_TOKEN;
    process.stdout.write(`BOOTMEND_HELPDESK_URL=${backend.BOOTMEND_HELPDESK_URL}\n`);
    process.stderr.write(`The helpdesk dashboard${demo ? ' (with a simulated fleet)' : ''} is at the BOOTMEND_HELPDESK_URL link; the app sends its records there unless Settings name another backend.\n`);
  }
}
let child;
if (electron) {
  if (isStale(join(root, 'dist', 'electron', 'main.cjs'), [join(root, 'main'), join(root, 'core')])) run('build:electron', 'Building the Electron host…');
  child = spawn(electron, [root, ...appArgs], { cwd: root, stdio: 'inherit', env });
} else {
  if (!forceWeb) process.stderr.write('No Electron binary here: starting the web host instead.\n');
  child = spawn(process.execPath, ['--import', 'tsx', join(root, 'main', 'web', 'main.ts'), ...appArgs], {
    cwd: root,
    stdio: 'inherit',
    env,
  });
}
const stopBackend = () => backend?.child.kill('SIGTERM');
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  stopBackend();
  process.exit(code ?? (signal ? 1 : 0));
});
