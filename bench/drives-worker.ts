import { readFileSync } from 'node:fs';
import { verifyImage } from '../main/drives/write/verify-image.js';
import { writeImage } from '../main/drives/write/write-image.js';

/**
 * One Bootmend write or verify in its own process, so its time and peak RSS are its own.
 * Usage: node drives-worker.mjs write|verify <image> <device>; prints one JSON line.
 */
const [kind, image, device] = process.argv.slice(2);
if ((kind !== 'write' && kind !== 'verify') || !image || !device) {
  console.error('usage: drives-worker write|verify <image> <device>');
  process.exit(2);
}
const started = performance.now();
let ok: boolean;
let directIo: boolean | null = null;
if (kind === 'write') {
  // As the product writes a drive (direct I/O, capacity check, flush), minus what dd does not do: no read-back, no drive listing.
  const result = await writeImage({ image, targets: [device], verify: false });
  ok = result.results[0]?.outcome === 'written';
  directIo = result.results[0]?.directIo ?? null;
} else {
  ok = (await verifyImage({ image, target: device })).match;
}
const ms = performance.now() - started;
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
console.log(JSON.stringify({ ms, ok, directIo, vmHwmKiB: hwm ? Number(hwm) : null }));
