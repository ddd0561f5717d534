import { readFile, rename } from 'node:fs/promises';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { BootmendError, describeZodError } from '../../core/errors.js';
import { SettingsSchema, type Settings, type SettingsChanges } from '../../core/settings/schemas.js';

/**
 * The technician's settings file. Written atomically (main/fs/atomic-write.ts), so a crash
 * mid-write leaves the old file; a file that no longer parses is set aside (never
 * deleted) and defaults are used.
 */
export class SettingsStore {
  readonly file: string;

  /** The file's name comes from main/services/data-folder.ts. */
  constructor(file: string) {
    this.file = file;
  }

  async read(): Promise<Settings> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return SettingsSchema.parse({});
      throw new BootmendError('IO_ERROR', `Cannot read settings from ${this.file}: ${(error as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = SettingsSchema.safeParse(json);
    if (parsed.success) return parsed.data;
    await rename(this.file, `${this.file}.unreadable-${Date.now()}`).catch(() => undefined);
    return SettingsSchema.parse({});
  }

  /** Undefined leaves a setting as it is; `graph: null` removes the Microsoft Graph set-up. */
  async save(changes: SettingsChanges): Promise<Settings> {
    const next: Record<string, unknown> = { ...(await this.read()) };
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) Reflect.deleteProperty(next, key);
      else if (value !== undefined) next[key] = value;
    }
    const parsed = SettingsSchema.safeParse(next);
    if (!parsed.success) throw describeZodError(parsed.error, 'Settings not saved');
    try {
      await writeFileAtomic(this.file, `${JSON.stringify(parsed.data, null, 2)}\n`);
    } catch (error) {
      throw new BootmendError('IO_ERROR', `Cannot save settings to ${this.file}: ${(error as Error).message}`);
    }
    return parsed.data;
  }
}
