import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import { DriveWriteError } from '../../../core/drives/write-error.js';
import { BootmendError } from '../../../core/errors.js';
import { CHANNEL_FILES, CHANNEL_FOLDER_PREFIX, ElevatedJobSchema, JobLineSchema, SECRET_ARG, jobRefusal, secretDigest, type WorkerError, type WorkerLine } from './protocol.js';
import { primaryGroupOf, type Invoker } from './image-source.js';
import { runJobHere } from './run-here.js';

/**
 * The elevated writer: a short-lived process started by elevate.ts with administrator
 * rights. It takes exactly one job, streams progress and one result as JSON lines, and exits.
 * It never listens on a port. Channels:
 *   stdio (root, pkexec, sudo): the job on stdin, lines on stdout, "cancel" or EOF on stdin cancels;
 *   files (sudo-prompt, which cannot pipe stdio): --job-file (read once, then deleted),
 *         --out-file (lines appended), --cancel-file (its appearance cancels), all in a 0700 folder.
 */

export interface WorkerChannel {
  /** Resolves with the first line of the job (or null when none comes). */
  readJob(): Promise<string | null>;
  send(line: WorkerLine): void;
  /** Calls back once when the app asks to cancel (or goes away). */
  onCancel(cancel: () => void): void;
  close(): void;
  /**
   * The file channel only: the account that made its folder, which is the app that asked. The
   * image is read as this account whatever the job claims (sudo-prompt's macOS prompt records
   * no invoker, so the claim would otherwise decide, and a claim of root would read as root).
   */
  readonly owner?: Invoker | null;
}

export function stdioChannel(input: Readable, write: (text: string) => void): WorkerChannel {
  const lines = createInterface({ input, crlfDelay: Infinity });
  const iterator = lines[Symbol.asyncIterator]();
  let cancel: (() => void) | null = null;
  let cancelled = false;
  const stop = (): void => {
    cancelled = true;
    cancel?.();
  };
  return {
    async readJob() {
      const first = await iterator.next();
      // After the job, any line (the app sends {"type":"cancel"}) or the end of input (the app went away) means: stop.
      void iterator.next().then(stop, stop);
      return first.done ? null : first.value;
    },
    send: (line) => write(`${JSON.stringify(line)}\n`),
    onCancel: (callback) => {
      cancel = callback;
      if (cancelled) callback();
    },
    close: () => {
      cancel = null;
      lines.close();
      input.destroy();
    },
  };
}

/**
 * The folder of the file channel, checked before any file in it is opened. The writer runs as
 * root and the paths come from its command line, so whoever could start it could otherwise name
 * any file for root to append to (an --out-file of /root/.bashrc) or delete (the --job-file is
 * removed once read). Only the folder elevate.ts makes is accepted: its three files by name, in
 * one folder named bootmend-writer-…, which is a real folder (not a link) closed to other
 * accounts. Returns the folder's owner, whom every file in it must belong to (null on Windows,
 * where the elevated writer is the same account and modes say nothing).
 */
function channelFolderOwner(jobFile: string, outFile: string, cancelFile: string): number | null {
  const folder = dirname(outFile);
  const named = basename(jobFile) === CHANNEL_FILES.job && basename(outFile) === CHANNEL_FILES.out && basename(cancelFile) === CHANNEL_FILES.cancel;
  if (!named || dirname(jobFile) !== folder || dirname(cancelFile) !== folder || !basename(folder).startsWith(CHANNEL_FOLDER_PREFIX)) {
    throw new Error(`the job, out and cancel files must be ${CHANNEL_FILES.job}, ${CHANNEL_FILES.out} and ${CHANNEL_FILES.cancel} in one ${CHANNEL_FOLDER_PREFIX}… folder made by Bootmend`);
  }
  const info = lstatSync(folder);
  if (!info.isDirectory()) throw new Error(`${folder} is not a folder (a link or a file is in its place)`);
  if (process.platform === 'win32') return null;
  if ((info.mode & 0o077) !== 0) throw new Error(`${folder} is open to other accounts (mode ${(info.mode & 0o777).toString(8)}, not 700)`);
  return info.uid;
}

/**
 * Opens a file the app made for this run, never through a link (a link planted in its place
 * would have root write or read wherever it points), and only when it is a plain file with one
 * name (not a hard link to someone else's file) belonging to the channel folder's owner.
 */
function openOwnFile(file: string, flags: number, owner: number | null): number {
  const fd = openSync(file, flags | (constants.O_NOFOLLOW ?? 0));
  const info = fstatSync(fd);
  const problem = !info.isFile() ? 'is not a plain file' : info.nlink !== 1 ? 'has other names (a hard link)' : owner !== null && info.uid !== owner ? 'belongs to another account than its folder' : null;
  if (problem) {
    closeSync(fd);
    throw new Error(`${file} ${problem}`);
  }
  return fd;
}

/** Throws when the channel's files cannot be opened safely (see channelFolderOwner): then nothing is written or removed anywhere. */
export function fileChannel(jobFile: string, outFile: string, cancelFile: string): WorkerChannel {
  let timer: NodeJS.Timeout | null = null;
  const owner = channelFolderOwner(jobFile, outFile, cancelFile);
  // The app creates the out file (0600, in its 0700 folder); the writer only appends to that very file.
  const out = openOwnFile(outFile, constants.O_WRONLY | constants.O_APPEND, owner);
  return {
    owner: owner === null ? null : { uid: owner, gid: primaryGroupOf(owner) ?? owner },
    async readJob() {
      let fd: number;
      try {
        fd = openOwnFile(jobFile, constants.O_RDONLY, owner);
      } catch {
        return null; // not the app's job file: left where it is
      }
      try {
        return readFileSync(fd, 'utf8').split('\n')[0] ?? null;
      } catch {
        return null;
      } finally {
        closeSync(fd);
        rmSync(jobFile, { force: true }); // one job per secret: the file is gone once read
      }
    },
    send: (line) => void writeSync(out, `${JSON.stringify(line)}\n`),
    onCancel: (callback) => {
      timer = setInterval(() => {
        if (existsSync(cancelFile)) {
          if (timer) clearInterval(timer);
          callback();
        }
      }, 200);
      timer.unref();
    },
    close: () => {
      if (timer) clearInterval(timer);
      closeSync(out);
    },
  };
}

/**
 * Runs one job from the channel; returns the process exit code (0 result sent, 1 error sent, 2 job refused; workerMain: 3 unsafe output file).
 * On Windows a job must hand the image over (image-stream.ts): this administrator token would read any path it named.
 */
export async function runWorker(channel: WorkerChannel, expectedDigest: string | undefined, platform: NodeJS.Platform = process.platform): Promise<number> {
  channel.send({ type: 'hello', pid: process.pid });
  const controller = new AbortController();
  try {
    const text = await channel.readJob();
    const parsed = text === null ? null : JobLineSchema.safeParse(safeJson(text));
    if (!parsed?.success || !expectedDigest || !sameDigest(secretDigest(parsed.data.secret), expectedDigest)) {
      // Never echo the job: it carries the secret.
      channel.send({ type: 'error', error: { code: 'UNAUTHORIZED', message: 'The drive writer refused a job that did not come from the Bootmend that started it.' } });
      return 2;
    }
    const job = ElevatedJobSchema.safeParse(parsed.data.job);
    if (!job.success) {
      channel.send({ type: 'error', error: { code: 'INVALID_INPUT', message: jobRefusal(parsed.data.job) } });
      return 2;
    }
    if (platform === 'win32' && !job.data.imageStream) {
      channel.send({ type: 'error', error: { code: 'INVALID_INPUT', message: IMAGE_PATH_REFUSED } });
      return 2;
    }
    channel.onCancel(() => controller.abort());
    const asked = channel.owner ? { ...job.data, invoker: channel.owner } : job.data;
    const result = await runJobHere(asked, controller.signal, (progress) => channel.send({ type: 'progress', progress }));
    channel.send({ type: 'result', result });
    return 0;
  } catch (error) {
    channel.send({ type: 'error', error: errorLine(error) });
    return 1;
  } finally {
    channel.close();
  }
}

export const IMAGE_PATH_REFUSED =
  'The drive writer refused the job: on Windows it reads the image only as Bootmend hands it over, never from a path with administrator rights; nothing was written.';

function errorLine(error: unknown): WorkerError {
  if (error instanceof DriveWriteError) {
    return { code: error.code, failure: error.failure, message: error.message, ...(error.offset !== undefined ? { offset: error.offset } : {}) };
  }
  if (error instanceof BootmendError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: `The drive writer failed: ${(error as Error).message ?? String(error)}` };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function argValue(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
}

/** The process entry: picks the channel from the arguments and exits with runWorker's code. */
export async function workerMain(argv: string[]): Promise<number> {
  const jobFile = argValue(argv, '--job-file');
  const outFile = argValue(argv, '--out-file');
  const cancelFile = argValue(argv, '--cancel-file');
  let channel: WorkerChannel;
  try {
    channel = jobFile && outFile && cancelFile ? fileChannel(jobFile, outFile, cancelFile) : stdioChannel(process.stdin, (text) => process.stdout.write(text));
  } catch (error) {
    process.stderr.write(`The drive writer refused its channel files: ${(error as Error).message}. Nothing was written or removed.\n`);
    return 3;
  }
  return runWorker(channel, argValue(argv, SECRET_ARG));
}

// Run when started as a program (node --import tsx elevated-worker.ts, or a bundle of it), not when imported.
// No top-level await: the Electron main bundle that imports this for WORKER_FLAG is CommonJS.
if (process.argv[1] && /elevated-worker\.(ts|mjs|cjs|js)$/.test(process.argv[1])) {
  void workerMain(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
