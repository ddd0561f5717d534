import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { CHANNEL_FOLDER_PREFIX } from '../main/drives/write/channel-names.js';
import { imageEndpoint } from '../main/drives/write/image-stream.js';
import type { ImageStreamJob } from '../main/drives/write/image-stream.js';
import { verifyImage } from '../main/drives/write/verify-image.js';
import { writeImage } from '../main/drives/write/write-image.js';

/**
 * One Bootmend write or verify in its own process, so its time and peak RSS are its own.
 * Usage: node drives-worker.mjs write|verify <image> <device> [<serve-image.mjs>]; prints one JSON line.
 * With a serve-image bundle, the image is handed over by another process as the app does on
 * Windows (main/drives/write/image-stream.ts), and the writer never opens it.
 */
const [kind, image, device, server] = process.argv.slice(2);
if ((kind !== 'write' && kind !== 'verify') || !image || !device) {
  console.error('usage: drives-worker write|verify <image> <device> [<serve-image.mjs>]');
  process.exit(2);
}

/** The app's half in its own process, as on Windows: answers this writer's reads of the image. */
async function handOver(bundle: string): Promise<{ imageStream: ImageStreamJob; stop(): Promise<void> }> {
  const folder = await mkdtemp(path.join(tmpdir(), CHANNEL_FOLDER_PREFIX));
  const endpoint = imageEndpoint(folder);
  const child = spawn(process.execPath, [bundle, image!, endpoint], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
  const answer = JSON.parse(first) as { bytes?: number; error?: string };
  if (answer.bytes === undefined) throw new Error(`the image server did not start: ${answer.error ?? first}`);
  return {
    imageStream: { endpoint, bytes: answer.bytes },
    stop: async () => {
      child.stdin.end();
      await new Promise((resolve) => child.once('close', resolve));
      await rm(folder, { recursive: true, force: true });
    },
  };
}

const started = performance.now();
const handed = server ? await handOver(server) : null;
const source = handed ? { image, imageStream: handed.imageStream } : { image };
let ok: boolean;
let directIo: boolean | null = null;
if (kind === 'write') {
  // As the product writes a drive (direct I/O, capacity check, flush), minus what dd does not do: no read-back, no drive listing.
  const result = await writeImage({ ...source, targets: [device], verify: false });
  ok = result.results[0]?.outcome === 'written';
  if (!ok) console.error(result.results[0]?.error?.message ?? 'no result');
  directIo = result.results[0]?.directIo ?? null;
} else {
  ok = (await verifyImage({ ...source, target: device })).match;
}
await handed?.stop();
const ms = performance.now() - started;
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
console.log(JSON.stringify({ ms, ok, directIo, vmHwmKiB: hwm ? Number(hwm) : null }));
