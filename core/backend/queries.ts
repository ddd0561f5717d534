import { z } from 'zod';
import { BackendStatusSchema } from './schemas.js';

/*
 * The query strings of API v1's read routes, declared once for the server (which parses them)
 * and the helpdesk client (which writes them: helpdesk-contract.ts).
 */

/** A query parameter given once, several times, or comma-separated: `status=fixed,failed&status=pending`. */
export function listParam<T extends z.ZodType<string, string>>(item: T) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== ''))
    .pipe(z.array(item).max(50));
}

/** The filters the machine list, the export and the dashboard share. */
export const MachineFilterSchema = z.object({
  status: listParam(BackendStatusSchema).optional(),
  site: z.string().trim().min(1).max(100).optional(),
  technician: z.string().trim().min(1).max(200).optional(),
  /** Any part of the hostname, serial or asset tag, any case. */
  q: z.string().trim().min(1).max(200).optional(),
});
export type MachineFilter = z.infer<typeof MachineFilterSchema>;

export const MachineListQuerySchema = MachineFilterSchema.extend({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
}).strict();

/** The escrow audit, newest first, a page at a time: `before` is the last page's `nextBefore`. */
export const AuditQuerySchema = z.object({ before: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }).strict();

export const MachineIdParamsSchema = z.object({ id: z.string().min(1).max(100) }).strict();
