import { constants } from 'node:fs';
import { open, readFile, realpath, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { DriveWriteError } from '../../../core/drives/write-error.js';
import { say } from '../../../core/drives/write-rules.js';

/** What Bootmend knows about a write target before opening it. */
export interface TargetInfo {
  /** As the caller named it (/dev/sdb, /dev/disk4, \\.\PHYSICALDRIVE2, or an image file). */
  device: string;
  /** Symlinks resolved (/dev/disk/by-id/usb-... -> /dev/sdb). */
  path: string;
  kind: 'block' | 'file';
  size: number;
  /** Linux: the kernel's name (sdb, loop3), for /sys/class/block; null elsewhere or for files. */
  sysName: string | null;
  /** The kernel's read-only flag (write-protect switch, `losetup -r`). */
  readOnly: boolean;
}

const GONE = new Set(['ENOENT', 'ENXIO', 'ENODEV', 'ENOMEDIUM']);
const WINDOWS_DEVICE = /^\\\\\.\\/;

const errnoOf = (error: unknown): string => (error as NodeJS.ErrnoException | undefined)?.code ?? 'EUNKNOWN';

/**
 * Looks at the target without opening it for writing. Sizes of block devices come from
 * /sys on Linux; elsewhere (macOS, Windows) from `knownSize`, the drive list's size.
 */
export async function inspectTarget(device: string, knownSize?: number): Promise<TargetInfo> {
  if (process.platform === 'win32' && WINDOWS_DEVICE.test(device)) {
    return { device, path: device, kind: 'block', size: knownSize ?? 0, sysName: null, readOnly: false };
  }
  let resolved: string;
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    resolved = await realpath(device);
    info = await stat(resolved);
  } catch (error) {
    if (GONE.has(errnoOf(error))) throw new DriveWriteError('DRIVE_VANISHED', say.vanished(device), { cause: error });
    throw new DriveWriteError('WRITE_FAILED', `Bootmend cannot look at ${device} (${errnoOf(error)}).`, { cause: error });
  }
  if (info.isFile()) return { device, path: resolved, kind: 'file', size: info.size, sysName: null, readOnly: false };
  if (!info.isBlockDevice() && !info.isCharacterDevice()) {
    throw new DriveWriteError('NOT_ALLOWED', `${device} is neither a drive nor an image file.`);
  }
  if (process.platform !== 'linux') return { device, path: resolved, kind: 'block', size: knownSize ?? 0, sysName: null, readOnly: false };
  const sysName = path.basename(resolved);
  const sys = `/sys/class/block/${sysName}`;
  const [sectors, ro] = await Promise.all([readSys(`${sys}/size`), readSys(`${sys}/ro`)]);
  // /sys sizes are in 512-byte sectors whatever the drive's own block size.
  const size = sectors === null ? (knownSize ?? 0) : Number(sectors) * 512;
  if (sectors === '0') throw new DriveWriteError('DRIVE_VANISHED', say.vanished(device)); // a card reader with no card, a detached loop device
  return { device, path: resolved, kind: 'block', size, sysName, readOnly: ro === '1' };
}

async function readSys(file: string): Promise<string | null> {
  return readFile(file, 'utf8').then((text) => text.trim(), () => null);
}

export interface OpenedTarget {
  handle: FileHandle;
  direct: boolean;
}

/**
 * Opens the target for writing and reading back: O_DIRECT where the OS allows (so the
 * read-back comes from the drive, not the page cache), exclusive for block devices (Linux
 * refuses with EBUSY while a partition is mounted or another program holds it exclusively).
 * Falls back to buffered I/O when O_DIRECT is refused with EINVAL (some file systems).
 */
export async function openTarget(target: TargetInfo, options: { direct: boolean }): Promise<OpenedTarget> {
  const exclusive = target.kind === 'block' && process.platform === 'linux' ? constants.O_EXCL : 0;
  const base = constants.O_RDWR | exclusive;
  const direct = options.direct && constants.O_DIRECT !== undefined;
  if (direct) {
    try {
      return { handle: await open(target.path, base | constants.O_DIRECT), direct: true };
    } catch (error) {
      if (errnoOf(error) !== 'EINVAL') throw openError(target.device, error);
    }
  }
  try {
    return { handle: await open(target.path, base), direct: false };
  } catch (error) {
    throw openError(target.device, error);
  }
}

/** A second, buffered handle for the unaligned tail of the image (O_DIRECT needs whole blocks). */
export async function openBuffered(target: TargetInfo, flags: 'r' | 'r+'): Promise<FileHandle> {
  try {
    return await open(target.path, flags);
  } catch (error) {
    throw openError(target.device, error);
  }
}

/** Opens the target read-only for `media verify`, O_DIRECT where allowed. */
export async function openForReading(target: TargetInfo): Promise<OpenedTarget> {
  if (constants.O_DIRECT !== undefined) {
    try {
      return { handle: await open(target.path, constants.O_RDONLY | constants.O_DIRECT), direct: true };
    } catch (error) {
      if (errnoOf(error) !== 'EINVAL') throw openError(target.device, error);
    }
  }
  try {
    return { handle: await open(target.path, constants.O_RDONLY), direct: false };
  } catch (error) {
    throw openError(target.device, error);
  }
}

/** Turns an open() failure into the sentence for the technician. */
export function openError(device: string, error: unknown): DriveWriteError {
  const code = errnoOf(error);
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
export async function readFully(handle: FileHandle, buffer: Buffer, length: number, position: number): Promise<number> {
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
