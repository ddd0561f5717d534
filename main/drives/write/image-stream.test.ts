import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WriteProgress } from '../../../core/drives/write.js';
import { say } from '../../../core/drives/write-rules.js';
import { requireAll, requireRoot, requireTools } from '../../../test/tools.js';
import { runElevated } from './elevate.js';
import { connectImage, endpointProblem, imageEndpoint, serveImage, IMAGE_SOCKET } from './image-stream.js';
import { CHANNEL_FOLDER_PREFIX, secretDigest, type WorkerLine } from './protocol.js';
import { IMAGE_PATH_REFUSED, runWorker, type WorkerChannel } from './elevated-worker.js';
import { blankFile, LOOP_TOOLS, LoopDevices, randomFile, removeDir, sha256Of, workDir } from './testing/loop.js';
import { verifyImage, writeImage } from './index.js';

/*
 * The image handed to the elevated writer by the app (issue 13: the writer reads the image with
 * the asking user's rights, not its own). On Windows the UAC-elevated writer has no way back to
 * the user's rights, so the app opens the image and answers the writer's reads; the same code runs
 * here over a Unix socket in the job's 0700 folder, with the app's half run as another account.
 * (Windows itself, its named pipes and UAC, cannot run here: the pipe's name rule is checked as text.)
 */

const MiB = 1 << 20;
const NOBODY = 65534;

describe('the image channel between the app and the writer', () => {
  let dir = '';
  let image = '';
  let imageBytes: Buffer;
  beforeAll(async () => {
    dir = await workDir('image-stream');
    image = path.join(dir, 'image.img');
    await randomFile(image, 3 * MiB + 123);
    imageBytes = await readFile(image);
  });
  afterAll(() => removeDir(dir));

  async function channelFolder(): Promise<string> {
    const folder = await mkdtemp(path.join(dir, CHANNEL_FOLDER_PREFIX));
    await chmod(folder, 0o700);
    return folder;
  }

  it('answers overlapping reads anywhere in the image, short only at its end, as a file would', async () => {
    const served = await serveImage(image, imageEndpoint(await channelFolder()));
    try {
      expect(served.bytes).toBe(imageBytes.length);
      const opened = await connectImage({ endpoint: served.endpoint, bytes: served.bytes }, image, null);
      const asks = [
        { position: 0, length: 2 * MiB },
        { position: 5000, length: 1 },
        { position: 3 * MiB, length: 1 * MiB }, // past the end: 123 bytes come back
        { position: 1 * MiB + 7, length: 65_536 },
      ];
      const buffers = asks.map((ask) => Buffer.alloc(ask.length + 10, 0xee));
      const reads = await Promise.all(asks.map((ask, i) => opened.source.read(buffers[i]!, 10, ask.length, ask.position)));
      asks.forEach((ask, i) => {
        const expected = imageBytes.subarray(ask.position, ask.position + ask.length);
        expect(reads[i]!.bytesRead).toBe(expected.length);
        expect(buffers[i]!.subarray(10, 10 + expected.length).equals(expected)).toBe(true);
        expect(buffers[i]!.subarray(0, 10).equals(Buffer.alloc(10, 0xee))).toBe(true);
      });
      expect((await opened.source.read(Buffer.alloc(8), 0, 8, imageBytes.length + 100)).bytesRead).toBe(0);
      await opened.source.close();
    } finally {
      await served.close();
    }
  });

  it('lets exactly one writer in: a second connection is turned away and the socket file is gone once the writer is connected', async () => {
    const folder = await channelFolder();
    const served = await serveImage(image, imageEndpoint(folder));
    try {
      const first = await connectImage({ endpoint: served.endpoint, bytes: served.bytes }, image, null);
      const second = new Promise<string>((resolve) => {
        const socket = net.connect(served.endpoint);
        socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
        socket.on('close', () => resolve('closed'));
      });
      expect(['ENOENT', 'ECONNREFUSED', 'closed']).toContain(await second);
      const buffer = Buffer.alloc(16);
      expect((await first.source.read(buffer, 0, 16, 0)).bytesRead).toBe(16);
      await first.source.close();
    } finally {
      await served.close();
    }
  });

  it('a read after the app went away fails with a sentence (one already waiting is answered or fails the same way)', async () => {
    const served = await serveImage(image, imageEndpoint(await channelFolder()));
    const opened = await connectImage({ endpoint: served.endpoint, bytes: served.bytes }, image, null);
    const waiting = opened.source.read(Buffer.alloc(2 * MiB), 0, 2 * MiB, 0).catch((error: Error) => error);
    await served.close();
    const first = await waiting; // answered or refused, depending on whether the answer beat the close
    if (first instanceof Error) expect(first.message).toContain('the app stopped handing it to the drive writer');
    await expect(opened.source.read(Buffer.alloc(16), 0, 16, 0)).rejects.toThrow('the app stopped handing it to the drive writer');
  });

  it('the app refuses, before anyone is asked to elevate, an image that is missing', async () => {
    const folder = await channelFolder();
    const missing = path.join(dir, 'gone.img');
    await expect(serveImage(missing, imageEndpoint(folder))).rejects.toMatchObject({ failure: 'IMAGE_UNREADABLE', message: say.imageMissing(missing) });
  });

  it('the writer reaches only a socket named image.sock in a bootmend-writer-… folder; on Windows only a pipe named bootmend-image-<32 hex> (name rule checked as text)', async () => {
    const folder = await channelFolder();
    const planted = path.join(folder, IMAGE_SOCKET);
    await symlink('/run/systemd/journal/stdout', planted);
    expect(endpointProblem(planted)).toBe(`${planted} is not a socket`);
    expect(endpointProblem('/run/dbus/system_bus_socket')).toBe(`/run/dbus/system_bus_socket is not ${IMAGE_SOCKET} in a ${CHANNEL_FOLDER_PREFIX}… folder`);
    await expect(connectImage({ endpoint: planted, bytes: 1 }, image, null)).rejects.toThrow('is not a socket');
    const pipe = imageEndpoint('unused', 'win32');
    expect(pipe).toMatch(/^\\\\\.\\pipe\\bootmend-image-[0-9a-f]{32}$/);
    expect(endpointProblem(pipe, 'win32')).toBeNull();
    for (const other of ['\\\\.\\pipe\\lsass', '\\\\.\\pipe\\bootmend-image-x', 'C:\\Windows\\System32\\config\\SAM', '\\\\server\\pipe\\bootmend-image-' + 'a'.repeat(32)]) {
      expect(endpointProblem(other, 'win32')).toBe(`${other} is not a Bootmend image pipe`);
    }
  });
});

describe('the writer on Windows (its platform given as text: Windows cannot run here)', () => {
  const secret = 'e'.repeat(64);
  /** A channel as the elevated writer gets one, holding one job, collecting what the writer says. */
  const channelWith = (job: object): { channel: WorkerChannel; said: WorkerLine[] } => {
    const said: WorkerLine[] = [];
    return {
      said,
      channel: { readJob: () => Promise.resolve(JSON.stringify({ secret, job })), send: (line) => said.push(line), onCancel: () => undefined, close: () => undefined },
    };
  };

  it('refuses a job that names the image by path instead of handing it over: the administrator token would read any path', async () => {
    const pathJob = { kind: 'write', image: 'C:\\Windows\\System32\\config\\SAM', targets: ['\\\\.\\PHYSICALDRIVE2'], verify: true, guard: {} };
    const refused = channelWith(pathJob);
    expect(await runWorker(refused.channel, secretDigest(secret), 'win32')).toBe(2);
    expect(refused.said.at(-1)).toEqual({ type: 'error', error: { code: 'INVALID_INPUT', message: IMAGE_PATH_REFUSED } });
    const verifyJob = channelWith({ kind: 'verify', image: 'C:\\secret.img', target: '\\\\.\\PHYSICALDRIVE2' });
    expect(await runWorker(verifyJob.channel, secretDigest(secret), 'win32')).toBe(2);
    // Control: on Linux the same job goes on to open the image as the asking account (here it does not exist).
    const elsewhere = channelWith({ ...pathJob, image: '/nonexistent/bootmend.img' });
    expect(await runWorker(elsewhere.channel, secretDigest(secret), 'linux')).toBe(1);
    expect(elsewhere.said.at(-1)).toMatchObject({ type: 'error', error: { failure: 'IMAGE_UNREADABLE' } });
  });
});

/** These run the writer as it runs after elevation: root, on loop devices. */
const asRoot = requireAll([requireRoot({ for: 'the elevated writer reading a handed-over image' }), requireTools(LOOP_TOOLS, { for: 'the elevated writer on loop devices' })]);

describe('the root writer with the image handed over by the app', () => {
  let dir = '';
  let image = '';
  let imageSha = '';
  beforeAll(async () => {
    dir = await workDir('image-handover');
    await chmod(dir, 0o755); // the app's half runs as nobody below
    image = path.join(dir, 'image.img');
    imageSha = await randomFile(image, 6 * MiB);
    await chmod(image, 0o644);
  });
  afterAll(() => removeDir(dir));
  const loops = new LoopDevices();
  afterEach(() => loops.detachAll());

  async function stick(name: string, fill = 0x5a): Promise<{ file: string; device: string }> {
    const file = path.join(dir, name);
    await blankFile(file, 8 * MiB, fill);
    return { file, device: loops.attach(file) };
  }

  /** The app's half as an unelevated account would run it: its own process, as nobody, in a folder nobody owns. */
  async function serveAsNobody(file: string): Promise<{ endpoint: string; answer: { path?: string; bytes?: number; error?: string }; stop(): Promise<void> }> {
    const folder = await mkdtemp(path.join(dir, CHANNEL_FOLDER_PREFIX));
    await chmod(folder, 0o700);
    await chown(folder, NOBODY, NOBODY);
    const endpoint = imageEndpoint(folder);
    const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const script = fileURLToPath(new URL('./testing/serve-image.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', loader, script, file, endpoint], { uid: NOBODY, gid: NOBODY, stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, HOME: folder } });
    const first = await new Promise<string>((resolve) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('close', () => resolve('{"error":"the serving process ended"}'));
    });
    return {
      endpoint,
      answer: JSON.parse(first) as { path?: string; bytes?: number; error?: string },
      stop: async () => {
        child.stdin.end();
        if (child.exitCode === null) await new Promise((resolve) => child.once('close', resolve));
      },
    };
  }

  asRoot.it('writes and verifies what the app hands over, never opening the path the job names: an administrators-only file there is not what lands on the stick', async () => {
    const adminOnly = path.join(dir, 'admin-only.img');
    const adminOnlySha = await randomFile(adminOnly, 6 * MiB);
    await chmod(adminOnly, 0o600);
    const target = await stick('handover-target.img');
    const served = await serveAsNobody(image);
    try {
      expect(served.answer).toEqual({ path: image, bytes: 6 * MiB });
      const seen: WriteProgress[] = [];
      // The job names the administrators-only file; the writer must take the bytes from the channel only.
      const result = await writeImage({
        image: adminOnly,
        imageStream: { endpoint: served.endpoint, bytes: 6 * MiB },
        readImageAs: { uid: NOBODY, gid: NOBODY },
        targets: [target.device],
        verify: true,
        onProgress: (p) => seen.push(p),
      });
      expect(result.results[0]).toMatchObject({ device: target.device, outcome: 'verified', sha256: imageSha });
      expect(await sha256Of(target.file, 6 * MiB)).toBe(imageSha);
      expect(await sha256Of(adminOnly)).toBe(adminOnlySha);
      expect(seen.at(-1)?.overall.phase).toBe('done');
    } finally {
      await served.stop();
    }
  });

  asRoot.it('an image the unelevated account may not read is refused by the app itself, and the stick is untouched', async () => {
    const adminOnly = path.join(dir, 'admin-only-2.img');
    await randomFile(adminOnly, 1 * MiB);
    await chmod(adminOnly, 0o600);
    const target = await stick('refused-target.img', 0x33);
    const served = await serveAsNobody(adminOnly);
    await served.stop();
    expect(served.answer.error).toBe(say.imageUnreadable(adminOnly, 'EACCES'));
    expect((await readFile(target.file)).equals(Buffer.alloc(8 * MiB, 0x33))).toBe(true);
  });

  asRoot.it("a socket the asking account may not open is not reached, even planted in that account's own folder", async () => {
    // A root-only socket (a daemon's) linked or moved into the job's folder: the writer connects with the asker's rights.
    const folder = await mkdtemp(path.join(dir, CHANNEL_FOLDER_PREFIX));
    await chmod(folder, 0o700);
    await chown(folder, NOBODY, NOBODY);
    const endpoint = path.join(folder, IMAGE_SOCKET);
    const daemon = net.createServer((socket) => socket.end('root-only answer'));
    await new Promise<void>((resolve) => daemon.listen(endpoint, resolve));
    await chmod(endpoint, 0o700);
    const target = await stick('daemon-target.img', 0x44);
    try {
      const result = await writeImage({ image, imageStream: { endpoint, bytes: 6 * MiB }, readImageAs: { uid: NOBODY, gid: NOBODY }, targets: [target.device], verify: false });
      expect.unreachable(`the writer should have refused, got ${JSON.stringify(result)}`);
    } catch (error) {
      expect(error).toMatchObject({ failure: 'IMAGE_UNREADABLE', message: say.imageUnreadable(image, 'the drive writer cannot reach Bootmend, which hands it over: EACCES') });
    } finally {
      await new Promise((resolve) => daemon.close(resolve));
    }
    expect((await readFile(target.file)).equals(Buffer.alloc(8 * MiB, 0x44))).toBe(true);
  });

  asRoot.it('the app closed mid-write: the stick fails with a sentence naming the image, and says what it was left as', async () => {
    const big = path.join(dir, 'big.img');
    await randomFile(big, 16 * MiB);
    const bytes = await readFile(big);
    const file = path.join(dir, 'closed-target.img');
    await blankFile(file, 20 * MiB, 0);
    const target = loops.attach(file);
    // The app's side speaking the channel's framing by hand, so it can go away at a chosen moment: after three answers.
    const folder = await mkdtemp(path.join(dir, CHANNEL_FOLDER_PREFIX));
    const endpoint = imageEndpoint(folder);
    let answered = 0;
    const app = net.createServer((socket) => {
      socket.on('data', (data: Buffer) => {
        for (let at = 0; at + 16 <= data.length; at += 16) {
          if (answered === 3) return void socket.destroy();
          answered += 1;
          const id = data.readUInt32LE(at);
          const length = data.readUInt32LE(at + 4);
          const position = Number(data.readBigUInt64LE(at + 8));
          const body = bytes.subarray(position, position + length);
          const header = Buffer.alloc(9);
          header.writeUInt32LE(id, 0);
          header.writeUInt32LE(body.length, 4);
          socket.write(Buffer.concat([header, body]));
        }
      });
    });
    await new Promise<void>((resolve) => app.listen(endpoint, resolve));
    try {
      const result = await writeImage({ image: big, imageStream: { endpoint, bytes: 16 * MiB }, targets: [target], verify: true, chunkSize: 1 * MiB, chunksInFlight: 2 });
      expect(answered).toBe(3);
      expect(result.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'IMAGE_UNREADABLE' } });
      expect(result.results[0]!.error!.message).toContain(`The image ${big} cannot be read (the app stopped handing it to the drive writer`);
      expect(result.results[0]!.leftAs).toMatch(/\S/);
    } finally {
      await new Promise((resolve) => app.close(resolve));
    }
  });

  asRoot.it('through runElevated (stdio and sudo-prompt channels): the image goes over the socket in the job folder, verify finds the first differing byte through it, and the folder is removed', async () => {
    const target = await stick('elevated-target.img');
    const written = await runElevated({ kind: 'write', image, targets: [target.device], verify: true, guard: {} }, { elevation: 'none', streamImage: true });
    expect(written.results[0]).toMatchObject({ outcome: 'verified', sha256: imageSha });
    // Change one byte on the stick: the read-back compare must ask the app for that very byte.
    const handle = await import('node:fs/promises').then((fs) => fs.open(target.file, 'r+'));
    await handle.write(Buffer.from([(await readFile(image))[4_000_001]! ^ 0xff]), 0, 1, 4_000_001);
    await handle.close();
    const verified = await runElevated({ kind: 'verify', image, target: target.device }, { elevation: 'none', streamImage: true });
    expect(verified).toMatchObject({ match: false, firstMismatchOffset: 4_000_001, sha256Image: imageSha });
    // sudo-prompt's file channel, the way Windows starts the writer: the socket sits beside job.json.
    let folder = '';
    const viaFiles = await runElevated(
      { kind: 'verify', image, target: target.device },
      {
        elevation: 'sudo-prompt',
        streamImage: true,
        launcher: {
          spawn: () => {
            throw new Error('stdio must not be used');
          },
          promptExec: (line) =>
            new Promise((resolve, reject) => {
              folder = path.dirname(/'--job-file' '([^']+)'/.exec(line)![1]!);
              spawn('sh', ['-c', line], { stdio: 'ignore' }).on('close', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
            }),
        },
      },
    );
    expect(viaFiles).toMatchObject({ match: false, firstMismatchOffset: 4_000_001 });
    await expect(readFile(path.join(folder, 'job.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  asRoot.it('verifyImage reads a handed-over image too (no path opened)', async () => {
    const target = await stick('verify-handover.img');
    await writeFile(target.file, await readFile(image), { flag: 'r+' });
    const served = await serveAsNobody(image);
    try {
      const nowhere = path.join(dir, 'not-there', randomBytes(4).toString('hex'));
      await mkdir(path.dirname(nowhere), { recursive: true });
      const result = await verifyImage({ image: nowhere, imageStream: { endpoint: served.endpoint, bytes: 6 * MiB }, readImageAs: { uid: NOBODY, gid: NOBODY }, target: target.device });
      expect(result).toMatchObject({ match: true, sha256Image: imageSha });
    } finally {
      await served.stop();
    }
  });
});
