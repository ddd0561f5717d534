import { z } from 'zod';
import { VerifyDriveRequestSchema, VerifyDriveResultSchema, WriteDrivesRequestSchema, WriteDrivesResultSchema } from '../drives/write.js';
import { DriveEntrySchema } from '../drives/drives.js';
import { MachineOverviewSchema } from '../this-laptop/this-laptop.js';
import { BuildMediumRequestSchema, BuildPayloadRequestSchema, BuiltMediumSchema, BuiltPayloadSchema, MediaBaseSchema } from '../media/schemas.js';
import { PlaybookSchema } from '../playbooks/playbook.js';
import { SettingsSchema } from '../settings/schemas.js';
import {
  ImportKeysRequestSchema,
  ImportSummarySchema,
  LookupKeyRequestSchema,
  LookupKeyResultSchema,
  RevealedKeySchema,
  RevealedListSchema,
  RevealKeyRequestSchema,
  UnlockVaultRequestSchema,
  VaultStatusSchema,
  WipeVaultRequestSchema,
} from '../keys/schemas.js';
import { defineMethod, type MethodSpec } from './define.js';

const NoInput = z.object({}).strict();

export const HostKind = z.enum(['electron', 'web', 'cli']);

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  host: HostKind,
  platform: z.string(),
  arch: z.string(),
  nodeVersion: z.string(),
  electronVersion: z.string().nullable(),
  dataDir: z.string(),
});

export const ConnectionState = z.enum(['not-configured', 'online', 'offline']);

export const StatusSchema = z.object({
  backend: z.object({
    state: ConnectionState,
    url: z.string().nullable(),
    /** ISO time of the last check, null when never checked. */
    checkedAt: z.string().nullable(),
    detail: z.string().nullable(),
  }),
  journal: z.object({
    /** Recovery records recorded locally and not yet accepted by the backend. */
    pendingSync: z.number().int().nonnegative(),
  }),
});

export const ToolSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Why Bootmend wants it, in a technician's words. */
  purpose: z.string(),
  found: z.boolean(),
  version: z.string().nullable(),
  path: z.string().nullable(),
});

export const PlaybookEntrySchema = z.object({
  playbook: PlaybookSchema,
  source: z.enum(['built-in', 'user', 'file']),
  file: z.string(),
});

export const RefusedPlaybookSchema = z.object({
  file: z.string(),
  declaredId: z.string().nullable(),
  /** One line per problem, each naming the file, the field and the reason. */
  message: z.string(),
});

export const JobRef = z.object({ jobId: z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be a job id') });

/**
 * THE local API: every method the renderer may call. Adding a method here makes it
 * appear in the Electron preload, the ipcMain adapter, the web host and the typed
 * renderer client; `main/api.ts` must then implement it (the compiler insists).
 */
export const contract = {
  getAppInfo: defineMethod({
    summary: 'Name, version and where this copy of Bootmend is running.',
    input: NoInput,
    output: AppInfoSchema,
  }),
  getStatus: defineMethod({
    summary: 'Backend connection state and the number of journal records waiting to sync.',
    input: NoInput,
    output: StatusSchema,
  }),
  getMachineOverview: defineMethod({
    summary: "This laptop's system, OS and disks (system disk marked), read through systeminformation.",
    input: NoInput,
    output: MachineOverviewSchema,
  }),
  getSettings: defineMethod({
    summary: 'The saved technician settings.',
    input: NoInput,
    output: SettingsSchema,
  }),
  saveSettings: defineMethod({
    summary: 'Validates and saves technician settings; returns what was saved.',
    input: SettingsSchema.partial().strict(),
    output: SettingsSchema,
  }),
  checkTools: defineMethod({
    summary: 'Looks for the optional external tools media building can use, reporting progress per tool.',
    input: NoInput,
    output: z.object({ tools: z.array(ToolSchema) }),
    streams: true,
  }),
  listDrives: defineMethod({
    summary: 'Every disk with the drive guard\'s verdict: which may be written, and why the others may not.',
    input: z
      .object({
        includeUsbHdd: z.boolean().optional(),
        /** The image about to be written: the disk holding it is never offered, nor one smaller than it. */
        imagePath: z.string().min(1).max(4096).optional(),
      })
      .strict(),
    output: z.object({ drives: z.array(DriveEntrySchema) }),
  }),
  listPlaybooks: defineMethod({
    summary: "The built-in playbooks and the technician's own (from the data folder), with any refused file and why.",
    input: NoInput,
    output: z.object({ playbooks: z.array(PlaybookEntrySchema), refused: z.array(RefusedPlaybookSchema), userFolder: z.string() }),
  }),
  buildPayload: defineMethod({
    summary: 'Writes the payload folder (fix.cmd, README.txt, playbook.json) for any medium.',
    input: BuildPayloadRequestSchema,
    output: BuiltPayloadSchema,
  }),
  inspectMediaBase: defineMethod({
    summary: 'Says what a WinPE base folder holds and lacks (UEFI and BIOS loaders, boot.wim) before a build.',
    input: z.object({ base: z.string().min(1).max(4096) }).strict(),
    output: MediaBaseSchema,
  }),
  buildMedium: defineMethod({
    summary: 'Builds a remediation medium (ISO, USB image or folder) from a playbook, optionally on a WinPE base, with progress.',
    input: BuildMediumRequestSchema,
    output: BuiltMediumSchema,
    streams: true,
  }),
  writeDrives: defineMethod({
    summary: 'Writes an image to 1..16 USB drives at once (elevated), then reads every byte back; each drive ends with its own result.',
    input: WriteDrivesRequestSchema,
    output: WriteDrivesResultSchema,
    streams: true,
    answersWhenCancelled: true,
  }),
  verifyDrive: defineMethod({
    summary: 'Reads a drive back and compares every byte with the image, naming the first difference.',
    input: VerifyDriveRequestSchema,
    output: VerifyDriveResultSchema,
    streams: true,
  }),
  getVaultStatus: defineMethod({
    summary: 'Whether a key vault exists, is unlocked, how many keys it holds and when it expires.',
    input: NoInput,
    output: VaultStatusSchema,
  }),
  unlockVault: defineMethod({
    summary: 'Decrypts the key vault into memory with the passphrase (or the OS keychain), or creates an empty one.',
    input: UnlockVaultRequestSchema,
    output: VaultStatusSchema,
  }),
  lockVault: defineMethod({
    summary: "Forgets the decrypted keys and the passphrase from the app's memory.",
    input: NoInput,
    output: VaultStatusSchema,
  }),
  importKeys: defineMethod({
    summary: 'Imports BitLocker key exports (AD, Graph, Entra/Intune, MBAM, CSV) into the unlocked vault, reporting each rejected row.',
    input: ImportKeysRequestSchema,
    output: ImportSummarySchema,
    streams: true,
  }),
  lookupKey: defineMethod({
    summary: 'Finds a key by key ID (8+ characters) or device name; never returns the password.',
    input: LookupKeyRequestSchema,
    output: LookupKeyResultSchema,
  }),
  revealKey: defineMethod({
    summary: 'Records the reveal in the audit journal, then returns the recovery password with its QR code and barcodes.',
    input: RevealKeyRequestSchema,
    output: RevealedKeySchema,
  }),
  listRevealedKeys: defineMethod({
    summary: 'Every key revealed on this laptop (no passwords), with CSV for the admin who rotates them.',
    input: NoInput,
    output: RevealedListSchema,
  }),
  wipeVault: defineMethod({
    summary: 'Overwrites and deletes the key vault file.',
    input: WipeVaultRequestSchema,
    output: VaultStatusSchema,
  }),
  cancelJob: defineMethod({
    summary: 'Cancels a running job (a streaming call) by its id.',
    input: JobRef,
    output: z.object({ cancelled: z.boolean() }),
  }),
} satisfies Record<string, MethodSpec>;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<K extends MethodName> = z.input<Contract[K]['input']>;
export type ParsedInput<K extends MethodName> = z.output<Contract[K]['input']>;
export type MethodOutput<K extends MethodName> = z.output<Contract[K]['output']>;
export type StreamingMethodName = { [K in MethodName]: Contract[K]['streams'] extends true ? K : never }[MethodName];

export const methodNames = Object.keys(contract) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

export type AppInfo = z.infer<typeof AppInfoSchema>;
export type Status = z.infer<typeof StatusSchema>;
export type Tool = z.infer<typeof ToolSchema>;
