import { z } from 'zod';
import { DriveProgressSchema } from './drives/write.js';

export const ProgressEventSchema = z.object({
  jobId: z.string(),
  /** Short machine-readable phase, e.g. "checking", "writing", "verifying". */
  phase: z.string(),
  /** What is happening now, for the person watching. */
  message: z.string(),
  bytesDone: z.number().nonnegative(),
  /** null when the total is not known yet. */
  bytesTotal: z.number().nonnegative().nullable(),
  /** Units per second over a short recent window; null until measurable. */
  speed: z.number().nonnegative().nullable(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** 0..1, null when indeterminate. */
  fraction: z.number().min(0).max(1).nullable(),
  /** Per-drive progress while writing to USB drives; the top-level numbers follow the least-advanced drive. */
  drives: z.array(DriveProgressSchema).optional(),
});
export type ProgressEvent = z.infer<typeof ProgressEventSchema>;

export { ProgressMeter, formatBytes, formatDuration } from './progress-meter.js';
