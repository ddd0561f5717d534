import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { open, readFile, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireAll, requireRoot, requireTools } from '../../../test/tools.js';
import type { WriteProgress } from '../../../core/drives/write.js';
import type { DriveEntry } from '../../../core/drives/drives.js';
import { verifyImage, writeImage } from './index.js';
import { blankFile, LOOP_TOOLS, LoopDevices, randomFile, removeDir, sha256Of, workDir } from './testing/loop.js';
import { usbStickEntry } from '../../../core/drives/fixtures/usb-stick-entry.js';
import { say } from '../../../core/drives/write-rules.js';

const MiB = 1 << 20;
const loopDevices = requireAll([requireRoot({ for: 'writing loop devices' }), requireTools(LOOP_TOOLS, { for: 'writing loop devices' })]);

function corruptByte(file: string, offset: number): void {
  const fd = openSync(file, 'r+');
  const byte = Buffer.alloc(1);
  readSync(fd, byte, 0, 1, offset);
  byte[0] = byte[0]! ^ 0xff;
  writeSync(fd, byte, 0, 1, offset);
  closeSync(fd);
}

const allBytes = (data: Buffer, value: number): boolean => data.equals(Buffer.alloc(data.length, value));

/** A drive-list entry for a loop device, as the guard would see a USB stick of `size` bytes. */
function entryFor(device: string, size: number, overrides: Partial<DriveEntry> = {}): DriveEntry {
  return usbStickEntry({ device, size, vendor: '', model: 'Test Stick', labels: ['RESCUE'], ...overrides });
}

describe('what the writer refuses before touching anything (no root needed)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await workDir('write-refusals');
  });
  afterAll(() => removeDir(dir));

  it('refuses a plain file and a link as targets, each with its sentence, and leaves them as they were', async () => {
    const image = path.join(dir, 'small.img');
    await randomFile(image, MiB);
    const file = path.join(dir, 'file-target.img');
    await blankFile(file, 4 * MiB, 0x5a);
    const link = path.join(dir, 'link-target');
    await symlink(file, link);
    const result = await writeImage({ image, targets: [file, link] });
    expect(result.results[0]).toMatchObject({ outcome: 'failed', bytesWritten: 0, leftAs: 'Untouched: nothing was written to it.' });
    expect(result.results[0]!.error).toEqual({ code: 'NOT_ALLOWED', message: say.notADisk(file, 'a file') });
    expect(result.results[1]!.error).toEqual({ code: 'NOT_ALLOWED', message: say.isLink(link, file) });
    expect(allBytes(await readFile(file), 0x5a)).toBe(true);
    await expect(verifyImage({ image, target: file })).rejects.toMatchObject({ failure: 'NOT_ALLOWED', message: say.notADisk(file, 'a file') });
  });

  it('refuses a target that vanished before writing, in the words of the brief', async () => {
    const image = path.join(dir, 'small.img');
    const result = await writeImage({ image, targets: ['/dev/bootmend-unplugged'] });
    expect(result.results[0]).toMatchObject({ outcome: 'failed', bytesWritten: 0, leftAs: 'Untouched: nothing was written to it.' });
    expect(result.results[0]!.error).toEqual({
      code: 'DRIVE_VANISHED',
      message: 'The drive /dev/bootmend-unplugged is no longer connected (it was unplugged after the list was made?)',
    });
  });

  it('throws a clear error when the image itself is missing', async () => {
    await expect(writeImage({ image: path.join(dir, 'nope.img'), targets: ['/dev/bootmend-unplugged'] })).rejects.toMatchObject({
      failure: 'IMAGE_UNREADABLE',
      message: expect.stringContaining('nope.img does not exist'),
    });
  });
});

loopDevices.describe('writing loop devices as root', () => {
  const loops = new LoopDevices();
  let dir = '';
  let image = '';
  let imageSha = '';
  const IMAGE_BYTES = 40 * MiB;

  beforeAll(async () => {
    dir = await workDir('write-loop');
    image = path.join(dir, 'image.img');
    imageSha = await randomFile(image, IMAGE_BYTES);
  });
  afterEach(() => loops.detachAll());
  afterAll(() => removeDir(dir));

  async function stick(name: string, bytes: number, fill?: number): Promise<{ file: string; device: string }> {
    const file = path.join(dir, name);
    await blankFile(file, bytes, fill);
    return { file, device: loops.attach(file) };
  }

  it('writes with direct I/O through the drive guard, reads every byte back and reports progress per drive', async () => {
    const { file, device } = await stick('ok.img', 64 * MiB);
    const seen: WriteProgress[] = [];
    const result = await writeImage({ image, targets: [device], progressIntervalMs: 20, chunkSize: 4 * MiB, onProgress: (p) => seen.push(p) });
    expect(result).toMatchObject({ imageBytes: IMAGE_BYTES, sha256: imageSha });
    expect(result.results[0]).toMatchObject({ device, outcome: 'verified', bytesWritten: IMAGE_BYTES, sha256: imageSha, error: null, directIo: true });
    expect(await sha256Of(file, IMAGE_BYTES)).toBe(imageSha);
    const phases = seen.map((p) => p.drives[0]!.phase);
    expect(phases).toContain('writing');
    expect(phases).toContain('verifying');
    expect(phases.at(-1)).toBe('done');
    const fractions = seen.map((p) => p.overall.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b)); // the overall bar never goes back
    expect(seen.at(-1)!.overall).toMatchObject({ phase: 'done', fraction: 1 });
  });

  it('writes and verifies an image of odd length, leaving the bytes after the image alone', async () => {
    const odd = path.join(dir, 'odd.img');
    const bytes = 5 * MiB + 1234; // ends inside a block: the tail goes through the buffered handle
    const sha = await randomFile(odd, bytes);
    const { file, device } = await stick('odd-target.img', 8 * MiB, 0xee);
    const result = await writeImage({ image: odd, targets: [device] });
    expect(result.sha256).toBe(sha);
    expect(result.results[0]).toMatchObject({ device, outcome: 'verified', bytesWritten: bytes, sha256: sha, error: null });
    const written = await readFile(file);
    expect(createHash('sha256').update(written.subarray(0, bytes)).digest('hex')).toBe(sha);
    expect(allBytes(written.subarray(bytes), 0xee)).toBe(true);
    expect(written.length).toBe(8 * MiB);
  });

  it('with the first MiB written last, a write cancelled halfway leaves the old first MiB (no partition table to mount)', async () => {
    const { file, device } = await stick('first-last-target.img', 48 * MiB, 0x55);
    const controller = new AbortController();
    const result = await writeImage({
      image,
      targets: [device],
      firstMiBLast: true,
      chunkSize: MiB,
      chunksInFlight: 2,
      progressIntervalMs: 1,
      signal: controller.signal,
      onProgress: (p) => {
        if ((p.drives[0]?.bytesDone ?? 0) >= 4 * MiB) controller.abort();
      },
    });
    expect(result.results[0]).toMatchObject({ outcome: 'cancelled', leftAs: 'Partly written: erase or write it again before use.' });
    const after = await readFile(file);
    expect(allBytes(after.subarray(0, MiB), 0x55)).toBe(true);
    expect((await readFile(image)).subarray(MiB, 2 * MiB).equals(after.subarray(MiB, 2 * MiB))).toBe(true);
  });

  it('with the first MiB written last, a finished write is the whole image', async () => {
    const { device } = await stick('first-last-ok-target.img', 48 * MiB);
    const result = await writeImage({ image, targets: [device], firstMiBLast: true, chunkSize: MiB });
    expect(result.results[0]).toMatchObject({ outcome: 'verified', sha256: imageSha });
  });

  it('a byte flipped on the drive after writing makes verify fail and name its offset', async () => {
    const { file, device } = await stick('flip.img', 64 * MiB);
    await writeImage({ image, targets: [device], verify: false });
    const offset = 23 * MiB + 4321;
    const handle = await open(file, 'r+');
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, offset);
    byte[0] = byte[0]! ^ 0xff;
    await handle.write(byte, 0, 1, offset);
    await handle.close();
    const verdict = await verifyImage({ image, target: device });
    expect(verdict).toMatchObject({ target: device, match: false, firstMismatchOffset: offset, sha256Image: imageSha });
    expect(verdict.sha256Target).not.toBe(imageSha);
  });

  it('a drive that reads back differently fails verification inside writeImage, naming the first bad offset', async () => {
    const { file, device } = await stick('bad-readback.img', 64 * MiB);
    const offset = 31 * MiB + 7;
    let corrupted = false;
    const result = await writeImage({
      image,
      targets: [device],
      onProgress: (p) => {
        // The moment verification starts, the "stick" loses a byte (as a failing flash cell would).
        if (!corrupted && p.drives[0]!.phase === 'verifying') {
          corrupted = true;
          corruptByte(file, offset);
        }
      },
    });
    expect(result.results[0]).toMatchObject({ outcome: 'failed', bytesWritten: IMAGE_BYTES, leftAs: expect.stringContaining('does not read back the same') });
    expect(result.results[0]!.error).toMatchObject({ code: 'VERIFY_MISMATCH', offset, message: expect.stringContaining('from offset 32,505,863 (32.5 MB) on') });
  });

  it('verifyImage confirms a drive that matches', async () => {
    const { device } = await stick('match.img', 48 * MiB);
    await writeImage({ image, targets: [device], verify: false });
    await expect(verifyImage({ image, target: device })).resolves.toMatchObject({ match: true, firstMismatchOffset: null, sha256Target: imageSha });
  });

  it('refuses a read-only loop device (losetup -r) as write-protected before writing, whether the drive list knows it or not', async () => {
    const file = path.join(dir, 'ro.img');
    await blankFile(file, 64 * MiB, 0x11);
    const device = loops.attach(file, { readOnly: true });
    for (const guard of [undefined, { drives: [entryFor(device, 64 * MiB)] }]) {
      const result = await writeImage({ image, targets: [device], ...(guard ? { guard } : {}) });
      expect(result.results[0]).toMatchObject({ outcome: 'failed', bytesWritten: 0, leftAs: 'Untouched: nothing was written to it.' });
      expect(result.results[0]!.error).toMatchObject({ code: 'WRITE_PROTECTED', message: expect.stringContaining(`${device} is write-protected`) });
    }
    expect(allBytes(await readFile(file), 0x11)).toBe(true);
  });

  it('refuses a too-small drive before any byte is written, naming both sizes', async () => {
    const { file, device } = await stick('small.img', 16 * MiB, 0x22);
    const result = await writeImage({ image, targets: [device] });
    expect(result.results[0]).toMatchObject({ outcome: 'failed', bytesWritten: 0 });
    expect(result.results[0]!.error).toMatchObject({ code: 'TOO_SMALL', message: expect.stringMatching(/holds 16\.8 MB .*the image needs 41\.9 MB/) });
    expect(allBytes(await readFile(file), 0x22)).toBe(true);
  });

  it('refuses a drive the guard calls the system disk, and a drive over 128 GB without its confirmation', async () => {
    const { file, device } = await stick('guarded.img', 64 * MiB, 0x33);
    const system = entryFor(device, 64 * MiB, {
      kind: 'system',
      selectable: false,
      reasons: [{ code: 'SYSTEM_DISK', message: 'Holds the running system (/ is mounted from it); choose a USB stick.', blocks: true, requiresConfirmation: false }],
    });
    const refused = await writeImage({ image, targets: [device], guard: { drives: [system] } });
    expect(refused.results[0]!.error).toMatchObject({ code: 'NOT_ALLOWED', message: expect.stringContaining('Holds the running system') });
    const big = entryFor(device, 256e9, { requiresConfirmation: true, confirmWith: ['256 GB', 'RESCUE'] });
    const unconfirmed = await writeImage({ image, targets: [device], guard: { drives: [big] } });
    expect(unconfirmed.results[0]!.error).toMatchObject({ code: 'CONFIRMATION_REQUIRED', message: expect.stringContaining('"256 GB" or "RESCUE"') });
    expect(allBytes(await readFile(file), 0x33)).toBe(true);
    const confirmed = await writeImage({ image, targets: [device], verify: false, guard: { drives: [big], confirm: 'rescue' } });
    expect(confirmed.results[0]).toMatchObject({ outcome: 'written' });
  });

  it('two drives at once: the one pulled mid-write fails alone, in words, and the other still verifies', async () => {
    const pulled = await stick('pulled.img', 64 * MiB);
    const kept = await stick('kept.img', 64 * MiB);
    let cut = false;
    const result = await writeImage({
      image,
      targets: [pulled.device, kept.device],
      chunkSize: MiB,
      chunksInFlight: 2,
      progressIntervalMs: 1,
      onProgress: (p) => {
        const drive = p.drives.find((d) => d.device === pulled.device);
        if (!cut && drive && drive.bytesDone >= 6 * MiB) {
          cut = true;
          loops.shrink(pulled.device, pulled.file, 2 * MiB);
        }
      },
    });
    expect(cut).toBe(true);
    const [bad, good] = result.results;
    expect(bad).toMatchObject({ device: pulled.device, outcome: 'failed', leftAs: 'Partly written: the stick is unusable as it is; write it again.' });
    expect(bad!.error).toMatchObject({
      code: 'DRIVE_REMOVED',
      message: expect.stringMatching(/^The drive was removed or stopped responding at \d+(\.\d+)? MB of 41\.9 MB: the stick is unusable as it is; write it again\.$/),
    });
    expect(bad!.error!.offset).toBeGreaterThanOrEqual(6 * MiB);
    expect(bad!.error!.offset).toBeLessThan(IMAGE_BYTES);
    expect(good).toMatchObject({ device: kept.device, outcome: 'verified', sha256: imageSha });
    expect(await sha256Of(kept.file, IMAGE_BYTES)).toBe(imageSha);
  });

  it('cancel mid-write: the result says the stick is partly written', async () => {
    const { device } = await stick('cancel.img', 64 * MiB);
    const controller = new AbortController();
    const result = await writeImage({
      image,
      targets: [device],
      chunkSize: MiB,
      chunksInFlight: 2,
      progressIntervalMs: 1,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.drives[0]!.bytesDone >= 4 * MiB) controller.abort();
      },
    });
    expect(result.results[0]).toMatchObject({ outcome: 'cancelled', leftAs: 'Partly written: erase or write it again before use.' });
    expect(result.results[0]!.bytesWritten).toBeGreaterThan(0);
    expect(result.results[0]!.bytesWritten).toBeLessThan(IMAGE_BYTES);
    expect(result.sha256).toBeNull();
  });

  it('cancel before the first byte leaves the drive untouched', async () => {
    const { file, device } = await stick('cancel-early.img', 64 * MiB, 0x44);
    const controller = new AbortController();
    controller.abort();
    const result = await writeImage({ image, targets: [device], signal: controller.signal });
    expect(result.results[0]).toMatchObject({ outcome: 'cancelled', bytesWritten: 0, leftAs: 'Untouched: nothing was written to it.' });
    expect((await stat(file)).size).toBe(64 * MiB);
    expect(allBytes(await readFile(file), 0x44)).toBe(true);
  });
});
