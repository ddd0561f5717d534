import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { lstat, open, readFile, readlink, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { DriveWriteError } from '../../../core/drives/write-error.js';
import { say } from '../../../core/drives/write-rules.js';
import { parseDiskutilInfo } from './disk-size.js';
import type { PositionalReader } from './image-source.js';

/** What Bootmend knows about a write target before opening it: always a disk (files and links are refused). */
export interface TargetInfo {
  /** As the caller named it (/dev/sdb, /dev/disk4, \\.\PHYSICALDRIVE2); a link was resolved by the app before. */
  device: string;
  /** What is opened: the device node itself, never through a link. */
  path: string;
  kind: 'block';
  /** Bytes; 0 until known (Windows: taken from the drive list once the guard found the drive). */
  size: number;
  /** Linux: the kernel's name (sdb, loop3), for /sys/class/block; null elsewhere. */
  sysName: string | null;
  /** The kernel's read-only flag (write-protect switch, `losetup -r`). */
  readOnly: boolean;
  /** The device number seen when the target was checked; the opened handle must carry the same. Null on Windows. */
  rdev: number | null;
}

const GONE = new Set(['ENOENT', 'ENXIO', 'ENODEV', 'ENOMEDIUM']);
const WINDOWS_DEVICE = /^\\\\\.\\PHYSICALDRIVE\d+$/i;
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

const errnoOf = (error: unknown): string => (error as NodeJS.ErrnoException | undefined)?.code ?? 'EUNKNOWN';

/** Runs a command and returns its stdout; tests of the macOS path pass recorded outputs instead. */
export type CommandRunner = (command: string, args: string[]) => Promise<string>;
const runCommand: CommandRunner = async (command, args) => (await promisify(execFile)(command, args, { encoding: 'utf8' })).stdout;

/** Linux's dev_t: major and minor, as /sys/dev/block names them. */
export function deviceNumbers(rdev: number): { major: number; minor: number } {
  const high = Math.floor(rdev / 2 ** 32);
  const low = rdev % 2 ** 32;
  return { major: ((low >>> 8) & 0xfff) | ((high & 0xfffff000) >>> 0), minor: (low & 0xff) | ((low >>> 12) & 0xfff00) };
}

/**
 * Looks at the target without opening it for writing, and refuses what is not a disk: a plain
 * file, a link (even to a disk: the app and the CLI resolve a typed /dev/disk/by-id name before the
 * job), a character device, a partition on macOS. Sizes come from /sys on Linux, `diskutil info
 * -plist` on macOS, and the drive list on Windows (see withListedSize).
 */
export async function inspectTarget(device: string, options: { platform?: NodeJS.Platform; run?: CommandRunner } = {}): Promise<TargetInfo> {
  const platform = options.platform ?? process.platform;
  if (platform === 'win32' && WINDOWS_DEVICE.test(device)) {
    return { device, path: device, kind: 'block', size: 0, sysName: null, readOnly: false, rdev: null };
  }
  let info: Awaited<ReturnType<typeof lstat>>;
  try {
    info = await lstat(device);
  } catch (error) {
    if (GONE.has(errnoOf(error))) throw new DriveWriteError('DRIVE_VANISHED', say.vanished(device), { cause: error });
    throw new DriveWriteError('WRITE_FAILED', `Bootmend cannot look at ${device} (${errnoOf(error)}).`, { cause: error });
  }
  if (info.isSymbolicLink()) throw new DriveWriteError('NOT_ALLOWED', say.isLink(device, await readlink(device).catch(() => 'somewhere else')));
  if (info.isFile()) throw new DriveWriteError('NOT_ALLOWED', say.notADisk(device, 'a file'));
  // macOS names each disk twice: /dev/diskN (block) and /dev/rdiskN (the faster raw character device).
  const rawDisk = platform === 'darwin' && info.isCharacterDevice();
  if (!info.isBlockDevice() && !rawDisk) throw new DriveWriteError('NOT_ALLOWED', say.notADisk(device, info.isDirectory() ? 'a folder' : 'neither a file nor a disk'));
  const base = { device, path: device, kind: 'block' as const, rdev: info.rdev };
  if (platform === 'darwin') {
    const disk = parseDiskutilInfo(await (options.run ?? runCommand)('diskutil', ['info', '-plist', device]).catch(() => ''));
    if (disk.wholeDisk === false) throw new DriveWriteError('NOT_ALLOWED', say.notADisk(device, 'a partition'));
    return { ...base, size: disk.size ?? 0, sysName: null, readOnly: disk.writable === false };
  }
  if (platform !== 'linux') return { ...base, size: 0, sysName: null, readOnly: false };
  // By device number, not by name: the node may be called anything, /sys knows the disk behind it.
  const { major, minor } = deviceNumbers(info.rdev);
  const sys = `/sys/dev/block/${major}:${minor}`;
  const [sysPath, sectors, ro, partition] = await Promise.all([
    realpath(sys).catch(() => null),
    readSys(`${sys}/size`),
    readSys(`${sys}/ro`),
    readSys(`${sys}/partition`),
  ]);
  if (partition !== null) throw new DriveWriteError('NOT_ALLOWED', say.notADisk(device, 'a partition'));
  if (sectors === '0') throw new DriveWriteError('DRIVE_VANISHED', say.vanished(device)); // a card reader with no card, a detached loop device
  // /sys sizes are in 512-byte sectors whatever the drive's own block size.
  return { ...base, size: sectors === null ? 0 : Number(sectors) * 512, sysName: sysPath ? path.basename(sysPath) : null, readOnly: ro === '1' };
}

/** Windows: the size the drive list recorded (systeminformation's PowerShell Win32_DiskDrive query), when nothing else told it. */
export function withListedSize(target: TargetInfo, listed: { size: number } | undefined): TargetInfo {
  return target.size === 0 && listed && listed.size > 0 ? { ...target, size: listed.size } : target;
}

async function readSys(file: string): Promise<string | null> {
  return readFile(file, 'utf8').then((text) => text.trim(), () => null);
}

export interface OpenedTarget {
  handle: FileHandle;
  direct: boolean;
}

/**
 * Opens the checked target without following links (a node swapped for a link after the check
 * fails with ELOOP), then checks the opened handle itself: still a disk, and the same device
 * number as when it was checked (a node swapped for another disk's node is refused).
 */
async function openChecked(target: TargetInfo, flags: number): Promise<FileHandle> {
  const handle = await open(target.path, flags | NO_FOLLOW);
  if (target.rdev === null) return handle;
  try {
    const opened = await handle.stat();
    const disk = opened.isBlockDevice() || (process.platform === 'darwin' && opened.isCharacterDevice());
    if (!disk) throw new DriveWriteError('NOT_ALLOWED', say.swapped(target.device, opened.isFile() ? 'became a file' : 'stopped being a disk'));
    if (opened.rdev !== target.rdev) throw new DriveWriteError('NOT_ALLOWED', say.swapped(target.device, 'became another device'));
    return handle;
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Opens the target for writing and reading back: O_DIRECT where the OS allows (so the
 * read-back comes from the drive, not the page cache), exclusive for block devices (Linux
 * refuses with EBUSY while a partition is mounted or another program holds it exclusively).
 * Falls back to buffered I/O when O_DIRECT is refused with EINVAL.
 */
export async function openTarget(target: TargetInfo, options: { direct: boolean }): Promise<OpenedTarget> {
  const exclusive = process.platform === 'linux' ? constants.O_EXCL : 0;
  return openWith(target, constants.O_RDWR | exclusive, options.direct);
}

async function openWith(target: TargetInfo, base: number, wantDirect: boolean): Promise<OpenedTarget> {
  const direct = wantDirect && constants.O_DIRECT !== undefined;
  if (direct) {
    try {
      return { handle: await openChecked(target, base | constants.O_DIRECT), direct: true };
    } catch (error) {
      if (errnoOf(error) !== 'EINVAL') throw openError(target.device, error);
    }
  }
  try {
    return { handle: await openChecked(target, base), direct: false };
  } catch (error) {
    throw openError(target.device, error);
  }
}

/** A second, buffered handle for the unaligned tail of the image (O_DIRECT needs whole blocks). */
export async function openBuffered(target: TargetInfo, flags: 'r' | 'r+'): Promise<FileHandle> {
  try {
    return await openChecked(target, flags === 'r' ? constants.O_RDONLY : constants.O_RDWR);
  } catch (error) {
    throw openError(target.device, error);
  }
}

/** Opens the target read-only for `media verify`, O_DIRECT where allowed. */
export async function openForReading(target: TargetInfo): Promise<OpenedTarget> {
  return openWith(target, constants.O_RDONLY, true);
}

/** Turns an open() failure into the sentence for the technician. */
export function openError(device: string, error: unknown): DriveWriteError {
  if (error instanceof DriveWriteError) return error;
  const code = errnoOf(error);
  if (code === 'ELOOP') return new DriveWriteError('NOT_ALLOWED', say.swapped(device, 'became a link'), { cause: error });
  if (GONE.has(code)) return new DriveWriteError('DRIVE_VANISHED', say.vanished(device), { cause: error });
  if (code === 'EROFS') return new DriveWriteError('WRITE_PROTECTED', say.writeProtected(device), { cause: error });
  if (code === 'EACCES' || code === 'EPERM') {
    // As administrator, a refused open means the kernel holds the drive read-only; as a user, it means missing rights.
    const elevated = process.platform === 'win32' || process.getuid?.() === 0;
    return elevated
      ? new DriveWriteError('WRITE_PROTECTED', say.writeProtected(device), { cause: error })
      : new DriveWriteError('ELEVATION_REFUSED', say.needsAdmin(device), { cause: error });
  }
  if (code === 'EBUSY') return new DriveWriteError('DRIVE_BUSY', say.busy(device, 'a partition is still mounted or another program has it open'), { cause: error });
  return new DriveWriteError('WRITE_FAILED', `Bootmend cannot open ${device} for writing (${code}).`, { cause: error });
}

/** errno values that mean the drive went away or stopped answering mid-transfer. */
const REMOVED = new Set(['EIO', 'ENODEV', 'ENXIO', 'ENOMEDIUM', 'ESHUTDOWN', 'ENOENT']);

/**
 * Turns a failure during writing or reading back into the sentence for the technician.
 * ENOSPC on a block device whose size was checked before the first byte can only mean the
 * drive shrank under us — it was removed (or a loop device's file was cut: how the tests pull a stick).
 */
export function transferError(target: TargetInfo, error: unknown, phase: 'writing' | 'verifying', done: number, total: number): DriveWriteError {
  if (error instanceof DriveWriteError) return error;
  const code = errnoOf(error);
  const gone = REMOVED.has(code) || (code === 'ENOSPC' && target.kind === 'block');
  if (gone) return new DriveWriteError('DRIVE_REMOVED', say.removed(done, total, phase), { offset: done, cause: error });
  if (code === 'EROFS' || code === 'EPERM' || code === 'EACCES') return new DriveWriteError('WRITE_PROTECTED', say.writeProtected(target.device), { offset: done, cause: error });
  const detail = code === 'ENOSPC' ? `the disk holding ${target.device} is full` : code;
  return phase === 'writing'
    ? new DriveWriteError('WRITE_FAILED', say.writeFailed(done, total, detail), { offset: done, cause: error })
    : new DriveWriteError('READ_FAILED', say.readFailed(done, total, detail), { offset: done, cause: error });
}

/** Reads exactly `length` bytes at `position` unless the target ends first; returns how many were read. */
export async function readFully(handle: PositionalReader, buffer: Buffer, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** Writes exactly `length` bytes at `position` (a short write is retried from where it stopped). */
export async function writeFully(handle: FileHandle, buffer: Buffer, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesWritten } = await handle.write(buffer, done, length - done, position + done);
    if (bytesWritten === 0) throw Object.assign(new Error('the drive accepted no bytes'), { code: 'EIO' });
    done += bytesWritten;
  }
}
