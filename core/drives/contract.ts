import { z } from 'zod';
import { defineMethod, type ContractSpec } from '../api/define.js';
import { DriveEntrySchema } from './drives.js';
import { VerifyDriveRequestSchema, VerifyDriveResultSchema, WriteDrivesRequestSchema, WriteDrivesResultSchema } from './write.js';

export const drivesContract = {
  listDrives: defineMethod({
    summary: "Every disk with the drive guard's verdict: which may be written, and why the others may not.",
    input: z
      .object({
        includeUsbHdd: z.boolean().optional(),
        /** The image about to be written: the disk holding it is never offered, nor one smaller than it. */
        imagePath: z.string().min(1).max(4096).optional(),
      })
      .strict(),
    output: z.object({ drives: z.array(DriveEntrySchema) }),
  }),
  writeDrives: defineMethod({
    summary: 'Writes an image to 1..16 USB drives at once (elevated), then reads every byte back; each drive ends with its own result.',
    input: WriteDrivesRequestSchema,
    output: WriteDrivesResultSchema,
    streams: true,
  }),
  verifyDrive: defineMethod({
    summary: 'Reads a drive back and compares every byte with the image, naming the first difference.',
    input: VerifyDriveRequestSchema,
    output: VerifyDriveResultSchema,
    streams: true,
  }),
} satisfies ContractSpec;
