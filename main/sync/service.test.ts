import { createServer } from 'node:http';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '../../core/api/contract.js';
import { startAppBackend, type AppBackend } from '../../test/backend-for-app.js';
import { closedPort } from '../../test/ports.js';
import { tempDir } from '../../test/temp.js';
import { createApi, type BootmendApi } from '../api.js';
import { resolveBackend } from '../backend/connection.js';
import type { KeySource } from '../keys/store.js';

/**
 * The app's sync as the technician uses it (Settings → token → recoveries reach the helpdesk),
 * through the local API against a real backend (server/ over SQLite on a free port).
 */

let jobs = 0;
async function call<K extends MethodName>(api: BootmendApi, name: K, input: MethodInput<K>): Promise<MethodOutput<K>> {
  const envelope = await api.dispatcher.call(name, input, { jobId: `sync-test-${(jobs += 1)}` });
  if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), { api: envelope.error });
  return envelope.value as MethodOutput<K>;
}

const apis: BootmendApi[] = [];
afterEach(async () => {
  for (const api of apis.splice(0)) await api.services.sync.stop();
});

function laptop(dataDir = tempDir('sync-app')): BootmendApi {
  delete process.env.BOOTMEND_BACKEND_TOKEN;
  const api = createApi({ host: 'web', dataDir, vaultAutoLockMinutes: null, sync: { firstDelayMs: 100, maxDelayMs: 400, idleMs: 60_000 } });
  apis.push(api);
  return api;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(value)} after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function fixMachine(api: BootmendApi, hostname: string): Promise<string[]> {
  const added = await call(api, 'recordEvent', { type: 'machine.added', source: 'scanned', machine: { hostname, site: 'Berlin' } });
  const machineId = added.state.machineId;
  const path = await call(api, 'recordEvent', { type: 'machine.path_chosen', path: 'winpe', machineId });
  const outcome = await call(api, 'recordEvent', { type: 'machine.outcome', outcome: 'fixed', path: 'winpe', machineId, filesRemoved: ['C-00000291-1.sys'] });
  return [path.event.id, outcome.event.id];
}

async function serverEvents(backend: AppBackend): Promise<{ id: string; machine: string; status: string }[]> {
  const response = await fetch(`${backend.url}/api/v1/export?format=ndjson&events=1`, { headers: { authorization: `Bearer ${backend.tokens.helpdesk}` } });
  const text = await response.text();
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { id: string; hostname: string; status: string })
    .map((row) => ({ id: row.id, machine: row.hostname, status: row.status }));
}

describe('the journal syncs to the backend named in Settings', () => {
  it('sends a fix as soon as it is recorded; the status says all is sent and when', async () => {
    const backend = await startAppBackend();
    const api = laptop();
    await call(api, 'saveSettings', { backendUrl: backend.url, technicianName: 'Ana Field' });
    expect(await call(api, 'saveBackendToken', { token: backend.tokens.technician })).toMatchObject({ set: true, hint: backend.tokens.technician.slice(-4) });
    api.services.sync.start();
    const ids = await fixMachine(api, 'PC-BER-0001');
    const sent = await until(() => serverEvents(backend), (rows) => rows.length === 2, 'events on the server');
    expect(sent.map((row) => row.id).sort()).toEqual([...ids].sort());
    expect(sent.find((row) => row.id === ids[1])).toMatchObject({ machine: 'PC-BER-0001', status: 'fixed' });
    const status = await until(() => call(api, 'getStatus', {}), (s) => s.sync.waiting === 0 && s.sync.lastSyncAt !== null, 'the sync state');
    expect(status.sync).toMatchObject({ target: { source: 'settings', url: backend.url }, failure: null, running: false });
    expect(status.journal.pendingSync).toBe(0);
  });

  it('keeps everything while the backend is unreachable, says when it tries again, and sends each event exactly once when it is back', async () => {
    const backend = await startAppBackend();
    const api = laptop();
    await call(api, 'saveSettings', { backendUrl: `http://127.0.0.1:${await closedPort()}`, technicianName: 'Ana Field' });
    await call(api, 'saveBackendToken', { token: backend.tokens.technician });
    api.services.sync.start();
    const ids = [...(await fixMachine(api, 'PC-BER-0001')), ...(await fixMachine(api, 'PC-BER-0002')), ...(await fixMachine(api, 'PC-BER-0003'))];
    const offline = await until(() => call(api, 'getStatus', {}), (s) => s.sync.failure !== null, 'a failure');
    expect(offline.sync.failure).toMatchObject({ kind: 'unreachable', detail: 'The backend cannot be reached.' });
    expect(offline.sync.nextAttemptAt).not.toBeNull();
    // Exactly what will be sent waits: machine.added tells the helpdesk nothing and is cleared without being sent.
    expect(offline.sync.waiting).toBe(ids.length);

    // Back online (the technician's Settings now reach the backend): everything arrives once.
    await call(api, 'saveSettings', { backendUrl: backend.url });
    await call(api, 'syncNow', {});
    const rows = await until(() => serverEvents(backend), (r) => r.length >= ids.length, 'events on the server');
    await call(api, 'syncNow', {});
    expect((await serverEvents(backend)).map((row) => row.id).sort()).toEqual([...ids].sort());
    expect(rows).toHaveLength(ids.length);
    const after = await call(api, 'getStatus', {});
    expect(after.sync).toMatchObject({ waiting: 0, failure: null });
  });

  it('a restarted laptop sends what it recorded before, and nothing twice', async () => {
    const backend = await startAppBackend();
    const dataDir = tempDir('sync-restart');
    const first = laptop(dataDir);
    await call(first, 'saveSettings', { backendUrl: backend.url, technicianName: 'Ana Field' });
    await call(first, 'saveBackendToken', { token: backend.tokens.technician });
    first.services.sync.start();
    const sentFirst = await fixMachine(first, 'PC-BER-0001');
    await until(() => serverEvents(backend), (r) => r.length === 2, 'the first events');
    await first.services.sync.stop();
    const offlineIds = await fixMachine(first, 'PC-BER-0002'); // recorded with the sync stopped
    await first.services.journal.close();

    // The data folder's one journal is shared in this process; a new app over it starts its own sync.
    const second = laptop(dataDir);
    second.services.sync.start();
    await until(() => serverEvents(backend), (r) => r.length === 4, 'the events recorded while stopped');
    await call(second, 'syncNow', {});
    expect((await serverEvents(backend)).map((r) => r.id).sort()).toEqual([...sentFirst, ...offlineIds].sort());
  });

  it('a refused token stops the sync with a sentence naming Settings, keeps the events, and never shows the token', async () => {
    const backend = await startAppBackend();
    const api = laptop();
    const wrong = 'bmt_not-the-right-token-0123456789';
    await call(api, 'saveSettings', { backendUrl: backend.url, technicianName: 'Ana Field' });
    await call(api, 'saveBackendToken', { token: wrong });
    api.services.sync.start();
    await fixMachine(api, 'PC-BER-0001');
    const status = await until(() => call(api, 'getStatus', {}), (s) => s.sync.failure !== null, 'a failure');
    expect(status.sync.failure).toMatchObject({ kind: 'refused', detail: expect.stringContaining('check the token in Settings') as unknown });
    expect(JSON.stringify(status)).not.toContain(wrong);
    expect(status.sync.waiting).toBe(2);
    expect(await serverEvents(backend)).toEqual([]);
  });
});

describe('Settings: the backend token and Test connection', () => {
  it('keeps the token in backend-token.json readable by this user only, shows only its last four characters, and forgets it', async () => {
    const api = laptop();
    expect(await call(api, 'getBackendToken', {})).toEqual({ set: false, hint: null, keptBy: null });
    const info = await call(api, 'saveBackendToken', { token: '  bmt_abcdefghijklmnop1234  ' });
    expect(info).toEqual({ set: true, hint: '1234', keptBy: 'file' });
    const { stat } = await import('node:fs/promises');
    expect((await stat(api.services.files.backendToken)).mode & 0o777).toBe(0o600);
    expect(await api.services.backendToken.read()).toBe('bmt_abcdefghijklmnop1234');
    const refused = await api.dispatcher.call('saveBackendToken', { token: 'has space inside' }, { jobId: 'sync-test-bad-token' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'token' } });
    expect(await call(api, 'clearBackendToken', {})).toEqual({ set: false, hint: null, keptBy: null });
  });

  it("with the OS keychain (a stand-in for Electron's safeStorage), the file holds only the wrapped token", async () => {
    const dataDir = tempDir('sync-keychain');
    const { createCipheriv, createDecipheriv, randomBytes } = await import('node:crypto');
    const key = randomBytes(32);
    const keychain: KeySource = {
      kind: 'test-keychain',
      wrap: (data: Buffer) => {
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', key, iv);
        const body = Buffer.concat([cipher.update(data), cipher.final()]);
        return Promise.resolve({ kind: 'test-keychain', blob: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64') });
      },
      unwrap: (wrapped) => {
        const raw = Buffer.from(String(wrapped.blob), 'base64');
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Promise.resolve(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]));
      },
    };
    const api = createApi({ host: 'electron', dataDir, vaultAutoLockMinutes: null, keychain });
    apis.push(api);
    const token = 'bmt_keychain-kept-token-9876';
    expect(await call(api, 'saveBackendToken', { token })).toEqual({ set: true, hint: '9876', keptBy: 'keychain' });
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(api.services.files.backendToken, 'utf8')).not.toContain(token);
    expect(await api.services.backendToken.read()).toBe(token);
  });

  it('says who the token is, or exactly what is wrong: no address, no token, refused, a helpdesk token, nobody there, not a Bootmend backend', async () => {
    const backend = await startAppBackend();
    const api = laptop();
    expect(await call(api, 'testBackendConnection', {})).toMatchObject({ ok: false, problem: 'no-url' });
    await call(api, 'saveSettings', { backendUrl: backend.url, technicianName: 'Ana Field' });
    expect(await call(api, 'testBackendConnection', {})).toMatchObject({ ok: false, problem: 'no-token' });
    // A token typed but not saved yet is tested as typed.
    expect(await call(api, 'testBackendConnection', { token: backend.tokens.technician })).toEqual({ ok: true, url: backend.url, name: 'test technician', role: 'technician', detail: 'Connected as “test technician” (technician).' });
    expect(await call(api, 'testBackendConnection', { token: backend.tokens.helpdesk })).toMatchObject({ ok: false, problem: 'wrong-role' });
    const refused = await call(api, 'testBackendConnection', { token: 'bmt_wrong-wrong-wrong-0000' });
    expect(refused).toMatchObject({ ok: false, problem: 'refused' });
    expect(refused.detail).not.toContain('bmt_wrong');
    await call(api, 'saveBackendToken', { token: backend.tokens.technician });
    expect(await call(api, 'testBackendConnection', {})).toMatchObject({ ok: true, role: 'technician' });
    expect(await call(api, 'testBackendConnection', { url: `http://127.0.0.1:${await closedPort()}` })).toMatchObject({ ok: false, problem: 'unreachable' });

    const other = createServer((_request, response) => response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not here</h1>'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => other.close(() => resolve())));
    const { port } = other.address() as { port: number };
    expect(await call(api, 'testBackendConnection', { url: `http://127.0.0.1:${port}`, token: backend.tokens.technician })).toMatchObject({ ok: false, problem: 'not-bootmend' });
  });
});

describe('which backend the laptop talks to', () => {
  it("Settings' URL with the saved token; BOOTMEND_BACKEND_TOKEN only stands in for a token not saved; else the embedded backend npm start runs", async () => {
    const api = laptop();
    const { services } = api;
    expect(await resolveBackend(services, {})).toEqual({ connection: null, problem: 'no-url' });
    const embedded = { BOOTMEND_EMBEDDED_BACKEND_URL: 'http://127.0.0.1:40119', BOOTMEND_EMBEDDED_BACKEND_TOKEN: 'bmt_embedded-0001' };
    expect(await resolveBackend(services, embedded)).toEqual({ connection: { url: 'http://127.0.0.1:40119', token: 'bmt_embedded-0001', source: 'embedded' } });
    await call(api, 'saveSettings', { backendUrl: 'https://bootmend.example.org' });
    expect(await resolveBackend(services, embedded)).toEqual({ connection: null, problem: 'no-token' });
    expect(await resolveBackend(services, { BOOTMEND_BACKEND_TOKEN: ' bmt_scripted-0002 ' })).toMatchObject({ connection: { token: 'bmt_scripted-0002', source: 'settings' } });
    await call(api, 'saveBackendToken', { token: 'bmt_saved-token-0003' });
    expect(await resolveBackend(services, { BOOTMEND_BACKEND_TOKEN: 'bmt_scripted-0002' })).toEqual({ connection: { url: 'https://bootmend.example.org', token: 'bmt_saved-token-0003', source: 'settings' } });
  });
});
