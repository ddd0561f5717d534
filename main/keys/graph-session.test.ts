import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '../../core/api/contract.js';
import type { ApiError } from '../../core/errors.js';
import { tempDir } from '../../test/temp.js';
import { createApi, type BootmendApi } from '../api.js';
import { fakeGuid, fakeRecoveryPassword, seededRng } from './fake-keys.js';
import { GRAPH_API_URL_ENV, GRAPH_LOGIN_URL_ENV } from './graph-session.js';

/**
 * The app's Microsoft Graph sign-in and lookup through the local API, against a local stand-in
 * for Microsoft Graph and its sign-in service (Microsoft Graph cannot be reached here). The
 * stand-in answers in the shapes Microsoft documents: POST /{tenant}/oauth2/v2.0/devicecode,
 * POST /{tenant}/oauth2/v2.0/token (grant_type urn:ietf:params:oauth:grant-type:device_code,
 * authorization_pending first), GET /informationProtection/bitlocker/recoveryKeys and
 * /recoveryKeys/{id}?$select=key with the BitLockerKey.Read.All token.
 */

const TENANT = 'contoso.onmicrosoft.com';
const CLIENT = '11111111-2222-3333-4444-555555555555';
const TOKEN = 'stand-in-access-token-5f2c9a';
const rng = seededRng(4242);
const keys = Array.from({ length: 3 }, () => ({ id: fakeGuid(rng).toLowerCase(), key: fakeRecoveryPassword(rng), createdDateTime: '2024-07-19T08:00:00Z', volumeType: '1' }));
const seen: { path: string; headers: IncomingMessage['headers']; body: string }[] = [];
let pending = 1;
let server: Server;
let base = '';

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function standIn(req: IncomingMessage, body: string, res: ServerResponse): void {
  const url = new URL(req.url!, base);
  if (url.pathname === `/${TENANT}/oauth2/v2.0/devicecode`) {
    return send(res, 200, { device_code: 'DEV-1', user_code: 'QX4T-7MZB', verification_uri: 'https://microsoft.com/devicelogin', expires_in: 900, interval: 1, message: 'To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code QX4T-7MZB to authenticate.' });
  }
  if (url.pathname === `/${TENANT}/oauth2/v2.0/token`) {
    if (pending > 0) {
      pending -= 1;
      return send(res, 400, { error: 'authorization_pending', error_description: 'AADSTS70016: Authorization is pending.' });
    }
    return send(res, 200, { token_type: 'Bearer', expires_in: 3600, access_token: TOKEN, refresh_token: 'refresh-stand-in' });
  }
  if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } });
  const prefix = '/v1.0/informationProtection/bitlocker/recoveryKeys';
  if (url.pathname === prefix) return send(res, 200, { value: keys.map(({ key: _key, ...rest }) => rest) });
  const key = keys.find((k) => url.pathname === `${prefix}/${k.id}`);
  if (!key) return send(res, 404, { error: { code: 'NotFound', message: 'Not found.' } });
  const { key: password, ...rest } = key;
  return send(res, 200, url.searchParams.get('$select') === 'key' ? { ...rest, key: password } : rest);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ path: req.url!, headers: req.headers, body });
      standIn(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env[GRAPH_LOGIN_URL_ENV] = base;
  process.env[GRAPH_API_URL_ENV] = `${base}/v1.0`;
});
afterAll(async () => {
  Reflect.deleteProperty(process.env, GRAPH_LOGIN_URL_ENV);
  Reflect.deleteProperty(process.env, GRAPH_API_URL_ENV);
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

let jobs = 0;
async function call<K extends MethodName>(api: BootmendApi, name: K, input: MethodInput<K>): Promise<MethodOutput<K>> {
  const envelope = await api.dispatcher.call(name, input, { jobId: `graph-${(jobs += 1)}` });
  if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), { api: envelope.error });
  return envelope.value as MethodOutput<K>;
}
async function refusal<K extends MethodName>(api: BootmendApi, name: K, input: MethodInput<K>): Promise<ApiError> {
  const envelope = await api.dispatcher.call(name, input, { jobId: `graph-${(jobs += 1)}` });
  if (envelope.ok) throw new Error(`${name} was expected to be refused`);
  return envelope.error;
}

describe('Microsoft Graph in the app (against a local stand-in for Microsoft Graph and its sign-in)', () => {
  it('without a tenant and client ID in Settings it says so, and a lookup asks to sign in first', async () => {
    const api = createApi({ host: 'cli', dataDir: tempDir('graph-app'), vaultAutoLockMinutes: null });
    expect(await call(api, 'getGraphSignIn', {})).toMatchObject({ state: 'not-configured' });
    expect(await refusal(api, 'startGraphSignIn', {})).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('tenant') as unknown });
    expect(await refusal(api, 'lookupGraphKey', { keyId: keys[0]!.id.slice(0, 8), machine: 'PC-1', reason: 'Blue screen' })).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringContaining('sign in first') as unknown });
  });

  it('signs in with a device code (code and page shown, polled until signed in), then finds and reveals a key for a journal machine with no vault on this laptop; the token is never answered or written', async () => {
    const dataDir = tempDir('graph-app');
    const api = createApi({ host: 'cli', dataDir, vaultAutoLockMinutes: null });
    await call(api, 'saveSettings', { technicianName: 'Ana Field', graph: { tenantId: TENANT, clientId: CLIENT } });
    const started = await call(api, 'startGraphSignIn', {});
    expect(started).toMatchObject({ state: 'waiting', userCode: 'QX4T-7MZB', verificationUri: 'https://microsoft.com/devicelogin' });
    let status = started;
    for (let i = 0; i < 100 && status.state === 'waiting'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await call(api, 'getGraphSignIn', {});
    }
    expect(status).toMatchObject({ state: 'signed-in', userCode: null, error: null });
    const devicecode = seen.find((s) => s.path.endsWith('/oauth2/v2.0/devicecode'))!;
    expect(new URLSearchParams(devicecode.body).get('scope')).toBe('https://graph.microsoft.com/BitLockerKey.Read.All offline_access');
    const polls = seen.filter((s) => s.path.endsWith('/oauth2/v2.0/token')).map((s) => new URLSearchParams(s.body));
    expect(polls.length).toBe(2);
    expect(polls.every((p) => p.get('grant_type') === 'urn:ietf:params:oauth:grant-type:device_code' && p.get('device_code') === 'DEV-1' && p.get('client_id') === CLIENT)).toBe(true);

    const machine = { hostname: 'PC-BER-0042', serial: 'SN-42', assetTag: 'AT-42', site: 'Berlin' };
    const added = await call(api, 'recordEvent', { type: 'machine.added', source: 'scanned', machine });
    const answer = await call(api, 'lookupGraphKey', { keyId: keys[1]!.id.slice(0, 8), machine: machine.hostname, reason: 'Unlocking the drive', machineId: added.state.machineId });
    if (answer.match !== 'one') throw new Error('expected one match');
    expect(answer.revealed).toMatchObject({ id: keys[1]!.id.toUpperCase(), password: keys[1]!.key });
    const reads = seen.filter((s) => s.path.includes('/informationProtection/bitlocker/recoveryKeys'));
    expect(reads.map((s) => s.path)).toContain(`/v1.0/informationProtection/bitlocker/recoveryKeys/${keys[1]!.id}?$select=key`);
    expect(reads.every((s) => s.headers['ocp-client-name'] === 'Bootmend' && typeof s.headers['ocp-client-version'] === 'string')).toBe(true);

    const audit = (await api.services.journal.read({ type: 'key.revealed' })).events;
    expect(audit).toEqual([expect.objectContaining({ keyId: keys[1]!.id.toUpperCase(), source: 'graph', machineId: added.state.machineId, machineIdentity: machine, technician: 'Ana Field' })]);
    const journalText = readFileSync(api.services.files.journal, 'utf8');
    expect(journalText).not.toContain(TOKEN);
    expect(journalText).not.toContain(keys[1]!.key);
    expect(JSON.stringify(status)).not.toContain(TOKEN);

    expect(await call(api, 'signOutGraph', {})).toMatchObject({ state: 'signed-out' });
    expect((await refusal(api, 'lookupGraphKey', { keyId: keys[1]!.id.slice(0, 8), machine: 'PC-BER-0042', reason: 'Again' })).code).toBe('UNAUTHORIZED');
  });
});
