import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// electron-builder normally downloads Electron, which this machine cannot. Its
// `electronDist` option takes a local unpacked Electron instead; a stand-in whose only
// content is a fuse wire (the sentinel @electron/fuses looks for) is enough to run the real
// config and hooks end to end for a Linux directory build.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'bootmend-package-'));
const fakeDist = join(work, 'fake-electron');
const out = join(work, 'release');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// The one place the Electron version is written is package.json.
const ELECTRON_VERSION = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { optionalDependencies: { electron: string } }).optionalDependencies.electron;
// Electron's fuse wire as shipped (build/fuses/fuses.json5 in electron/electron, as of 45): RunAsNode on,
// cookie encryption off, NODE_OPTIONS on, --inspect on, ASAR integrity off, ASAR only off,
// V8 snapshot off, file:// privileges on, WebAssembly trap handlers on.
const SHIPPED_FUSES = '101100001';

function listAsar(file: string): string[] {
  const bytes = readFileSync(file);
  const headerLength = bytes.readUInt32LE(12);
  const header = JSON.parse(bytes.subarray(16, 16 + headerLength).toString('utf8')) as { files: Record<string, unknown> };
  const walk = (node: Record<string, unknown>, prefix: string): string[] =>
    Object.entries(node).flatMap(([name, entry]) => {
      const { files } = entry as { files?: Record<string, unknown> };
      return files ? walk(files, `${prefix}${name}/`) : [`${prefix}${name}`];
    });
  return walk(header.files, '');
}

beforeAll(() => {
  mkdirSync(join(fakeDist, 'resources'), { recursive: true });
  const binary = join(fakeDist, 'electron');
  writeFileSync(binary, Buffer.concat([Buffer.from('#!/bin/sh\n'), Buffer.from(SENTINEL), Buffer.from([1, SHIPPED_FUSES.length]), Buffer.from(SHIPPED_FUSES), Buffer.alloc(32)]));
  chmodSync(binary, 0o755);
  writeFileSync(join(fakeDist, 'version'), ELECTRON_VERSION);
  execFileSync(process.execPath, [join(root, 'scripts', 'build-electron.mjs')], { cwd: root, stdio: 'pipe' });
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules', 'electron-builder', 'cli.js'),
      '--linux',
      'dir',
      // Never publish from a test (electron-builder otherwise publishes implicitly when it detects CI).
      '--publish',
      'never',
      '--config',
      'build/electron-builder.yml',
      `-c.electronDist=${fakeDist}`,
      `-c.directories.output=${out}`,
    ],
    { cwd: root, stdio: 'pipe', env: { ...process.env, CI: 'true' } },
  );
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('electron-builder with build/electron-builder.yml, run offline against a stand-in Electron distribution (real Electron cannot be downloaded here)', () => {
  it('packs the bundles, package.json and the built-in playbooks into app.asar, and no node_modules, source maps or TypeScript', () => {
    const files = listAsar(join(out, 'linux-unpacked', 'resources', 'app.asar'));
    expect(files).toEqual(expect.arrayContaining(['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'package.json', 'assets/playbooks/crowdstrike-cf291.json']));
    expect(files.filter((file) => file.includes('node_modules') || file.endsWith('.map') || file.endsWith('.ts'))).toEqual([]);
    expect(files.every((file) => file.startsWith('dist/') || file === 'package.json' || /^assets\/(playbooks|payload)\//.test(file))).toBe(true);
  });

  it('flips the fuses of the packaged executable through the afterPack hook', () => {
    const binary = readFileSync(join(out, 'linux-unpacked', 'bootmend'));
    const wire = binary.indexOf(SENTINEL) + SENTINEL.length;
    expect(binary[wire + 1]).toBe(SHIPPED_FUSES.length);
    const states = binary.subarray(wire + 2, wire + 2 + SHIPPED_FUSES.length).toString('latin1');
    // RunAsNode off, cookie encryption on, NODE_OPTIONS off, --inspect off, ASAR integrity on,
    // ASAR only on, V8 snapshot off (Electron's own), file:// extra privileges off, WebAssembly trap handlers on.
    expect(states).toBe('010011001');
  });
});
