import { spawnSync } from 'node:child_process';
import { close, closeSync, constants, fstatSync, openSync, read, realpathSync } from 'node:fs';
import { DriveWriteError } from '../../../core/drives/write-error.js';
import { say } from '../../../core/drives/write-rules.js';

/** The account that asked for the write: the image is read with its rights, never root's. */
export interface Invoker {
  uid: number;
  gid: number;
}

/** Positional reads, as FileHandle.read offers them; all the engine needs of the image. */
export interface PositionalReader {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
}

export interface ImageSource extends PositionalReader {
  close(): Promise<void>;
}

export interface OpenedImage {
  source: ImageSource;
  /** Symlinks resolved, as the invoking account sees them. */
  path: string;
  bytes: number;
}

const numeric = (value: string | undefined): number | null => (value !== undefined && /^\d+$/.test(value) ? Number(value) : null);

export function primaryGroupOf(uid: number): number | null {
  const answer = spawnSync('id', ['-g', String(uid)], { encoding: 'utf8' });
  return answer.status === 0 ? numeric(answer.stdout.trim()) : null;
}

/**
 * Who started the elevated writer. pkexec (PKEXEC_UID) and sudo (SUDO_UID, SUDO_GID) record it
 * themselves, so those win; otherwise the app's own claim from the job (macOS's admin prompt
 * records nobody). Null when there is nobody to switch to: not running as root (reading as
 * ourselves already is the invoker's rights), Windows (the app hands the image over instead: image-stream.ts).
 */
export function invokerFor(env: NodeJS.ProcessEnv, claimed?: Invoker): Invoker | null {
  if (process.platform === 'win32' || process.geteuid?.() !== 0) return null;
  const pkexec = numeric(env.PKEXEC_UID);
  const sudo = numeric(env.SUDO_UID);
  let found: Invoker | null = null;
  if (pkexec !== null) {
    const gid = claimed?.uid === pkexec ? claimed.gid : primaryGroupOf(pkexec);
    if (gid === null) throw new DriveWriteError('IMAGE_UNREADABLE', `The drive writer cannot tell the group of the account that started it (uid ${pkexec}); nothing was written.`);
    found = { uid: pkexec, gid };
  } else if (sudo !== null) {
    found = { uid: sudo, gid: numeric(env.SUDO_GID) ?? primaryGroupOf(sudo) ?? sudo };
  } else if (claimed) {
    found = claimed;
  }
  return found && found.uid !== 0 ? found : null;
}

/**
 * Runs `action` with the effective user and groups of `invoker`, then returns to root.
 *
 * Why this way on Linux and macOS, and an image handed over by the app only on Windows
 * (image-stream.ts): pkexec and sudo close every descriptor above stderr before starting the
 * writer, so the image's descriptor cannot be passed, and dropping the effective ids works the same
 * behind every elevation there. Windows has no such drop for the UAC-elevated writer.
 * `action` must be synchronous: the ids are process-wide, and no other
 * JavaScript may run while they are the invoker's. (When the job runs inside an app already
 * started as root, a thread-pool task of another call landing in that instant runs with the
 * invoker's fewer rights: it may fail, it never gains any.)
 */
export function asInvoker<T>(invoker: Invoker | null, action: () => T): T {
  if (!invoker) return action();
  const groups = process.getgroups!();
  const egid = process.getegid!();
  try {
    try {
      // In Node on POSIX, missing from @types/node's Process.
      (process as unknown as { initgroups(user: number, extraGroup: number): void }).initgroups(invoker.uid, invoker.gid);
    } catch {
      process.setgroups!([invoker.gid]); // an account without a passwd entry: only its group
    }
    process.setegid!(invoker.gid);
    process.seteuid!(invoker.uid);
    return action();
  } finally {
    process.seteuid!(0);
    process.setegid!(egid);
    process.setgroups!(groups);
  }
}

function describeAccount(invoker: Invoker): string {
  const name = spawnSync('id', ['-un', String(invoker.uid)], { encoding: 'utf8' });
  return name.status === 0 && name.stdout.trim() ? `${name.stdout.trim()} (uid ${invoker.uid})` : `uid ${invoker.uid}`;
}

/**
 * Opens the image for reading with the invoker's rights: the path is resolved and opened as
 * that account, and the opened descriptor is kept (root never opens the path itself). A file
 * or a block device (copying a stick) may be the image.
 */
export function openImageAs(image: string, invoker: Invoker | null): OpenedImage {
  let fd: number | null = null;
  try {
    const { path, opened } = asInvoker(invoker, () => {
      const resolved = realpathSync(image);
      return { path: resolved, opened: openSync(resolved, constants.O_RDONLY) };
    });
    fd = opened;
    const info = fstatSync(fd);
    if (!info.isFile() && !info.isBlockDevice()) throw new DriveWriteError('IMAGE_UNREADABLE', say.imageUnreadable(image, 'it is not a file'));
    const handle = fd;
    fd = null;
    // A block device as the image reports size 0 in stat; files report their own.
    return { source: fdSource(handle), path, bytes: info.size };
  } catch (error) {
    if (fd !== null) closeSync(fd);
    if (error instanceof DriveWriteError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DriveWriteError('IMAGE_UNREADABLE', say.imageMissing(image), { cause: error });
    if ((code === 'EACCES' || code === 'EPERM') && invoker) throw new DriveWriteError('IMAGE_UNREADABLE', say.imageNotForInvoker(image, describeAccount(invoker)), { cause: error });
    throw new DriveWriteError('IMAGE_UNREADABLE', say.imageUnreadable(image, code ?? String(error)), { cause: error });
  }
}

function fdSource(fd: number): ImageSource {
  let closed = false;
  return {
    read: (buffer, offset, length, position) =>
      new Promise((resolve, reject) => read(fd, buffer, offset, length, position, (error, bytesRead) => (error ? reject(error) : resolve({ bytesRead })))),
    close: () =>
      new Promise((resolve) => {
        if (closed) return resolve();
        closed = true;
        close(fd, () => resolve());
      }),
  };
}
