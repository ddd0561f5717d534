import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { DriveWriteError, type VerifyDriveResult, type WriteDrivesResult, type WriteProgress } from '../../../core/drives/write.js';
import { describeOffset, toProgressEvent } from '../../../core/drives/write-rules.js';
import { formatBytes } from '../../../core/progress.js';
import { listDrives } from '../../drives/list.js';
import { runElevated, verifyImage, writeImage } from '../../drives/write/index.js';
import { printJson } from '../call.js';
import { UsageError, type Command, type OptionValues } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { renderBar, type Io } from '../output.js';

/** What the commands need from the terminal; tests pass their own. */
export interface TerminalDeps {
  /** stdin is a terminal a person can answer on. */
  interactive: () => boolean;
  ask: (question: string) => Promise<string>;
}

const processTerminal: TerminalDeps = {
  interactive: () => Boolean(process.stdin.isTTY),
  ask: async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
};

/** Root writes in this process; anyone else goes through the elevated writer (pkexec, sudo, a system prompt). */
const inProcess = (): boolean => process.getuid?.() === 0;

function drivesOption(options: OptionValues, command: string): string[] {
  const raw = options.drive;
  const drives = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((d): d is string => typeof d === 'string' && d !== '');
  if (drives.length === 0) throw new UsageError(`${command} needs --drive DEVICE (see "bootmend drives list").`);
  return drives;
}

function imageArg(args: string[], command: string): string {
  const [image, extra] = args;
  if (!image) throw new UsageError(`${command} needs the image file: bootmend ${command} <image> --drive DEVICE.`);
  if (extra !== undefined) throw new UsageError(`${command} takes one image; name each drive with --drive.`);
  return image;
}

/** "/dev/sdb (SanDisk Cruzer Blade, 16.0 GB, label RESCUE)" — what the technician recognises. */
async function describeTargets(targets: string[]): Promise<string[]> {
  const drives = await listDrives({ includeLoop: true, includeUsbHdd: true }).catch(() => []);
  return Promise.all(
    targets.map(async (target) => {
      const entry = drives.find((d) => d.device === target);
      if (entry) {
        const parts = [[entry.vendor, entry.model].filter(Boolean).join(' '), formatBytes(entry.size), entry.labels.length ? `label ${entry.labels.join(', ')}` : ''];
        return `${target} (${parts.filter(Boolean).join(', ')})`;
      }
      const info = await stat(target).catch(() => null);
      return info?.isFile() ? `${target} (image file, ${formatBytes(info.size)})` : target;
    }),
  );
}

/** Live progress: one redrawn line on a terminal; JSON lines on stderr with --json. */
function progressPrinter(io: Io, json: boolean, verify: boolean): { onProgress: (p: WriteProgress) => void; done: () => void } {
  let drawn = false;
  return {
    onProgress(progress) {
      const event = { jobId: 'cli', ...toProgressEvent(progress, verify) };
      if (json) return io.err(`${JSON.stringify({ type: 'progress', ...event, drives: progress.drives })}\n`);
      if (!io.tty) return;
      io.err(`\r\x1b[2K${renderBar(event)}`);
      drawn = true;
    },
    done: () => {
      if (drawn) io.err('\r\x1b[2K');
    },
  };
}

function withSigint<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  return run(controller.signal).finally(() => process.off('SIGINT', onSigint));
}

function printWriteResult(io: Io, result: WriteDrivesResult): void {
  io.out(`Image ${result.image} (${formatBytes(result.imageBytes)})${result.sha256 ? `, SHA-256 ${result.sha256}` : ''}\n`);
  for (const drive of result.results) {
    const head = drive.outcome === 'verified' ? 'verified' : drive.outcome === 'written' ? 'written' : drive.outcome;
    io.out(`${drive.device}: ${head}${drive.error && drive.outcome === 'failed' ? ` — ${drive.error.message}` : ''}\n  ${drive.leftAs}\n`);
  }
}

export function makeMediaWrite(terminal: TerminalDeps = processTerminal): Command {
  return {
    name: 'media write',
    usage:
      '<image> --drive DEV [--drive DEV ...] [--yes] [--no-verify] [--include-usb-hdd] [--confirm SIZE|LABEL]  erase drives, write the image, read it back (exit 0 only when every drive succeeded)',
    options: {
      drive: { type: 'string', multiple: true },
      yes: { type: 'boolean' },
      'no-verify': { type: 'boolean' },
      'include-usb-hdd': { type: 'boolean' },
      confirm: { type: 'string' },
    },
    async run({ io, args, options, json }) {
      const image = imageArg(args, 'media write');
      const drives = drivesOption(options, 'media write');
      const verify = options['no-verify'] !== true;
      if (options.yes !== true) {
        if (!terminal.interactive()) throw new UsageError('media write erases the drives: add --yes to confirm when not on a terminal.');
        const described = await describeTargets(drives);
        io.err(`This erases everything on:\n${described.map((d) => `  ${d}\n`).join('')}and writes ${image} to it.\n`);
        const answer = await terminal.ask('Type "yes" to continue: ');
        if (answer.trim().toLowerCase() !== 'yes') {
          io.err('Nothing was written.\n');
          return EXIT.CANCELLED;
        }
      }
      const guard = {
        ...(options['include-usb-hdd'] === true ? { includeUsbHdd: true } : {}),
        ...(typeof options.confirm === 'string' ? { confirm: options.confirm } : {}),
      };
      const printer = progressPrinter(io, json, verify);
      const result = await withSigint((signal) =>
        inProcess()
          ? writeImage({ image, targets: drives, verify, guard, signal, onProgress: printer.onProgress })
          : runElevated({ kind: 'write', image, targets: drives, verify, guard }, { signal, onProgress: printer.onProgress }),
      ).finally(printer.done);
      if (json) printJson(io, result);
      else printWriteResult(io, result);
      if (result.results.some((r) => r.outcome === 'failed')) return EXIT.FAILED;
      if (result.results.some((r) => r.outcome === 'cancelled')) return EXIT.CANCELLED;
      return EXIT.OK;
    },
  };
}

export function makeMediaVerify(): Command {
  return {
    name: 'media verify',
    usage: '<image> --drive DEV  compare a drive with an image byte for byte (exit 0 only when every byte matches)',
    options: { drive: { type: 'string', multiple: true } },
    async run({ io, args, options, json }) {
      const image = imageArg(args, 'media verify');
      const drives = drivesOption(options, 'media verify');
      if (drives.length > 1) throw new UsageError('media verify checks one drive at a time.');
      const target = drives[0]!;
      const printer = progressPrinter(io, json, false);
      let result: VerifyDriveResult;
      try {
        result = await withSigint((signal) =>
          inProcess()
            ? verifyImage({ image, target, signal, onProgress: printer.onProgress })
            : runElevated({ kind: 'verify', image, target }, { signal, onProgress: printer.onProgress }),
        ).finally(printer.done);
      } catch (error) {
        // Could not compare at all (missing, too small, removed): that is "does not match", exit 1, not a usage error.
        if (!(error instanceof DriveWriteError) || error.failure === 'CANCELLED') throw error;
        if (json) printJson(io, { error: error.info() });
        else io.err(`bootmend: ${error.message}\n`);
        return EXIT.FAILED;
      }
      if (json) printJson(io, result);
      else if (result.match) io.out(`${target} matches ${image}: every byte is the same (SHA-256 ${result.sha256Image}).\n`);
      else {
        io.out(`${target} differs from ${image} from offset ${describeOffset(result.firstMismatchOffset ?? 0)} on.\n`);
        io.out(`  image SHA-256 ${result.sha256Image}\n  drive SHA-256 ${result.sha256Target}\n`);
      }
      return result.match ? EXIT.OK : EXIT.FAILED;
    },
  };
}

export const mediaWrite = makeMediaWrite();
export const mediaVerify = makeMediaVerify();
