import type { VerifyDriveResult, WriteDrivesResult, WriteProgress } from '../../../core/drives/write.js';
import { chooseElevation, runElevated, type ElevatedJob } from './elevate.js';
import { runJobHere } from './run-here.js';

export interface RunDriveJobOptions {
  signal?: AbortSignal;
  onProgress?: (progress: WriteProgress) => void;
}

/**
 * The one place that decides how a drive job gets its rights: a process that already may open
 * disks (root: CI, a technician's root shell) runs it here; anyone else goes through the
 * elevated writer (pkexec, sudo, a system prompt). The app and the CLI both come here, through
 * the writeDrives and verifyDrive handlers.
 */
export async function runDriveJob(job: ElevatedJob & { kind: 'write' }, options?: RunDriveJobOptions): Promise<WriteDrivesResult>;
export async function runDriveJob(job: ElevatedJob & { kind: 'verify' }, options?: RunDriveJobOptions): Promise<VerifyDriveResult>;
export async function runDriveJob(job: ElevatedJob, options: RunDriveJobOptions = {}): Promise<WriteDrivesResult | VerifyDriveResult> {
  const common = { ...(options.signal ? { signal: options.signal } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) };
  if (chooseElevation() !== 'none') return job.kind === 'write' ? runElevated(job, common) : runElevated(job, common);
  return runJobHere(job, options.signal ?? new AbortController().signal, options.onProgress);
}
