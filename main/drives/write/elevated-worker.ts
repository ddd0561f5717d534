import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import { DriveWriteError } from '../../../core/drives/write-error.js';
import { BootmendError } from '../../../core/errors.js';
import { JobLineSchema, SECRET_ARG, secretDigest, type WorkerError, type WorkerLine } from './protocol.js';
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

export function fileChannel(jobFile: string, outFile: string, cancelFile: string): WorkerChannel {
  let timer: NodeJS.Timeout | null = null;
  return {
    async readJob() {
      try {
        return readFileSync(jobFile, 'utf8').split('\n')[0] ?? null;
      } catch {
        return null;
      } finally {
        rmSync(jobFile, { force: true }); // one job per secret: the file is gone once read
      }
    },
    send: (line) => appendFileSync(outFile, `${JSON.stringify(line)}\n`),
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
    },
  };
}

/** Runs one job from the channel; returns the process exit code (0 result sent, 1 error sent, 2 job refused). */
export async function runWorker(channel: WorkerChannel, expectedDigest: string | undefined): Promise<number> {
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
    channel.onCancel(() => controller.abort());
    const result = await runJobHere(parsed.data.job, controller.signal, (progress) => channel.send({ type: 'progress', progress }));
    channel.send({ type: 'result', result });
    return 0;
  } catch (error) {
    channel.send({ type: 'error', error: errorLine(error) });
    return 1;
  } finally {
    channel.close();
  }
}

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
  const channel =
    jobFile && outFile && cancelFile ? fileChannel(jobFile, outFile, cancelFile) : stdioChannel(process.stdin, (text) => process.stdout.write(text));
  return runWorker(channel, argValue(argv, SECRET_ARG));
}

// Run when started as a program (node --import tsx elevated-worker.ts, or a bundle of it), not when imported.
// No top-level await: the Electron main bundle that imports this for WORKER_FLAG is CommonJS.
if (process.argv[1] && /elevated-worker\.(ts|mjs|cjs|js)$/.test(process.argv[1])) {
  void workerMain(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
