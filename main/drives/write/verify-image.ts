import { open, realpath, stat } from 'node:fs/promises';
import { DriveWriteError } from '../../../core/drives/write-error.js';
import type { VerifyDriveResult, WriteProgress } from '../../../core/drives/write.js';
import { say } from '../../../core/drives/write-rules.js';
import { ProgressTracker } from './progress-tracker.js';
import { compareWithImage } from './read-back.js';
import { inspectTarget, openForReading } from './target.js';
import { TargetIo } from './target-io.js';
import { MiB } from './write-image.js';

export interface VerifyImageOptions {
  image: string;
  target: string;
  signal?: AbortSignal;
  onProgress?: (progress: WriteProgress) => void;
  chunkSize?: number;
  progressIntervalMs?: number;
}

/**
 * `media verify`: reads the image and the target's first image-length bytes and compares
 * every byte, naming the first offset that differs. Throws (a DriveWriteError) when it
 * cannot compare at all: image or target missing, target smaller than the image, target
 * removed while being read, or cancelled.
 */
export async function verifyImage(options: VerifyImageOptions): Promise<VerifyDriveResult> {
  let imagePath: string;
  let imageBytes: number;
  try {
    imagePath = await realpath(options.image);
    imageBytes = (await stat(imagePath)).size;
  } catch (error) {
    throw new DriveWriteError('IMAGE_UNREADABLE', say.imageMissing(options.image), { cause: error });
  }
  const info = await inspectTarget(options.target);
  if (info.size < imageBytes) throw new DriveWriteError('TOO_SMALL', say.tooSmall(options.target, info.size, imageBytes));
  const signal = options.signal ?? new AbortController().signal;
  const tracker = new ProgressTracker([options.target], imageBytes, false, options.onProgress, options.progressIntervalMs);
  const image = await open(imagePath, 'r');
  const opened = await openForReading(info);
  const io = new TargetIo(info, opened.handle, opened.direct, 'r');
  tracker.start();
  tracker.phase(options.target, 'verifying');
  try {
    const compared = await compareWithImage(image, io, imageBytes, options.chunkSize ?? 8 * MiB, signal, (done) => tracker.advance(options.target, done));
    if (!compared) {
      tracker.phase(options.target, 'cancelled');
      throw new DriveWriteError('CANCELLED', say.cancelled);
    }
    tracker.phase(options.target, compared.firstMismatchOffset === null ? 'done' : 'failed', imageBytes);
    return { target: options.target, match: compared.firstMismatchOffset === null, ...compared };
  } catch (error) {
    tracker.phase(options.target, 'failed');
    throw error;
  } finally {
    tracker.stop();
    await Promise.all([io.close(), image.close()]);
  }
}
