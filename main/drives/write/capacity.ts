import { randomFillSync } from 'node:crypto';
import { AlignedPool, ALIGNMENT } from './aligned-pool.js';

/** The few block operations the check needs, so it can run on a drive or on a simulated fake. */
export interface BlockDevice {
  size: number;
  read(buffer: Buffer, length: number, position: number): Promise<number>;
  write(buffer: Buffer, length: number, position: number): Promise<void>;
  flush(): Promise<void>;
}

/**
 * Where sentinels go: the last block, the eighths of the drive, and its halves, quarters...
 * down to 1/1024. A fake stick maps addresses beyond its real size onto what it has
 * (usually modulo a power of two), so two of these spots land on the same real block and one
 * sentinel overwrites the other; or it drops writes beyond its size and reads back zeros.
 */
export function sentinelOffsets(size: number): number[] {
  const last = Math.floor(size / ALIGNMENT) * ALIGNMENT - ALIGNMENT;
  if (last < 0) return [];
  const spots = new Set<number>([last]);
  const at = (fraction: number): number => Math.max(0, Math.floor((size * fraction) / ALIGNMENT) * ALIGNMENT - ALIGNMENT);
  for (let k = 1; k <= 8; k += 1) spots.add(at(k / 8));
  for (let j = 1; j <= 10; j += 1) spots.add(at(1 / 2 ** j));
  return [...spots].filter((o) => o >= 0 && o <= last).sort((a, b) => a - b);
}

const MAX_SPOTS = 24;

/**
 * Fake-capacity check (Rufus's idea, cheap form): saves the blocks at the sentinel spots,
 * writes a different random block to each, flushes, reads them all back, then puts the
 * saved blocks back. Returns the first spot that did not keep its sentinel, or null.
 */
export async function findFakeCapacity(device: BlockDevice): Promise<number | null> {
  const offsets = sentinelOffsets(device.size).slice(-MAX_SPOTS);
  if (offsets.length === 0) return null;
  const region = MAX_SPOTS * ALIGNMENT;
  const pool = new AlignedPool(Math.ceil(region / 65536) * 65536, 3);
  const [saved, sentinels, check] = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
  const block = (buffer: Buffer, i: number): Buffer => buffer.subarray(i * ALIGNMENT, (i + 1) * ALIGNMENT);
  for (const [i, offset] of offsets.entries()) {
    if ((await device.read(block(saved, i), ALIGNMENT, offset)) !== ALIGNMENT) return offset;
  }
  randomFillSync(sentinels, 0, offsets.length * ALIGNMENT);
  let bad: number | null = null;
  try {
    for (const [i, offset] of offsets.entries()) await device.write(block(sentinels, i), ALIGNMENT, offset);
    await device.flush();
    for (const [i, offset] of offsets.entries()) {
      const got = await device.read(block(check, 0), ALIGNMENT, offset);
      if (got !== ALIGNMENT || !block(check, 0).equals(block(sentinels, i))) {
        bad = offset;
        break;
      }
    }
  } finally {
    // Put back what was there, last written first, so a drive that aliases ends as close to its old state as it can.
    for (const [i, offset] of [...offsets.entries()].reverse()) await device.write(block(saved, i), ALIGNMENT, offset).catch(() => undefined);
    await device.flush().catch(() => undefined);
  }
  return bad;
}
