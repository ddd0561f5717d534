import { z } from 'zod';
import { GraphSettingsSchema } from '../settings/schemas.js';

/**
 * What the key vault looks like through the local API. Only `RevealedKeySchema` carries a
 * recovery password: every other shape here is safe to show, log or keep in UI state.
 */

export const KeyFormatOption = z.enum(['auto', 'ad', 'graph', 'entra', 'mbam', 'csv']);
export type KeyFormatOption = z.infer<typeof KeyFormatOption>;

export const VaultStatusSchema = z.object({
  /** Where the vault file is (or would be created). */
  path: z.string(),
  exists: z.boolean(),
  /** Decrypted in the app's memory until locked (by hand or after `autoLockMinutes` idle). */
  unlocked: z.boolean(),
  /** Counts are known only while unlocked. */
  keys: z.number().int().nonnegative().nullable(),
  devices: z.number().int().nonnegative().nullable(),
  expiresAt: z.string().nullable(),
  expired: z.boolean(),
  /** How the vault's data key is protected, e.g. "scrypt-passphrase", "safe-storage". */
  keySources: z.array(z.string()),
  /** This host can unlock the vault with the OS keychain (Electron safeStorage), no passphrase typed. */
  safeStorageAvailable: z.boolean(),
  /** When safeStorageAvailable is false: one sentence saying why this laptop's login cannot unlock the vault here. */
  safeStorageUnavailableReason: z.string().nullable(),
  autoLockMinutes: z.number().int().positive().nullable(),
  updatedAt: z.string().nullable(),
});
export type VaultStatus = z.infer<typeof VaultStatusSchema>;

/** The shortest passphrase a new vault accepts (an existing vault opens with whatever it was made with). */
export const MIN_PASSPHRASE = 8;

export const UnlockVaultRequestSchema = z
  .object({
    /** Absent: unlock with the OS keychain (Electron) when the vault was wrapped with it. */
    passphrase: z.string().min(1, 'is empty').max(1024, 'must be at most 1024 characters').optional(),
    /** Create an empty vault protected by this passphrase when none exists yet. */
    create: z.boolean().optional(),
    /**
     * With a passphrase: also keep a copy of the vault key in this laptop's keychain (Electron
     * safeStorage: DPAPI, macOS Keychain, the Linux Secret Service), so this user on this laptop
     * can unlock without typing. Off unless asked: anyone who can sign in as this user can then
     * open the vault. An existing copy is renewed; absent or false leaves copies as they are.
     */
    alsoUnlockWithLaptopLogin: z.boolean().optional(),
  })
  .strict()
  .superRefine((request, ctx) => {
    if (request.create === true && request.passphrase !== undefined && request.passphrase.length < MIN_PASSPHRASE) {
      ctx.addIssue({ code: 'custom', path: ['passphrase'], message: `must be at least ${MIN_PASSPHRASE} characters for a new vault` });
    }
    if (request.alsoUnlockWithLaptopLogin === true && request.passphrase === undefined) {
      ctx.addIssue({ code: 'custom', path: ['passphrase'], message: "is needed to add this laptop's login as a way to unlock" });
    }
  });
export type UnlockVaultRequest = z.infer<typeof UnlockVaultRequestSchema>;

/** A file to import: a path on this computer (Electron, CLI), or its text (dropped into the web host). */
export const KeyImportSourceSchema = z.union([
  z.object({ path: z.string().min(1).max(4096) }).strict(),
  z.object({ name: z.string().min(1).max(255), text: z.string().max(256 * 1024 * 1024, 'is larger than 256 MB: import it with the CLI') }).strict(),
]);
export type KeyImportSource = z.infer<typeof KeyImportSourceSchema>;

export const ImportKeysRequestSchema = z
  .object({
    sources: z.array(KeyImportSourceSchema).min(1, 'names no file').max(50, 'names more than 50 files'),
    format: KeyFormatOption.optional(),
    /** Keep only rows whose device name, OU or site matches one of these patterns. */
    scope: z.array(z.string().min(1).max(200)).max(20).optional(),
    /** ISO date after which lookups are refused; null removes an expiry. */
    expires: z.string().max(40).nullable().optional(),
  })
  .strict();
export type ImportKeysRequest = z.infer<typeof ImportKeysRequestSchema>;

/** Where a file's key IDs came from: the column, how it held them, and how they compared with the Name / DN. */
export const KeyIdReportSchema = z.object({
  column: z.string(),
  /** text: GUIDs as text; bytes: AD's 16 raw bytes (first three fields little-endian); name: the {GUID} in Name / DN. */
  encoding: z.enum(['text', 'bytes', 'name']),
  checkedAgainst: z.string().nullable(),
  agreed: z.number().int().nonnegative(),
  /** Rows whose two IDs differ: filed under the Name / DN one, with a warning each. */
  disagreed: z.number().int().nonnegative(),
  /** Rows whose ID column was empty or unreadable: filed under the Name / DN one, with a warning each. */
  fromName: z.number().int().nonnegative(),
});
export type KeyIdReportInfo = z.infer<typeof KeyIdReportSchema>;

/** One sentence for the import summary (the Keys screen and `bootmend keys import`): which ID was used. */
export function describeKeyIds(report: KeyIdReportInfo): string {
  if (report.encoding === 'name') return `Key IDs from the {GUID} in ${report.column}.`;
  const how = report.encoding === 'bytes' ? ' (raw bytes; the first three GUID fields are stored byte-reversed and were turned around)' : '';
  const base = `Key IDs from ${report.column}${how}`;
  if (report.checkedAgainst === null) return `${base}.`;
  const parts = [`${report.agreed} agree`];
  if (report.disagreed > 0) parts.push(`${report.disagreed} differ (the ${report.checkedAgainst} ID was used; see the warnings)`);
  if (report.fromName > 0) parts.push(`${report.fromName} had none readable (the ${report.checkedAgainst} ID was used)`);
  return `${base}, checked against ${report.checkedAgainst}: ${parts.join(', ')}.`;
}

const ConflictSide = z.object({ source: z.string(), created: z.string().nullable() });

export const ImportSummarySchema = z.object({
  imported: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  conflicts: z.array(z.object({ id: z.string(), kept: ConflictSide, dropped: ConflictSide })),
  rejected: z.array(z.object({ file: z.string(), line: z.number().int(), reason: z.string() })),
  outOfScope: z.number().int().nonnegative(),
  files: z.array(
    z.object({
      file: z.string(),
      layout: z.string(),
      rows: z.number().int().nonnegative(),
      keys: z.number().int().nonnegative(),
      /** CSV exports: where the key IDs came from (core/keys/importers/types.ts KeyIdReport); null for Graph JSON. */
      keyIds: KeyIdReportSchema.nullable(),
    }),
  ),
  /** Rows imported with something to check, e.g. an msFVE-RecoveryGuid that disagrees with the Name (at most 200 per file). */
  warnings: z.array(z.object({ file: z.string(), line: z.number().int(), message: z.string() })),
  total: z.number().int().nonnegative(),
  expiresAt: z.string().nullable(),
});
export type ImportSummary = z.infer<typeof ImportSummarySchema>;

export const KeySummarySchema = z.object({
  id: z.string(),
  device: z.string().nullable(),
  created: z.string().nullable(),
  volumeType: z.string().nullable(),
});
export type KeySummaryInfo = z.infer<typeof KeySummarySchema>;

export const LookupKeyRequestSchema = z.object({ query: z.string().min(1, 'is empty').max(200, 'must be at most 200 characters') }).strict();

export const LookupKeyResultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('found'), key: KeySummarySchema }),
  z.object({ kind: z.literal('not-found'), message: z.string() }),
  z.object({ kind: z.literal('ambiguous'), candidates: z.array(KeySummarySchema), total: z.number().int(), message: z.string() }),
]);
export type LookupKeyResult = z.infer<typeof LookupKeyResultSchema>;

export const RevealKeyRequestSchema = z
  .object({
    /** The full key ID from a lookup. */
    id: z.string().min(8).max(64),
    /** The PC the password is for (defaults to the key's own device name in the UI). */
    machine: z.string().trim().min(1, 'is needed for the audit record').max(200, 'must be at most 200 characters'),
    reason: z.string().trim().min(1, 'is needed for the audit record').max(200, 'must be at most 200 characters'),
    /**
     * Who is revealing it, for the audit record (the CLI's --technician). Absent: the name in
     * Settings, else this laptop's user name, else "unnamed technician" (main/keys/technician.ts).
     */
    technician: z.string().trim().min(1, 'is empty').max(200, 'must be at most 200 characters').optional(),
    /** The journal machine the password is for (the Recover screen's inline reveal): the audit event carries it. */
    machineId: z.uuid().optional(),
  })
  .strict();

/** A key asked of the backend's escrow (POST /api/v1/keys/lookup) when the vault has no match: the server audits it too. */
export const EscrowLookupRequestSchema = z
  .object({
    /** The key ID from the blue screen: its first 8 characters or more. */
    keyId: z.string().trim().min(8, 'needs the first 8 characters of the key ID or more').max(60, 'must be at most 60 characters'),
    /** The PC the password is for (its hostname). */
    machine: z.string().trim().min(1, 'is needed for the audit record').max(63, 'must be at most 63 characters'),
    reason: z.string().trim().min(3, 'is needed for the audit record (3 characters or more)').max(200, 'must be at most 200 characters'),
    technician: z.string().trim().min(1, 'is empty').max(200, 'must be at most 200 characters').optional(),
    /** The journal machine the password is for (the Recover screen): the local audit event carries it. */
    machineId: z.uuid().optional(),
  })
  .strict();

/** A Code128 barcode of 12 digits (a quarter of the password), typed by a HID scanner with no Enter. */
export const KeyBarcodeSchema = z.object({ digits: z.string(), svg: z.string() });

export const RevealedKeySchema = z.object({
  id: z.string(),
  device: z.string().nullable(),
  created: z.string().nullable(),
  /** SECRET: 8 dash-separated blocks of 6 digits. */
  password: z.string(),
  eventId: z.string(),
  /** SVG of a QR code holding the 48 digits. */
  qrSvg: z.string(),
  barcodes: z.array(KeyBarcodeSchema),
  rotationAdvice: z.string(),
});
export type RevealedKey = z.infer<typeof RevealedKeySchema>;

export const EscrowLookupResultSchema = z.discriminatedUnion('match', [
  /** One key: revealed (recorded in the local journal first), shown like a vault reveal. */
  z.object({ match: z.literal('one'), revealed: RevealedKeySchema }),
  /** Several keys start so: no password; ask again with more of the ID (or a candidate's whole ID). */
  z.object({ match: z.literal('ambiguous'), candidates: z.array(KeySummarySchema), message: z.string() }),
]);
export type EscrowLookupResult = z.infer<typeof EscrowLookupResultSchema>;

export const RevealedEntrySchema = z.object({
  eventId: z.string(),
  at: z.string(),
  keyId: z.string(),
  device: z.string().nullable(),
  machine: z.string(),
  technician: z.string(),
  reason: z.string(),
  /** The machine's serial, asset tag and site when the reveal was made for a journal machine. */
  serial: z.string().nullable().optional(),
  assetTag: z.string().nullable().optional(),
  site: z.string().nullable().optional(),
});
export type RevealedEntry = z.infer<typeof RevealedEntrySchema>;

export const ListRevealedKeysRequestSchema = z
  .object({
    /** Only reveals at or after this ISO 8601 date or UTC time (2024-07-20 or 2024-07-20T08:00:00Z). */
    since: z
      .string()
      .trim()
      .max(40, 'must be at most 40 characters')
      .regex(/^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/, 'must be an ISO date or time like 2024-07-20 or 2024-07-20T08:00:00Z')
      .optional(),
  })
  .strict();

export const RevealedListSchema = z.object({
  revealed: z.array(RevealedEntrySchema),
  advice: z.string(),
  /** The same list as CSV (no passwords), for the admin who rotates the keys. */
  csv: z.string(),
  /** Journal lines skipped because their checksum did not match (a torn write, a hand edit): reveals may be missing. */
  damagedJournalLines: z.number().int().nonnegative(),
});
export type RevealedList = z.infer<typeof RevealedListSchema>;

/** Counts over the whole vault (it must be unlocked when it exists). Field names are those of `bootmend keys stats --json`. */
export const VaultStatsSchema = z.discriminatedUnion('exists', [
  z.object({ vault: z.string(), exists: z.literal(false), keys: z.literal(0) }),
  z.object({
    vault: z.string(),
    exists: z.literal(true),
    keys: z.number().int().nonnegative(),
    devices: z.number().int().nonnegative(),
    withoutDevice: z.number().int().nonnegative(),
    /** Keys per volume type as the export names it ("unknown" when it does not). */
    byVolumeType: z.record(z.string(), z.number().int().nonnegative()),
    /** Creation dates of the oldest and newest key, as the exports give them. */
    oldestKey: z.string().nullable(),
    newestKey: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    expiresAt: z.string().nullable(),
    expired: z.boolean(),
  }),
]);
export type VaultStats = z.infer<typeof VaultStatsSchema>;

/**
 * importKeys refuses the whole import when one export cannot be read or is not a key export:
 * INVALID_INPUT on field "sources", and the error carries every such file beside its code and
 * message (what `bootmend keys import --json` prints as `failed`).
 */
export const ImportFailedSchema = z.object({ failed: z.array(z.object({ file: z.string(), reason: z.string() })) });
export type ImportFailed = z.infer<typeof ImportFailedSchema>;

export const WipeVaultRequestSchema = z.object({ confirm: z.literal('WIPE', { message: 'must be the word WIPE' }) }).strict();

/**
 * The app's Microsoft Graph sign-in (device-code flow): not set up (no tenant or client ID in
 * Settings), signed out, waiting for the person to enter the code at Microsoft's page,
 * signed in, or failed with the reason. The token itself never leaves the privileged side.
 */
/**
 * Which Entra tenant and app registration to sign in with. Left out, the ones in Settings: the
 * CLI's --tenant and --client-id (or their environment variables) name others for one command.
 */
export const GraphSignInRequestSchema = GraphSettingsSchema.partial().strict();
export type GraphSignInRequest = z.infer<typeof GraphSignInRequestSchema>;

export const GraphSignInSchema = z.object({
  state: z.enum(['not-configured', 'signed-out', 'waiting', 'signed-in', 'failed']),
  userCode: z.string().nullable(),
  verificationUri: z.string().nullable(),
  /** Microsoft's own sentence: open this page and enter this code. */
  message: z.string().nullable(),
  expiresAt: z.string().nullable(),
  error: z.string().nullable(),
});
export type GraphSignIn = z.infer<typeof GraphSignInSchema>;
