import { z } from 'zod';
import { MachineDetailSchema, RoleSchema } from './schemas.js';

/**
 * API words the helpdesk dashboard adds to API v1 (server/dashboard/ answers them):
 * who a token belongs to, for sign-in, and the burn-down series for the overview.
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

/** `GET /api/v1/machines/{id}`'s answer, as the dashboard reads it. */
export type MachineDetail = z.infer<typeof MachineDetailSchema>;
