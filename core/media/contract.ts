import { z } from 'zod';
import { defineMethod, type ContractSpec } from '../api/define.js';
import { BuildMediumRequestSchema, BuildPayloadRequestSchema, BuiltMediumSchema, BuiltPayloadSchema, MediaBaseSchema } from './schemas.js';

export const mediaContract = {
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
} satisfies ContractSpec;
