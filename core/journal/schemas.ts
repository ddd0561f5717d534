import { z } from 'zod';
import { MachineResultSchema } from '../playbooks/machine-result.js';

/**
 * The recovery journal's words, shared by the technician app (main/journal, the Recover and
 * Journal screens, `bootmend journal …`) and the backend's sync (server/). Machine means the
 * PC being recovered, never this laptop.
 *
 * Every event is made on this laptop with its own UUID and is never changed: a machine's
 * state is derived from its events (`machine-state.ts`), an undo is a new event, and the
 * outbox is the events the backend has not acknowledged.
 */

/** How the technician got a command prompt on the PC. The backend's `method` adds `other`. */
export const RecoveryPathSchema = z.enum(['winpe', 'winre', 'safe_mode']);
export type RecoveryPath = z.infer<typeof RecoveryPathSchema>;

/** The playbook's walkthrough key for a path (playbooks predate the journal and say `safemode`). */
export const PLAYBOOK_WALKTHROUGH_KEY = { winpe: 'winpe', winre: 'winre', safe_mode: 'safemode' } as const satisfies Record<RecoveryPath, string>;

/** What became of a machine; the same words as the backend's API v1 `status`. */
export const OutcomeSchema = z.enum(['fixed', 'nothing_to_do', 'needs_reimage', 'escalated', 'failed']);
export type Outcome = z.infer<typeof OutcomeSchema>;

/** A machine's derived status: queued and not started, being worked on, set aside, or an outcome. */
export const MachineStatusSchema = z.enum(['pending', 'in_progress', 'paused', ...OutcomeSchema.options]);
export type MachineStatus = z.infer<typeof MachineStatusSchema>;

const Text = (max: number) => z.string().trim().min(1).max(max);

/** Who the machine is, as typed, scanned or read from a stick. Only the hostname is required. */
export const MachineIdentitySchema = z
  .object({
    hostname: Text(63),
    serial: Text(64).optional(),
    assetTag: Text(64).optional(),
    site: Text(100).optional(),
  })
  .strict();
export type MachineIdentity = z.infer<typeof MachineIdentitySchema>;

export const MachineSourceSchema = z.enum(['typed', 'scanned', 'stick', 'fleet']);

const Uuid = z.uuid();

/** Fields every journal event carries (the key-reveal audit event included). */
const EventBase = z.object({
  /** Made on this laptop; appending an id that is already there is a no-op. */
  id: Uuid,
  /** Position in this laptop's journal, from 1, given by the journal when the event is saved. */
  seq: z.number().int().positive(),
  at: z.iso.datetime({ offset: true }),
  technician: Text(200),
  /** The journal's id for the machine (a UUID made when it was first added). */
  machineId: Uuid,
  machine: MachineIdentitySchema,
});

/**
 * The recovery events, one per thing the technician did. `type` names are part of the
 * journal file format and of `--events` exports: add new ones, never rename.
 */
export const RecoveryEventBodySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('machine.added'), source: MachineSourceSchema }).strict(),
  z.object({ type: z.literal('machine.identity_changed') }).strict(),
  z.object({ type: z.literal('machine.path_chosen'), path: RecoveryPathSchema }).strict(),
  z.object({ type: z.literal('machine.step_confirmed'), path: RecoveryPathSchema, step: z.number().int().nonnegative(), title: Text(120) }).strict(),
  z.object({ type: z.literal('machine.paused') }).strict(),
  z.object({ type: z.literal('machine.resumed') }).strict(),
  z
    .object({
      type: z.literal('machine.outcome'),
      outcome: OutcomeSchema,
      path: RecoveryPathSchema.optional(),
      notes: z.string().trim().max(2000).optional(),
      filesRemoved: z.array(Text(400)).max(1000).default([]),
      /** The BitLocker key ID used (never the password). */
      keyId: z.string().regex(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/).optional(),
    })
    .strict(),
  /** Takes back the outcome event `undoes` (the Recover screen offers it for a short while). */
  z.object({ type: z.literal('machine.outcome_undone'), undoes: Uuid }).strict(),
  /** A fix.cmd result file read back from a stick; `resultKey` makes a second read of the same file a no-op. */
  z.object({ type: z.literal('machine.result_read'), resultKey: Text(200), file: Text(400), result: MachineResultSchema }).strict(),
]);
export type RecoveryEventBody = z.infer<typeof RecoveryEventBodySchema>;
export type RecoveryEventType = RecoveryEventBody['type'];

export const RecoveryEventSchema = z.intersection(EventBase, RecoveryEventBodySchema);
export type RecoveryEvent = z.infer<typeof RecoveryEventSchema>;

/** What the renderer or the CLI asks the journal to record; id, seq, time and technician are filled in when absent. */
export const RecordEventRequestSchema = z.intersection(
  z
    .object({
      id: Uuid.optional(),
      technician: Text(200).optional(),
      /** Absent only on `machine.added`, which makes the machine's id. */
      machineId: Uuid.optional(),
      machine: MachineIdentitySchema.optional(),
    }),
  RecoveryEventBodySchema,
);
export type RecordEventRequest = z.input<typeof RecordEventRequestSchema>;

/** A machine's state, derived from its events alone. */
export const MachineStateSchema = z.object({
  machineId: Uuid,
  machine: MachineIdentitySchema,
  status: MachineStatusSchema,
  path: RecoveryPathSchema.nullable(),
  /** Steps of the current path confirmed so far (the walkthrough resumes at the next). */
  stepsConfirmed: z.array(z.number().int().nonnegative()),
  technician: z.string(),
  addedAt: z.string(),
  /** The first path choice: the per-machine timer runs from here. */
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Time worked, pauses excluded, in whole seconds. */
  secondsWorked: z.number().int().nonnegative(),
  outcome: OutcomeSchema.nullable(),
  /** The outcome event's id, for undo. */
  outcomeEventId: Uuid.nullable(),
  notes: z.string().nullable(),
  filesRemoved: z.array(z.string()),
  keyIdUsed: z.string().nullable(),
  /** The latest stick result read for this machine, to pre-fill the outcome. */
  stickResult: MachineResultSchema.nullable(),
  lastEventAt: z.string(),
  eventCount: z.number().int().positive(),
  /**
   * Who the machine still waits for: the technician (queued, being worked on, paused, or
   * failed: try again), the helpdesk (`needs_reimage` or `escalated`: it stays in the
   * helpdesk's open list until a later outcome closes it), or nobody (`fixed`,
   * `nothing_to_do`). Always filled by the journal; optional only so older answers parse.
   */
  openFor: z.enum(['technician', 'helpdesk']).nullable().optional(),
  /**
   * The per-machine timer is running (path chosen, not paused, no outcome). A live timer
   * shows secondsWorked + (now − lastEventAt) while this is true.
   */
  timerRunning: z.boolean().optional(),
  /** The key ID of the latest recovery-password reveal recorded for this machine (key.revealed with its machineId). */
  keyIdRevealed: z.string().nullable().optional(),
});
export type MachineState = z.infer<typeof MachineStateSchema>;

/**
 * The key vault's reveal audit event as the journal stores it (main/keys/reveal.ts writes it).
 * `machine` is the name typed for the audit; `machineId` is there when the reveal was made for
 * a journal machine (the Recover screen's inline lookup). Never holds the password.
 */
export const KeyRevealedAuditSchema = z.object({
  id: z.string(),
  seq: z.number().int().positive(),
  type: z.literal('key.revealed'),
  at: z.string(),
  keyId: z.string(),
  device: z.string().nullable().optional(),
  machine: z.string(),
  technician: z.string(),
  reason: z.string(),
  source: z.enum(['vault', 'graph', 'escrow']).optional(),
  machineId: Uuid.optional(),
  /** The machine's identity (hostname, serial, asset tag, site); the typed name as hostname outside the Recover flow. */
  machineIdentity: MachineIdentitySchema.optional(),
});
export type KeyRevealedAudit = z.infer<typeof KeyRevealedAuditSchema>;

/**
 * The backend's receipt for events it stored (written by the sync): the outbox is every event
 * whose id no `sync.acknowledged` event names yet.
 */
export const SyncAcknowledgedSchema = z.object({
  id: z.string(),
  seq: z.number().int().positive(),
  type: z.literal('sync.acknowledged'),
  at: z.string(),
  ids: z.array(z.string()).min(1),
  /** Those of `ids` the backend refused for good (a 4xx naming the event), with its reason. */
  rejected: z.array(z.object({ id: z.string(), reason: z.string() })).optional(),
});
export type SyncAcknowledged = z.infer<typeof SyncAcknowledgedSchema>;

export const ListMachinesRequestSchema = z
  .object({
    status: z.array(MachineStatusSchema).optional(),
    site: z.string().optional(),
    /** Hostname, serial or asset tag, any part, any case. */
    q: z.string().max(200).optional(),
  })
  .strict();

export const MachineListSchema = z.object({
  machines: z.array(MachineStateSchema),
  counts: z.record(MachineStatusSchema, z.number().int().nonnegative()),
  sites: z.array(z.string()),
  /** Lines of the journal file that failed their checksum (a torn tail after a crash). */
  damagedLines: z.number().int().nonnegative(),
});

export type MachineList = z.infer<typeof MachineListSchema>;

export const MachineDetailSchema = z.object({ state: MachineStateSchema, events: z.array(z.record(z.string(), z.unknown())) });
export type MachineDetail = z.infer<typeof MachineDetailSchema>;

export const RecordEventResultSchema = z.object({
  /** False when an event with this id was already saved (a retry). */
  saved: z.boolean(),
  event: RecoveryEventSchema,
  state: MachineStateSchema,
});

export const IngestRequestSchema = z.object({ path: Text(4096) }).strict();

export const IngestSummarySchema = z.object({
  folder: z.string(),
  filesRead: z.number().int().nonnegative(),
  /** Result files whose machine and content were already in the journal. */
  alreadyRecorded: z.number().int().nonnegative(),
  machines: z.number().int().nonnegative(),
  byOutcome: z.record(z.string(), z.number().int().nonnegative()),
  rejected: z.array(z.object({ file: z.string(), reason: z.string() })),
  /** "14 machines: 12 fixed, 1 nothing to do, 1 needs attention". */
  sentence: z.string(),
});
export type IngestSummary = z.infer<typeof IngestSummarySchema>;

export const ExportFormatSchema = z.enum(['csv', 'json', 'ndjson']);

export const ExportJournalRequestSchema = z
  .object({
    format: ExportFormatSchema,
    since: z.iso.datetime({ offset: true }).optional(),
    site: z.string().optional(),
    /** The raw event log instead of one row per machine. */
    events: z.boolean().default(false),
  })
  .strict();

export const ExportJournalResultSchema = z.object({ format: ExportFormatSchema, rows: z.number().int().nonnegative(), text: z.string(), fileName: z.string() });

export const StickSchema = z.object({ path: z.string(), label: z.string().nullable(), resultFiles: z.number().int().nonnegative() });
export const StickListSchema = z.object({ sticks: z.array(StickSchema) });
