import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/temp.js';
import { SettingsStore } from './store.js';

describe('settings file', () => {
  it('starts from defaults and keeps what was saved', async () => {
    const dir = tempDir('settings');
    const store = new SettingsStore(join(dir, 'settings.json'));
    expect(await store.read()).toEqual({ theme: 'system', technicianName: '', backendUrl: '' });
    await store.save({ backendUrl: 'https://helpdesk.example.org' });
    expect(await new SettingsStore(join(dir, 'settings.json')).read()).toMatchObject({ backendUrl: 'https://helpdesk.example.org' });
  });

  it('sets a damaged file aside instead of crashing or deleting it', async () => {
    const dir = tempDir('settings');
    writeFileSync(join(dir, 'settings.json'), '{ "theme": "neon", ');
    expect(await new SettingsStore(join(dir, 'settings.json')).read()).toMatchObject({ theme: 'system' });
    const kept = readdirSync(dir).find((f) => f.startsWith('settings.json.unreadable-'));
    expect(kept).toBeDefined();
    expect(readFileSync(join(dir, kept!), 'utf8')).toContain('neon');
  });

  it('leaves the saved file untouched when a change is invalid', async () => {
    const dir = tempDir('settings');
    const store = new SettingsStore(join(dir, 'settings.json'));
    await store.save({ technicianName: 'Ana' });
    await expect(store.save({ backendUrl: 'not a url' })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'backendUrl' });
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toMatchObject({ technicianName: 'Ana', backendUrl: '' });
  });
});
