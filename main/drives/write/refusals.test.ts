import { execFileSync, spawn } from 'node:child_process';
import { chmod, chown, link, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { usbStickEntry } from '../../../core/drives/fixtures/usb-stick-entry.js';
import type { DriveEntry } from '../../../core/drives/drives.js';
import { say } from '../../../core/drives/write-rules.js';
import { requireAll, requireRoot, requireTool, requireTools } from '../../../test/tools.js';
import { LIST_LOOP_DEVICES_ENV } from '../loop-devices.js';
import { runElevated, workerCommand, type Launcher } from './elevate.js';
import { fileChannel, workerMain } from './elevated-worker.js';
import { invokerFor } from './image-source.js';
import { deviceNumbers } from './target.js';
import { CHANNEL_FOLDER_PREFIX, SECRET_ARG, secretDigest } from './protocol.js';
import { blankFile, LOOP_TOOLS, LoopDevices, randomFile, removeDir, sha256Of, workDir } from './testing/loop.js';
import { verifyImage, writeImage } from './index.js';

/*
 * The root writer touches only disks the drive guard offers (issue 13): each way an attacker
 * could point it elsewhere is refused with a sentence, and the victim's SHA-256 is unchanged.
 * Victims are loop devices standing in for the system disk, and files standing in for files root could reach.
 */

const MiB = 1 << 20;
const NOBODY = 65534;
const proofs = requireAll([
  requireRoot({ for: 'the root writer refusals on loop devices' }),
  requireTools(LOOP_TOOLS, { for: 'the root writer refusals on loop devices' }),
  requireTool('mknod', { for: 'staging a device node swapped between the guard and the open', package: 'coreutils' }),
]);

/** A launcher that starts the writer as pkexec/sudo would leave it: root, with the invoking account recorded in SUDO_UID. */
const startedBy = (uid: number): Launcher => ({
  spawn: (command, args) => spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, SUDO_UID: String(uid), SUDO_GID: String(uid) } }),
  promptExec: () => Promise.reject(new Error('not used')),
});

/** A drive-list entry for a device node, as the guard would see a USB stick. */
const stickEntry = (device: string, size: number, overrides: Partial<DriveEntry> = {}): DriveEntry =>
  usbStickEntry({ device, size, vendor: '', model: 'Test Stick', labels: ['RESCUE'], ...overrides });

describe("the writer's own channel files (the out, job and cancel files of sudo-prompt's file channel)", () => {
  let dir = '';
  beforeAll(async () => {
    dir = await workDir('writer-out');
  });
  afterAll(() => removeDir(dir));

  it('refuses an out file that is a link (O_NOFOLLOW): the file it points to is not written', async () => {
    const victim = path.join(dir, 'victim.txt');
    await writeFile(victim, 'precious\n');
    const out = path.join(dir, 'out.ndjson');
    await symlink(victim, out);
    const job = path.join(dir, 'job.json');
    await writeFile(job, '{}\n');
    expect(() => fileChannel(job, out, path.join(dir, 'cancel'))).toThrow(/ELOOP/);
    const code = await workerMain(['--job-file', job, '--out-file', out, '--cancel-file', path.join(dir, 'cancel'), SECRET_ARG, 'x']);
    expect(code).toBe(3);
    expect(await readFile(victim, 'utf8')).toBe('precious\n');
  });

  /** Runs the writer's file channel on these paths, as `sudo-prompt` would start it (the paths are its command line). */
  const runOn = (job: string, out: string, cancel: string): Promise<number> => workerMain(['--job-file', job, '--out-file', out, '--cancel-file', cancel, SECRET_ARG, 'x']);

  it('refuses channel files outside the private folder Bootmend makes: a file named as --out-file or --job-file is neither written nor removed', async () => {
    // As root, an --out-file of /root/.bashrc would get JSON lines whose text the job chooses, and the --job-file is removed once read.
    const home = await mkdtemp(path.join(dir, 'home-'));
    const bashrc = path.join(home, '.bashrc');
    const passwd = path.join(home, 'passwd');
    await writeFile(bashrc, 'alias ll="ls -l"\n');
    await writeFile(passwd, 'root:x:0:0::/root:/bin/sh\n');
    expect(await runOn(passwd, bashrc, path.join(home, 'cancel'))).toBe(3);
    // The right names in a folder Bootmend did not make.
    await writeFile(path.join(home, 'job.json'), 'keep\n');
    await writeFile(path.join(home, 'out.ndjson'), 'keep\n');
    expect(await runOn(path.join(home, 'job.json'), path.join(home, 'out.ndjson'), path.join(home, 'cancel'))).toBe(3);
    // A folder with Bootmend's name that other accounts may enter.
    const open = await mkdtemp(path.join(dir, CHANNEL_FOLDER_PREFIX));
    await chmod(open, 0o755);
    await writeFile(path.join(open, 'out.ndjson'), '');
    expect(await runOn(path.join(open, 'job.json'), path.join(open, 'out.ndjson'), path.join(open, 'cancel'))).toBe(3);
    expect(await readFile(path.join(open, 'out.ndjson'), 'utf8')).toBe('');
    // The right folder, but the out file is another name of the victim (a hard link).
    const channel = await mkdtemp(path.join(dir, CHANNEL_FOLDER_PREFIX));
    await link(bashrc, path.join(channel, 'out.ndjson'));
    expect(await runOn(path.join(channel, 'job.json'), path.join(channel, 'out.ndjson'), path.join(channel, 'cancel'))).toBe(3);
    // A hard-linked job file is not read, nor removed; the writer refuses the job.
    await rm(path.join(channel, 'out.ndjson'));
    await writeFile(path.join(channel, 'out.ndjson'), '', { mode: 0o600 });
    await link(passwd, path.join(channel, 'job.json'));
    expect(await runOn(path.join(channel, 'job.json'), path.join(channel, 'out.ndjson'), path.join(channel, 'cancel'))).toBe(2);
    expect(existsSync(path.join(channel, 'job.json'))).toBe(true);
    expect(await readFile(bashrc, 'utf8')).toBe('alias ll="ls -l"\n');
    expect(await readFile(passwd, 'utf8')).toBe('root:x:0:0::/root:/bin/sh\n');
    expect(await readFile(path.join(home, 'job.json'), 'utf8')).toBe('keep\n');
    expect(await readFile(path.join(home, 'out.ndjson'), 'utf8')).toBe('keep\n');
  });

  requireRoot({ for: "the writer's channel files owned by another account" }).it("refuses an out file in the channel folder that belongs to another account than the folder (root's own file in a user's folder)", async () => {
    const channel = await mkdtemp(path.join(dir, CHANNEL_FOLDER_PREFIX));
    await writeFile(path.join(channel, 'out.ndjson'), 'root\n', { mode: 0o600 });
    await writeFile(path.join(channel, 'job.json'), '{}\n', { mode: 0o600 });
    await chown(channel, NOBODY, NOBODY);
    await chown(path.join(channel, 'job.json'), NOBODY, NOBODY);
    expect(await runOn(path.join(channel, 'job.json'), path.join(channel, 'out.ndjson'), path.join(channel, 'cancel'))).toBe(3);
    expect(await readFile(path.join(channel, 'out.ndjson'), 'utf8')).toBe('root\n');
    expect(existsSync(path.join(channel, 'job.json'))).toBe(true);
    // Control: the same folder with the out file handed to its owner is used, and the job file removed once read.
    await chown(path.join(channel, 'out.ndjson'), NOBODY, NOBODY);
    expect(await runOn(path.join(channel, 'job.json'), path.join(channel, 'out.ndjson'), path.join(channel, 'cancel'))).toBe(2);
    expect(await readFile(path.join(channel, 'out.ndjson'), 'utf8')).toContain('"type":"hello"');
    expect(existsSync(path.join(channel, 'job.json'))).toBe(false);
  });
});

requireRoot({ for: 'who the root writer reads the image as' }).describe('who the root writer reads the image as', () => {
  it("pkexec's record wins, then sudo's, then the app's own claim; root itself switches to nobody", () => {
    expect(invokerFor({ PKEXEC_UID: String(NOBODY), SUDO_UID: '1000', SUDO_GID: '1000' }, { uid: 1000, gid: 1000 })).toEqual({ uid: NOBODY, gid: NOBODY });
    expect(invokerFor({ SUDO_UID: '1000', SUDO_GID: '1001' }, { uid: 2000, gid: 2000 })).toEqual({ uid: 1000, gid: 1001 });
    expect(invokerFor({}, { uid: 2000, gid: 2001 })).toEqual({ uid: 2000, gid: 2001 });
    expect(invokerFor({})).toBeNull();
    expect(invokerFor({ SUDO_UID: '0', SUDO_GID: '0' })).toBeNull();
    expect(invokerFor({ SUDO_UID: 'root' })).toBeNull();
  });
});

proofs.describe('the root writer refuses what the guard does not offer (loop devices, as root)', () => {
  const loops = new LoopDevices();
  let dir = '';
  let image = '';
  let imageSha = '';
  beforeAll(async () => {
    dir = await workDir('refusals');
    // Readable and searchable by every account: only the file modes below decide who may read an image.
    await chmod(dir, 0o755);
    image = path.join(dir, 'image.img');
    imageSha = await randomFile(image, 4 * MiB);
    await chmod(image, 0o644);
  });
  afterEach(() => loops.detachAll());
  afterAll(() => removeDir(dir));

  /** A loop device over random bytes standing in for a disk that must never be written (the system disk); returns its SHA-256. */
  async function victimDisk(name: string): Promise<{ file: string; device: string; sha: string }> {
    const file = path.join(dir, name);
    const sha = await randomFile(file, 8 * MiB);
    return { file, device: loops.attach(file), sha };
  }

  async function stick(name: string, fill = 0x42): Promise<{ file: string; device: string }> {
    const file = path.join(dir, name);
    await blankFile(file, 8 * MiB, fill);
    return { file, device: loops.attach(file) };
  }

  /** A block device node for `device` at `node` (as /dev/sdb would be), made with mknod. */
  function nodeFor(device: string, node: string): void {
    const { major, minor } = deviceNumbers(statSync(device).rdev);
    execFileSync('mknod', [node, 'b', String(major), String(minor)]);
  }

  it('a plain file as the target of the worker process is refused with a sentence; the file is unchanged', async () => {
    const victim = path.join(dir, 'passwd-like.txt');
    const sha = await randomFile(victim, 8 * MiB);
    const result = await runElevated({ kind: 'write', image, targets: [victim], verify: true, guard: {} }, { elevation: 'none' });
    expect(result.results[0]).toMatchObject({ outcome: 'failed', bytesWritten: 0, leftAs: 'Untouched: nothing was written to it.' });
    expect(result.results[0]!.error).toEqual({ code: 'NOT_ALLOWED', message: say.notADisk(victim, 'a file') });
    expect(await sha256Of(victim)).toBe(sha);
  });

  it('a device node swapped for a link to another disk between the guard and the open is refused (O_NOFOLLOW); the victim is unchanged', async () => {
    const victim = await victimDisk('system-disk.img');
    const chosen = await stick('chosen.img');
    const node = path.join(dir, 'sdz');
    nodeFor(chosen.device, node);
    const result = await writeImage({
      image,
      targets: [node],
      guard: { drives: [stickEntry(node, 8 * MiB)] },
      // The race, made deterministic: after the guard said yes to the stick, the name now leads to the system disk.
      afterGuard: async () => {
        await rename(node, `${node}.was`);
        await symlink(victim.device, node);
      },
    });
    expect(result.results[0]).toMatchObject({ outcome: 'failed', bytesWritten: 0, leftAs: 'Untouched: nothing was written to it.' });
    expect(result.results[0]!.error).toEqual({ code: 'NOT_ALLOWED', message: say.swapped(node, 'became a link') });
    expect(await sha256Of(victim.file)).toBe(victim.sha);
    expect((await readFile(chosen.file)).equals(Buffer.alloc(8 * MiB, 0x42))).toBe(true);
    await rm(node);
    await rm(`${node}.was`);
  });

  it("a device node swapped for another disk's node between the guard and the open is refused (the opened st_rdev differs); the victim is unchanged", async () => {
    const victim = await victimDisk('system-disk-2.img');
    const chosen = await stick('chosen-2.img');
    const node = path.join(dir, 'sdy');
    nodeFor(chosen.device, node);
    const swap = async (): Promise<void> => {
      await rm(node);
      nodeFor(victim.device, node);
    };
    const result = await writeImage({ image, targets: [node], guard: { drives: [stickEntry(node, 8 * MiB)] }, afterGuard: swap });
    expect(result.results[0]!.error).toEqual({ code: 'NOT_ALLOWED', message: say.swapped(node, 'became another device') });
    expect(await sha256Of(victim.file)).toBe(victim.sha);
    // The same race against `media verify`: it would read the system disk byte by byte.
    await rm(node);
    nodeFor(chosen.device, node);
    await expect(verifyImage({ image, target: node, guard: { drives: [stickEntry(node, 8 * MiB)] }, afterGuard: swap })).rejects.toMatchObject({
      failure: 'NOT_ALLOWED',
      message: say.swapped(node, 'became another device'),
    });
    await rm(node);
  });

  it('an image only root may read (0600, owned by root) is refused by a worker started by another account; the world-readable one is written', async () => {
    const secret = path.join(dir, 'root-only.img');
    const secretSha = await randomFile(secret, 4 * MiB);
    await chmod(secret, 0o600);
    const target = await stick('for-secret.img', 0x24);
    const refused = runElevated({ kind: 'write', image: secret, targets: [target.device], verify: true, guard: {} }, { elevation: 'none', launcher: startedBy(NOBODY) });
    await expect(refused).rejects.toMatchObject({ failure: 'IMAGE_UNREADABLE', message: say.imageNotForInvoker(secret, `nobody (uid ${NOBODY})`) });
    expect((await readFile(target.file)).equals(Buffer.alloc(8 * MiB, 0x24))).toBe(true);
    // The same for `media verify`: the root-only file's bytes are never compared, so none leak through an offset.
    await expect(runElevated({ kind: 'verify', image: secret, target: target.device }, { elevation: 'none', launcher: startedBy(NOBODY) })).rejects.toMatchObject({
      failure: 'IMAGE_UNREADABLE',
    });
    // Control: the same worker, started by the same account, writes an image that account may read.
    const written = await runElevated({ kind: 'write', image, targets: [target.device], verify: true, guard: {} }, { elevation: 'none', launcher: startedBy(NOBODY) });
    expect(written.results[0]).toMatchObject({ outcome: 'verified', sha256: imageSha });
    expect(await sha256Of(secret)).toBe(secretSha);
  });

  it('a job asking to skip the guard (guard: false) is refused with a sentence, even with the right secret; the target is unchanged', async () => {
    const target = await stick('no-guard.img', 0x66);
    const secret = 'c'.repeat(64);
    const { command, args } = workerCommand();
    const child = spawn(command, [...args, SECRET_ARG, secretDigest(secret)], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdin.end(`${JSON.stringify({ secret, job: { kind: 'write', image, targets: [target.device], verify: false, guard: false } })}\n`);
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    const error = JSON.parse(lines.at(-1)!) as { type: string; error: { message: string } };
    expect(error.type).toBe('error');
    expect(error.error.message).toContain('it asked to skip the drive guard (guard: false)');
    expect((await readFile(target.file)).equals(Buffer.alloc(8 * MiB, 0x66))).toBe(true);
  });

  it("through sudo-prompt's file channel the image is read as the account that made the channel folder, whatever the job claims (macOS's prompt records no invoker)", async () => {
    const secret = path.join(dir, 'root-only-2.img');
    const secretSha = await randomFile(secret, 4 * MiB);
    await chmod(secret, 0o600);
    const target = await stick('channel-target.img', 0x35);
    const key = 'd'.repeat(64);
    /** The worker as sudo-prompt starts it: root, no SUDO_UID or PKEXEC_UID, the job in a folder the app's account made. */
    const runThroughFolder = async (job: object): Promise<{ code: number | null; lines: { type: string; error?: { failure?: string; message: string } }[] }> => {
      const channel = await mkdtemp(path.join(dir, CHANNEL_FOLDER_PREFIX));
      const files = { job: path.join(channel, 'job.json'), out: path.join(channel, 'out.ndjson'), cancel: path.join(channel, 'cancel') };
      await writeFile(files.job, `${JSON.stringify({ secret: key, job })}\n`, { mode: 0o600 });
      await writeFile(files.out, '', { mode: 0o600 });
      for (const file of [channel, files.job, files.out]) await chown(file, NOBODY, NOBODY);
      const { command, args } = workerCommand();
      const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !['SUDO_UID', 'SUDO_GID', 'PKEXEC_UID'].includes(name)));
      const child = spawn(command, [...args, '--job-file', files.job, '--out-file', files.out, '--cancel-file', files.cancel, SECRET_ARG, secretDigest(key)], { stdio: 'ignore', env });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      const lines = (await readFile(files.out, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as { type: string; error?: { failure?: string; message: string } });
      return { code, lines };
    };
    for (const claim of [{ invoker: { uid: 0, gid: 0 } }, {}]) {
      const refused = await runThroughFolder({ kind: 'write', image: secret, targets: [target.device], verify: false, guard: {}, ...claim });
      expect(refused.code).toBe(1);
      expect(refused.lines.at(-1)).toMatchObject({ type: 'error', error: { failure: 'IMAGE_UNREADABLE', message: say.imageNotForInvoker(secret, `nobody (uid ${NOBODY})`) } });
    }
    expect((await readFile(target.file)).equals(Buffer.alloc(8 * MiB, 0x35))).toBe(true);
    // Control: an image that account may read is written through the same channel.
    const written = await runThroughFolder({ kind: 'write', image, targets: [target.device], verify: true, guard: {}, invoker: { uid: 0, gid: 0 } });
    expect(written.code).toBe(0);
    expect(written.lines.at(-1)).toMatchObject({ type: 'result', result: { results: [{ outcome: 'verified', sha256: imageSha }] } });
    expect(await sha256Of(secret)).toBe(secretSha);
  });

  it('a loop device is taken only where the app lists loop devices too (BOOTMEND_LIST_LOOP_DEVICES=1): a writer started without that switch refuses one, which stays unchanged', async () => {
    // A loop device that backs something (an LXD storage pool, a mounted image), named in a job by whoever could start the writer.
    const victim = await victimDisk('storage-pool.img');
    const withoutSwitch: Launcher = {
      spawn: (command, args) =>
        spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== LIST_LOOP_DEVICES_ENV)) }),
      promptExec: () => Promise.reject(new Error('not used')),
    };
    const written = await runElevated({ kind: 'write', image, targets: [victim.device], verify: true, guard: {} }, { elevation: 'none', launcher: withoutSwitch });
    expect(written.results[0]).toMatchObject({ outcome: 'failed', bytesWritten: 0, leftAs: 'Untouched: nothing was written to it.' });
    expect(written.results[0]!.error).toMatchObject({ code: 'NOT_ALLOWED', message: expect.stringContaining(`Bootmend cannot tell what ${victim.device} is`) });
    await expect(runElevated({ kind: 'verify', image, target: victim.device }, { elevation: 'none', launcher: withoutSwitch })).rejects.toMatchObject({ failure: 'NOT_ALLOWED' });
    expect(await sha256Of(victim.file)).toBe(victim.sha);
    // Control: with the switch (as these proofs run), the same kind of device is a drive.
    const target = await stick('listed-loop.img');
    const listed = await runElevated({ kind: 'write', image, targets: [target.device], verify: true, guard: {} }, { elevation: 'none' });
    expect(listed.results[0]).toMatchObject({ outcome: 'verified', sha256: imageSha });
  });

  it('verify against a device the guard does not offer is refused with a sentence, before any byte is compared', async () => {
    const victim = await victimDisk('verify-victim.img');
    const system = stickEntry(victim.device, 8 * MiB, {
      kind: 'system',
      selectable: false,
      reasons: [{ code: 'SYSTEM_DISK', message: 'Holds the running system (/ is mounted from it); choose a USB stick.', blocks: true, requiresConfirmation: false }],
    });
    await expect(verifyImage({ image, target: victim.device, guard: { drives: [system] } })).rejects.toMatchObject({
      failure: 'NOT_ALLOWED',
      message: say.verifyNotAllowed(victim.device, 'Holds the running system (/ is mounted from it); choose a USB stick.'),
    });
    // Through the worker with this machine's own drive list: a node under a name the list does not know.
    const node = path.join(dir, 'unlisted');
    nodeFor(victim.device, node);
    const unlisted = runElevated({ kind: 'verify', image, target: node }, { elevation: 'none' });
    await expect(unlisted).rejects.toMatchObject({ failure: 'NOT_ALLOWED', message: expect.stringContaining(`Bootmend will not read ${node} to compare it: Bootmend cannot tell what ${node} is`) });
    await expect(runElevated({ kind: 'verify', image, target: victim.file }, { elevation: 'none' })).rejects.toMatchObject({
      failure: 'NOT_ALLOWED',
      message: say.notADisk(victim.file, 'a file'),
    });
    expect(await sha256Of(victim.file)).toBe(victim.sha);
    await rm(node);
  });
});
