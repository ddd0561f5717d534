import { z } from 'zod';

export const ThemePreference = z.enum(['system', 'light', 'dark'], { error: 'must be system, light or dark' });
export type ThemePreference = z.infer<typeof ThemePreference>;

/** Where the Microsoft Graph sign-in goes: the Entra tenant and the app registration (public client) allowed to read BitLocker keys. */
export const GraphSettingsSchema = z.object({
  tenantId: z
    .string()
    .trim()
    .regex(/^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9][a-z0-9.-]{0,252})$/i, 'must be a tenant ID (a GUID) or a domain like contoso.onmicrosoft.com'),
  clientId: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID like 11111111-2222-3333-4444-555555555555 (the app registration’s overview in Entra shows it)'),
});
export type GraphSettings = z.infer<typeof GraphSettingsSchema>;

const TechnicianName = z.string().trim().max(80, 'must be at most 80 characters');
/** The shared backend (helpdesk); empty until one is configured. */
const BackendUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => value === '' || /^https?:\/\/[^\s/]+/i.test(value), 'must start with http:// or https://');

/** Persisted technician preferences. Parsed with zod on every read: a hand-edited file cannot crash the app. */
export const SettingsSchema = z.object({
  theme: ThemePreference.default('system'),
  technicianName: TechnicianName.default(''),
  backendUrl: BackendUrl.default(''),
  graph: GraphSettingsSchema.optional(),
});
export type Settings = z.infer<typeof SettingsSchema>;

/**
 * What saveSettings takes: only the settings named change. No defaults here: a default would
 * fill in (and so wipe) every setting the request leaves out. `graph: null` turns the Microsoft
 * Graph lookup off.
 */
export const SettingsChangesSchema = z
  .object({
    theme: ThemePreference.optional(),
    technicianName: TechnicianName.optional(),
    backendUrl: BackendUrl.optional(),
    graph: GraphSettingsSchema.nullable().optional(),
  })
  .strict();
export type SettingsChanges = z.infer<typeof SettingsChangesSchema>;

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});
