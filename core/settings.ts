import { z } from 'zod';

export const ThemePreference = z.enum(['system', 'light', 'dark'], { error: 'must be system, light or dark' });
export type ThemePreference = z.infer<typeof ThemePreference>;

/** Persisted technician preferences. Parsed with zod on every read: a hand-edited file cannot crash the app. */
export const SettingsSchema = z.object({
  theme: ThemePreference.default('system'),
  technicianName: z.string().trim().max(80, 'must be at most 80 characters').default(''),
  /** The shared backend (helpdesk); empty until one is configured. */
  backendUrl: z
    .string()
    .trim()
    .max(2048)
    .refine((value) => value === '' || /^https?:\/\/[^\s/]+/i.test(value), 'must start with http:// or https://')
    .default(''),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});
