import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { main } from '../cli.js';
import { openStore, parseDbSpec, type DbSpec } from '../db/connect.js';
import { TokenVerifier } from '../auth/tokens.js';
import { tempDir } from '../../test/temp.js';
import { eachDatabase } from '../../test/server-harness.js';

let stdout = '';
let stderr = '';
beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void (stderr += `${args.join(' ')}\n`));
});
afterEach(() => vi.restoreAllMocks());

function dbArg(spec: DbSpec): string {
  return spec.dialect === 'sqlite' ? `sqlite:${spec.path}` : spec.url;
}

eachDatabase('bootmend-server token', (db) => {
  it('creates a token (printed once, on stdout alone), lists it without the secret, revokes it by name', async () => {
    const spec = await db.freshSpec();
    expect(await main(['token', 'create', '--db', dbArg(spec), '--role', 'helpdesk', '--name', 'Helpdesk Berlin'])).toBe(0);
    const token = stdout.trim();
    expect(token).toMatch(/^bmt_[A-Za-z0-9_-]{43}$/);
    expect(stderr).toContain('shown only this once');
    expect(stderr).not.toContain(token);
    const store = await openStore(spec);
    try {
      expect(await new TokenVerifier(store.db, 0).verify(token)).toMatchObject({ role: 'helpdesk', name: 'Helpdesk Berlin' });
      stdout = '';
      expect(await main(['token', 'list', '--db', dbArg(spec), '--json'])).toBe(0);
      expect(stdout).not.toContain(token.slice(4));
      expect(JSON.parse(stdout)).toEqual({ tokens: [expect.objectContaining({ name: 'Helpdesk Berlin', role: 'helpdesk', revokedAt: null })] });
      expect(await main(['token', 'revoke', '--db', dbArg(spec), 'Helpdesk Berlin'])).toBe(0);
      expect(await new TokenVerifier(store.db, 0).verify(token)).toBeNull();
      expect(await main(['token', 'revoke', '--db', dbArg(spec), 'Helpdesk Berlin'])).toBe(1);
      expect(stderr).toContain('no active token has the id or name "Helpdesk Berlin"');
    } finally {
      await store.close();
    }
  });
});

it('refuses wrong usage with exit code 64 and a sentence', async () => {
  const db = `sqlite:${join(tempDir('server-cli'), 's.db')}`;
  expect(await main(['token', 'create', '--db', db, '--role', 'boss', '--name', 'x'])).toBe(64);
  expect(stderr).toContain('--role technician, helpdesk or admin');
  expect(await main(['token', 'create', '--db', db, '--role', 'admin'])).toBe(64);
  expect(stderr).toContain('--name NAME');
  expect(await main(['--port', 'eighty', '--db', db])).toBe(64);
  expect(await main(['serve'])).toBe(64);
  expect(await main(['--trust-proxy', ' ', '--db', db])).toBe(64);
  expect(stderr).toContain("--trust-proxy takes the proxies' addresses or CIDRs");
  expect(await main(['--db', 'mysql://x'])).toBe(1);
  expect(stderr).toContain('--db takes sqlite:PATH or postgres://');
});

it('reads --db, else DATABASE_URL, else SQLite in the data folder', () => {
  expect(parseDbSpec('postgres://u:p@h/db', {}, '/data/server.db')).toEqual({ dialect: 'postgres', url: 'postgres://u:p@h/db' });
  expect(parseDbSpec(undefined, { DATABASE_URL: 'postgresql://h/db' }, '/data/server.db')).toEqual({ dialect: 'postgres', url: 'postgresql://h/db' });
  expect(parseDbSpec('sqlite:/srv/b.db', { DATABASE_URL: 'postgresql://h/db' }, '/data/server.db')).toEqual({ dialect: 'sqlite', path: '/srv/b.db' });
  expect(parseDbSpec(undefined, {}, '/data/server.db')).toEqual({ dialect: 'sqlite', path: '/data/server.db' });
  expect(() => parseDbSpec('sqlite:', {}, '/x')).toThrow('needs a file path');
});
