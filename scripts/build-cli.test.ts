import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshBundle } from '../bin/fresh-bundle.mjs';
import { SECRET_ARG, secretDigest } from '../main/drives/write/protocol.js';
import { LOOP_TOOLS, LoopDevices } from '../main/drives/write/testing/loop.js';
import { requireAll, requireRoot, requireTools } from '../test/tools.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'bootmend-cli-build-'));
const outdir = join(work, 'dist-cli');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, args, { cwd: work, env: { ...process.env, BOOTMEND_DATA_DIR: join(work, 'data'), ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs'), '--outdir', outdir], { cwd: root, stdio: 'pipe' });
}, 60_000);
const loopVerify = requireAll([requireRoot({ for: 'verifying a loop device' }), requireTools(LOOP_TOOLS, { for: 'verifying a loop device' })]);
const loops = new LoopDevices();
afterAll(() => {
  loops.detachAll();
  rmSync(work, { recursive: true, force: true });
});

describe('scripts/build-cli.mjs (the CLI bundle bin/bootmend.mjs prefers)', () => {
  it('runs from another folder and finds package.json, the playbooks and the snapshot fixtures as from source', async () => {
    const version = await run([join(outdir, 'bootmend.mjs'), '--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const snapshot = join(root, 'core', 'drives', 'fixtures', 'windows-laptop.json');
    const same = async (args: string[]): Promise<unknown> => {
      const bundled = await run([join(outdir, 'bootmend.mjs'), ...args]);
      const fromSource = await run([join(root, 'bin', 'bootmend.mjs'), ...args], { BOOTMEND_FROM_SOURCE: '1' });
      expect(bundled.code, bundled.stderr).toBe(0);
      expect(bundled.stdout).toBe(fromSource.stdout);
      return JSON.parse(bundled.stdout);
    };
    // systeminformation (CommonJS, loaded on demand) is not needed for a snapshot, but the drive rules are.
    expect(await same(['drives', 'list', '--json', '--from-snapshot', snapshot])).toContainEqual(expect.objectContaining({ kind: 'usb-stick', selectable: true }));
    expect(await same(['playbooks', 'list', '--json'])).toMatchObject({ playbooks: [{ playbook: expect.objectContaining({ id: 'crowdstrike-cf291' }) }] });
  });

  it('lists the sources it was made from, which bin/bootmend.mjs compares its age with', () => {
    const inputs = JSON.parse(readFileSync(join(outdir, 'inputs.json'), 'utf8')) as string[];
    expect(inputs).toContain('main/cli.ts');
    expect(inputs).toContain('main/drives/write/elevated-worker.ts');
    expect(inputs.some((input) => input.includes('node_modules'))).toBe(false);
  });

  // The writer verifies only drives its guard lists (a plain file is refused), so the copy is a loop device.
  loopVerify.it('bundles the elevated writer beside it, which takes a verify job over its stdio (root: verifies a loop device)', async () => {
    const image = join(work, 'image.img');
    const backing = join(work, 'copy.img');
    const bytes = randomBytes(3 << 20);
    writeFileSync(image, bytes);
    writeFileSync(backing, Buffer.concat([bytes, Buffer.alloc(1 << 20)]));
    // Read-only (a locked stick): verifying only reads, so the guard lets it be compared.
    const copy = loops.attach(backing, { readOnly: true });
    const secret = randomBytes(32).toString('hex');
    const child = spawn(process.execPath, [join(outdir, 'elevated-worker.mjs'), SECRET_ARG, secretDigest(secret)], { stdio: ['pipe', 'pipe', 'inherit'] });
    // Written, not ended: the end of its input tells the writer to cancel.
    child.stdin.write(`${JSON.stringify({ secret, job: { kind: 'verify', image, target: copy } })}\n`);
    const lines: { type: string; result?: { match: boolean } }[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(JSON.parse(line) as { type: string }));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code, JSON.stringify(lines.at(-1))).toBe(0);
    expect(lines[0]?.type).toBe('hello');
    expect(lines.at(-1)).toMatchObject({ type: 'result', result: { match: true } });
  });
});

describe('bin/fresh-bundle.mjs: when bin/bootmend.mjs may run the bundle', () => {
  const fake = join(work, 'fake-root');
  const source = join(fake, 'main', 'cli.ts');
  const bundle = join(fake, 'dist', 'cli', 'bootmend.mjs');
  const inputs = join(fake, 'dist', 'cli', 'inputs.json');
  const at = (file: string, seconds: number): void => utimesSync(file, seconds, seconds);

  beforeAll(() => {
    mkdirSync(dirname(source), { recursive: true });
    mkdirSync(dirname(bundle), { recursive: true });
    writeFileSync(source, '');
    writeFileSync(bundle, '');
    writeFileSync(inputs, JSON.stringify(['main/cli.ts']));
  });

  it('runs the bundle when it is newer than every source, and the sources as soon as one is edited', () => {
    at(source, 1_000);
    at(bundle, 2_000);
    expect(freshBundle(pathToFileURL(`${fake}/`))).toBe(pathToFileURL(bundle).href);
    at(source, 3_000);
    expect(freshBundle(pathToFileURL(`${fake}/`))).toBeNull();
  });

  it('runs the sources when the list is missing or names a file that is gone', () => {
    at(source, 1_000);
    at(bundle, 2_000);
    writeFileSync(inputs, JSON.stringify(['main/cli.ts', 'main/renamed.ts']));
    expect(freshBundle(pathToFileURL(`${fake}/`))).toBeNull();
    rmSync(inputs);
    expect(freshBundle(pathToFileURL(`${fake}/`))).toBeNull();
    expect(existsSync(bundle)).toBe(true);
  });
});
