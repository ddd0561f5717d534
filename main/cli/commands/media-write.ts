import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import type { WriteDrivesResult } from '../../../core/drives/write.js';
import { describeOffset } from '../../../core/drives/write-rules.js';
import type { BootmendError } from '../../../core/errors.js';
import { formatBytes } from '../../../core/progress.js';
import type { BootmendApi } from '../../api.js';
import { resolveDriveName } from '../../drives/drive-name.js';
import { ApiCallError, callApi, printJson } from '../call.js';
import { UsageError, type Command, type OptionValues } from '../command.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../output.js';

/**
 * `bootmend media write` / `media verify`: the writeDrives and verifyDrive API methods, whose
 * handler decides how the job gets its rights (main/drives/write/run-job.ts: root runs it in
 * this process, anyone else through the elevated writer). The CLI adds the confirmation
 * question, the printing and the exit codes.
 */

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

/** "/dev/sdb (SanDisk Cruzer Blade, 16.0 GB, label RESCUE)" — what the technician recognises, from the API's drive list. */
async function describeTargets(api: BootmendApi, io: Io, targets: string[]): Promise<string[]> {
  const drives = await callApi(api, 'listDrives', { includeUsbHdd: true }, io, false).then(
    (answer) => answer.drives,
    () => [],
  );
  return Promise.all(
    targets.map(async (target) => {
      const device = await resolveDriveName(target);
      const entry = drives.find((d) => d.device === device);
      if (entry) {
        const parts = [[entry.vendor, entry.model].filter(Boolean).join(' '), formatBytes(entry.size), entry.labels.length ? `label ${entry.labels.join(', ')}` : ''];
        return `${target} (${parts.filter(Boolean).join(', ')})`;
      }
      const info = await stat(target).catch(() => null);
      return info?.isFile() ? `${target} (a file, not a drive: the writer will refuse it)` : device === target ? target : `${target} (${device})`;
    }),
  );
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
    async run({ api, io, args, options, json }) {
      const image = imageArg(args, 'media write');
      const drives = drivesOption(options, 'media write');
      const verify = options['no-verify'] !== true;
      if (options.yes !== true) {
        if (!terminal.interactive()) throw new UsageError('media write erases the drives: add --yes to confirm when not on a terminal.');
        const described = await describeTargets(api, io, drives);
        io.err(`This erases everything on:\n${described.map((d) => `  ${d}\n`).join('')}and writes ${image} to it.\n`);
        const answer = await terminal.ask('Type "yes" to continue: ');
        if (answer.trim().toLowerCase() !== 'yes') {
          io.err('Nothing was written.\n');
          return EXIT.CANCELLED;
        }
      }
      const result = await callApi(
        api,
        'writeDrives',
        {
          image,
          drives,
          verify,
          ...(options['include-usb-hdd'] === true ? { includeUsbHdd: true } : {}),
          ...(typeof options.confirm === 'string' ? { confirm: options.confirm } : {}),
        },
        io,
        json,
      );
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
    async run({ api, io, args, options, json }) {
      const image = imageArg(args, 'media verify');
      const drives = drivesOption(options, 'media verify');
      if (drives.length > 1) throw new UsageError('media verify checks one drive at a time.');
      const target = drives[0]!;
      let result;
      try {
        result = await callApi(api, 'verifyDrive', { image, drive: target }, io, json);
      } catch (error) {
        // Could not compare at all (missing, too small, removed): that is "does not match", exit 1,
        // not a usage error. A cancel, or a request the API refused by field, goes on as it is.
        if (!(error instanceof ApiCallError) || !couldNotCompare(error)) throw error;
        if (json) printJson(io, { error: error.toJSON() });
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

/** The drive engine's refusals carry no field; the API's input checks name one. */
function couldNotCompare(error: BootmendError): boolean {
  return error.code !== 'CANCELLED' && error.field === undefined;
}

export const mediaWrite = makeMediaWrite();
export const mediaVerify = makeMediaVerify();
