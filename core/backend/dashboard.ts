import { z } from 'zod';
import { MachineDetailSchema, RoleSchema } from './schemas.js';

/**
 * API words the helpdesk dashboard adds to API v1 (server/dashboard/ answers them):
 * who a token belongs to, for sign-in, the burn-down series for the overview, and the key escrow's audit.
 */

export const WhoAmISchema = z.object({ name: z.string(), role: RoleSchema });
export type WhoAmI = z.infer<typeof WhoAmISchema>;

export const BurndownQuerySchema = z
  .object({
    /** How many hours back the series reaches (1–168, default 24). */
    hours: z.coerce.number().int().min(1).max(168).default(24),
  })
  .strict();

export const BurndownSchema = z.object({
  /** One point per hour boundary, oldest first, then one for now: machines of today's fleet still down at that time. */
  points: z.array(z.object({ at: z.string(), down: z.number().int().nonnegative() })),
  total: z.number().int().nonnegative(),
  at: z.string(),
});
export type Burndown = z.infer<typeof BurndownSchema>;

/** What came of an escrow action: a lookup shows a password only when `revealed`. */
export const AuditResultSchema = z.enum(['imported', 'revealed', 'ambiguous', 'not_found', 'rate_limited', 'unreadable']);
export type AuditResult = z.infer<typeof AuditResultSchema>;

export const AuditEntrySchema = z.object({
  seq: z.number(),
  at: z.string(),
  /** The token's name and role. */
  actor: z.string(),
  role: z.string(),
  /** `keys.lookup` or `keys.import`. */
  action: z.string(),
  keyId: z.string().nullable(),
  machine: z.string().nullable(),
  reason: z.string().nullable(),
  result: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/** `GET /api/v1/audit`: newest first, never a password. */
export const AuditPageSchema = z.object({
  entries: z.array(AuditEntrySchema),
  /** Pass as `before` for older entries; null when none are left. */
  nextBefore: z.number().nullable(),
});
export type AuditPage = z.infer<typeof AuditPageSchema>;

/** `GET /api/v1/machines/{id}`'s answer, as the dashboard reads it. */
export type MachineDetail = z.infer<typeof MachineDetailSchema>;
