import { ProgressMeter, type ProgressEvent } from '../../../core/progress.js';

/** About four updates a second (etcher-sdk's pace), plus every phase change and the last byte. */
const MIN_INTERVAL_MS = 250;

export function throttledProgress(
  jobId: string,
  emit: (event: Omit<ProgressEvent, 'jobId'>) => void,
  now: () => number = Date.now,
): (event: { phase: string; message: string; done: number; total: number }) => void {
  let meter = new ProgressMeter(jobId);
  let lastPhase = '';
  let lastAt = -Infinity;
  return ({ phase, message, done, total }) => {
    const at = now();
    if (phase !== lastPhase) meter = new ProgressMeter(jobId);
    const event = meter.update(at, phase, message, done, total);
    if (phase === lastPhase && at - lastAt < MIN_INTERVAL_MS && done < total) return;
    lastPhase = phase;
    lastAt = at;
    const { jobId: _jobId, ...rest } = event;
    emit(rest);
  };
}
