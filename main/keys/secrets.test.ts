import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { vaultPlace } from '../../test/vault-place.js';
import { createApi } from '../api.js';
import type { CommandContext, OptionValues } from '../cli/command.js';
import { keysImport, keysLookup, keysRevealed, keysStats } from '../cli/commands/keys.js';
import { buildFixtures } from './fixtures/generate.js';
import { VaultSession } from './session.js';

/**
 * The proof: after importing every layout (CLI and app session), looking keys up
 * and revealing some, no recovery password is in plaintext in any file under the data
 * folder (vault, journal, settings, anything else written there) or in anything printed
 * or logged (CLI stdout/stderr, console.*, process stdout/stderr) — dashed, as 48 digits,
 * or as 8 space-separated groups.
 */

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const FILES = ['ad-raw-type.csv', 'ad-raw-notype.csv', 'ad-report-semicolon.csv', 'ad-report-comma.csv', 'graph-concatenated.json', 'graph-page1.json', 'graph-page2.json', 'entra.csv', 'mbam.csv', 'minimal.csv'];
const { keys } = buildFixtures();

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bootmend-secrets-'));
  vi.stubEnv('BOOTMEND_VAULT_PASSPHRASE', 'secrets test passphrase');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

async function everyFile(root: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) if (entry.isFile()) found.push(join(entry.parentPath, entry.name));
  return found;
}

describe('no recovery password in plaintext after import, lookup and reveal', () => {
  it('in the vault file, the journal, every other file in the data folder, and every log or printed line', async () => {
    const logged: string[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    const capture = (chunk: unknown): boolean => {
      logged.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const api = createApi({ host: 'cli', dataDir: dir, vaultAutoLockMinutes: null });
    const ctx = (args: string[], options: OptionValues, json: boolean): CommandContext => ({
      api,
      io: { out: (t) => logged.push(t), err: (t) => logged.push(t), tty: false },
      args,
      options,
      json,
      dataDir: dir,
    });

    for (const json of [true, false]) {
      await keysImport.run(ctx(FILES.map((f) => join(FIXTURES, f)), {}, json));
      await keysLookup.run(ctx(['PC-BER-001'], {}, json));
      await keysLookup.run(ctx([keys[0]!.id.slice(0, 8)], {}, json));
      await keysStats.run(ctx([], {}, json));
      await keysRevealed.run(ctx([], {}, json));
    }
    const session = new VaultSession({ ...vaultPlace(dir), vaultPath: join(dir, 'app-vault.bmv'), autoLockMinutes: null });
    await session.unlock({ passphrase: 'session passphrase', create: true });
    await session.import({ sources: FILES.map((f) => ({ path: join(FIXTURES, f) })) }, (_d, _t, message) => logged.push(message));
    for (const key of keys.slice(0, 3)) {
      // Each key is found and revealed: the proof below is about a vault that handed passwords out.
      expect(session.lookup(key.id), `lookup of ${key.id}`).toMatchObject({ kind: 'found' });
      expect((await session.reveal({ id: key.id, machine: 'PC-X', reason: 'boot loop', technician: 'Ana' })).password).toBe(key.password);
    }
    logged.push(JSON.stringify(await session.revealedList()), await session.revealedCsv(), JSON.stringify(await session.status()));

    const files = await everyFile(dir);
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(expect.arrayContaining(['app-vault.bmv', 'journal/events.ndjson', 'vault.bmv']));
    const haystacks = [...(await Promise.all(files.map(async (f) => ({ where: f, bytes: await readFile(f) })))), { where: 'logs and output', bytes: Buffer.from(logged.join('\n')) }];
    let checked = 0;
    for (const key of keys) {
      const digits = key.password.replace(/-/g, '');
      for (const form of [key.password, digits, key.password.replace(/-/g, ' ')]) {
        for (const { where, bytes } of haystacks) {
          expect(bytes.includes(Buffer.from(form)), `a password of ${key.id} is in ${where}`).toBe(false);
          expect(bytes.includes(Buffer.from(form, 'utf16le')), `a password of ${key.id} is in ${where} (UTF-16)`).toBe(false);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(keys.length * 3 * 3);
    // 7 s alone; over 20 s on a 2-core machine running the unit forks, an e2e run and a helper at once.
  }, 90_000);
});
