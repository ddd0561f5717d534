import { DriveWriteError } from '../../../core/drives/write-error.js';
import type { DriveWriteResult, WriteDrivesResult, WriteProgress } from '../../../core/drives/write.js';
import { leftAs, say } from '../../../core/drives/write-rules.js';
import { AlignedPool } from './aligned-pool.js';
import { ChunkChecks } from './chunk-checks.js';
import { findFakeCapacity } from './capacity.js';
import { guardTargets, type GuardOptions } from './guard.js';
import type { ImageSource } from './image-source.js';
import { openJobImage, type JobImageOptions } from './job-image.js';
import { ProgressTracker } from './progress-tracker.js';
import { firstMismatchIn, readBack } from './read-back.js';
import { inspectTarget, openTarget, transferError, readFully, withListedSize, type TargetInfo } from './target.js';
import { TargetIo } from './target-io.js';
import { releaseTarget } from './unmount.js';

export const MiB = 1 << 20;

export interface WriteImageOptions extends JobImageOptions {
  /** 1..n whole drives (/dev/sdb, \\.\PHYSICALDRIVE2) the drive guard lists as choosable; each gets its own result. */
  targets: string[];
  /** Read every byte back after writing (default true). */
  verify?: boolean;
  signal?: AbortSignal;
  /** About 4 times a second, and at every phase change. */
  onProgress?: (progress: WriteProgress) => void;
  /** The drive guard's options; it always runs (there is no switching it off). */
  guard?: GuardOptions;
  /** Tests only: runs after the guard and before the drives are opened, to stage a swapped device node. */
  afterGuard?: () => Promise<void> | void;
  /** Fake-capacity check before writing (default on). */
  checkCapacity?: boolean;
  /**
   * Write the first MiB after everything else. Default on Windows only: there a stick with a
   * valid partition table is mounted at once and Windows then refuses writes inside the volume;
   * and a stick whose write was interrupted has no partition table, so it is never mounted half-written.
   */
  firstMiBLast?: boolean;
  /** Use O_DIRECT where the OS allows (default true). */
  direct?: boolean;
  /** Bytes per write (default 8 MiB; a multiple of 64 KiB). */
  chunkSize?: number;
  /** Chunks in memory at once, shared by all drives (default 8): memory stays at chunkSize x this. */
  chunksInFlight?: number;
  progressIntervalMs?: number;
}

/** One drive's job: its I/O, its queue of chunks to write, what it has done and how it ended. */
class DriveJob {
  state: 'preparing' | 'writing' | 'written' | 'verified' | 'failed' | 'cancelled' = 'preparing';
  info: TargetInfo | null = null;
  io: TargetIo | null = null;
  written = 0;
  sha256: string | null = null;
  error: DriveWriteError | null = null;
  /** Where the failure happened, for the sentence on the stick's state. */
  failedWhile: 'preparing' | 'writing' | 'verifying' = 'preparing';
  /** The first MiB, held back when it is written last. */
  held: { buffer: Buffer; length: number } | null = null;
  private readonly queue: Chunk[] = [];
  private wake: (() => void) | null = null;
  private ended = false;

  constructor(readonly device: string) {}

  get active(): boolean {
    return this.state === 'preparing' || this.state === 'writing';
  }

  fail(error: DriveWriteError, phase: 'preparing' | 'writing' | 'verifying'): void {
    if (this.state === 'failed' || this.state === 'cancelled') return;
    this.state = 'failed';
    this.error = error;
    this.failedWhile = phase;
    this.drain();
  }

  enqueue(chunk: Chunk): void {
    if (this.state !== 'writing') return chunk.release();
    this.queue.push(chunk);
    this.wake?.();
  }

  endQueue(): void {
    this.ended = true;
    this.wake?.();
  }

  async next(): Promise<Chunk | null> {
    while (this.queue.length === 0 && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = null;
    return this.queue.shift() ?? null;
  }

  /** Gives back every queued chunk (a failed or cancelled drive holds none, so the others go on). */
  drain(): void {
    for (const chunk of this.queue.splice(0)) chunk.release();
  }
}

interface Chunk {
  offset: number;
  length: number;
  buffer: Buffer;
  release(): void;
}

/**
 * Writes one image to 1..n targets from a single read of it: each chunk is checksummed once
 * (xxHash64, see ChunkChecks) and handed to every drive's own queue; a chunk's memory is reused
 * when every drive has written it, so the slowest drive sets the pace and memory stays flat.
 * A drive that fails stops alone. Then each drive is read back in parallel, chunk by chunk
 * against those checksums, and its SHA-256 computed; in the first bad chunk the offset is
 * found by comparing bytes with the image.
 */
export async function writeImage(options: WriteImageOptions): Promise<WriteDrivesResult> {
  const verify = options.verify ?? true;
  const signal = options.signal ?? new AbortController().signal;
  const chunkSize = options.chunkSize ?? 8 * MiB;
  const { source: image, bytes: imageBytes, path: imagePath } = await openJobImage(options);
  const jobs = options.targets.map((device) => new DriveJob(device));
  const tracker = new ProgressTracker(options.targets, imageBytes, verify, options.onProgress, options.progressIntervalMs);
  const pool = new AlignedPool(chunkSize, Math.max(2, options.chunksInFlight ?? 8));
  let checks: ChunkChecks | null = null;
  tracker.start();
  try {
    await prepareAll(jobs, { ...options, imagePath, imageBytes }, signal);
    for (const job of jobs) {
      if (job.state !== 'preparing') continue;
      if (signal.aborted) {
        job.state = 'cancelled';
        tracker.phase(job.device, 'cancelled');
      } else startWriting(job, tracker);
    }
    if (jobs.some((j) => j.state === 'writing')) {
      checks = await pumpImage(image, options.image, imageBytes, jobs, pool, tracker, signal, options.firstMiBLast ?? process.platform === 'win32');
      await Promise.all(jobs.map((job) => finishWriting(job, imageBytes, tracker, signal)));
      if (verify && checks !== null) {
        const written = checks;
        await Promise.all(jobs.map((job) => verifyJob(job, image, imageBytes, written, pool, tracker, signal)));
      }
    }
  } finally {
    await Promise.all(jobs.map((job) => job.io?.close()));
    await image.close().catch(() => undefined);
    for (const job of jobs) if (job.state === 'preparing' && signal.aborted) job.state = 'cancelled';
    tracker.stop();
  }
  // A drive whose every chunk matched holds the image's bytes, so its read-back SHA-256 is the image's.
  const sha256 = jobs.find((job) => job.state === 'verified')?.sha256 ?? null;
  return { image: options.image, imageBytes, sha256, results: jobs.map((job) => resultOf(job, imageBytes, verify)) };
}

/** Every check before the first byte, per drive: a drive that fails one is left untouched and the others go on. */
async function prepareAll(
  jobs: DriveJob[],
  options: WriteImageOptions & { imagePath: string; imageBytes: number },
  signal: AbortSignal,
): Promise<void> {
  const failWith = (job: DriveJob, error: unknown): void => {
    job.fail(error instanceof DriveWriteError ? error : new DriveWriteError('WRITE_FAILED', (error as Error).message, { cause: error }), 'preparing');
  };
  await Promise.all(
    jobs.map(async (job) => {
      try {
        job.info = await inspectTarget(job.device);
        // Sizes known now are checked before the guard, so a small or locked stick hears exactly that.
        if (job.info.size > 0) checkTargetFits(job.info, options.imagePath, options.imageBytes);
      } catch (error) {
        failWith(job, error);
      }
    }),
  );
  const inspected = jobs.filter((j) => j.state === 'preparing' && j.info !== null);
  if (inspected.length > 0) {
    const verdicts = await guardTargets(
      inspected.map((j) => j.info!),
      { path: options.imagePath, bytes: options.imageBytes },
      options.guard ?? {},
    );
    for (const job of inspected) {
      const judged = verdicts.get(job.device);
      try {
        if (judged?.verdict) throw new DriveWriteError(judged.verdict.code, judged.verdict.message);
        job.info = withListedSize(job.info!, judged?.entry);
        checkTargetFits(job.info, options.imagePath, options.imageBytes);
      } catch (error) {
        failWith(job, error);
      }
    }
  }
  if (options.afterGuard && jobs.some((j) => j.state === 'preparing')) await options.afterGuard();
  await Promise.all(
    jobs.map(async (job) => {
      if (job.state !== 'preparing' || !job.info) return;
      try {
        if (signal.aborted) return;
        await releaseTarget(job.info);
        const opened = await openTarget(job.info, { direct: options.direct ?? true });
        job.io = new TargetIo(job.info, opened.handle, opened.direct, 'r+');
        if (options.checkCapacity ?? true) {
          const io = job.io;
          const bad = await findFakeCapacity({ size: job.info.size, read: (b, l, p) => io.read(b, l, p), write: (b, l, p) => io.write(b, l, p), flush: () => io.flush() });
          if (bad !== null) throw new DriveWriteError('FAKE_CAPACITY', say.fakeCapacity(job.device, job.info.size, bad), { offset: bad });
        }
      } catch (error) {
        failWith(job, error);
      }
    }),
  );
}

/** Size, write-protection and "not the image itself", before anything is opened for writing. */
function checkTargetFits(info: TargetInfo, imagePath: string, imageBytes: number): void {
  if (info.path === imagePath) throw new DriveWriteError('NOT_ALLOWED', `${info.device} is the image itself; choose a drive to write it to.`);
  if (info.size < imageBytes) throw new DriveWriteError('TOO_SMALL', say.tooSmall(info.device, info.size, imageBytes));
  if (info.readOnly) throw new DriveWriteError('WRITE_PROTECTED', say.writeProtected(info.device));
}

function startWriting(job: DriveJob, tracker: ProgressTracker): void {
  job.state = 'writing';
  tracker.phase(job.device, 'writing');
}

/**
 * Reads the image once, chunk by chunk (the next read starts before this chunk is
 * checksummed), and hands each chunk to every drive still writing. Returns the chunks'
 * checksums, or null when it stopped early (cancelled, or every drive failed).
 */
async function pumpImage(
  image: ImageSource,
  imageName: string,
  total: number,
  jobs: DriveJob[],
  pool: AlignedPool,
  tracker: ProgressTracker,
  signal: AbortSignal,
  firstMiBLast: boolean,
): Promise<ChunkChecks | null> {
  const checks = await ChunkChecks.create(pool.chunkSize);
  const writers = jobs.filter((j) => j.state === 'writing').map((job) => runWriter(job, total, tracker, signal, firstMiBLast));
  const anyWriting = (): boolean => jobs.some((j) => j.state === 'writing');
  const readAt = async (offset: number): Promise<Chunk> => {
    const buffer = pool.take() ?? (await pool.acquire());
    const length = Math.min(pool.chunkSize, total - offset);
    let got: number;
    try {
      got = await readFully(image, buffer, length, offset);
    } catch (error) {
      pool.release(buffer);
      throw error;
    }
    if (got !== length) {
      pool.release(buffer);
      throw new Error('the image ended early');
    }
    return { offset, length, buffer, release: () => pool.release(buffer) };
  };
  let complete = total === 0;
  try {
    let pending: Promise<Chunk> | null = total > 0 ? readAt(0) : null;
    while (pending) {
      const chunk: Chunk = await pending;
      const end = chunk.offset + chunk.length;
      const goOn = end < total && !signal.aborted && anyWriting();
      pending = goOn ? readAt(end) : null;
      checks.add(chunk.offset, chunk.buffer.subarray(0, chunk.length));
      const receivers = jobs.filter((j) => j.state === 'writing');
      let refs = receivers.length;
      const shared: Chunk = { ...chunk, release: () => (refs -= 1) === 0 && chunk.release() };
      if (refs === 0) chunk.release();
      for (const job of receivers) job.enqueue(shared);
      if (end === total) complete = true;
    }
  } catch (error) {
    const failure = new DriveWriteError('IMAGE_UNREADABLE', say.imageUnreadable(imageName, (error as Error).message), { cause: error });
    for (const job of jobs) if (job.state === 'writing') job.fail(failure, 'writing');
  } finally {
    for (const job of jobs) job.endQueue();
    await Promise.all(writers);
  }
  return complete && !signal.aborted ? checks : null;
}

/**
 * Writes a drive keeps in flight: the drive starts on the next chunk while the last one's
 * completion travels back. On a loop device with direct I/O, two were never slower than one
 * and up to ~10% faster (that measurement is noisy on a VM disk); more gained nothing.
 */
const WRITES_IN_FLIGHT = 2;

/** One drive's writer: takes its chunks in order and writes them; stops alone on the first error or on cancel. */
async function runWriter(job: DriveJob, total: number, tracker: ProgressTracker, signal: AbortSignal, firstMiBLast: boolean): Promise<void> {
  const inFlight: Promise<void>[] = [];
  for (let chunk = await job.next(); chunk !== null; chunk = await job.next()) {
    if (job.state !== 'writing') {
      chunk.release();
      continue;
    }
    if (signal.aborted) {
      job.state = 'cancelled';
      job.drain();
      chunk.release();
      continue;
    }
    let skip = 0;
    if (firstMiBLast && chunk.offset === 0) {
      skip = Math.min(MiB, chunk.length);
      const hold = await new AlignedPool(MiB, 1).acquire();
      chunk.buffer.copy(hold, 0, 0, skip);
      job.held = { buffer: hold, length: skip };
    }
    inFlight.push(writeChunk(job, chunk, skip, total, tracker));
    if (inFlight.length >= WRITES_IN_FLIGHT) await inFlight.shift();
  }
  await Promise.all(inFlight);
}

/** One chunk to one drive; a failure fails the drive (once), and the chunk's memory goes back either way. */
async function writeChunk(job: DriveJob, chunk: Chunk, skip: number, total: number, tracker: ProgressTracker): Promise<void> {
  try {
    if (skip < chunk.length) await job.io!.write(chunk.buffer.subarray(skip), chunk.length - skip, chunk.offset + skip);
    // Counted even when the drive was cancelled meanwhile: these bytes are on it, and its "left as" must say so.
    job.written += chunk.length - skip;
    tracker.advance(job.device, job.written);
  } catch (error) {
    if (job.state === 'writing') {
      job.fail(transferError(job.info!, error, 'writing', job.written, total), 'writing');
      tracker.phase(job.device, 'failed', job.written);
    }
  } finally {
    chunk.release();
  }
}

/** The held first MiB, then a flush: only after this is the image on the drive. */
async function finishWriting(job: DriveJob, total: number, tracker: ProgressTracker, signal: AbortSignal): Promise<void> {
  if (job.state === 'cancelled' || (job.state === 'writing' && signal.aborted && job.written + (job.held?.length ?? 0) < total)) {
    job.state = 'cancelled';
    // Whatever was written is flushed, so pulling the stick now loses nothing more than the cancel did.
    await job.io?.flush().catch(() => undefined);
    tracker.phase(job.device, 'cancelled', job.written);
    return;
  }
  if (job.state !== 'writing') return;
  try {
    if (job.held) {
      await job.io!.write(job.held.buffer, job.held.length, 0);
      job.written += job.held.length;
      job.held = null;
    }
    await job.io!.flush();
    job.state = 'written';
    tracker.advance(job.device, job.written);
  } catch (error) {
    job.fail(transferError(job.info!, error, 'writing', job.written, total), 'writing');
    tracker.phase(job.device, 'failed', job.written);
  }
}

async function verifyJob(
  job: DriveJob,
  image: ImageSource,
  total: number,
  checks: ChunkChecks,
  pool: AlignedPool,
  tracker: ProgressTracker,
  signal: AbortSignal,
): Promise<void> {
  if (job.state !== 'written') return;
  const io = job.io!;
  tracker.phase(job.device, 'verifying');
  try {
    const read = await readBack(io, total, pool, checks, signal, (done) => tracker.advance(job.device, done));
    if (read === null) {
      job.state = 'cancelled';
      tracker.phase(job.device, 'cancelled');
      return;
    }
    if (read.badChunk) {
      const { offset: chunkStart, length } = read.badChunk;
      const offset = (await firstMismatchIn(image, io, chunkStart, length)) ?? chunkStart;
      throw new DriveWriteError('VERIFY_MISMATCH', say.mismatch(offset), { offset });
    }
    job.sha256 = read.sha256;
    job.state = 'verified';
    tracker.phase(job.device, 'done', total);
  } catch (error) {
    job.fail(transferError(job.info!, error, 'verifying', 0, total), 'verifying');
    tracker.phase(job.device, 'failed', total);
  }
}

function resultOf(job: DriveJob, total: number, verify: boolean): DriveWriteResult {
  const base = { device: job.device, bytesWritten: job.written, directIo: job.io?.direct ?? false };
  switch (job.state) {
    case 'verified':
      return { ...base, outcome: 'verified', sha256: job.sha256, error: null, leftAs: leftAs.verified };
    case 'written':
      return { ...base, outcome: 'written', sha256: null, error: null, leftAs: verify ? leftAs.writtenVerifyCancelled : leftAs.writtenNotVerified };
    case 'cancelled': {
      const state = job.written === 0 ? leftAs.untouched : job.written >= total ? leftAs.writtenVerifyCancelled : leftAs.partlyWritten;
      return { ...base, outcome: 'cancelled', sha256: null, error: { code: 'CANCELLED', message: say.cancelled }, leftAs: state };
    }
    default: {
      const error = job.error ?? new DriveWriteError('WRITE_FAILED', 'The write stopped for an unknown reason.');
      return { ...base, outcome: 'failed', sha256: null, error: error.info(), leftAs: failedLeftAs(job, error) };
    }
  }
}

function failedLeftAs(job: DriveJob, error: DriveWriteError): string {
  if (job.failedWhile === 'verifying') return error.failure === 'VERIFY_MISMATCH' ? leftAs.mismatched : leftAs.writtenVerifyFailed;
  // The fake-capacity check writes sentinels but puts the old blocks back; preparing leaves the drive as it was.
  if (job.failedWhile === 'preparing' || job.written === 0) return leftAs.untouched;
  return error.failure === 'DRIVE_REMOVED' ? leftAs.unusable : leftAs.partlyWritten;
}
