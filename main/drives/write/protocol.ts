import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  DriveFailureCode,
  MAX_DRIVES_PER_WRITE,
  VerifyDriveResultSchema,
  WriteDrivesResultSchema,
  WriteProgressSchema,
} from '../../../core/drives/write.js';
import { ErrorCode } from '../../../core/error-schema.js';

/*
 * What the app and its elevated writer say to each other, one JSON object per line:
 *   in  (app -> writer): { secret, job }, then optionally { type: "cancel" }
 *   out (writer -> app): { type: "hello" }, { type: "progress" }..., then { type: "result" } or { type: "error" }
 * The writer is started with the SHA-256 of a one-time secret on its command line (visible
 * to anyone) and accepts only a job carrying the secret itself (sent on its private channel).
 */

const path = z.string().min(1).max(4096);

/** The app's own account, for reading the image where the elevation tool records nobody (macOS's admin prompt). */
const invoker = z.object({ uid: z.number().int().nonnegative(), gid: z.number().int().nonnegative() }).strict();

/**
 * The drive guard's switches. There is no `false`: every target of the writer is a whole disk the
 * drive list offers at that moment (a job asking to skip the guard is refused with a sentence).
 */
export const JobGuardSchema = z.object({ includeUsbHdd: z.boolean().optional(), confirm: z.string().max(200).optional() }).strict();

/** The image handed over by the app (image-stream.ts): the writer reads it from there and never opens `image`, which then only names it. */
const imageStream = z.object({ endpoint: path, bytes: z.number().int().nonnegative() }).strict();

export const ElevatedJobSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('write'),
      image: path,
      targets: z.array(path).min(1).max(MAX_DRIVES_PER_WRITE),
      verify: z.boolean(),
      checkCapacity: z.boolean().optional(),
      firstMiBLast: z.boolean().optional(),
      guard: JobGuardSchema,
      invoker: invoker.optional(),
      imageStream: imageStream.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('verify'), image: path, target: path, invoker: invoker.optional(), imageStream: imageStream.optional() }).strict(),
]);
export type ElevatedJob = z.infer<typeof ElevatedJobSchema>;

/** The first line in: the secret is checked before the job is even looked at. */
export const JobLineSchema = z.object({ secret: z.string().regex(/^[0-9a-f]{64}$/), job: z.unknown() }).strict();

/** Why the writer refuses a job from the right sender, in one sentence. */
export function jobRefusal(job: unknown): string {
  const guard = (job as { guard?: unknown } | null)?.guard;
  if (guard === false) {
    return 'The drive writer refused the job: it asked to skip the drive guard (guard: false). Every drive is checked against the drive list before it is written; nothing was written.';
  }
  const parsed = ElevatedJobSchema.safeParse(job);
  const issue = parsed.success ? null : parsed.error.issues[0];
  const where = issue ? issue.path.map(String).join('.') || 'the job' : 'the job';
  return `The drive writer refused a malformed job (${where}: ${issue?.message ?? 'not understood'}); nothing was written.`;
}

export const WorkerErrorSchema = z.object({
  code: ErrorCode,
  failure: DriveFailureCode.optional(),
  message: z.string(),
  offset: z.number().int().nonnegative().optional(),
});
export type WorkerError = z.infer<typeof WorkerErrorSchema>;

export const WorkerLineSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), pid: z.number().int() }),
  z.object({ type: z.literal('progress'), progress: WriteProgressSchema }),
  z.object({ type: z.literal('result'), result: z.union([WriteDrivesResultSchema, VerifyDriveResultSchema]) }),
  z.object({ type: z.literal('error'), error: WorkerErrorSchema }),
]);
export type WorkerLine = z.infer<typeof WorkerLineSchema>;

export const SECRET_ARG = '--secret-sha256';

export { CHANNEL_FILES, CHANNEL_FOLDER_PREFIX } from './channel-names.js';
export const WORKER_FLAG = '--bootmend-drive-writer';

export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
