import { once } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import { copyFilesAt, type CopyJob } from './copy-worker.js';
import type { Writable } from 'node:stream';
import { BootmendError } from '../../core/errors.js';
import { diskRangeOf, type FileSource } from './source-tree.js';

export type ProgressCallback = (bytesDone: number, bytesTotal: number) => void;

export interface StreamControl {
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

/** Report at most every 4 MiB: the UI needs a steady pulse, not one call per chunk. */
const REPORT_EVERY = 4 << 20;
const ZEROS = Buffer.alloc(1 << 20);

/** Counts bytes, reports progress and stops on abort; shared by the sequential and positional outputs. */
abstract class ProgressCounter {
  private done = 0;
  private lastReported = -REPORT_EVERY;

  constructor(
    protected readonly total: number,
    protected readonly control: StreamControl,
  ) {}

  get bytesDone(): number {
    return this.done;
  }

  protected count(bytes: number): void {
    this.done += bytes;
    if (this.done - this.lastReported >= REPORT_EVERY || this.done === this.total) {
      this.lastReported = this.done;
      this.control.onProgress?.(this.done, this.total);
    }
  }

  checkAbort(): void {
    if (this.control.signal?.aborted) throw new BootmendError('CANCELLED', 'The image build was cancelled; nothing usable was written.');
  }
}

/** Writes one byte stream in order to a Writable (an ISO file, a pipe, a socket), honouring backpressure. */
export class SequentialSink extends ProgressCounter implements SequentialOutput {
  constructor(
    private readonly out: Writable,
    total: number,
    control: StreamControl,
  ) {
    super(total, control);
  }

  async write(chunk: Buffer): Promise<void> {
    this.checkAbort();
    if (chunk.length === 0) return;
    if (!this.out.write(chunk)) await once(this.out, 'drain', this.control.signal ? { signal: this.control.signal } : {}).catch(() => this.checkAbort());
    this.count(chunk.length);
  }

  async zeros(length: number): Promise<void> {
    for (let left = length; left > 0; left -= ZEROS.length) await this.write(ZEROS.subarray(0, Math.min(left, ZEROS.length)));
  }

  async copy(source: FileSource, name: string): Promise<void> {
    for await (const chunk of sourceChunks(source, name)) await this.write(chunk);
  }

  async copyFiles(files: readonly PlacedFile[]): Promise<void> {
    for (const file of files) {
      if (file.position < this.bytesDone) throw new BootmendError('INTERNAL', `${file.name} was placed before data already written.`);
      await this.zeros(file.position - this.bytesDone);
      await this.copy(file.source, file.name);
    }
  }
}

/** A file's bytes and where they go in the output. */
export interface PlacedFile {
  position: number;
  source: FileSource;
  name: string;
}

/** A source's chunks, failing clearly if the file changed size since the layout was made. */
async function* sourceChunks(source: FileSource, name: string): AsyncGenerator<Buffer> {
  let copied = 0;
  for await (const chunk of source.open()) {
    const bytes = chunk as Buffer;
    if (copied + bytes.length > source.size) break;
    yield bytes;
    copied += bytes.length;
  }
  if (copied !== source.size) throw changedWhileWriting(name);
}

/** The three operations the ISO writer needs, whether the output is a stream or a file. */
export interface SequentialOutput {
  readonly bytesDone: number;
  write(chunk: Buffer): Promise<void>;
  zeros(length: number): Promise<void>;
  copy(source: FileSource, name: string): Promise<void>;
  /** Every file at its position (increasing, each at or after the current one); what lies between reads as zeros. */
  copyFiles(files: readonly PlacedFile[]): Promise<void>;
}

/** 4 MiB staging buffers, two of them: one fills while the other is being written. */
const STAGE_BYTES = 4 << 20;
/** A gap up to this size between two writes is filled with zeros in the staging buffer rather than flushed around. */
const MAX_GAP = 256 << 10;

/**
 * Collects writes at increasing file offsets into one staging buffer and hands it to the
 * file in 4 MiB writes, overlapping the next fill with the previous write. Small files and
 * sector padding then cost a memcpy, not a system call; file sources are read straight into
 * the staging buffer, so no per-chunk Buffer is ever allocated. The file must already have its
 * final size: a staging buffer of zeros is not written, leaving a hole that reads as zeros.
 */
class StagedFileWriter {
  private buffers = [Buffer.allocUnsafe(STAGE_BYTES), Buffer.allocUnsafe(STAGE_BYTES)] as const;
  private current = 0;
  private base = 0;
  private length = 0;
  private pending: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  constructor(private readonly file: FileHandle) {}

  private get buffer(): Buffer {
    return this.buffers[this.current]!;
  }

  /** Makes the staging buffer end exactly at `position`, with free room; returns that room (at most `want` bytes). */
  async reserve(position: number, want: number): Promise<Buffer> {
    const end = this.base + this.length;
    const gap = position - end;
    if (this.length > 0 && (gap < 0 || gap > MAX_GAP || this.length + gap >= STAGE_BYTES)) await this.flush();
    if (this.length === 0) this.base = position;
    else if (gap > 0) {
      this.buffer.fill(0, this.length, this.length + gap);
      this.length += gap;
    }
    if (this.length === STAGE_BYTES) {
      await this.flush();
      this.base = position;
    }
    return this.buffer.subarray(this.length, this.length + Math.min(want, STAGE_BYTES - this.length));
  }

  /** Accepts `bytes` written into the room reserve() returned. */
  commit(bytes: number): void {
    this.length += bytes;
  }

  async put(position: number, chunk: Buffer): Promise<void> {
    for (let offset = 0; offset < chunk.length; ) {
      const room = await this.reserve(position + offset, chunk.length - offset);
      chunk.copy(room, 0, offset, offset + room.length);
      this.commit(room.length);
      offset += room.length;
    }
  }

  async flush(): Promise<void> {
    await this.pending;
    if (this.failure) throw this.failure;
    if (this.length === 0) return;
    const buffer = this.buffer;
    const length = this.length;
    const position = this.base;
    this.pending = (isZero(buffer, length) ? Promise.resolve() : writeFully(this.file, buffer, length, position)).catch((error: unknown) => {
      this.failure = error;
    });
    this.current = 1 - this.current;
    this.base = position + length;
    this.length = 0;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.pending;
    if (this.failure) throw this.failure;
  }
}

function isZero(buffer: Buffer, length: number): boolean {
  for (let at = 0; at < length; at += ZEROS.length) {
    const end = Math.min(length, at + ZEROS.length);
    if (!buffer.subarray(at, end).equals(ZEROS.subarray(0, end - at))) return false;
  }
  return true;
}

async function writeFully(file: FileHandle, buffer: Buffer, length: number, position: number): Promise<void> {
  for (let offset = 0; offset < length; ) {
    const { bytesWritten } = await file.write(buffer, offset, length - offset, position + offset);
    offset += bytesWritten;
  }
}

/** Streams a source that is not a plain file on disk (in memory, a modified copy) into the staging buffer at `position`. */
async function copyInto(writer: StagedFileWriter, position: number, source: FileSource, name: string, onBytes: (bytes: number) => void): Promise<void> {
  let copied = 0;
  for await (const bytes of sourceChunks(source, name)) {
    await writer.put(position + copied, bytes);
    copied += bytes.length;
    onBytes(bytes.length);
  }
}

/**
 * Writes at chosen offsets of a file that already has its final (sparse) size: untouched ranges
 * cost nothing. Nearby writes at increasing offsets are staged and written together; file data
 * on disk is copied by a worker thread (copy-worker.ts). Call close() at the end.
 */
export class PositionalSink extends ProgressCounter {
  private readonly writer: StagedFileWriter;

  constructor(
    private readonly file: FileHandle,
    total: number,
    control: StreamControl,
  ) {
    super(total, control);
    this.writer = new StagedFileWriter(file);
  }

  async writeAt(position: number, chunk: Buffer): Promise<void> {
    this.checkAbort();
    await this.writer.put(position, chunk);
    this.count(chunk.length);
  }

  /**
   * Copies files to their positions: runs of files on disk go to the copy thread in one batch,
   * others (in memory, streamed) through the staging buffer. Ranges must not overlap anything
   * written with writeAt.
   */
  async copyFilesAt(files: readonly PlacedFile[]): Promise<void> {
    for (let index = 0; index < files.length; ) {
      const batch: CopyJob[] = [];
      for (let file = files[index]; file; file = files[++index]) {
        const job = diskJob(file);
        if (!job) break;
        if (job.size > 0) batch.push(job);
      }
      if (batch.length > 0) {
        // Staged bytes are written first, and the staging buffer never zero-fills back over the batch's ranges.
        await this.writer.flush();
        await copyFilesAt(this.file.fd, batch, { onBytes: this.onCopied, ...(this.control.signal ? { signal: this.control.signal } : {}) });
      }
      const file = files[index];
      if (!file) break;
      await this.copyStreamed(file);
      index += 1;
    }
    this.checkAbort();
  }

  /**
   * Starts copying the files that lie on disk on the copy thread and returns at once, so the
   * caller's own writes (a FAT's boot sector, FATs and folders: ~40 ms for a WinPE tree) overlap
   * the copy instead of preceding it. Until `done` settles, writeAt may only write ranges that
   * lie before or after every file's, and the files that are not on disk (`rest`) go through
   * copyStreamedFiles; the copy thread leaves their ranges alone (it joins nearby files into one
   * write, zero-filling what lies between, but never across a streamed file). `stop` ends the
   * copy early (the caller failed); `done` then rejects.
   */
  startDiskCopies(files: readonly PlacedFile[]): { done: Promise<void>; rest: PlacedFile[]; stop: () => void } {
    const jobs: CopyJob[] = [];
    const rest: PlacedFile[] = [];
    let afterStreamed = false;
    for (const file of files) {
      const job = diskJob(file);
      if (!job) {
        rest.push(file);
        afterStreamed = true;
      } else if (job.size > 0) {
        jobs.push({ ...job, separate: afterStreamed });
        afterStreamed = false;
      }
    }
    const stopper = new AbortController();
    const signal = this.control.signal ? AbortSignal.any([this.control.signal, stopper.signal]) : stopper.signal;
    const done = copyFilesAt(this.file.fd, jobs, { onBytes: this.onCopied, signal });
    // Nobody may be awaiting it yet when it fails: the caller collects the failure through `done`.
    done.catch(() => undefined);
    return { done, rest, stop: () => stopper.abort() };
  }

  /** The files startDiskCopies left over, each written on its own, so no zero-filled gap reaches a range the copy thread is writing. */
  async copyStreamedFiles(files: readonly PlacedFile[]): Promise<void> {
    for (const file of files) {
      await this.writer.flush();
      await this.copyStreamed(file);
    }
    this.checkAbort();
  }

  private readonly onCopied = (bytes: number): void => {
    this.checkAbort();
    this.count(bytes);
  };

  private async copyStreamed(file: PlacedFile): Promise<void> {
    this.checkAbort();
    await copyInto(this.writer, file.position, file.source, file.name, this.onCopied);
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}

/** The ISO byte stream written into a file of its final size (writeIsoFile): a cursor over PositionalSink. */
export class FileSink extends PositionalSink implements SequentialOutput {
  private position = 0;

  async write(chunk: Buffer): Promise<void> {
    await this.writeAt(this.position, chunk);
    this.position += chunk.length;
  }

  /** The file already reads as zeros there: just move on (and count them, so progress reaches the total). */
  async zeros(length: number): Promise<void> {
    this.checkAbort();
    this.position += length;
    this.count(length);
  }

  async copy(source: FileSource, name: string): Promise<void> {
    await this.copyFiles([{ position: this.position, source, name }]);
  }

  async copyFiles(files: readonly PlacedFile[]): Promise<void> {
    for (const file of files) {
      if (file.position < this.position) throw new BootmendError('INTERNAL', `${file.name} was placed before data already written.`);
    }
    const last = files.at(-1);
    const end = last ? last.position + last.source.size : this.position;
    await this.copyFilesAt(files);
    // Gaps between the files (sector padding) are zeros already; count them like the written bytes.
    this.count(end - this.position - files.reduce((sum, file) => sum + file.source.size, 0));
    this.position = end;
  }
}

function diskJob(file: PlacedFile): CopyJob | null {
  const range = diskRangeOf(file.source);
  return range ? { path: range.path, offset: range.offset, whole: range.whole, size: file.source.size, position: file.position, name: file.name } : null;
}

function changedWhileWriting(name: string): BootmendError {
  return new BootmendError('IO_ERROR', `${name} changed size while the image was being written; close whatever is changing it and build again.`);
}
