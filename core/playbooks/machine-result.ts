import { z } from 'zod';

/**
 * The one JSON file fix.cmd writes per machine to \bootmend\results\ on the medium.
 * It goes to the journal and the helpdesk; it never holds a recovery password.
 */
export const MACHINE_RESULT_SCHEMA_VERSION = 1;

export const CheckResult = z.enum(['pass', 'fail', 'unknown', 'not-required']);

export const FileActionTaken = z.enum([
  'quarantined',
  'deleted',
  /** Conditions did not all pass: not the bad file. */
  'left-alone',
  /** A condition could not be checked here and the technician did not confirm. */
  'skipped-unverified',
  'failed',
]);

export const FileResultSchema = z.object({
  volume: z.string().regex(/^[A-Z]:$/),
  /** Full path on the volume, e.g. C:\Windows\System32\drivers\CrowdStrike\C-00000291-0.sys */
  path: z.string().min(4),
  targetId: z.string(),
  sizeBytes: z.number().int().nonnegative().nullable(),
  /** Last-modified time converted to UTC (ISO 8601 with Z), null when unreadable. */
  modifiedUtc: z.string().nullable(),
  checks: z.object({
    modifiedUtc: CheckResult,
    sizeBytes: CheckResult,
    leadingBytes: CheckResult,
    sha256: CheckResult,
  }),
  action: FileActionTaken,
  /**
   * Why: every required condition held ("conditions-met"), an all-zero copy inside the time
   * window ("zero-filled"), the technician confirmed, a named check failed, a check could not
   * be made, or the move/delete failed. Absent in results of fix.cmd before issue 13.
   */
  reason: z.enum(['conditions-met', 'zero-filled', 'confirmed-by-technician', 'check-failed', 'not-verified', 'action-failed']).optional(),
  /** Where a quarantined file now is (on the medium, or on the volume when the medium is read-only). */
  quarantinePath: z.string().nullable(),
  note: z.string().nullable(),
});

export const VolumeResultSchema = z.object({
  volume: z.string().regex(/^[A-Z]:$/),
  bitlocker: z.enum(['not-protected', 'unlocked', 'unlocked-by-bootmend', 'locked', 'unknown']),
  /** The numerical-password protector's GUID as shown on the recovery screen; never the password. */
  keyId: z.string().regex(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/).nullable(),
  outcome: z.enum(['fixed', 'nothing_to_do', 'needs_attention', 'failed']),
  /** From the protectors: a TPM protector marks the OS volume; without one it is a data volume. */
  role: z.enum(['os', 'data', 'unknown']).optional(),
  /** Every numerical-password protector's GUID (a volume may have more than one). */
  keyIds: z.array(z.string().regex(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/)).optional(),
  /** A locked data volume left locked: it does not hold back a PC whose OS volume was fixed. */
  skipped: z.boolean().optional(),
});

export const SafeBootEntrySchema = z.object({
  /** The boot entry bcdedit changed: {default} (next start) or {current} (this Safe Mode session). */
  entry: z.enum(['{default}', '{current}']),
  /** Its safeboot value before (e.g. "Minimal", "Network"), null when it was not set. */
  before: z.string().nullable(),
  /** After: null when cleared or never set. */
  after: z.string().nullable(),
});

export const MachineResultSchema = z.object({
  schemaVersion: z.literal(MACHINE_RESULT_SCHEMA_VERSION),
  playbook: z.object({ id: z.string(), version: z.string() }),
  mediumId: z.string(),
  machine: z.object({
    name: z.string(),
    serial: z.string().nullable(),
    manufacturer: z.string().nullable(),
    model: z.string().nullable(),
  }),
  environment: z.enum(['winpe', 'winre', 'safemode', 'windows', 'unknown']),
  /** Minutes east of UTC in the session fix.cmd ran in (WinPE defaults to Pacific time). */
  utcOffsetMinutes: z.number().int().min(-840).max(840).nullable(),
  volumes: z.array(VolumeResultSchema),
  files: z.array(FileResultSchema),
  safeBoot: z.object({
    requested: z.enum(['set', 'clear']).nullable(),
    /** "not-set": clearing found nothing to clear, which counts as success. */
    result: z.enum(['done', 'failed', 'not-set']).nullable(),
    /** true when fix.cmd cleared it by itself after a successful fix in Safe Mode or WinRE. */
    automatic: z.boolean().optional(),
    entries: z.array(SafeBootEntrySchema).optional(),
  }),
  /** Minutes east of UTC of the PC's own time zone (its offline SYSTEM hive), when read. */
  pcUtcOffsetMinutes: z.number().int().min(-840).max(840).nullable().optional(),
  /** Which clock startedAt/endedAt were converted with: the PC's own time zone or this session's. */
  timesFrom: z.enum(['pc-time-zone', 'session']).optional(),
  /** Drive letters that could not be read in an image without manage-bde (BitLocker cannot be unlocked there). */
  unreadableDrives: z.array(z.string().regex(/^[A-Z]:$/)).optional(),
  outcome: z.enum(['fixed', 'nothing_to_do', 'needs_attention', 'failed']),
  startedAt: z.string(),
  endedAt: z.string(),
});
export type MachineResult = z.infer<typeof MachineResultSchema>;
