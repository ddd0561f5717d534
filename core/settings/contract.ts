import { z } from 'zod';
import { NoInput } from '../app/contract.js';
import { defineMethod, type ContractSpec } from '../api/define.js';
import { SettingsChangesSchema, SettingsSchema } from './schemas.js';

export const ToolSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Why Bootmend wants it, in a technician's words. */
  purpose: z.string(),
  found: z.boolean(),
  version: z.string().nullable(),
  path: z.string().nullable(),
});

/** The technician's settings, and the environment check shown beside them. */
export const settingsContract = {
  getSettings: defineMethod({
    summary: 'The saved technician settings.',
    input: NoInput,
    output: SettingsSchema,
  }),
  saveSettings: defineMethod({
    summary: 'Validates and saves the settings named (the others stay as they are); returns what was saved. `graph: null` turns the Microsoft Graph lookup off.',
    input: SettingsChangesSchema,
    output: SettingsSchema,
  }),
  checkTools: defineMethod({
    summary: 'Looks for the optional external tools media building can use, reporting progress per tool.',
    input: NoInput,
    output: z.object({ tools: z.array(ToolSchema) }),
    streams: true,
  }),
} satisfies ContractSpec;

export type Tool = z.infer<typeof ToolSchema>;
