import { once } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { BootmendError } from '../../core/errors.js';
import type { FileSource } from './source-tree.js';

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
export class SequentialSink extends ProgressCounter {
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

/** Writes at chosen offsets of a file that already has its final (sparse) size: untouched ranges cost nothing. */
export class PositionalSink extends ProgressCounter {
  constructor(
    private readonly file: FileHandle,
    total: number,
    control: StreamControl,
  ) {
    super(total, control);
  }

  async writeAt(position: number, chunk: Buffer): Promise<void> {
    this.checkAbort();
    let offset = 0;
    while (offset < chunk.length) {
      const { bytesWritten } = await this.file.write(chunk, offset, chunk.length - offset, position + offset);
      offset += bytesWritten;
    }
    this.count(chunk.length);
  }

  async copyAt(position: number, source: FileSource, name: string): Promise<void> {
    let copied = 0;
    for await (const chunk of source.open()) {
      const bytes = chunk as Buffer;
      if (copied + bytes.length > source.size) break;
      await this.writeAt(position + copied, bytes);
      copied += bytes.length;
    }
    if (copied !== source.size) throw changedWhileWriting(name);
  }
}

function changedWhileWriting(name: string): BootmendError {
  return new BootmendError('IO_ERROR', `${name} changed size while the image was being written; close whatever is changing it and build again.`);
}
