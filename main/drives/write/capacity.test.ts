import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireAll, requireRoot, requireTools } from '../../../test/tools.js';
import { findFakeCapacity, sentinelOffsets, type BlockDevice } from './capacity.js';
import { writeImage } from './write-image.js';
import { blankFile, LOOP_TOOLS, LoopDevices, randomFile, removeDir, workDir } from './testing/loop.js';

const MiB = 1 << 20;

/** A stick that claims `claimed` bytes but has `real`: addresses wrap modulo its real size, as cheap fakes do. */
function wrappingFake(claimed: number, real: number): BlockDevice & { data: Buffer } {
  const data = Buffer.alloc(real);
  return {
    data,
    size: claimed,
    read: async (buffer, length, position) => data.copy(buffer, 0, position % real, (position % real) + length),
    write: async (buffer, length, position) => void buffer.copy(data, position % real, 0, length),
    flush: async () => undefined,
  };
}

/** A stick that silently drops writes beyond its real size and reads zeros there. */
function droppingFake(claimed: number, real: number): BlockDevice {
  const data = Buffer.alloc(real);
  return {
    size: claimed,
    read: async (buffer, length, position) => (position >= real ? buffer.fill(0, 0, length).length && length : data.copy(buffer, 0, position, position + length)),
    write: async (buffer, length, position) => void (position < real && buffer.copy(data, position, 0, length)),
    flush: async () => undefined,
  };
}

describe('fake-capacity check', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await workDir('capacity');
  });
  afterAll(() => removeDir(dir));

  it('spreads sentinels over the whole drive, ending in its last block', () => {
    const spots = sentinelOffsets(64 * MiB);
    expect(spots.at(-1)).toBe(64 * MiB - 4096);
    expect(spots[0]).toBeLessThan(MiB);
    expect(spots.every((o) => o % 4096 === 0)).toBe(true);
  });

  it('catches a stick that wraps 64 MiB claimed onto 8 MiB real, and one that drops writes past its real size', async () => {
    expect(await findFakeCapacity(wrappingFake(64 * MiB, 8 * MiB))).not.toBeNull();
    expect(await findFakeCapacity(droppingFake(64 * MiB, 8 * MiB))).toBeGreaterThanOrEqual(8 * MiB);
  });

  it('passes an honest sparse image file and puts back every byte it touched', async () => {
    const target = path.join(dir, 'honest.img');
    await blankFile(target, 96 * MiB);
    const handle = await open(target, 'r+');
    await handle.write(Buffer.alloc(4096, 0x5a), 0, 4096, 96 * MiB - 4096);
    await handle.close();
    const io = await open(target, 'r+');
    const device: BlockDevice = {
      size: 96 * MiB,
      read: async (b, l, p) => (await io.read(b, 0, l, p)).bytesRead,
      write: async (b, l, p) => void (await io.write(b, 0, l, p)),
      flush: () => io.sync(),
    };
    expect(await findFakeCapacity(device)).toBeNull();
    await io.close();
    const after = await readFile(target);
    expect(after.subarray(96 * MiB - 4096).equals(Buffer.alloc(4096, 0x5a))).toBe(true);
    expect(after.subarray(0, 96 * MiB - 4096).equals(Buffer.alloc(96 * MiB - 4096))).toBe(true);
  });
});

const asRoot = requireAll([requireRoot({ for: 'the fake-capacity check on a loop device' }), requireTools(LOOP_TOOLS, { for: 'the fake-capacity check on a loop device' })]);

asRoot.describe('fake-capacity check before a real write (loop device, as root)', () => {
  const loops = new LoopDevices();
  let dir = '';
  beforeAll(async () => {
    dir = await workDir('capacity-loop');
  });
  afterEach(() => loops.detachAll());
  afterAll(() => removeDir(dir));

  it('runs before the real write and puts back what its sentinels overwrote', async () => {
    const image = path.join(dir, 'image.img');
    await randomFile(image, 2 * MiB);
    const target = path.join(dir, 'checked.img');
    await blankFile(target, 32 * MiB, 0x3c);
    const result = await writeImage({ image, targets: [loops.attach(target)], checkCapacity: true });
    expect(result.results[0]).toMatchObject({ outcome: 'verified' });
    expect((await stat(target)).size).toBe(32 * MiB);
    // Past the image, the stick holds what it held before: the sentinels were written back.
    expect((await readFile(target)).subarray(2 * MiB).equals(Buffer.alloc(30 * MiB, 0x3c))).toBe(true);
  });
});
