import { z } from 'zod';

/** iso: hybrid ISO (El Torito UEFI + BIOS); usb-image: MBR + FAT32, UEFI-bootable; folder: files to copy onto any stick. */
export const MediumFormat = z.enum(['iso', 'usb-image', 'folder']);
export type MediumFormat = z.infer<typeof MediumFormat>;

export const BuildMediumRequestSchema = z
  .object({
    /** A playbook id (built-in or the technician's own) or a playbook file. */
    playbook: z.string().min(1).max(4096),
    format: MediumFormat,
    /** The image file (iso, usb-image) or folder to create. */
    out: z.string().min(1).max(4096),
    /**
     * The boot base: a WinPE folder in the ADK "Media" layout, the ADK's WinPE folder itself, a WinPE ISO,
     * a UDF-only (Windows install) ISO, or a WinRE/WinPE image (Winre.wim); absent = payload only (WinRE command prompt route).
     */
    base: z.string().min(1).max(4096).optional(),
    /** A folder of drivers (.inf and their files): copied to bootmend/drivers on the medium (loaded with drvload at the PC); on Windows also added to boot.wim with DISM. */
    drivers: z.string().min(1).max(4096).optional(),
    /** Fixed time for every file and the volume, so the same inputs give the same bytes. */
    timestamp: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time, e.g. 2024-07-19T06:00:00Z' }).optional(),
    overwrite: z.boolean().optional(),
  })
  .strict();
export type BuildMediumRequest = z.infer<typeof BuildMediumRequestSchema>;

/**
 * adk-media: a folder in the ADK "Media" layout (copype's media folder, an extracted WinPE ISO);
 * adk-install: the ADK's "Windows Preinstallation Environment\amd64" folder (Media + en-us\winpe.wim);
 * winpe-iso: an ISO 9660 image read directly; udf-iso: a UDF-only image (Windows install ISO) extracted with 7-Zip;
 * winre-wim: a WinRE/WinPE image whose own Windows\Boot files make the loaders.
 */
export const MediaBaseKind = z.enum(['adk-media', 'adk-install', 'winpe-iso', 'udf-iso', 'winre-wim']);
export type MediaBaseKind = z.infer<typeof MediaBaseKind>;

const ToolPresence = z.enum(['yes', 'no', 'unknown']);
/** The tools fix.cmd's checks use, found in the base's boot image (as manage-bde is); unknown when it could not be read. */
export const BaseToolsSchema = z.object({ powershell: ToolPresence, certutil: ToolPresence, fc: ToolPresence, wmic: ToolPresence });

/** One of the playbook's checks on this base (core/media/playbook-checks.ts). */
export const PlaybookCheckSchema = z.object({
  targetId: z.string(),
  check: z.enum(['name', 'time-window', 'size', 'leading-bytes', 'zero-filled', 'sha256']),
  requirement: z.enum(['required', 'whenAvailable']),
  status: z.enum(['can', 'cannot', 'unknown']),
  how: z.string(),
  meaning: z.string().nullable(),
});

export const BuiltMediumSchema = z.object({
  format: MediumFormat,
  out: z.string(),
  bytes: z.number().int().nonnegative(),
  /** SHA-256 of the image; null for a folder. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  /** Written into every machine result, so the helpdesk knows which medium fixed which PC. */
  mediumId: z.string(),
  playbook: z.object({ id: z.string(), version: z.string() }),
  base: z
    .object({
      root: z.string(),
      bootable: z.object({ uefi: z.boolean(), bios: z.boolean() }),
      /** boot.wim was given a startnet.cmd that runs fix.cmd by itself. */
      injected: z.boolean(),
      kind: MediaBaseKind.optional(),
      /** Drivers were added to boot.wim (DISM). */
      drivers: z.boolean().optional(),
      missing: z.array(z.string()),
      /** How WinPE reaches the launcher: startnet.cmd, or winpeshl.ini where the base ships one (WinRE); null when boot.wim was not changed. */
      launch: z.enum(['startnet.cmd', 'winpeshl.ini']).nullable().optional(),
      /** ISO only: "none" when the UEFI boot image is efisys_noprompt.bin (or made from the loader), "press-a-key" for efisys.bin. */
      bootPrompt: z.enum(['none', 'press-a-key']).nullable().optional(),
      /** The tools fix.cmd's checks use, as found in boot.wim. */
      tools: BaseToolsSchema.optional(),
      /** Which of the playbook's checks fix.cmd can make on this base, and what a missing one means. */
      checks: z.array(PlaybookCheckSchema).optional(),
      /** Which CA signed the boot manager (EFI/Boot/bootx64.efi), read from its Authenticode signature (KB5025885); null without a UEFI loader. */
      secureBoot: z
        .object({
          signer: z.enum(['windows-uefi-ca-2023', 'production-pca-2011', 'other', 'unsigned']),
          issuers: z.array(z.string()),
        })
        .nullable()
        .optional(),
    })
    .nullable(),
  /** The drivers on the medium (loaded by the launcher with drvload before fix.cmd searches): given for this build, or kept from the folder rebuilt; null when none. */
  driversOnMedium: z.object({ folder: z.string(), infs: z.number().int().nonnegative() }).nullable().optional(),
});
export type BuiltMedium = z.infer<typeof BuiltMediumSchema>;

export const MediaBaseSchema = z.object({
  root: z.string(),
  kind: MediaBaseKind,
  /** "/"-separated paths on the medium (where the base's files land), null when absent. */
  efiLoader: z.string().nullable(),
  efiBootImage: z.string().nullable(),
  biosLoader: z.string().nullable(),
  bootWim: z.string().nullable(),
  /** What the base lacks, each in words for the technician. */
  missing: z.array(z.string()),
  /** What the base brings and where it comes from, each in words (e.g. "UEFI loader from Windows/Boot/EFI/bootmgfw.efi in the WIM"). */
  capabilities: z.array(z.string()),
  /** manage-bde and the BitLocker WMI provider inside boot.wim; unknown when wimlib-imagex is absent or the WIM cannot be read. */
  bitlocker: z.enum(['yes', 'no', 'unknown']),
  /** The tools fix.cmd's checks use (PowerShell, certutil, fc, wmic) inside boot.wim, looked for as manage-bde is. */
  tools: BaseToolsSchema.optional(),
  /** wimlib-imagex is there to make WinPE run fix.cmd by itself (or DISM, on Windows). */
  canInject: z.boolean(),
});
export type MediaBaseInfo = z.infer<typeof MediaBaseSchema>;

export const BuildPayloadRequestSchema = z
  .object({
    playbook: z.string().min(1).max(4096),
    /** The folder that becomes the medium's root; the payload goes into <out>/bootmend. */
    out: z.string().min(1).max(4096),
    overwrite: z.boolean().optional(),
  })
  .strict();

export const BuiltPayloadSchema = z.object({
  payloadDir: z.string(),
  mediumId: z.string(),
  playbook: z.object({ id: z.string(), version: z.string() }),
  /** Paths relative to the output folder. */
  files: z.array(z.string()),
});
