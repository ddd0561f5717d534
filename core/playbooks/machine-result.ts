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
    result: z.enum(['done', 'failed']).nullable(),
  }),
  outcome: z.enum(['fixed', 'nothing_to_do', 'needs_attention', 'failed']),
  startedAt: z.string(),
  endedAt: z.string(),
});
export type MachineResult = z.infer<typeof MachineResultSchema>;
