import { once } from 'node:events';
import { open, type FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { BootmendError } from '../../core/errors.js';
import { diskPathOf, type FileSource } from './source-tree.js';

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

  /** Copies a file's bytes and fails clearly if the file changed size since the layout was made. */
  async copy(source: FileSource, name: string): Promise<void> {
    let copied = 0;
    for await (const chunk of source.open()) {
      const bytes = chunk as Buffer;
      if (copied + bytes.length > source.size) break;
      await this.write(bytes);
      copied += bytes.length;
    }
    if (copied !== source.size) throw changedWhileWriting(name);
  }
}

/** The three operations the ISO writer needs, whether the output is a stream or a file. */
export interface SequentialOutput {
  readonly bytesDone: number;
  write(chunk: Buffer): Promise<void>;
  zeros(length: number): Promise<void>;
  copy(source: FileSource, name: string): Promise<void>;
  /** Optional hint: the files copy() will get, in order (file outputs read small ones ahead). */
  plan?(files: readonly { source: FileSource; name: string }[]): void;
}

/** 4 MiB staging buffers, two of them: one fills while the other is being written. */
const STAGE_BYTES = 4 << 20;
/** A gap up to this size between two writes is filled with zeros in the staging buffer rather than flushed around. */
const MAX_GAP = 256 << 10;

/**
 * Collects writes at increasing file offsets into one staging buffer and hands it to the
 * file in 4 MiB writes, overlapping the next fill with the previous write. Small files and
 * sector padding then cost a memcpy, not a system call; file sources are read straight into
 * the staging buffer, so no per-chunk Buffer is ever allocated.
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
    this.pending = writeFully(this.file, buffer, length, position).catch((error: unknown) => {
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

async function writeFully(file: FileHandle, buffer: Buffer, length: number, position: number): Promise<void> {
  for (let offset = 0; offset < length; ) {
    const { bytesWritten } = await file.write(buffer, offset, length - offset, position + offset);
    offset += bytesWritten;
  }
}

/** Reads a file source into the staging buffer at `position`; in-memory sources go through their stream. */
async function copyInto(writer: StagedFileWriter, position: number, source: FileSource, name: string, onBytes: (bytes: number) => void, readAhead: ReadAhead | null): Promise<void> {
  const ready = readAhead ? await readAhead.take(source) : null;
  if (ready) {
    await writer.put(position, ready);
    onBytes(ready.length);
    return;
  }
  const filePath = diskPathOf(source);
  if (filePath === undefined) {
    let copied = 0;
    for await (const chunk of source.open()) {
      const bytes = chunk as Buffer;
      if (copied + bytes.length > source.size) break;
      await writer.put(position + copied, bytes);
      copied += bytes.length;
      onBytes(bytes.length);
    }
    if (copied !== source.size) throw changedWhileWriting(name);
    return;
  }
  const input = await open(filePath, 'r');
  try {
    for (let copied = 0; copied < source.size; ) {
      const room = await writer.reserve(position + copied, source.size - copied);
      const { bytesRead } = await input.read(room, 0, room.length, copied);
      if (bytesRead === 0) throw changedWhileWriting(name);
      writer.commit(bytesRead);
      copied += bytesRead;
      onBytes(bytesRead);
    }
    if ((await input.stat()).size !== source.size) throw changedWhileWriting(name);
  } finally {
    await input.close();
  }
}

/** Files up to this size are read ahead, several at a time: one by one, their open/read/close round trips dominate. */
const READ_AHEAD_FILE = 1 << 20;
const READ_AHEAD_BYTES = 4 << 20;
const READ_AHEAD_FILES = 16;

/**
 * Reads the small on-disk files of a write plan ahead of the writer (at most 16 files / 4 MiB
 * held), in the order they will be written; the writer takes each one's bytes when it gets there.
 */
export class ReadAhead {
  private readonly queue: { source: FileSource; filePath: string; name: string }[] = [];
  private next = 0;
  private heldBytes = 0;
  private readonly started = new Map<FileSource, Promise<Buffer>>();

  constructor(plan: readonly { source: FileSource; name: string }[]) {
    for (const { source, name } of plan) {
      const filePath = diskPathOf(source);
      if (filePath !== undefined && source.size > 0 && source.size <= READ_AHEAD_FILE) this.queue.push({ source, filePath, name });
    }
  }

  private pump(): void {
    for (let item = this.queue[this.next]; item; item = this.queue[this.next]) {
      if (this.started.size >= READ_AHEAD_FILES || this.heldBytes + item.source.size > READ_AHEAD_BYTES) return;
      this.next += 1;
      const reading = readWhole(item.filePath, item.source.size, item.name);
      // A failed read is reported by take(), or dropped if the build stops first.
      reading.catch(() => undefined);
      this.started.set(item.source, reading);
      this.heldBytes += item.source.size;
    }
  }

  /** The file's bytes if it was read ahead, else null (the caller reads it itself). */
  async take(source: FileSource): Promise<Buffer | null> {
    this.pump();
    const reading = this.started.get(source);
    if (!reading) return null;
    this.started.delete(source);
    try {
      return await reading;
    } finally {
      this.heldBytes -= source.size;
      this.pump();
    }
  }
}

async function readWhole(filePath: string, size: number, name: string): Promise<Buffer> {
  const input = await open(filePath, 'r');
  try {
    const bytes = Buffer.allocUnsafe(size);
    for (let done = 0; done < size; ) {
      const { bytesRead } = await input.read(bytes, done, size - done, done);
      if (bytesRead === 0) throw changedWhileWriting(name);
      done += bytesRead;
    }
    if ((await input.stat()).size !== size) throw changedWhileWriting(name);
    return bytes;
  } finally {
    await input.close();
  }
}

/** The ISO byte stream written to a file through the staging buffers (writeIsoFile). Call close() at the end. */
export class FileSink extends ProgressCounter implements SequentialOutput {
  private readonly writer: StagedFileWriter;
  private readAhead: ReadAhead | null = null;
  private position = 0;

  constructor(file: FileHandle, total: number, control: StreamControl) {
    super(total, control);
    this.writer = new StagedFileWriter(file);
  }

  async write(chunk: Buffer): Promise<void> {
    this.checkAbort();
    await this.writer.put(this.position, chunk);
    this.position += chunk.length;
    this.count(chunk.length);
  }

  async zeros(length: number): Promise<void> {
    for (let left = length; left > 0; left -= ZEROS.length) await this.write(ZEROS.subarray(0, Math.min(left, ZEROS.length)));
  }

  async copy(source: FileSource, name: string): Promise<void> {
    this.checkAbort();
    await copyInto(
      this.writer,
      this.position,
      source,
      name,
      (bytes) => {
        this.checkAbort();
        this.count(bytes);
      },
      this.readAhead,
    );
    this.position += source.size;
  }

  /** Announces the files copy() will be given, in order, so small ones are read ahead. */
  plan(files: readonly { source: FileSource; name: string }[]): void {
    this.readAhead = new ReadAhead(files);
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}

/**
 * Writes at chosen offsets of a file that already has its final (sparse) size: untouched ranges
 * cost nothing. Nearby writes at increasing offsets are staged and written together. Call close() at the end.
 */
export class PositionalSink extends ProgressCounter {
  private readonly writer: StagedFileWriter;
  private readAhead: ReadAhead | null = null;

  constructor(file: FileHandle, total: number, control: StreamControl) {
    super(total, control);
    this.writer = new StagedFileWriter(file);
  }

  async writeAt(position: number, chunk: Buffer): Promise<void> {
    this.checkAbort();
    await this.writer.put(position, chunk);
    this.count(chunk.length);
  }

  async copyAt(position: number, source: FileSource, name: string): Promise<void> {
    this.checkAbort();
    await copyInto(
      this.writer,
      position,
      source,
      name,
      (bytes) => {
        this.checkAbort();
        this.count(bytes);
      },
      this.readAhead,
    );
  }

  /** Announces the files copyAt() will be given, in order, so small ones are read ahead. */
  plan(files: readonly { source: FileSource; name: string }[]): void {
    this.readAhead = new ReadAhead(files);
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}

function changedWhileWriting(name: string): BootmendError {
  return new BootmendError('IO_ERROR', `${name} changed size while the image was being written; close whatever is changing it and build again.`);
}
