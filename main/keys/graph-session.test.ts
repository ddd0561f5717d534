import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '../../core/api/contract.js';
import type { ApiError } from '../../core/errors.js';
import { startGraphStandIn, type GraphStandIn } from '../../test/graph-stand-in.js';
import { tempDir } from '../../test/temp.js';
import { createApi, type BootmendApi } from '../api.js';
import { fakeGuid, fakeRecoveryPassword, seededRng } from './fake-keys.js';
import { GRAPH_API_URL_ENV, GRAPH_LOGIN_URL_ENV } from './graph-session.js';

/**
 * The app's Microsoft Graph sign-in and lookup through the local API, against a local stand-in
 * for Microsoft Graph and its sign-in service (test/graph-stand-in.ts; Microsoft Graph cannot be
 * reached here).
 */

const TENANT = 'contoso.onmicrosoft.com';
const CLIENT = '11111111-2222-3333-4444-555555555555';
const TOKEN = 'stand-in-access-token-5f2c9a';
const rng = seededRng(4242);
const keys = Array.from({ length: 3 }, () => ({ id: fakeGuid(rng).toLowerCase(), key: fakeRecoveryPassword(rng), createdDateTime: '2024-07-19T08:00:00Z', volumeType: '1' }));
let standIn: GraphStandIn;

beforeAll(async () => {
  standIn = await startGraphStandIn({ tenant: TENANT, token: TOKEN, keys, userCode: 'QX4T-7MZB', pendingPolls: 1 });
  process.env[GRAPH_LOGIN_URL_ENV] = standIn.env.BOOTMEND_GRAPH_LOGIN_URL;
  process.env[GRAPH_API_URL_ENV] = standIn.env.BOOTMEND_GRAPH_API_URL;
});
afterAll(async () => {
  Reflect.deleteProperty(process.env, GRAPH_LOGIN_URL_ENV);
  Reflect.deleteProperty(process.env, GRAPH_API_URL_ENV);
  await standIn.close();
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
    const seen = standIn.seen;
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
  it("signs in for a tenant and app the request names (the CLI's --tenant and --client-id) with none in Settings, finds a key without revealing it, and forgets the sign-in on sign-out", async () => {
    const dataDir = tempDir('graph-app');
    const api = createApi({ host: 'cli', dataDir, vaultAutoLockMinutes: null });
    const passwordReads = (): number => standIn.seen.filter((s) => s.path.includes('$select=key')).length;
    const readsBefore = passwordReads();
    expect(await call(api, 'startGraphSignIn', { tenantId: TENANT, clientId: CLIENT })).toMatchObject({ state: 'waiting', userCode: 'QX4T-7MZB' });
    let status = await call(api, 'getGraphSignIn', {});
    for (let i = 0; i < 100 && status.state === 'waiting'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await call(api, 'getGraphSignIn', {});
    }
    expect(status.state).toBe('signed-in');
    const found = await call(api, 'findGraphKey', { query: keys[2]!.id.slice(0, 8) });
    expect(found).toEqual({ kind: 'found', key: expect.objectContaining({ id: keys[2]!.id.toUpperCase() }) as unknown });
    expect(JSON.stringify(found)).not.toContain(keys[2]!.key);
    expect(passwordReads()).toBe(readsBefore);
    expect(await call(api, 'findGraphKey', { query: 'PC-BER-0042' })).toMatchObject({ kind: 'not-found', message: expect.stringContaining('device names') as unknown });
    expect(await refusal(api, 'startGraphSignIn', { tenantId: 'not a tenant!' })).toMatchObject({ code: 'INVALID_INPUT', field: 'tenantId' });
    await call(api, 'signOutGraph', {});
    expect(await call(api, 'getGraphSignIn', {})).toMatchObject({ state: 'not-configured' });
    expect(await refusal(api, 'findGraphKey', { query: keys[2]!.id.slice(0, 8) })).toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
