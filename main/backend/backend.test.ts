import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '../../core/api/contract.js';
import type { ApiError } from '../../core/errors.js';
import { startAppBackend } from '../../test/backend-for-app.js';
import { closedPort } from '../../test/ports.js';
import { tempDir } from '../../test/temp.js';
import { createApi, type BootmendApi } from '../api.js';

/**
 * The Recover queue's fleet list and the escrow key lookup, through the local API, against a
 * real backend (server/ over SQLite, listening on a free port): no mocked HTTP.
 */

const TOKEN_ENV = 'BOOTMEND_BACKEND_TOKEN';
let savedToken: string | undefined;
beforeEach(() => {
  savedToken = process.env[TOKEN_ENV];
});
afterEach(() => {
  if (savedToken === undefined) delete process.env.BOOTMEND_BACKEND_TOKEN;
  else process.env[TOKEN_ENV] = savedToken;
});

let jobs = 0;
async function call<K extends MethodName>(api: BootmendApi, name: K, input: MethodInput<K>): Promise<MethodOutput<K>> {
  const envelope = await api.dispatcher.call(name, input, { jobId: `backend-test-${(jobs += 1)}` });
  if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), { api: envelope.error });
  return envelope.value as MethodOutput<K>;
}
async function refusal<K extends MethodName>(api: BootmendApi, name: K, input: MethodInput<K>): Promise<ApiError> {
  const envelope = await api.dispatcher.call(name, input, { jobId: `backend-test-${(jobs += 1)}` });
  if (envelope.ok) throw new Error(`${name} was expected to be refused`);
  return envelope.error;
}

/** A laptop whose Settings name the backend, with the technician's token saved as Settings save it (or none). */
async function appFor(url: string, token: string | null): Promise<BootmendApi> {
  delete process.env.BOOTMEND_BACKEND_TOKEN;
  const api = createApi({ host: 'cli', dataDir: tempDir('backend-app'), vaultAutoLockMinutes: null });
  await call(api, 'saveSettings', { backendUrl: url, technicianName: 'Ana Field' });
  if (token !== null) await call(api, 'saveBackendToken', { token });
  return api;
}

function fleetCsv(): string {
  const rows = ['hostname,serial,asset tag,site'];
  for (let n = 1; n <= 1100; n += 1) rows.push(`PC-BER-${String(n).padStart(4, '0')},SN-B${n},AT-B${n},Berlin`);
  rows.push('PC-MUC-0001,SN-M1,AT-M1,Munich');
  return rows.join('\n');
}

describe('pullFleetList (the Recover queue from the backend)', () => {
  it("pulls every page of the site's fleet list, machines still to do, with hostname, serial, asset tag and site", async () => {
    const backend = await startAppBackend();
    await backend.fleet(fleetCsv());
    const api = await appFor(backend.url, backend.tokens.technician);
    const list = await call(api, 'pullFleetList', { site: 'berlin' });
    expect(list.machines).toHaveLength(1100);
    expect(list.pages).toBe(3);
    expect(list.truncated).toBe(false);
    expect(new Set(list.machines.map((m) => m.backendId)).size).toBe(1100);
    expect(list.machines[0]).toMatchObject({ identity: { hostname: 'PC-BER-0001', serial: 'SN-B1', assetTag: 'AT-B1', site: 'Berlin' }, status: 'pending' });
    expect(list.machines.some((m) => m.identity.site !== 'Berlin')).toBe(false);
    expect((await call(api, 'pullFleetList', { site: 'Munich', status: ['fixed'] })).machines).toEqual([]);
  });

  it('says clearly when the laptop is offline, the token is refused or of the wrong role, or no backend is set up; never echoing the token', async () => {
    const backend = await startAppBackend();
    const offline = await refusal(await appFor(`http://127.0.0.1:${await closedPort()}`, backend.tokens.technician), 'pullFleetList', { site: 'Berlin' });
    expect(offline).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/^Cannot reach the backend at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): this laptop seems offline/) as unknown });

    const wrongToken = 'bmt_not-a-real-token-0123456789';
    const refused = await refusal(await appFor(backend.url, wrongToken), 'pullFleetList', { site: 'Berlin' });
    expect(refused.code).toBe('UNAUTHORIZED');
    expect(refused.message).toMatch(/refused the token .*ask the helpdesk for a technician token/);
    expect(refused.message).not.toContain(wrongToken);

    const none = await refusal(await appFor(backend.url, null), 'pullFleetList', { site: 'Berlin' });
    expect(none).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('No backend is set up') as unknown });

    const escrowAsHelpdesk = await refusal(await appFor(backend.url, backend.tokens.helpdesk), 'lookupEscrowKey', { keyId: 'AB12CD34', machine: 'PC-1', reason: 'Blue screen' });
    expect(escrowAsHelpdesk).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('needs a technician token') as unknown });
  });
});

const KEYS = [
  { id: 'AB12CD34-1111-4222-8333-444455556666', device: 'PC-BER-0001', password: '111111-222222-333333-444444-555555-666666-000011-000022' },
  { id: 'EF56AA00-1111-4222-8333-444455556666', device: 'PC-BER-0002', password: '000011-000022-000033-000044-000055-000066-000077-000088' },
  { id: 'EF56AA00-9999-4222-8333-444455556666', device: 'PC-BER-0003', password: '000099-000198-000297-000396-000495-000594-000693-000792' },
];

describe("lookupEscrowKey (the backend's escrow when the vault has no match)", () => {
  it('reveals one match with QR and barcodes after recording it in the local journal for this machine; the server audits it; no password in the journal', async () => {
    const backend = await startAppBackend();
    await backend.keys(`DeviceName,KeyId,RecoveryPassword\n${KEYS.map((k) => `${k.device},${k.id},${k.password}`).join('\n')}\n`);
    const api = await appFor(backend.url, backend.tokens.technician);
    const added = await call(api, 'recordEvent', { type: 'machine.added', source: 'scanned', machine: { hostname: 'PC-BER-0001', site: 'Berlin' } });
    const answer = await call(api, 'lookupEscrowKey', { keyId: 'ab12cd34', machine: 'PC-BER-0001', reason: 'Unlocking the drive to remove the faulty files', machineId: added.state.machineId });
    if (answer.match !== 'one') throw new Error('expected one match');
    expect(answer.revealed).toMatchObject({ id: KEYS[0]!.id, device: 'PC-BER-0001', password: KEYS[0]!.password });
    expect(answer.revealed.qrSvg).toContain('<svg');
    expect(answer.revealed.barcodes).toHaveLength(4);

    const audit = (await api.services.journal.read({ type: 'key.revealed' })).events;
    expect(audit).toEqual([expect.objectContaining({ keyId: KEYS[0]!.id, source: 'escrow', machine: 'PC-BER-0001', machineId: added.state.machineId, technician: 'Ana Field', reason: 'Unlocking the drive to remove the faulty files' })]);
    expect(audit[0]!.machineIdentity).toEqual({ hostname: 'PC-BER-0001', site: 'Berlin' });
    expect(JSON.stringify(audit)).not.toContain(KEYS[0]!.password.slice(0, 13));
    const machine = await call(api, 'getMachine', { machineId: added.state.machineId });
    expect(machine.state.keyIdUsed).toBe(KEYS[0]!.id);
    expect(await backend.audit()).toEqual([expect.objectContaining({ action: 'keys.lookup', result: 'revealed', keyId: KEYS[0]!.id, machine: 'PC-BER-0001' }), expect.objectContaining({ action: 'keys.import' })]);
  });

  it('an ambiguous prefix answers the candidates without passwords and records no reveal; an unknown one says so', async () => {
    const backend = await startAppBackend();
    await backend.keys(`DeviceName,KeyId,RecoveryPassword\n${KEYS.map((k) => `${k.device},${k.id},${k.password}`).join('\n')}\n`);
    const api = await appFor(backend.url, backend.tokens.technician);
    const answer = await call(api, 'lookupEscrowKey', { keyId: 'EF56AA00', machine: 'PC-BER-0002', reason: 'Blue screen' });
    expect(answer).toEqual({ match: 'ambiguous', candidates: [expect.objectContaining({ id: KEYS[1]!.id, device: 'PC-BER-0002' }), expect.objectContaining({ id: KEYS[2]!.id, device: 'PC-BER-0003' })], message: expect.stringContaining('2 escrowed keys start with EF56AA00') as unknown });
    expect(JSON.stringify(answer)).not.toMatch(/\d{6}-\d{6}/);
    expect((await api.services.journal.read({ type: 'key.revealed' })).events).toEqual([]);
    const unknown = await refusal(api, 'lookupEscrowKey', { keyId: '00000000', machine: 'PC-BER-0002', reason: 'Blue screen' });
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('No escrowed key ID starts with 00000000') as unknown });
    const short = await refusal(api, 'lookupEscrowKey', { keyId: 'EF56', machine: 'PC-BER-0002', reason: 'Blue screen' });
    expect(short).toMatchObject({ code: 'INVALID_INPUT', field: 'keyId' });
  });
});
