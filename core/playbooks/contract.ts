import { z } from 'zod';
import { NoInput } from '../app/contract.js';
import { defineMethod, type ContractSpec } from '../api/define.js';
import { PlaybookSchema } from './playbook.js';

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

export const playbooksContract = {
  listPlaybooks: defineMethod({
    summary: "The built-in playbooks and the technician's own (from the data folder), with any refused file and why.",
    input: NoInput,
    output: z.object({ playbooks: z.array(PlaybookEntrySchema), refused: z.array(RefusedPlaybookSchema), userFolder: z.string() }),
  }),
} satisfies ContractSpec;
