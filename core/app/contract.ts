import { z } from 'zod';
import { defineMethod, type ContractSpec } from '../api/define.js';
import { SyncStatusSchema } from '../sync/schemas.js';

/** The app itself: who and where it is, how its links are, and the one way to stop a running job. */

export const NoInput = z.object({}).strict();

export const HostKind = z.enum(['electron', 'web', 'cli']);

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  host: HostKind,
  platform: z.string(),
  arch: z.string(),
  nodeVersion: z.string(),
  electronVersion: z.string().nullable(),
  dataDir: z.string(),
});

export const ConnectionState = z.enum(['not-configured', 'online', 'offline']);

export const StatusSchema = z.object({
  backend: z.object({
    state: ConnectionState,
    url: z.string().nullable(),
    /** ISO time of the last check, null when never checked. */
    checkedAt: z.string().nullable(),
    detail: z.string().nullable(),
  }),
  journal: z.object({
    /** Recovery records recorded locally and not yet accepted by the backend. */
    pendingSync: z.number().int().nonnegative(),
  }),
  /** The journal's sync to the backend: where to, what waits, the last success and the last failure. */
  sync: SyncStatusSchema,
});

export const JobRef = z.object({ jobId: z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be a job id') });

export const appContract = {
  getAppInfo: defineMethod({
    summary: 'Name, version and where this copy of Bootmend is running.',
    input: NoInput,
    output: AppInfoSchema,
  }),
  getStatus: defineMethod({
    summary: 'Backend connection state and the number of journal records waiting to sync.',
    input: NoInput,
    output: StatusSchema,
  }),
  cancelJob: defineMethod({
    summary: 'Cancels a running job (a streaming call) by its id.',
    input: JobRef,
    output: z.object({ cancelled: z.boolean() }),
  }),
} satisfies ContractSpec;

export type AppInfo = z.infer<typeof AppInfoSchema>;
export type Status = z.infer<typeof StatusSchema>;
