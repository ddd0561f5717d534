import type { FileHandle } from 'node:fs/promises';
import { ALIGNMENT } from './aligned-pool.js';
import { openBuffered, readFully, writeFully, type TargetInfo } from './target.js';

/**
 * An opened target: the main handle (O_DIRECT when allowed) and, only when the image ends
 * off a 4 KiB boundary, a buffered handle for that last partial block — O_DIRECT transfers
 * must be whole blocks, and padding the image would write bytes that are not in it.
 */
export class TargetIo {
  private tail: FileHandle | null = null;

  constructor(
    readonly info: TargetInfo,
    readonly handle: FileHandle,
    readonly direct: boolean,
    private readonly mode: 'r' | 'r+',
  ) {}

  /** Writes `length` bytes of `buffer` at `position` (the aligned part direct, a partial last block buffered). */
  async write(buffer: Buffer, length: number, position: number): Promise<void> {
    const aligned = this.direct ? length - (length % ALIGNMENT) : length;
    if (aligned > 0) await writeFully(this.handle, buffer, aligned, position);
    if (aligned < length) await writeFully(await this.tailHandle(), buffer.subarray(aligned), length - aligned, position + aligned);
  }

  /** Reads up to `length` bytes at `position`; fewer only when the target ends (or shrank) first. */
  async read(buffer: Buffer, length: number, position: number): Promise<number> {
    const aligned = this.direct ? length - (length % ALIGNMENT) : length;
    const got = aligned > 0 ? await readFully(this.handle, buffer, aligned, position) : 0;
    if (got < aligned || aligned === length) return got;
    return got + (await readFully(await this.tailHandle(), buffer.subarray(aligned), length - aligned, position + aligned));
  }

  /** Flushes the drive's write cache: the image is on the stick, not in a buffer, when this returns. */
  async flush(): Promise<void> {
    if (this.tail) await this.tail.sync();
    await this.handle.sync();
  }

  async close(): Promise<void> {
    const handles = [this.tail, this.handle].filter((h): h is FileHandle => h !== null);
    this.tail = null;
    await Promise.all(handles.map((h) => h.close().catch(() => undefined)));
  }

  private async tailHandle(): Promise<FileHandle> {
    this.tail ??= await openBuffered(this.info, this.mode);
    return this.tail;
  }
}
