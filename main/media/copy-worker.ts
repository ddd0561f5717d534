import { Worker } from 'node:worker_threads';
import { BootmendError } from '../../core/errors.js';

/**
 * Copies many files into positions of one open image file on a worker thread, with plain
 * synchronous reads and positional writes through one 256 KiB buffer. Why a thread: through
 * fs.promises every read and write is a thread-pool round trip plus a promise, and for a
 * WinPE tree (thousands of small files, each open/read/close) that overhead, not the disk,
 * made the FAT writer 5x slower than mkfs.fat + mcopy. On its own thread the loop runs at
 * the speed of the system calls while the main thread (UI, API, progress) stays free.
 *
 * The buffer is small on purpose (as cp's and mcopy's are): it stays in the CPU cache between
 * the read that fills it and the write that empties it; with 4-8 MiB buffers every byte
 * missed the cache twice and the same copy took 3-4x longer here.
 * Sources are whole files or byte ranges of one (a file inside an ISO base). Files are copied
 * in the order given; nearby positions are joined in the buffer (a gap of up to 64 KiB is
 * zero-filled), and a buffer that is all zeros is not written at all: the image was created at
 * its full size, so an unwritten range is a hole that reads as zeros.
 */

export interface CopyJob {
  /** The source file on disk. */
  path: string;
  /** Where the bytes start in it (a file inside an ISO base); 0 for a whole file. */
  offset: number;
  /** The bytes are the whole file: then a file that grew meanwhile is noticed too. */
  whole: boolean;
  size: number;
  /** Byte offset in the image. */
  position: number;
  /** Shown in the error when the file changed while being copied. */
  name: string;
  /** What lies just before this file is written by someone else meanwhile: never zero-fill up to it. */
  separate?: boolean;
}

export interface CopyControl {
  onBytes: (bytes: number) => void;
  signal?: AbortSignal;
}

const IDLE_MS = 30_000;

/** The worker's source: plain CommonJS so it runs from a string under tsx, vitest, esbuild bundles and Electron alike. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
// A thread started ahead (prewarmCopyThread) that is never given work ends itself.
const idle = setTimeout(() => process.exit(0), ${IDLE_MS});
parentPort.once('message', (message) => {
clearTimeout(idle);
const { fd, jobs, control } = message;
const abort = new Int32Array(control);
const BUFFER = 256 << 10, MAX_GAP = 64 << 10, REPORT = 4 << 20, ZERO = Buffer.alloc(64 << 10);
const buffer = Buffer.allocUnsafe(BUFFER);
const probe = Buffer.allocUnsafe(1);
let base = 0, fill = 0, unreported = 0;
function isZero(length) {
  for (let at = 0; at < length; at += ZERO.length) {
    const end = Math.min(length, at + ZERO.length);
    if (!buffer.subarray(at, end).equals(ZERO.subarray(0, end - at))) return false;
  }
  return true;
}
function flush() {
  if (fill > 0 && !isZero(fill)) {
    for (let done = 0; done < fill; ) done += fs.writeSync(fd, buffer, done, fill - done, base + done);
  }
  base += fill;
  fill = 0;
}
function report(bytes) {
  unreported += bytes;
  if (unreported >= REPORT) { parentPort.postMessage({ type: 'bytes', bytes: unreported }); unreported = 0; }
}
(function main() {
try {
  for (const job of jobs) {
    if (Atomics.load(abort, 0) !== 0) { parentPort.postMessage({ type: 'aborted' }); return; }
    const gap = job.position - (base + fill);
    if (fill > 0 && (job.separate || gap < 0 || gap > MAX_GAP || fill + gap >= BUFFER)) flush();
    if (fill === 0) base = job.position;
    else { buffer.fill(0, fill, fill + gap); fill += gap; }
    const input = fs.openSync(job.path, 'r');
    try {
      for (let copied = 0; copied < job.size; ) {
        if (fill === BUFFER) flush();
        const read = fs.readSync(input, buffer, fill, Math.min(BUFFER - fill, job.size - copied), job.offset + copied);
        if (read === 0) throw Object.assign(new Error('shrank'), { changed: job.name });
        fill += read;
        copied += read;
        report(read);
        if (Atomics.load(abort, 0) !== 0) { parentPort.postMessage({ type: 'aborted' }); return; }
      }
      if (job.whole && fs.readSync(input, probe, 0, 1, job.size) !== 0) throw Object.assign(new Error('grew'), { changed: job.name });
    } finally {
      fs.closeSync(input);
    }
  }
  flush();
  parentPort.postMessage({ type: 'bytes', bytes: unreported });
  parentPort.postMessage({ type: 'done' });
} catch (error) {
  parentPort.postMessage({ type: 'error', changed: error && error.changed, message: String(error && error.message), code: error && error.code, path: error && error.path });
}
})();
});
`;

interface CopyThread {
  worker: Worker;
  exited: boolean;
}

let spare: CopyThread | null = null;

function startThread(): CopyThread {
  const thread: CopyThread = { worker: new Worker(WORKER_SOURCE, { eval: true }), exited: false };
  thread.worker.once('exit', () => (thread.exited = true));
  // A thread that fails to start is simply not used (an 'error' with no listener would end the app).
  thread.worker.on('error', () => (thread.exited = true));
  // Waiting for work must not keep the process alive; copyFilesAt refs it while it works.
  thread.worker.unref();
  return thread;
}

/**
 * Starts the copy thread now. A thread takes ~55 ms to start here, 10% of building a FAT
 * image from a WinPE tree; started before the folder walk and the layout, that time overlaps
 * them instead of following them. The next copyFilesAt uses it; unused, it ends after 30 s.
 */
export function prewarmCopyThread(): void {
  if (spare === null || spare.exited) spare = startThread();
}

type WorkerMessage =
  | { type: 'bytes'; bytes: number }
  | { type: 'done' }
  | { type: 'aborted' }
  | { type: 'error'; changed?: string; message: string; code?: string; path?: string };

/** Runs the jobs on a worker thread; `fd` must be open for writing and stay open until this settles. */
export function copyFilesAt(fd: number, jobs: readonly CopyJob[], control: CopyControl): Promise<void> {
  if (jobs.length === 0) return Promise.resolve();
  const abortFlag = new SharedArrayBuffer(4);
  const thread = spare !== null && !spare.exited ? spare : startThread();
  spare = null;
  const worker = thread.worker;
  worker.ref();
  worker.postMessage({ fd, jobs, control: abortFlag });
  const onAbort = (): void => {
    Atomics.store(new Int32Array(abortFlag), 0, 1);
  };
  control.signal?.addEventListener('abort', onAbort, { once: true });
  if (control.signal?.aborted) onAbort();
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (error: unknown): void => {
      if (settled) return;
      settled = true;
      control.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (error) reject(error);
      else resolve();
    };
    worker.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'bytes':
          try {
            control.onBytes(message.bytes);
          } catch (error) {
            onAbort();
            settle(error);
          }
          return;
        case 'done':
          return settle(null);
        case 'aborted':
          return settle(new BootmendError('CANCELLED', 'The image build was cancelled; nothing usable was written.'));
        case 'error':
          if (message.changed) return settle(new BootmendError('IO_ERROR', `${message.changed} changed size while the image was being written; close whatever is changing it and build again.`));
          return settle(new BootmendError('IO_ERROR', `Copying into the image failed: ${message.message}${message.path ? ` (${message.path})` : ''}.`));
      }
    });
    worker.on('error', (error) => settle(new BootmendError('IO_ERROR', `Copying into the image failed: ${error.message}.`, { cause: error })));
    worker.on('exit', () => settle(new BootmendError('INTERNAL', 'The copy thread stopped before it finished.')));
  });
}
