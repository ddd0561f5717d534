import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BootmendApi } from '../../api.js';
import type { CommandContext, OptionValues } from '../command.js';
import { keysImport, keysLookup, keysStats } from './keys.js';

const FIXTURES = fileURLToPath(new URL('../../keys/fixtures/', import.meta.url));
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bootmend-keys-cmd-'));
  vi.stubEnv('BOOTMEND_VAULT_PASSPHRASE', 'pass');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

function ctx(args: string[], options: OptionValues, out: string[]): CommandContext {
  return { api: { dataDir: dir } as BootmendApi, io: { out: (t) => out.push(t), err: (t) => out.push(t), tty: false }, args, options, json: true, dataDir: dir };
}

describe('keys Command objects', () => {
  it('import, then lookup by device and stats, print JSON and return the exit codes', async () => {
    const out: string[] = [];
    expect(await keysImport.run(ctx([join(FIXTURES, 'mbam.csv')], { scope: ['PC-STU-*'] }, out))).toBe(0);
    expect(JSON.parse(out.pop()!)).toMatchObject({ imported: 2, rejected: [] });
    expect(await keysLookup.run(ctx(['PC-STU-002'], {}, out))).toBe(0);
    expect(JSON.parse(out.pop()!)).toMatchObject({ device: 'PC-STU-002' });
    expect(await keysLookup.run(ctx(['PC-XXX'], {}, out))).toBe(2);
    expect(await keysStats.run(ctx([], {}, out))).toBe(0);
    expect(JSON.parse(out.pop()!)).toMatchObject({ keys: 2, vault: join(dir, 'vault.bmv') });
  });
});
