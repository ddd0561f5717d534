import { z } from 'zod';

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
  autoLockMinutes: z.number().int().positive().nullable(),
  updatedAt: z.string().nullable(),
});
export type VaultStatus = z.infer<typeof VaultStatusSchema>;

export const UnlockVaultRequestSchema = z
  .object({
    /** Absent: unlock with the OS keychain (Electron) when the vault was wrapped with it. */
    passphrase: z.string().min(1, 'is empty').max(1024, 'must be at most 1024 characters').optional(),
    /** Create an empty vault protected by this passphrase when none exists yet. */
    create: z.boolean().optional(),
  })
  .strict();

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

const ConflictSide = z.object({ source: z.string(), created: z.string().nullable() });

export const ImportSummarySchema = z.object({
  imported: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  conflicts: z.array(z.object({ id: z.string(), kept: ConflictSide, dropped: ConflictSide })),
  rejected: z.array(z.object({ file: z.string(), line: z.number().int(), reason: z.string() })),
  outOfScope: z.number().int().nonnegative(),
  files: z.array(z.object({ file: z.string(), layout: z.string(), rows: z.number().int().nonnegative(), keys: z.number().int().nonnegative() })),
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

export const RevealedEntrySchema = z.object({
  eventId: z.string(),
  at: z.string(),
  keyId: z.string(),
  device: z.string().nullable(),
  machine: z.string(),
  technician: z.string(),
  reason: z.string(),
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
