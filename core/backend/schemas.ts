import { z } from 'zod';
import { MachineIdentitySchema, MachineStatusSchema, OutcomeSchema, RecoveryPathSchema } from '../journal/schemas.js';

/**
 * The backend's API v1 words (server/ answers them; the technician app's outbox and the
 * helpdesk dashboard send and read them). Status, method and identity are the journal's
 * words (core/journal/schemas.ts), so a journal event maps onto an API event without a
 * translation table (from-journal.ts).
 */

/** What an event says about its machine: being worked on, or an outcome. */
export const EventStatusSchema = z.enum(['in_progress', ...OutcomeSchema.options]);
export type EventStatus = z.infer<typeof EventStatusSchema>;

/** How the technician reached a prompt; `other` for what the journal has no word for. */
export const MethodSchema = z.enum([...RecoveryPathSchema.options, 'other']);
export type Method = z.infer<typeof MethodSchema>;

/** A machine's status on the backend: the journal's words less `paused` (the backend hears of pauses as `in_progress`). */
export const BackendStatusSchema = z.enum(MachineStatusSchema.options.filter((s) => s !== 'paused') as ['pending', 'in_progress', ...z.infer<typeof OutcomeSchema>[]]);
export type BackendStatus = z.infer<typeof BackendStatusSchema>;

/** Statuses after which the machine boots again; the rest are still down. */
export const UP_STATUSES: readonly BackendStatus[] = ['fixed', 'nothing_to_do'];

const Text = (max: number) => z.string().trim().min(1).max(max);

/** A file removed from the machine: its path, or the path with what fix.cmd recorded about it. */
export const RemovedFileSchema = z.union([
  Text(400),
  z
    .object({
      path: Text(400),
      size: z.number().int().nonnegative().optional(),
      modified: z.string().max(40).optional(),
      sha256: z.string().regex(/^[0-9a-fA-F]{64}$/).optional(),
    })
    .strict(),
]);

export const ApiEventSchema = z
  .object({
    /** Made by the client; sending the same id again is a duplicate, never a second event. */
    id: z.uuid(),
    machine: MachineIdentitySchema,
    status: EventStatusSchema,
    method: MethodSchema.optional(),
    at: z.iso.datetime({ offset: true }),
    technician: Text(200).optional(),
    notes: z.string().trim().max(2000).optional(),
    files: z.array(RemovedFileSchema).max(1000).optional(),
  })
  .strict();
export type ApiEvent = z.infer<typeof ApiEventSchema>;

export const MAX_EVENTS_PER_BATCH = 1000;

export const EventBatchSchema = z.object({ events: z.array(ApiEventSchema).min(1).max(MAX_EVENTS_PER_BATCH) }).strict();
export type EventBatch = z.infer<typeof EventBatchSchema>;

export const EventBatchResultSchema = z.object({
  /** Stored by this request. */
  accepted: z.array(z.uuid()),
  /** Already stored (a retry, or the same id twice in one batch): nothing changed. */
  duplicates: z.array(z.uuid()),
});
export type EventBatchResult = z.infer<typeof EventBatchResultSchema>;

/** One machine of the affected fleet, as a fleet import names it. */
export const FleetMachineSchema = z
  .object({
    hostname: Text(63),
    serial: Text(64).optional(),
    assetTag: Text(64).optional(),
    site: Text(100).optional(),
    owner: Text(200).optional(),
  })
  .strict();
export type FleetMachine = z.infer<typeof FleetMachineSchema>;

export const FleetImportResultSchema = z.object({
  created: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  /** Rows left out, by line (CSV) or index (JSON, from 1), with what is wrong: never the row itself. */
  rejected: z.array(z.object({ row: z.number().int().positive(), reason: z.string() })),
});
export type FleetImportResult = z.infer<typeof FleetImportResultSchema>;

export const MachineSummarySchema = z.object({
  id: z.string(),
  hostname: z.string(),
  serial: z.string().nullable(),
  assetTag: z.string().nullable(),
  site: z.string().nullable(),
  owner: z.string().nullable(),
  status: BackendStatusSchema,
  method: MethodSchema.nullable(),
  technician: z.string().nullable(),
  firstEventAt: z.string().nullable(),
  lastEventAt: z.string().nullable(),
  /** From the first event to the event that made it fixed; null while not fixed. */
  minutesToFix: z.number().nonnegative().nullable(),
  filesRemoved: z.array(z.string()),
  notes: z.string().nullable(),
});
export type MachineSummary = z.infer<typeof MachineSummarySchema>;

export const MachinePageSchema = z.object({
  machines: z.array(MachineSummarySchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});

export const TimelineEventSchema = z.object({
  id: z.uuid(),
  status: EventStatusSchema,
  method: MethodSchema.nullable(),
  at: z.string(),
  technician: z.string().nullable(),
  notes: z.string().nullable(),
  files: z.array(RemovedFileSchema),
  receivedAt: z.string(),
});

export const MachineDetailSchema = z.object({ machine: MachineSummarySchema, timeline: z.array(TimelineEventSchema) });

export const SummarySchema = z.object({
  total: z.number().int().nonnegative(),
  byStatus: z.record(BackendStatusSchema, z.number().int().nonnegative()),
  bySite: z.array(z.object({ site: z.string().nullable(), total: z.number().int(), up: z.number().int(), byStatus: z.record(z.string(), z.number().int()) })),
  byTechnician: z.array(z.object({ technician: z.string(), machines: z.number().int(), fixed: z.number().int() })),
  /** Machines that came up (fixed or nothing to do) in the last hour. */
  fixedPerHour: z.number().int().nonnegative(),
  /** Machines still down. */
  remaining: z.number().int().nonnegative(),
  /** When the remaining machines are up at the last hour's rate; null when nothing came up in the last hour. */
  eta: z.string().nullable(),
  at: z.string(),
});
export type Summary = z.infer<typeof SummarySchema>;

/** What the live stream says when machines change (`event: machines`). */
export const MachineChangeSchema = z.object({ machines: z.array(z.object({ id: z.string(), hostname: z.string(), site: z.string().nullable(), status: BackendStatusSchema })) });
export type MachineChange = z.infer<typeof MachineChangeSchema>;

export const RoleSchema = z.enum(['technician', 'helpdesk', 'admin']);
export type Role = z.infer<typeof RoleSchema>;
