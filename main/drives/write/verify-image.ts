import { DriveWriteError } from '../../../core/drives/write-error.js';
import type { VerifyDriveResult, WriteProgress } from '../../../core/drives/write.js';
import { say, verifyVerdict } from '../../../core/drives/write-rules.js';
import { guardTargets, type GuardOptions } from './guard.js';
import { openJobImage, type JobImageOptions } from './job-image.js';
import { ProgressTracker } from './progress-tracker.js';
import { compareWithImage } from './read-back.js';
import { inspectTarget, openForReading, withListedSize } from './target.js';
import { TargetIo } from './target-io.js';
import { MiB } from './write-image.js';

export interface VerifyImageOptions extends JobImageOptions {
  target: string;
  signal?: AbortSignal;
  onProgress?: (progress: WriteProgress) => void;
  chunkSize?: number;
  progressIntervalMs?: number;
  /** The drive list to judge by (tests); default: this machine's, taken now. */
  guard?: Pick<GuardOptions, 'drives'>;
  /** Tests only: runs after the guard and before the drive is opened. */
  afterGuard?: () => Promise<void> | void;
}

/**
 * `media verify`: reads the image and the target's first image-length bytes and compares
 * every byte, naming the first offset that differs. The target passes the same guard as a write
 * (a whole disk the drive list offers; no files, no links), so the comparison never reads
 * anything else byte by byte; only the >128 GB confirmation is not asked, as nothing is erased.
 * Throws (a DriveWriteError) when it cannot compare at all: image or target missing or refused,
 * target smaller than the image, target removed while being read, or cancelled.
 */
export async function verifyImage(options: VerifyImageOptions): Promise<VerifyDriveResult> {
  const { source: image, bytes: imageBytes, path: imagePath } = await openJobImage(options);
  let io: TargetIo | null = null;
  const signal = options.signal ?? new AbortController().signal;
  const tracker = new ProgressTracker([options.target], imageBytes, false, options.onProgress, options.progressIntervalMs);
  try {
    let info = await inspectTarget(options.target);
    const judged = (await guardTargets([info], { path: imagePath, bytes: imageBytes }, options.guard ?? {})).get(info.device);
    const refusal = verifyVerdict(info.device, judged?.entry);
    if (refusal) {
      const why = judged?.entry ? refusal.message.replace(/^Bootmend will not erase [^:]*: /, '') : refusal.message;
      throw new DriveWriteError('NOT_ALLOWED', say.verifyNotAllowed(options.target, why));
    }
    info = withListedSize(info, judged?.entry);
    if (info.size < imageBytes) throw new DriveWriteError('TOO_SMALL', say.tooSmall(options.target, info.size, imageBytes));
    await options.afterGuard?.();
    const opened = await openForReading(info);
    io = new TargetIo(info, opened.handle, opened.direct, 'r');
    tracker.start();
    tracker.phase(options.target, 'verifying');
    const compared = await compareWithImage(image, io, imageBytes, options.chunkSize ?? 8 * MiB, signal, (done) => tracker.advance(options.target, done));
    if (!compared) {
      tracker.phase(options.target, 'cancelled');
      throw new DriveWriteError('CANCELLED', say.cancelled);
    }
    tracker.phase(options.target, compared.firstMismatchOffset === null ? 'done' : 'failed', imageBytes);
    return { target: options.target, match: compared.firstMismatchOffset === null, ...compared };
  } catch (error) {
    if (io) tracker.phase(options.target, 'failed');
    throw error;
  } finally {
    if (io) tracker.stop();
    await Promise.all([io?.close(), image.close()]);
  }
}
