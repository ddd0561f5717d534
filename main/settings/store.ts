import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BootmendError, describeZodError } from '../../core/errors.js';
import { SettingsSchema, type Settings } from '../../core/settings/schemas.js';

/**
 * settings.json in the data folder. Written to a temp file and renamed, so a crash
 * mid-write leaves the old file; a file that no longer parses is set aside (never
 * deleted) and defaults are used.
 */
export class SettingsStore {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'settings.json');
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

  async save(changes: { [K in keyof Settings]?: Settings[K] | undefined }): Promise<Settings> {
    const current = await this.read();
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    const parsed = SettingsSchema.safeParse({ ...current, ...defined });
    if (!parsed.success) throw describeZodError(parsed.error, 'Settings not saved');
    await mkdir(dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      await writeFile(temp, `${JSON.stringify(parsed.data, null, 2)}\n`, { encoding: 'utf8', mode: 0o600 });
      await rename(temp, this.file);
    } catch (error) {
      throw new BootmendError('IO_ERROR', `Cannot save settings to ${this.file}: ${(error as Error).message}`);
    }
    return parsed.data;
  }
}
