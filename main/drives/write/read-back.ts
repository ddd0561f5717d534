import { createHash, type Hash } from 'node:crypto';
import type { PositionalReader } from './image-source.js';
import { AlignedPool } from './aligned-pool.js';
import { readFully, transferError } from './target.js';
import type { ChunkChecks } from './chunk-checks.js';
import type { TargetIo } from './target-io.js';

interface Piece {
  offset: number;
  length: number;
  buffer: Buffer;
}

/** What a read-back found: the SHA-256 of every byte read, or the first chunk that was not what was written. */
export type ReadBack = { sha256: string; badChunk: null } | { sha256: null; badChunk: { offset: number; length: number } };

/**
 * Reads the target's first `total` bytes back in the writer's chunks (the next read is in
 * flight while this one is checked), checks each chunk against the xxHash64 recorded while
 * writing it, and computes the SHA-256 of all of it. Stops at the first bad chunk. Returns
 * null when cancelled. A target that ends early or fails to read throws the technician's
 * sentence (removed, or read failed at N of M).
 */
export async function readBack(
  io: TargetIo,
  total: number,
  pool: AlignedPool,
  checks: ChunkChecks,
  signal: AbortSignal,
  onDone: (bytes: number) => void,
): Promise<ReadBack | null> {
  if (checks.chunkSize !== pool.chunkSize) throw new Error('the read-back must use the chunks the write was checked in');
  const hash = createHash('sha256');
  const readAt = async (offset: number): Promise<Piece> => {
    const buffer = pool.take() ?? (await pool.acquire());
    const length = Math.min(pool.chunkSize, total - offset);
    try {
      const got = await io.read(buffer, length, offset);
      if (got < length) throw Object.assign(new Error('the drive ended early'), { code: 'ENXIO' });
      return { offset, length, buffer };
    } catch (error) {
      pool.release(buffer);
      throw transferError(io.info, error, 'verifying', offset, total);
    }
  };
  let pending: Promise<Piece> | null = total > 0 ? readAt(0) : null;
  try {
    while (pending) {
      const piece: Piece = await pending;
      pending = null;
      const end = piece.offset + piece.length;
      const bytes = piece.buffer.subarray(0, piece.length);
      if (!checks.matches(piece.offset, bytes)) {
        pool.release(piece.buffer);
        return { sha256: null, badChunk: { offset: piece.offset, length: piece.length } };
      }
      pending = end < total && !signal.aborted ? readAt(end) : null;
      hash.update(bytes);
      pool.release(piece.buffer);
      onDone(end);
    }
  } finally {
    // A read still in flight when we stop early gives its chunk back once it lands.
    if (pending) void pending.then((piece) => pool.release(piece.buffer), () => undefined);
  }
  return signal.aborted ? null : { sha256: hash.digest('hex'), badChunk: null };
}

/**
 * The first offset inside one chunk where the target differs from the image, or null when
 * the two now read the same (the drive returned different bytes on a second read).
 */
export async function firstMismatchIn(image: PositionalReader, io: TargetIo, offset: number, length: number): Promise<number | null> {
  const pool = new AlignedPool(roundUpToPool(length), 2);
  const [a, b] = [pool.take() ?? (await pool.acquire()), pool.take() ?? (await pool.acquire())];
  const [fromImage, fromTarget] = await Promise.all([
    readFully(image, a, length, offset),
    io.read(b, length, offset).catch((error: unknown) => {
      throw transferError(io.info, error, 'verifying', offset, offset + length);
    }),
  ]);
  const common = Math.min(fromImage, fromTarget);
  const x = a.subarray(0, common);
  const y = b.subarray(0, common);
  if (!x.equals(y)) return offset + firstDifference(x, y);
  return common < length ? offset + common : null;
}

const roundUpToPool = (bytes: number): number => Math.max(1, Math.ceil(bytes / 65536)) * 65536;

export interface Comparison {
  firstMismatchOffset: number | null;
  sha256Image: string;
  sha256Target: string;
}

/**
 * Reads the image and the target side by side and compares their bytes, naming the first
 * offset that differs. One SHA-256 serves both while they are equal (equal bytes, equal
 * hash); at the first difference the hash state is copied and each side goes on with its own.
 * Returns null when cancelled. Uses its own 4 chunks, so it never waits on a shared pool.
 */
export async function compareWithImage(
  image: PositionalReader,
  io: TargetIo,
  total: number,
  chunkSize: number | AlignedPool,
  signal: AbortSignal,
  onDone: (bytes: number) => void = () => undefined,
): Promise<Comparison | null> {
  const size = typeof chunkSize === 'number' ? chunkSize : chunkSize.chunkSize;
  const pool = new AlignedPool(size, 4);
  const readPair = async (offset: number): Promise<[Piece, Piece]> => {
    const [a, b] = [pool.take() ?? (await pool.acquire()), pool.take() ?? (await pool.acquire())];
    const length = Math.min(size, total - offset);
    try {
      const [fromImage, fromTarget] = await Promise.all([
        readFully(image, a, length, offset),
        io.read(b, length, offset).catch((error: unknown) => {
          throw transferError(io.info, error, 'verifying', offset, total);
        }),
      ]);
      if (fromImage < length) throw new Error('the image ended early');
      if (fromTarget < length) throw transferError(io.info, Object.assign(new Error('the drive ended early'), { code: 'ENXIO' }), 'verifying', offset + fromTarget, total);
      return [
        { offset, length, buffer: a },
        { offset, length, buffer: b },
      ];
    } catch (error) {
      pool.release(a);
      pool.release(b);
      throw error;
    }
  };
  const common = createHash('sha256');
  let targetHash: Hash | null = null;
  let firstMismatchOffset: number | null = null;
  let pending: Promise<[Piece, Piece]> | null = total > 0 ? readPair(0) : null;
  while (pending) {
    const [fromImage, fromTarget]: [Piece, Piece] = await pending;
    const end = fromImage.offset + fromImage.length;
    pending = end < total && !signal.aborted ? readPair(end) : null;
    const a = fromImage.buffer.subarray(0, fromImage.length);
    const b = fromTarget.buffer.subarray(0, fromTarget.length);
    if (firstMismatchOffset === null && !a.equals(b)) {
      firstMismatchOffset = fromImage.offset + firstDifference(a, b);
      targetHash = common.copy();
    }
    common.update(a);
    targetHash?.update(b);
    pool.release(fromImage.buffer);
    pool.release(fromTarget.buffer);
    onDone(end);
  }
  if (signal.aborted) return null;
  const sha256Image = common.digest('hex');
  return { firstMismatchOffset, sha256Image, sha256Target: targetHash ? targetHash.digest('hex') : sha256Image };
}

/** Index of the first differing byte of two equally long buffers (which are known to differ). */
export function firstDifference(a: Buffer, b: Buffer): number {
  // Halve the range with memcmp-backed equals(): fast even for 8 MiB chunks.
  let low = 0;
  let high = a.length;
  while (high - low > 64) {
    const mid = low + Math.floor((high - low) / 2);
    if (a.subarray(low, mid).equals(b.subarray(low, mid))) low = mid;
    else high = mid;
  }
  for (let i = low; i < high; i += 1) if (a[i] !== b[i]) return i;
  return high;
}
