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
  /** Microsoft Graph online key lookup: the Entra tenant and the app registration (public client) allowed to read BitLocker keys. */
  graph: z
    .object({
      tenantId: z
        .string()
        .trim()
        .regex(/^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9][a-z0-9.-]{0,252})$/i, 'must be a tenant ID (a GUID) or a domain like contoso.onmicrosoft.com'),
      clientId: z
        .string()
        .trim()
        .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be the application (client) ID of the app registration, a GUID'),
    })
    .optional(),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});
