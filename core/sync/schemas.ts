import { z } from 'zod';

/** The journal's sync to the backend, as the status bar and Settings show it. */

export const BackendTokenInfoSchema = z.object({
  set: z.boolean(),
  /** The saved token's last four characters: enough to tell tokens apart, never enough to use one. */
  hint: z.string().nullable(),
  /** Wrapped by the OS keychain (Electron's safeStorage), or protected only by the file's permissions. */
  keptBy: z.enum(['keychain', 'file']).nullable(),
});
export type BackendTokenInfo = z.infer<typeof BackendTokenInfoSchema>;

export const SaveBackendTokenSchema = z.object({ token: z.string().trim().min(8, 'must be the whole token').max(512) }).strict();

export const SyncFailureSchema = z.object({
  /** unreachable: network, timeout or 5xx, retried; refused: the token was refused (401/403), fixed in Settings. */
  kind: z.enum(['unreachable', 'refused']),
  detail: z.string(),
});

export const SyncStatusSchema = z.object({
  target: z.union([
    z.object({ source: z.enum(['settings', 'embedded']), url: z.string() }),
    /** no-url: no backend configured; no-token: a URL without a saved token. */
    z.object({ source: z.null(), problem: z.enum(['no-url', 'no-token']) }),
  ]),
  /** Events the backend has not acknowledged yet. */
  waiting: z.number().int().nonnegative(),
  running: z.boolean(),
  lastSyncAt: z.string().nullable(),
  failure: SyncFailureSchema.nullable(),
  nextAttemptAt: z.string().nullable(),
  lastReport: z.object({ at: z.string(), sent: z.number().int(), acknowledged: z.number().int(), rejected: z.number().int() }).nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

export const TestConnectionRequestSchema = z
  .object({
    /** Test these before saving them; each left out is taken from Settings. */
    url: z.string().trim().max(2048).optional(),
    token: z.string().trim().max(512).optional(),
  })
  .strict();

export const TestConnectionResultSchema = z.union([
  z.object({ ok: z.literal(true), url: z.string(), name: z.string(), role: z.enum(['technician', 'helpdesk', 'admin']), detail: z.string() }),
  z.object({ ok: z.literal(false), url: z.string().nullable(), problem: z.enum(['no-url', 'no-token', 'unreachable', 'refused', 'not-bootmend', 'wrong-role']), detail: z.string() }),
]);
export type TestConnectionResult = z.infer<typeof TestConnectionResultSchema>;
