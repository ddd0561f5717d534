import { create } from 'zustand';
import type { MethodInput } from '../../../core/api/contract.js';
import type { Settings, ThemePreference } from '../../../core/settings/schemas.js';
import type { ApiClient } from '../../api/client.js';
import { describeError, fieldFailure, type FieldFailure } from '../../state/errors.js';
import { applyTheme } from '../../state/theme.js';

/** The settings the form edits as text; a failure the service names one of them for is shown beside it. */
export const SETTINGS_FIELDS = ['technicianName', 'backendUrl'] as const;
export type SettingsField = (typeof SETTINGS_FIELDS)[number];

interface SettingsState {
  settings: Settings | null;
  loading: boolean;
  loadError: string | null;
  themeSaveError: string | null;
  load(client: ApiClient): Promise<void>;
  /** Applies the theme at once, then saves it. */
  setTheme(client: ApiClient, theme: ThemePreference): Promise<void>;
  /** Saves the given settings; resolves to the failure (never rejects), beside one of the form's `fields` or above it, or null when saved. */
  save<F extends string>(client: ApiClient, changes: MethodInput<'saveSettings'>, fields: readonly F[]): Promise<FieldFailure<F> | null>;
}

export const useSettings = create<SettingsState>()((set, get) => ({
  settings: null,
  loading: false,
  loadError: null,
  themeSaveError: null,
  async load(client) {
    set({ loading: true });
    try {
      const settings = await client.call('getSettings', {});
      applyTheme(settings.theme);
      set({ settings, loading: false, loadError: null });
    } catch (error) {
      set({ loading: false, loadError: describeError(error) });
    }
  },
  async setTheme(client, theme) {
    applyTheme(theme);
    const previous = get().settings;
    if (previous) set({ settings: { ...previous, theme } });
    try {
      const settings = await client.call('saveSettings', { theme });
      set({ settings, themeSaveError: null });
    } catch (error) {
      set({ themeSaveError: describeError(error) });
    }
  },
  async save(client, changes, fields) {
    try {
      const settings = await client.call('saveSettings', changes);
      applyTheme(settings.theme);
      set({ settings });
      return null;
    } catch (error) {
      return fieldFailure(error, fields);
    }
  },
}));
