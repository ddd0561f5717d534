import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LIST_LOOP_DEVICES_ENV } from '../../loop-devices.js';

/**
 * Test-only helpers for the loop-device proofs: attach files as block devices, "pull" one
 * mid-write, make images. Nothing in the product imports this.
 *
 * Pulling a stick: `losetup -d` on a loop device that is open only marks it for detaching at
 * its last close (autoclear) and writes keep succeeding, and device-mapper is not available
 * in this VM. What does make the kernel fail writes is shrinking the device under the writer:
 * cut the backing file and `losetup -c` (set capacity); the next write past the new end fails
 * with ENOSPC, which the writer reports as "removed or stopped responding" (a block device
 * whose size was checked before writing cannot fill up).
 */

/**
 * What the loop-device proofs run on, for test/tools.ts's one rule (with root: requireRoot):
 * run where they are, skipped outside CI, failing in CI.
 */
export const LOOP_TOOLS = [{ command: 'losetup', package: 'mount' }] as const;

export class LoopDevices {
  private readonly attached: string[] = [];

  /** Attaches `file` as a loop device (read-only with `readOnly`); returns /dev/loopN. */
  attach(file: string, options: { readOnly?: boolean } = {}): string {
    // The proofs name their loop devices on purpose: the drive list and the writer's guard then offer them
    // (for this process and the writers and CLIs it starts).
    process.env[LIST_LOOP_DEVICES_ENV] = '1';
    const args = ['-f', '--show', ...(options.readOnly ? ['-r'] : []), file];
    const device = execFileSync('losetup', args, { encoding: 'utf8' }).trim();
    this.attached.push(device);
    return device;
  }

  /** Cuts the backing file to `bytes` and tells the kernel: writes past it now fail, as on a pulled stick. */
  shrink(device: string, file: string, bytes: number): void {
    execFileSync('truncate', ['-s', String(bytes), file]);
    execFileSync('losetup', ['-c', device]);
  }

  detachAll(): void {
    for (const device of this.attached.splice(0)) spawnSync('losetup', ['-d', device]);
  }
}

export async function workDir(prefix: string, base = '/var/tmp'): Promise<string> {
  return mkdtemp(path.join(base || tmpdir(), `bootmend-${prefix}-`));
}

/** A file of `bytes` random bytes; returns its SHA-256. */
export async function randomFile(file: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(file, 'w');
  try {
    for (let done = 0; done < bytes; ) {
      const piece = randomBytes(Math.min(4 << 20, bytes - done));
      hash.update(piece);
      await handle.write(piece, 0, piece.length, done);
      done += piece.length;
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/** A sparse file of `bytes` (reads as zeros), or filled with one byte value. */
export async function blankFile(file: string, bytes: number, fill?: number): Promise<void> {
  if (fill === undefined) {
    await writeFile(file, '');
    await truncate(file, bytes);
  } else {
    await writeFile(file, Buffer.alloc(bytes, fill));
  }
}

export async function sha256Of(file: string, length?: number): Promise<string> {
  const data = await readFile(file);
  return createHash('sha256').update(length === undefined ? data : data.subarray(0, length)).digest('hex');
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
