/**
 * The drive writer and verifier: `writeImage` writes one image to 1..n whole drives the drive
 * guard offers (never files or links) and reads each back; `verifyImage` compares such a drive
 * with an image byte for byte.
 * Both run in the process that calls them, which must be allowed to open the drives:
 * `runElevated` starts the elevated writer process and streams its progress back.
 */
export { writeImage, type WriteImageOptions } from './write-image.js';
export { verifyImage, type VerifyImageOptions } from './verify-image.js';
export { runElevated, type ElevatedJob, type Launcher } from './elevate.js';
export type { GuardOptions } from './guard.js';
export { runDriveJob, type RunDriveJobOptions } from './run-job.js';
