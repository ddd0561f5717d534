/**
 * A fixed set of page-aligned chunk buffers, so memory stays flat however large the image
 * and the writer waits (backpressure) when every chunk is still in flight.
 *
 * Why WebAssembly.Memory: O_DIRECT needs buffers aligned in memory (512 B or 4 KiB), and a
 * Buffer's byteOffset says nothing about that — a large Buffer's backing store comes from
 * malloc (mmap + 16-byte header, so 16 bytes off a page; writes then fail with EINVAL).
 * V8 reserves WebAssembly memory with the page allocator, so its first byte is page
 * aligned, and so is every chunk at a multiple of the chunk size inside it.
 */

const WASM_PAGE = 65536;

/** Node has WebAssembly at run time, but tsconfig.node.json's libs declare it only as types. */
const WasmMemory = (globalThis as unknown as { WebAssembly: { Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer } } }).WebAssembly.Memory;
export const ALIGNMENT = 4096;

export class AlignedPool {
  readonly chunkSize: number;
  private readonly free: Buffer[] = [];
  private readonly waiters: ((buffer: Buffer) => void)[] = [];

  constructor(chunkSize: number, count: number) {
    if (chunkSize % WASM_PAGE !== 0) throw new Error(`chunk size ${chunkSize} must be a multiple of 64 KiB`);
    this.chunkSize = chunkSize;
    const memory = new WasmMemory({ initial: (chunkSize * count) / WASM_PAGE });
    for (let i = 0; i < count; i += 1) this.free.push(Buffer.from(memory.buffer, i * chunkSize, chunkSize));
  }

  /**
   * A free chunk now, or null. Readers use this before `acquire()`: awaiting even a resolved
   * promise defers the read until the code after the call (hashing the previous chunk) has
   * run, which serialised reads and hashing and made a read-back twice as slow.
   */
  take(): Buffer | null {
    return this.free.pop() ?? null;
  }

  /** A free chunk, waiting for one to be released when all are in use. */
  acquire(): Promise<Buffer> {
    const buffer = this.free.pop();
    if (buffer) return Promise.resolve(buffer);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(buffer: Buffer): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(buffer);
    else this.free.push(buffer);
  }
}
