import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WriteProgress } from '../../../core/drives/write.js';
import { requireAll, requireRoot, requireTools } from '../../../test/tools.js';
import { runElevated, workerCommand, type ElevatedJob, type Launcher } from './elevate.js';
import { SECRET_ARG, secretDigest } from './protocol.js';
import { blankFile, LOOP_TOOLS, LoopDevices, randomFile, removeDir, workDir } from './testing/loop.js';

const MiB = 1 << 20;
/** These run the writer as it runs after elevation: root, as the elevated child would be, on loop devices. */
const asRoot = requireAll([requireRoot({ for: 'the elevated writer run as root' }), requireTools(LOOP_TOOLS, { for: 'the elevated writer on loop devices' })]);

/** A launcher whose "elevation" ends the way a person dismissing the prompt does. */
const refusingLauncher = (exitCode: number, stderr = ''): Launcher => ({
  spawn: () => spawn('sh', ['-c', `printf '%s' "${stderr}" >&2; exit ${exitCode}`], { stdio: ['pipe', 'pipe', 'pipe'] }),
  promptExec: () => Promise.reject(new Error('User did not grant permission.')),
});

describe('the elevated writer process', () => {
  let dir = '';
  let image = '';
  let imageSha = '';
  beforeAll(async () => {
    dir = await workDir('elevate');
    image = path.join(dir, 'image.img');
    imageSha = await randomFile(image, 6 * MiB);
  });
  afterAll(() => removeDir(dir));
  const loops = new LoopDevices();
  afterEach(() => loops.detachAll());

  /** A loop device over a fresh file: a drive the guard lists (it lists loop devices for the writer). */
  async function stick(name: string, bytes: number, fill?: number): Promise<{ file: string; device: string }> {
    const file = path.join(dir, name);
    await blankFile(file, bytes, fill);
    return { file, device: loops.attach(file) };
  }

  asRoot.it('as root: writes and verifies through the child over its stdio, streaming progress', async () => {
    const { device: target } = await stick('stdio-target.img', 8 * MiB);
    const seen: WriteProgress[] = [];
    const result = await runElevated(
      { kind: 'write', image, targets: [target], verify: true, guard: {} },
      { elevation: 'none', onProgress: (p) => seen.push(p) },
    );
    expect(result.results[0]).toMatchObject({ device: target, outcome: 'verified', sha256: imageSha });
    expect(seen.at(-1)?.overall.phase).toBe('done');
  });

  asRoot.it('as root: a verify job reports the first differing offset', async () => {
    const copy = Buffer.from(await readFile(image));
    copy[5000] = copy[5000]! ^ 1;
    const { file, device: target } = await stick('verify-target.img', 8 * MiB);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, copy, { flag: 'r+' });
    const result = await runElevated({ kind: 'verify', image, target }, { elevation: 'none' });
    expect(result).toMatchObject({ match: false, firstMismatchOffset: 5000, sha256Image: imageSha });
  });

  asRoot.it('through sudo-prompt\'s file channel (0700 folder, removed afterwards)', async () => {
    const { device: target } = await stick('files-target.img', 8 * MiB);
    let commandLine = '';
    let secret = '';
    const launcher: Launcher = {
      spawn: () => {
        throw new Error('stdio must not be used');
      },
      // Already root: run the command line the way sudo-prompt would, in a shell.
      promptExec: (line) =>
        new Promise((resolve, reject) => {
          commandLine = line;
          const jobFile = /'--job-file' '([^']+)'/.exec(line)![1]!;
          secret = (JSON.parse(readFileSync(jobFile, 'utf8')) as { secret: string }).secret;
          spawn('sh', ['-c', line], { stdio: 'ignore' }).on('close', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
        }),
    };
    const result = await runElevated({ kind: 'write', image, targets: [target], verify: true, guard: {} }, { elevation: 'sudo-prompt', launcher });
    expect(result.results[0]).toMatchObject({ outcome: 'verified', sha256: imageSha });
    const folder = path.dirname(/'--job-file' '([^']+)'/.exec(commandLine)![1]!);
    expect(existsSync(folder)).toBe(false);
    // The command line (visible to every user) carries only the secret's hash; the secret travels in the 0700 folder.
    expect(commandLine).toContain(`'${SECRET_ARG}' '${secretDigest(secret)}'`);
    expect(commandLine).not.toContain(secret);
  });

  asRoot.it('cancel travels to the child: the drive is reported untouched', async () => {
    const { file, device: target } = await stick('cancel-target.img', 8 * MiB, 0x77);
    const controller = new AbortController();
    const pending = runElevated({ kind: 'write', image, targets: [target], verify: true, guard: {} }, { elevation: 'none', signal: controller.signal });
    controller.abort();
    const result = await pending;
    expect(result.results[0]).toMatchObject({ outcome: 'cancelled', leftAs: 'Untouched: nothing was written to it.' });
    expect((await readFile(file)).equals(Buffer.alloc(8 * MiB, 0x77))).toBe(true);
  });

  it('from source the writer runs through tsx; inside the CLI bundle, the bundled writer beside it', () => {
    const fromSource = workerCommand();
    expect(fromSource.args.at(-1)).toMatch(/elevated-worker\.ts$/);
    expect(fromSource.args).toContain('--import');
    const global = globalThis as { __bootmendBundleDir?: URL };
    global.__bootmendBundleDir = pathToFileURL(path.join(dir, 'bundle') + path.sep);
    try {
      expect(workerCommand()).toEqual({ command: process.execPath, args: [path.join(dir, 'bundle', 'elevated-worker.mjs')] });
    } finally {
      delete global.__bootmendBundleDir;
    }
  });

  asRoot.it('the child refuses a job without the one-time secret its command line names, and touches nothing', async () => {
    const target = path.join(dir, 'refused-target.img');
    await blankFile(target, 8 * MiB, 0x66);
    const { command, args } = workerCommand();
    const child = spawn(command, [...args, SECRET_ARG, secretDigest('a'.repeat(64))], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdin.end(`${JSON.stringify({ secret: 'b'.repeat(64), job: { kind: 'write', image, targets: [target], verify: false, guard: {} } })}\n`);
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    expect(lines.map((l) => JSON.parse(l) as { type: string }).map((l) => l.type)).toEqual(['hello', 'error']);
    expect(lines.join('\n')).not.toContain('b'.repeat(64));
    expect((await readFile(target)).equals(Buffer.alloc(8 * MiB, 0x66))).toBe(true);
  });

  it('pkexec dismissed (exit 126) or failed (127) reads as elevation refused', async () => {
    const job: ElevatedJob & { kind: 'write' } = { kind: 'write', image, targets: ['/dev/null'], verify: true, guard: {} };
    await expect(runElevated(job, { elevation: 'pkexec', launcher: refusingLauncher(126) })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      failure: 'ELEVATION_REFUSED',
      message: 'Writing needs administrator rights and the request was refused (the password prompt was dismissed); start again and allow the prompt.',
    });
    await expect(runElevated(job, { elevation: 'pkexec', launcher: refusingLauncher(127) })).rejects.toMatchObject({ failure: 'ELEVATION_REFUSED' });
    await expect(runElevated(job, { elevation: 'sudo', launcher: refusingLauncher(1, 'sudo: a password is required') })).rejects.toMatchObject({
      failure: 'ELEVATION_REFUSED',
    });
  });

  it('a dismissed system prompt (sudo-prompt) reads as elevation refused and leaves no job files behind', async () => {
    const before = (await readdir(tmpdir())).filter((n) => n.startsWith('bootmend-writer-')).length;
    await expect(
      runElevated({ kind: 'write', image, targets: ['/dev/null'], verify: true, guard: {} }, { elevation: 'sudo-prompt', launcher: refusingLauncher(0) }),
    ).rejects.toMatchObject({ failure: 'ELEVATION_REFUSED', message: expect.stringContaining('User did not grant permission') });
    expect((await readdir(tmpdir())).filter((n) => n.startsWith('bootmend-writer-')).length).toBe(before);
  });

  it('a writer that dies without a result is reported, not hung on', async () => {
    const crashing: Launcher = { ...refusingLauncher(3, 'Segmentation fault'), promptExec: () => Promise.resolve() };
    await expect(runElevated({ kind: 'verify', image, target: image }, { elevation: 'none', launcher: crashing })).rejects.toMatchObject({
      failure: 'WRITE_FAILED',
      message: 'The drive writer stopped before finishing (exit code 3): Segmentation fault.',
    });
  });
});
