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

describe('the Microsoft Graph set-up in the settings file', () => {
  const TENANT = 'contoso.onmicrosoft.com';
  const CLIENT = '11111111-2222-3333-4444-555555555555';

  it('keeps the tenant and client ID, refuses a client ID that is not a GUID by naming it, and is removed with graph: null', async () => {
    const dir = tempDir('settings');
    const store = new SettingsStore(join(dir, 'settings.json'));
    await store.save({ technicianName: 'Ana', graph: { tenantId: TENANT, clientId: CLIENT } });
    expect(await store.read()).toMatchObject({ technicianName: 'Ana', graph: { tenantId: TENANT, clientId: CLIENT } });

    await expect(store.save({ graph: { tenantId: TENANT, clientId: 'bootmend-app' } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      field: 'graph.clientId',
      message: 'The application (client) ID must be a GUID like 11111111-2222-3333-4444-555555555555 (the app registration’s overview in Entra shows it).',
    });
    await expect(store.save({ graph: { tenantId: 'not a tenant!', clientId: CLIENT } })).rejects.toMatchObject({ field: 'graph.tenantId', message: expect.stringMatching(/^The Entra tenant must be a tenant ID/) as unknown });
    expect((await store.read()).graph).toEqual({ tenantId: TENANT, clientId: CLIENT });

    const saved = await store.save({ graph: null });
    expect(saved).toEqual({ theme: 'system', technicianName: 'Ana', backendUrl: '' });
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).not.toHaveProperty('graph');
  });
});
