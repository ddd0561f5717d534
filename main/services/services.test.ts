import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/temp.js';
import { createApi } from '../api.js';
import { dataFiles } from './data-folder.js';
import { createServices } from './services.js';

const dataDir = (): string => tempDir('services');

describe('the composition root (one set of services per data folder)', () => {
  it('hands every host in one process the same journal for a data folder, so an event id is accepted once', async () => {
    const dir = dataFiles(dataDir());
    const app = createServices({ host: 'web', dataDir: dir.dataDir });
    const cli = createServices({ host: 'cli', dataDir: dir.dataDir });
    expect(cli.journal).toBe(app.journal);
    const event = { id: '5f0c8a4e-8d7e-4a57-9a51-3f7d1c2b9e01', type: 'test.event', at: '2026-12-05T09:00:00.000Z' };
    const [first, second] = await Promise.all([app.journal.append(event), cli.journal.append(event)]);
    expect([first, second].sort()).toEqual([false, true]);
    expect(readFileSync(dir.journal, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('keeps settings, vault and journal under the names data-folder.ts gives them', async () => {
    const dir = dataDir();
    const api = createApi({ host: 'cli', dataDir: dir, vaultAutoLockMinutes: null });
    expect(await api.dispatcher.call('saveSettings', { technicianName: 'Ana' })).toMatchObject({ ok: true });
    expect(await api.dispatcher.call('unlockVault', { passphrase: 'correct horse battery', create: true })).toMatchObject({ ok: true });
    const files = dataFiles(dir);
    expect(readdirSync(dir).sort()).toEqual(['settings.json', 'vault.bmv']);
    expect(api.services.settings.file).toBe(files.settings);
    expect(api.services.vault.path).toBe(files.vault);
    expect(api.services.journal.file).toBe(files.journal);
  });

  it('puts the vault where --vault says, while its audit stays in the data folder journal', () => {
    const dir = dataDir();
    const elsewhere = join(dataDir(), 'field-kit.bmv');
    const services = createServices({ host: 'cli', dataDir: dir, vaultPath: elsewhere });
    expect(services.vault.path).toBe(elsewhere);
    expect(services.journal.file).toBe(dataFiles(dir).journal);
  });
});

describe('data file names', () => {
  const root = new URL('../../', import.meta.url).pathname;
  /** The one owner of each name: the app's data folder, and the embedded backend's database (server/ may not import main/). */
  const OWNERS = ['main/services/data-folder.ts', 'server/data-dir.ts'];
  const NAME = /['"`](settings\.json|vault\.bmv|events\.ndjson|backend-token\.json|server\.db)['"`]|join\([^()]*,\s*'playbooks'\s*\)/;

  it('are written only in data-folder.ts (and the backend database in server/data-dir.ts), never again beside the code that opens them', () => {
    const sources = ['core', 'main', 'server', 'scripts', 'bin']
      .flatMap((folder) => readdirSync(join(root, folder), { recursive: true, withFileTypes: true }).map((entry) => join(entry.parentPath, entry.name)))
      .filter((file) => /\.(ts|mjs|js)$/.test(file) && !/\.test\.ts$|\/testing\/|\/fixtures\//.test(file));
    const elsewhere = sources.filter((file) => !OWNERS.includes(relative(root, file)) && NAME.test(readFileSync(file, 'utf8')));
    expect(elsewhere.map((file) => relative(root, file))).toEqual([]);
    for (const owner of OWNERS) expect(readFileSync(join(root, owner), 'utf8'), owner).toMatch(NAME);
  });
});
