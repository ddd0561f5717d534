import { readdir, readFile, writeFile } from 'node:fs/promises';
import si from 'systeminformation';
import {
  classifyDrives,
  DriveSnapshotSchema,
  type ClassifyOptions,
  type DriveEntry,
  type DriveSnapshot,
  type DriveSnapshotInput,
} from '../../core/drives/drives.js';
import { BootmendError } from '../../core/errors.js';

/**
 * systeminformation's raw outputs for this laptop, as one object (`bootmend drives snapshot`),
 * plus `extras` it does not report: write-protected devices (Linux /sys/block/X/ro) and
 * %SystemDrive% (Windows). Each probe may fail alone; a failed one reads as empty.
 */
export async function takeDriveSnapshot(): Promise<DriveSnapshotInput> {
  const [osInfo, blockDevices, diskLayout, fsSize, readOnlyDevices] = await Promise.all([
    si.osInfo().catch(() => ({})),
    si.blockDevices().catch(() => []),
    si.diskLayout().catch(() => []),
    si.fsSize().catch(() => []),
    process.platform === 'linux' ? linuxReadOnlyDevices() : Promise.resolve([]),
  ]);
  const systemDrive = process.platform === 'win32' ? process.env.SystemDrive : undefined;
  return {
    platform: process.platform,
    osInfo: osInfo as DriveSnapshotInput['osInfo'],
    blockDevices: (blockDevices ?? []) as DriveSnapshotInput['blockDevices'],
    diskLayout: diskLayout as DriveSnapshotInput['diskLayout'],
    fsSize: fsSize as DriveSnapshotInput['fsSize'],
    extras: {
      readOnlyDevices,
      ...(systemDrive ? { systemDrive } : {}),
      takenAt: new Date().toISOString(),
    },
  };
}

/** Block devices whose kernel read-only flag is set (write-protect switch, `losetup -r`). */
async function linuxReadOnlyDevices(): Promise<string[]> {
  const names = await readdir('/sys/block').catch(() => [] as string[]);
  const flags = await Promise.all(
    names.map(async (name) => ((await readFile(`/sys/block/${name}/ro`, 'utf8').catch(() => '0')).trim() === '1' ? name : null)),
  );
  return flags.filter((name): name is string => name !== null);
}

export interface ListDrivesOptions extends ClassifyOptions {
  /** Classify this snapshot (e.g. from `--from-snapshot`) instead of this laptop. */
  snapshot?: DriveSnapshotInput;
}

/**
 * Every disk with its verdict. When listing this laptop's drives, Bootmend's own location counts as
 * `appPath` unless one is given (the stick a portable Bootmend runs from is never offered).
 */
export async function listDrives(options: ListDrivesOptions = {}): Promise<DriveEntry[]> {
  const { snapshot, ...classify } = options;
  if (snapshot) return classifyDrives(snapshot, classify);
  const appPath = classify.appPath ?? defaultAppPath();
  return classifyDrives(await takeDriveSnapshot(), appPath ? { ...classify, appPath } : classify);
}

/** Where Bootmend itself runs from: its disk is never offered as a target. */
export function defaultAppPath(): string | undefined {
  return process.versions.electron ? process.execPath : process.argv[1];
}

/** Reads a `bootmend drives snapshot` file; errors name the file and what is wrong with it. */
export async function readSnapshotFile(path: string): Promise<DriveSnapshot> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BootmendError('NOT_FOUND', `Snapshot file ${path} does not exist.`, { field: 'snapshot' });
    throw new BootmendError('IO_ERROR', `Snapshot file ${path} cannot be read (${code ?? String(error)}).`, { field: 'snapshot', cause: error });
  }
  return parseSnapshotText(text, path);
}

/** Parses snapshot JSON text; `source` names it in errors. */
export function parseSnapshotText(text: string, source: string): DriveSnapshot {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new BootmendError('INVALID_INPUT', `Snapshot file ${source} is not JSON (${(error as Error).message}).`, { field: 'snapshot' });
  }
  const parsed = DriveSnapshotSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 3).map((issue) => {
      const where = issue.path.map(String).join('.') || 'the top level';
      return /received undefined/.test(issue.message) ? `${where} is missing` : `${where}: ${issue.message}`;
    });
    const shape = '{ "platform", "osInfo", "blockDevices", "diskLayout", "fsSize" }';
    throw new BootmendError(
      'INVALID_INPUT',
      `Snapshot file ${source} is not a drive snapshot: ${problems.join('; ')}. Expected ${shape} as written by "bootmend drives snapshot".`,
      { field: 'snapshot' },
    );
  }
  return parsed.data;
}

/** Writes this laptop's snapshot (`bootmend drives snapshot --out FILE`); returns it. */
export async function saveDriveSnapshot(path: string): Promise<DriveSnapshotInput> {
  const snapshot = await takeDriveSnapshot();
  await writeFile(path, `${JSON.stringify(snapshot, null, 2)}\n`, 'utf8');
  return snapshot;
}
