import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statfsSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIST_LOOP_DEVICES_ENV } from '../main/drives/loop-devices.js';
import { bundleWorker, flag, fmt, option, printMedians, settle, timed } from './harness.js';

/**
 * Drive writer benchmark (not part of npm test): `npx tsx bench/drives.ts [--runs N (default 7: the VM disk is noisy)] [--dir DIR] [--buffered-loop] [--stream] [--keep]`.
 * Needs root and losetup. A 1 GiB random image and a preallocated 1 GiB backing file on disk
 * (DIR, default /var/tmp — not tmpfs) attached as a loop device with direct I/O to its backing
 * file, like a stick: a write is on the medium when it returns. (A buffered loop device parks
 * the bytes in the host's page cache and both tools then mostly time its writeback in the
 * final fsync; `--buffered-loop` measures that too.) Then, alternating, N times:
 *   write:  Bootmend writeImage (verify off) vs `dd if=img of=/dev/loopN bs=4M oflag=direct conv=fsync`
 *   verify: Bootmend verifyImage vs `cmp -n 1GiB img /dev/loopN` (the device is larger than the image)
 * Both sides run as whole processes (ours: an esbuild bundle run by node). Medians, ratios
 * (Bootmend / reference) and Bootmend's peak RSS are printed. Targets: write <= 1.05, verify <= 1.0.
 * `--stream`: the image is handed to Bootmend's writer by another process over the image channel,
 * as the app does on Windows (main/drives/write/image-stream.ts); the time includes starting it.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const runs = Number(option('--runs') ?? 7) || 7;
const keep = flag('--keep');
const base = option('--dir') ?? '/var/tmp';
const IMAGE_BYTES = 1 << 30;

function fail(message: string): never {
  console.error(`bench/drives: ${message}`);
  process.exit(1);
}


async function makeImage(file: string): Promise<void> {
  const handle = await open(file, 'w');
  const piece = randomBytes(16 << 20);
  for (let offset = 0; offset < IMAGE_BYTES; offset += piece.length) {
    piece.writeUInt32LE(offset >>> 0, 0); // no two chunks alike
    await handle.write(piece, 0, piece.length, offset);
  }
  await handle.close();
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) fail('needs root (losetup, writing a loop device)');
  for (const command of ['losetup', 'dd', 'cmp', 'fallocate']) if (spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0) fail(`${command} is not installed`);
  const fs = statfsSync(base);
  const free = fs.bavail * fs.bsize;
  if (free < 3 * IMAGE_BYTES) fail(`${base} has ${(free / 2 ** 30).toFixed(1)} GiB free; 3 GiB needed`);
  const work = await mkdtemp(path.join(base, 'bootmend-bench-drives-'));
  let device = '';
  try {
    const image = path.join(work, 'image.img');
    const backing = path.join(work, 'stick.img');
    await makeImage(image);
    execFileSync('fallocate', ['-l', String(IMAGE_BYTES + (64 << 20)), backing]);
    // The drive guard offers loop devices only where asked to (main/drives/loop-devices.ts); the workers inherit this.
    process.env[LIST_LOOP_DEVICES_ENV] = '1';
    device = execFileSync('losetup', ['-f', '--show', `--direct-io=${flag('--buffered-loop') ? 'off' : 'on'}`, backing], { encoding: 'utf8' }).trim();
    const worker = path.join(work, 'drives-worker.mjs');
    await bundleWorker(path.join(here, 'drives-worker.ts'), worker);
    const server = flag('--stream') ? path.join(work, 'serve-image.mjs') : null;
    if (server) await bundleWorker(path.join(here, '..', 'main', 'drives', 'write', 'testing', 'serve-image.ts'), server);
    console.log(`image: 1 GiB in ${work}; target ${device} (backing file preallocated on disk, ${flag('--buffered-loop') ? 'buffered' : 'direct I/O'} loop device)${server ? '; image handed over by another process (--stream)' : ''}`);
    // Warm-up (untimed): both sides then find the image in the page cache and the backing file's blocks allocated.
    timed('dd', [`if=${image}`, `of=${device}`, 'bs=4M', 'oflag=direct', 'conv=fsync', 'status=none']);

    const results = {
      write: { ours: [] as number[], inProcess: [] as number[], ref: [] as number[] },
      verify: { ours: [] as number[], inProcess: [] as number[], ref: [] as number[] },
    };
    let peakRss = 0;
    const ours = (kind: 'write' | 'verify'): void => {
      settle();
      const run = timed(process.execPath, [worker, kind, image, device, ...(server ? [server] : [])]);
      const report = JSON.parse(run.stdout.trim().split('\n').pop()!) as { ms: number; ok: boolean; directIo: boolean | null; vmHwmKiB: number | null };
      if (!report.ok) throw new Error(`Bootmend ${kind} did not succeed`);
      if (kind === 'write' && report.directIo !== true) throw new Error('Bootmend did not use direct I/O');
      peakRss = Math.max(peakRss, report.vmHwmKiB ?? 0);
      results[kind].ours.push(run.ms);
      results[kind].inProcess.push(report.ms);
    };
    for (let run = 0; run < runs; run += 1) {
      // Alternate who goes first, so neither always inherits the other's cache state.
      const order = run % 2 === 0 ? (['ours', 'ref'] as const) : (['ref', 'ours'] as const);
      for (const side of order) {
        if (side === 'ours') ours('write');
        else {
          settle();
          results.write.ref.push(timed('dd', [`if=${image}`, `of=${device}`, 'bs=4M', 'oflag=direct', 'conv=fsync', 'status=none']).ms);
        }
      }
      for (const side of order) {
        if (side === 'ours') ours('verify');
        else {
          settle();
          results.verify.ref.push(timed('cmp', ['-n', String(IMAGE_BYTES), image, device]).ms);
        }
      }
      console.log(
        `run ${run + 1}/${runs}: write ours ${fmt(results.write.ours.at(-1)!)} dd ${fmt(results.write.ref.at(-1)!)}; verify ours ${fmt(results.verify.ours.at(-1)!)} cmp ${fmt(results.verify.ref.at(-1)!)}`,
      );
    }
    console.log('');
    printMedians(runs, [
      { label: 'write vs dd oflag=direct', target: '1.05', ...results.write },
      { label: 'verify vs cmp', target: '1.00', ...results.verify },
    ]);
    console.log(`Bootmend peak RSS: ${(peakRss / 1024).toFixed(0)} MiB`);
  } finally {
    if (device) spawnSync('losetup', ['-d', device]);
    if (keep) console.log(`kept ${work}`);
    else if (existsSync(work)) await rm(work, { recursive: true, force: true });
  }
}

await main();
