import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it, onTestFinished, vi } from 'vitest';
import { createToken } from '../auth/tokens.js';
import { main } from '../cli.js';
import { openStore } from '../db/connect.js';
import { MasterKey } from '../escrow/seal.js';
import { childUrl } from '../../test/child-url.js';
import { tempDir } from '../../test/temp.js';

/** The escrow's master key comes from a file or the environment; a bad one stops the server with a sentence. */

const BIN = fileURLToPath(new URL('../../bin/bootmend-server.mjs', import.meta.url));
const KEY_ID = 'AB12CD34-0000-4000-8000-000000000001';
const PASSWORD = '111111-222222-333333-444444-555555-666666-000011-123453';

afterEach(() => vi.restoreAllMocks());

function keyFile(content: Buffer | string): string {
  const path = join(tempDir('master-key'), 'master.key');
  writeFileSync(path, content);
  return path;
}

it('reads the key from --master-key-file, else BOOTMEND_MASTER_KEY_FILE, else BOOTMEND_MASTER_KEY, as base64, hex or raw bytes; none turns escrow off', () => {
  const bytes = randomBytes(32);
  const sealed = MasterKey.fromBytes(bytes, 'test').seal(PASSWORD, KEY_ID);
  const opens = (key: MasterKey | null) => key?.open(sealed, KEY_ID);
  expect(opens(MasterKey.fromConfig(keyFile(`${bytes.toString('base64')}\n`), {}))).toBe(PASSWORD);
  expect(opens(MasterKey.fromConfig(keyFile(bytes.toString('hex')), {}))).toBe(PASSWORD);
  expect(opens(MasterKey.fromConfig(keyFile(bytes), {}))).toBe(PASSWORD);
  expect(opens(MasterKey.fromConfig(undefined, { BOOTMEND_MASTER_KEY_FILE: keyFile(bytes.toString('base64')) }))).toBe(PASSWORD);
  expect(opens(MasterKey.fromConfig(undefined, { BOOTMEND_MASTER_KEY: bytes.toString('hex') }))).toBe(PASSWORD);
  // The option wins over the environment.
  expect(opens(MasterKey.fromConfig(keyFile(bytes.toString('base64')), { BOOTMEND_MASTER_KEY: randomBytes(32).toString('base64') }))).toBe(PASSWORD);
  expect(() => opens(MasterKey.fromConfig(undefined, { BOOTMEND_MASTER_KEY: randomBytes(32).toString('base64') }))).toThrow();
  expect(MasterKey.fromConfig(undefined, {})).toBeNull();
});

it('refuses to start with a master key of the wrong size or a file it cannot read, naming it and never printing the key', async () => {
  let stderr = '';
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void (stderr += `${args.join(' ')}\n`));
  const db = `sqlite:${join(tempDir('master-key-db'), 's.db')}`;
  const short = randomBytes(31).toString('base64');
  const file = keyFile(short);
  expect(await main(['--db', db, '--port', '0', '--master-key-file', file], {})).toBe(1);
  expect(stderr).toContain(`The master key in ${file} is not 32 bytes`);
  expect(stderr).toContain('head -c 32 /dev/urandom | base64');
  expect(stderr).not.toContain(short);
  stderr = '';
  expect(await main(['--db', db, '--port', '0'], { BOOTMEND_MASTER_KEY_FILE: '/nonexistent/master.key' })).toBe(1);
  expect(stderr).toContain('The master key file /nonexistent/master.key cannot be read: ENOENT');
});

it('bootmend-server --master-key-file turns escrow on: keys imported before a restart are revealed after it, with the same file', async () => {
  const dir = tempDir('master-key-server');
  const dbPath = join(dir, 'server.db');
  const file = keyFile(randomBytes(32).toString('base64'));
  const store = await openStore({ dialect: 'sqlite', path: dbPath });
  const admin = (await createToken(store.db, 'admin', 'admin')).token;
  const technician = (await createToken(store.db, 'technician', 'tech')).token;
  await store.close();

  const start = async () => {
    const child = spawn(process.execPath, [BIN, '--db', `sqlite:${dbPath}`, '--port', '0', '--master-key-file', file], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATABASE_URL: '', BOOTMEND_MASTER_KEY: '', BOOTMEND_MASTER_KEY_FILE: '' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const stopped = new Promise((resolve) => child.once('exit', resolve));
    onTestFinished(async () => {
      child.kill('SIGTERM');
      await stopped;
    });
    const url = await childUrl(child, 'BOOTMEND_SERVER_URL', { what: 'bootmend-server', timeoutMs: 60_000, stderr: () => stderr });
    return { url, stop: async () => (child.kill('SIGTERM'), await stopped), stderr: () => stderr };
  };

  const first = await start();
  const imported = await fetch(`${first.url}/api/v1/keys/import`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' }, body: `DeviceName,KeyId,RecoveryPassword\nPC-ONE,${KEY_ID},${PASSWORD}\n` });
  expect(await imported.json()).toMatchObject({ imported: 1, rejected: [] });
  await first.stop();
  expect(first.stderr()).toContain('key escrow on');

  const second = await start();
  const found = await fetch(`${second.url}/api/v1/keys/lookup`, { method: 'POST', headers: { authorization: `Bearer ${technician}`, 'content-type': 'application/json' }, body: JSON.stringify({ keyId: 'AB12CD34', machine: 'PC-ONE', reason: 'boot loop after the update' }) });
  expect(found.status).toBe(200);
  expect(await found.json()).toMatchObject({ match: 'one', key: { keyId: KEY_ID, password: PASSWORD } });
  expect(second.stderr()).not.toContain(PASSWORD);
}, 120_000);
