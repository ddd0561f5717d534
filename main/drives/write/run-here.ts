import type { ElevatedJob } from './protocol.js';
import { verifyImage } from './verify-image.js';
import { writeImage } from './write-image.js';

/** Runs a drive job in this process, which must already be allowed to open the disks. */
export function runJobHere(job: ElevatedJob, signal: AbortSignal, onProgress: Parameters<typeof writeImage>[0]['onProgress']) {
  if (job.kind === 'verify') return verifyImage({ image: job.image, target: job.target, signal, ...(onProgress ? { onProgress } : {}) });
  return writeImage({
    image: job.image,
    targets: job.targets,
    verify: job.verify,
    signal,
    guard: job.guard === false ? false : { ...(job.guard.includeUsbHdd !== undefined ? { includeUsbHdd: job.guard.includeUsbHdd } : {}), ...(job.guard.confirm !== undefined ? { confirm: job.guard.confirm } : {}) },
    ...(job.checkCapacity !== undefined ? { checkCapacity: job.checkCapacity } : {}),
    ...(job.firstMiBLast !== undefined ? { firstMiBLast: job.firstMiBLast } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
}
