import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { VerifyDriveResult, WriteDrivesResult, WriteProgress } from '../../../core/drives/write.js';
import { DriveWriteError } from '../../../core/drives/write-error.js';
import { say } from '../../../core/drives/write-rules.js';
import { BootmendError } from '../../../core/errors.js';
import { imageEndpoint, serveImage, type ServedImage } from './image-stream.js';
import { CHANNEL_FILES, CHANNEL_FOLDER_PREFIX, SECRET_ARG, WORKER_FLAG, WorkerLineSchema, secretDigest, type ElevatedJob, type WorkerLine } from './protocol.js';

export type { ElevatedJob } from './protocol.js';

/** How the writer gets administrator rights. */
export type Elevation = 'none' | 'pkexec' | 'sudo' | 'sudo-prompt';

/** Starts processes; tests pass their own to simulate a refused prompt. */
export interface Launcher {
  /** Starts a program with piped stdio (no elevation, pkexec, sudo). */
  spawn(command: string, args: string[]): ChildProcessWithoutNullStreams;
  /** Runs a shell command line elevated with a system prompt and no stdio (@vscode/sudo-prompt); resolves when it exits. */
  promptExec(commandLine: string): Promise<void>;
}

export const systemLauncher: Launcher = {
  spawn: (command, args) => spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] }),
  promptExec: async (commandLine) => {
    const sudo = (await import('@vscode/sudo-prompt')).default ?? (await import('@vscode/sudo-prompt'));
    await new Promise<void>((resolve, reject) => sudo.exec(commandLine, { name: 'Bootmend' }, (error) => (error ? reject(error) : resolve())));
  },
};

const hasCommand = (command: string): boolean => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

/**
 * Root (this machine, CI) needs nothing. Otherwise, on Linux: pkexec on a desktop (its own
 * dialog), sudo on a terminal (asks on the terminal, stdio stays ours), else sudo-prompt.
 * macOS (osascript admin prompt) and Windows (UAC) use sudo-prompt.
 */
export function chooseElevation(): Elevation {
  if (process.getuid?.() === 0) return 'none';
  if (process.platform === 'linux') {
    if ((process.env.DISPLAY || process.env.WAYLAND_DISPLAY) && hasCommand('pkexec')) return 'pkexec';
    if (process.stdin.isTTY && hasCommand('sudo')) return 'sudo';
  }
  return 'sudo-prompt';
}

/** Defined by the CLI bundle's banner (scripts/build-cli.mjs): the folder the bundle runs from. Undefined from source. */
declare const __bootmendBundleDir: URL | undefined;

/**
 * The writer's command line. From the CLI bundle: node and the bundled writer beside it. From source (CLI, tests): node with tsx's loader and the .ts
 * entry, all absolute (pkexec starts in another folder with an empty environment). In the
 * packaged Electron app (RunAsNode is fused off): the app's own executable with WORKER_FLAG,
 * which main/electron/main.ts must route to workerMain() before creating any window.
 */
export function workerCommand(): { command: string; args: string[] } {
  if (process.versions.electron) return { command: process.execPath, args: [WORKER_FLAG] };
  // The CLI bundle (scripts/build-cli.mjs) has the writer bundled beside it: no tsx, ~0.3 s to start instead of ~0.8 s.
  if (typeof __bootmendBundleDir !== 'undefined') return { command: process.execPath, args: [fileURLToPath(new URL('elevated-worker.mjs', __bootmendBundleDir))] };
  const here = fileURLToPath(import.meta.url);
  const entry = path.join(path.dirname(here), `elevated-worker${path.extname(here) || '.js'}`);
  if (entry.endsWith('.ts')) {
    const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    return { command: process.execPath, args: ['--import', loader, entry] };
  }
  return { command: process.execPath, args: [entry] };
}

export interface RunElevatedOptions {
  signal?: AbortSignal;
  onProgress?: (progress: WriteProgress) => void;
  launcher?: Launcher;
  elevation?: Elevation;
  /**
   * Hand the image to the writer over a private channel instead of naming its path
   * (image-stream.ts). Default on Windows, where the elevated writer cannot read with the user's
   * rights; elsewhere the writer opens the image as the asking account (image-source.ts).
   */
  streamImage?: boolean;
}

/**
 * Runs one job in the elevated writer and returns its result; progress arrives as it is
 * made. The job travels over the writer's own stdio (or, for sudo-prompt, files in a 0700
 * folder) with a one-time secret — never over a port.
 */
export async function runElevated(job: ElevatedJob & { kind: 'write' }, options?: RunElevatedOptions): Promise<WriteDrivesResult>;
export async function runElevated(job: ElevatedJob & { kind: 'verify' }, options?: RunElevatedOptions): Promise<VerifyDriveResult>;
export async function runElevated(job: ElevatedJob, options: RunElevatedOptions = {}): Promise<WriteDrivesResult | VerifyDriveResult> {
  const elevation = options.elevation ?? chooseElevation();
  const launcher = options.launcher ?? systemLauncher;
  const streamImage = options.streamImage ?? process.platform === 'win32';
  const secret = randomBytes(32).toString('hex');
  const { command, args } = workerCommand();
  const workerArgs = [...args, SECRET_ARG, secretDigest(secret)];
  // Our own account, for the writer to read the image as (it prefers what pkexec or sudo recorded).
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  const invoker = uid !== undefined && gid !== undefined && uid !== 0 ? { invoker: { uid, gid } } : {};
  // One private folder per job: sudo-prompt's channel files and the image's socket live there.
  const dir = elevation === 'sudo-prompt' || streamImage ? await privateFolder() : null;
  let served: ServedImage | null = null;
  try {
    if (dir && streamImage) served = await serveImage(job.image, imageEndpoint(dir));
    const handedOver = served ? { image: served.path, imageStream: { endpoint: served.endpoint, bytes: served.bytes } } : {};
    const jobLine = `${JSON.stringify({ secret, job: { ...job, ...invoker, ...handedOver } })}\n`;
    if (dir && elevation === 'sudo-prompt') return await runThroughFiles(dir, launcher, command, workerArgs, jobLine, options);
    const [program, programArgs] =
      elevation === 'pkexec' ? ['pkexec', [command, ...workerArgs]] : elevation === 'sudo' ? ['sudo', ['--', command, ...workerArgs]] : [command, workerArgs];
    return await runThroughStdio(launcher.spawn(program, programArgs), jobLine, elevation, options);
  } finally {
    await served?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

async function privateFolder(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), CHANNEL_FOLDER_PREFIX));
  await chmod(dir, 0o700);
  return dir;
}

class Outcome {
  greeted = false;
  result: WriteDrivesResult | VerifyDriveResult | null = null;
  error: BootmendError | null = null;

  constructor(private readonly onProgress: ((progress: WriteProgress) => void) | undefined) {}

  take(text: string): void {
    if (!text.trim()) return;
    let line: WorkerLine;
    try {
      line = WorkerLineSchema.parse(JSON.parse(text));
    } catch {
      return; // not ours (a loader's warning on stdout): ignore rather than fail the write
    }
    if (line.type === 'hello') this.greeted = true;
    else if (line.type === 'progress') this.onProgress?.(line.progress);
    else if (line.type === 'result') this.result = line.result;
    else {
      const { failure, code, message, offset } = line.error;
      this.error = failure ? new DriveWriteError(failure, message, offset === undefined ? undefined : { offset }) : new BootmendError(code, message);
    }
  }

  settle(exit: string, stderr: string): WriteDrivesResult | VerifyDriveResult {
    if (this.result) return this.result;
    if (this.error) throw this.error;
    const last = stderr.trim().split('\n').filter(Boolean).pop() ?? '';
    throw new DriveWriteError('WRITE_FAILED', `The drive writer stopped before finishing (${exit})${last ? `: ${last}` : ''}.`);
  }
}

/** pkexec: 126 = the dialog was dismissed, 127 = authentication failed; sudo: 1 with its own words. */
function refusal(elevation: Elevation, code: number | null, stderr: string): string | null {
  if (elevation === 'pkexec' && (code === 126 || code === 127)) return code === 126 ? 'the password prompt was dismissed' : 'authentication failed';
  if (elevation === 'sudo' && code === 1 && /password|sudoers|not allowed|authentication/i.test(stderr)) return 'sudo did not accept the password';
  return null;
}

function runThroughStdio(child: ChildProcessWithoutNullStreams, jobLine: string, elevation: Elevation, options: RunElevatedOptions): Promise<WriteDrivesResult | VerifyDriveResult> {
  const outcome = new Outcome(options.onProgress);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
  createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => outcome.take(line));
  child.stdin.on('error', () => undefined); // the writer may exit (refused) before reading its job
  child.stdin.write(jobLine);
  const cancel = (): void => {
    child.stdin.write('{"type":"cancel"}\n');
  };
  options.signal?.addEventListener('abort', cancel, { once: true });
  return new Promise((resolve, reject) => {
    child.on('error', (error) => reject(new DriveWriteError('WRITE_FAILED', `The drive writer could not start (${error.message}).`, { cause: error })));
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', cancel);
      child.stdin.destroy();
      const refused = outcome.greeted ? null : refusal(elevation, code, stderr);
      if (refused) return reject(new DriveWriteError('ELEVATION_REFUSED', say.elevationRefused(refused)));
      try {
        resolve(outcome.settle(signal ? `signal ${signal}` : `exit code ${code}`, stderr));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** Quotes one argument for the shell sudo-prompt runs (cmd on Windows, sh elsewhere). */
function quote(arg: string): string {
  if (process.platform === 'win32') return `"${arg.replace(/"/g, '""')}"`;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

async function runThroughFiles(dir: string, launcher: Launcher, command: string, args: string[], jobLine: string, options: RunElevatedOptions): Promise<WriteDrivesResult | VerifyDriveResult> {
  const jobFile = path.join(dir, CHANNEL_FILES.job);
  const outFile = path.join(dir, CHANNEL_FILES.out);
  const cancelFile = path.join(dir, CHANNEL_FILES.cancel);
  await writeFile(jobFile, jobLine, { mode: 0o600 });
  await writeFile(outFile, '', { mode: 0o600 });
  const outcome = new Outcome(options.onProgress);
  let readOffset = 0;
  let partial = '';
  const drain = async (): Promise<void> => {
    const handle = await open(outFile, 'r');
    try {
      const buffer = Buffer.alloc(1 << 16);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, readOffset);
        if (bytesRead === 0) break;
        readOffset += bytesRead;
        const lines = (partial + buffer.subarray(0, bytesRead).toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) outcome.take(line);
      }
    } finally {
      await handle.close();
    }
  };
  const poll = setInterval(() => void drain().catch(() => undefined), 250);
  const cancel = (): void => void writeFile(cancelFile, '').catch(() => undefined);
  options.signal?.addEventListener('abort', cancel, { once: true });
  const commandLine = [command, ...args, '--job-file', jobFile, '--out-file', outFile, '--cancel-file', cancelFile].map(quote).join(' ');
  try {
    let exitError: unknown = null;
    await launcher.promptExec(commandLine).catch((error: unknown) => (exitError = error));
    await drain();
    if (!outcome.greeted && exitError) {
      const message = (exitError as Error).message ?? String(exitError);
      if (/did not grant permission|polkit|cancel/i.test(message)) throw new DriveWriteError('ELEVATION_REFUSED', say.elevationRefused(message.replace(/\.$/, '')));
    }
    return outcome.settle(exitError ? (exitError as Error).message : 'exit code 0', '');
  } finally {
    clearInterval(poll);
    options.signal?.removeEventListener('abort', cancel);
  }
}
