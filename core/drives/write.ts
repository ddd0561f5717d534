import { z } from 'zod';
import { DRIVE_FAILURE_CODES, type DriveWriteErrorInfo as PlainDriveWriteErrorInfo } from './write-error.js';

/*
 * Writing an image to drives and reading it back: the shapes that cross the API and the
 * elevated writer's pipe. The sentences and pure rules are in drive-write-rules.ts; the
 * engine lives in main/drives/write/.
 *
 * This file imports only zod and drive-write-error.ts on purpose: core/progress.ts imports
 * DriveProgressSchema from here, so importing progress.ts (or drives.ts, which does) back
 * would make a cycle that breaks whichever module loads first.
 */

export const MAX_DRIVES_PER_WRITE = 16;

const path = z.string().min(1).max(4096);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const DrivePhase = z.enum(['preparing', 'writing', 'verifying', 'done', 'failed', 'cancelled']);
export type DrivePhase = z.infer<typeof DrivePhase>;

export const DriveOutcome = z.enum(['verified', 'written', 'failed', 'cancelled']);
export type DriveOutcome = z.infer<typeof DriveOutcome>;

/** Why one drive failed; scripts and the UI branch on these, the message is for the person. */
export const DriveFailureCode = z.enum(DRIVE_FAILURE_CODES);
export type DriveFailureCode = z.infer<typeof DriveFailureCode>;

export const DriveWriteErrorSchema = z.object({
  code: DriveFailureCode,
  message: z.string(),
  /** Byte offset on the drive where it went wrong (first bad byte, or where the drive stopped answering). */
  offset: z.number().int().nonnegative().optional(),
}) satisfies z.ZodType<PlainDriveWriteErrorInfo, unknown>;
export type DriveWriteErrorInfo = z.infer<typeof DriveWriteErrorSchema>;

export const WriteDrivesRequestSchema = z
  .object({
    image: path,
    drives: z
      .array(path)
      .min(1, 'choose at least one drive')
      .max(MAX_DRIVES_PER_WRITE, `choose at most ${MAX_DRIVES_PER_WRITE} drives`)
      .refine((drives) => new Set(drives).size === drives.length, 'name each drive once'),
    /** Read every byte back after writing (default true). */
    verify: z.boolean().optional(),
    /** The "Show USB hard disks" switch: USB hard disks may be written only with it. */
    includeUsbHdd: z.boolean().optional(),
    /** For drives over 128 GB: the drive's size as shown ("256 GB") or one of its labels. */
    confirm: z.string().max(200).optional(),
  })
  .strict();
export type WriteDrivesRequest = z.infer<typeof WriteDrivesRequestSchema>;

export const VerifyDriveRequestSchema = z.object({ image: path, drive: path }).strict();
export type VerifyDriveRequest = z.infer<typeof VerifyDriveRequestSchema>;

export const DriveWriteResultSchema = z.object({
  device: z.string(),
  outcome: DriveOutcome,
  /** Image bytes this drive acknowledged writing. */
  bytesWritten: z.number().int().nonnegative(),
  /** SHA-256 of what was read back from the drive; null unless verified. */
  sha256: sha256.nullable(),
  error: DriveWriteErrorSchema.nullable(),
  /** One sentence on the state the drive was left in. */
  leftAs: z.string(),
  /** Whether writes bypassed the page cache (O_DIRECT); false for targets that refuse it (tmpfs files). */
  directIo: z.boolean(),
});
export type DriveWriteResult = z.infer<typeof DriveWriteResultSchema>;

export const WriteDrivesResultSchema = z.object({
  image: z.string(),
  imageBytes: z.number().int().nonnegative(),
  /**
   * SHA-256 of the image: the read-back of a drive whose every chunk matched what was written
   * (xxHash64 per chunk, computed while writing). Null when no drive was verified.
   */
  sha256: sha256.nullable(),
  results: z.array(DriveWriteResultSchema),
});
export type WriteDrivesResult = z.infer<typeof WriteDrivesResultSchema>;

export const VerifyDriveResultSchema = z.object({
  target: z.string(),
  /** Every byte of the image's length on the target equals the image. */
  match: z.boolean(),
  firstMismatchOffset: z.number().int().nonnegative().nullable(),
  sha256Image: sha256,
  /** SHA-256 of the target's first imageBytes bytes. */
  sha256Target: sha256,
});
export type VerifyDriveResult = z.infer<typeof VerifyDriveResultSchema>;

export const DriveProgressSchema = z.object({
  device: z.string(),
  phase: DrivePhase,
  /** Bytes done in the current phase (written, or read back while verifying). */
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative(),
  /** Bytes per second over the last ~2 s; null until measurable. */
  speed: z.number().nonnegative().nullable(),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type DriveProgress = z.infer<typeof DriveProgressSchema>;

export const WriteProgressSchema = z.object({
  /** The least-advanced drive still working: what the whole job waits for. */
  overall: z.object({
    phase: DrivePhase,
    device: z.string().nullable(),
    /** 0..1; with verification, writing is the first half and verifying the second. */
    fraction: z.number().min(0).max(1),
    speed: z.number().nonnegative().nullable(),
    etaSeconds: z.number().nonnegative().nullable(),
  }),
  drives: z.array(DriveProgressSchema),
});
export type WriteProgress = z.infer<typeof WriteProgressSchema>;

export { DriveWriteError } from './write-error.js';
