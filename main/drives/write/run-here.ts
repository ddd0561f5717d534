import type { ElevatedJob } from './protocol.js';
import { invokerFor } from './image-source.js';
import { verifyImage } from './verify-image.js';
import { writeImage } from './write-image.js';

/**
 * Runs a drive job in this process, which must already be allowed to open the disks. The image
 * is read with the rights of whoever asked (pkexec's or sudo's record, else the app's own claim),
 * or, when the app hands it over (image-stream.ts), from the app and never opened here.
 */
export function runJobHere(job: ElevatedJob, signal: AbortSignal, onProgress: Parameters<typeof writeImage>[0]['onProgress']) {
  const readImageAs = invokerFor(process.env, job.invoker);
  const imageStream = job.imageStream ? { imageStream: job.imageStream } : {};
  if (job.kind === 'verify') return verifyImage({ image: job.image, ...imageStream, target: job.target, signal, readImageAs, ...(onProgress ? { onProgress } : {}) });
  return writeImage({
    image: job.image,
    ...imageStream,
    targets: job.targets,
    verify: job.verify,
    signal,
    readImageAs,
    guard: { ...(job.guard.includeUsbHdd !== undefined ? { includeUsbHdd: job.guard.includeUsbHdd } : {}), ...(job.guard.confirm !== undefined ? { confirm: job.guard.confirm } : {}) },
    ...(job.checkCapacity !== undefined ? { checkCapacity: job.checkCapacity } : {}),
    ...(job.firstMiBLast !== undefined ? { firstMiBLast: job.firstMiBLast } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
}
