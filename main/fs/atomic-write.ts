import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BootmendError } from '../../core/errors.js';

export type WriteChunk = (bytes: Uint8Array) => Promise<void>;

/**
 * Replaces a file so that after a crash or power cut it holds either the old bytes or the new
 * ones, never a mix or nothing: a temp file beside it, fsync, rename over the old one, then
 * fsync of the folder so the rename itself is on disk. Settings, the vault and anything later
 * that is rewritten whole use this; the journal is append-only and has its own rule.
 * `content` may be a function that writes the bytes in pieces (the vault encrypts as it goes).
 */
export async function writeFileAtomic(
  file: string,
  content: string | Uint8Array | ((write: WriteChunk) => Promise<void>),
  options: {
    mode?: number;
    /** false: a missing folder is an error, not made again (a cache beside a file that may have been removed meanwhile, such as the journal's snapshot). */
    createFolder?: boolean;
  } = {},
): Promise<void> {
  const folder = dirname(file);
  const temp = join(folder, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    if (options.createFolder !== false) await mkdir(folder, { recursive: true });
    const handle = await open(temp, 'wx', options.mode ?? 0o600);
    try {
      if (typeof content === 'function') {
        await content(async (bytes) => {
          await handle.write(bytes);
        });
      } else {
        await handle.writeFile(content);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    if (error instanceof BootmendError) throw error;
    throw new BootmendError('IO_ERROR', `Cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}.`);
  }
  await syncFolder(folder);
}

/** fsync of the folder makes a rename or delete durable on POSIX; Windows refuses it and does not need it. */
export async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not supported on this platform (Windows): the rename is already durable there.
  }
}
