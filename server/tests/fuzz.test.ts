import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { MasterKey } from '../escrow/seal.js';
import { eachDatabase, type TestServer } from '../../test/server-harness.js';

/** Bad input gets a 4xx with a reason, never a 5xx; good input that fuzzing stumbles on is stored. */

function expectAnswered(res: { statusCode: number; body: string }, what: string): void {
  expect(res.statusCode, `${what} → ${res.statusCode} ${res.body.slice(0, 300)}`).toBeLessThan(500);
  if (res.statusCode >= 400) {
    const body = JSON.parse(res.body) as { error?: { code?: string; message?: string } };
    expect(body.error?.message, what).toMatch(/\w{3,}/);
  }
}

const validEvent = {
  id: '6a1f7f0e-1d2c-4b5a-9e8f-0123456789ab',
  machine: { hostname: 'PC-FUZZ', serial: 'SN', assetTag: 'AT', site: 'Berlin' },
  status: 'fixed',
  method: 'winpe',
  at: '2024-07-19T10:00:00Z',
  technician: 'Ann',
  notes: 'ok',
  files: ['C:\\x.sys'],
};

const nasty = fc.oneof(
  fc.jsonValue(),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', '💥'.repeat(40), ' ', '', '9999-12-31T23:59:59Z', '0000-01-01T00:00:00Z', '2024-02-30T00:00:00Z', 'NaN', '__proto__', 'x'.repeat(5000), -1, 1e308, Number.MAX_SAFE_INTEGER + 2, null, [], {}),
);

/** A valid event with one field (at any depth) replaced by something nasty, or removed, or an extra one added. */
const mutatedEvent = fc.tuple(fc.constantFrom('id', 'machine', 'machine.hostname', 'machine.site', 'machine.serial', 'status', 'method', 'at', 'technician', 'notes', 'files', 'files.0', 'extra', 'machine.extra'), nasty, fc.boolean(), fc.uuid()).map(([path, value, remove, id]) => {
  const event = structuredClone(validEvent) as Record<string, unknown>;
  event.id = id;
  const parts = path.split('.');
  let target = event as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) target = target[part] as Record<string, unknown>;
  const last = parts.at(-1)!;
  if (remove) Reflect.deleteProperty(target, last);
  else target[last] = value;
  return event;
});

const CSV_PIECES = ['hostname', 'Computer Name', 'serial', 'site', 'owner', ',', ';', '\t', '"', '""', '\n', '\r\n', '\r', '#', 'PC-1', 'Berlin', ' ', '\u0000', 'é', '=cmd', '\ufeff'];
const csvText = fc.oneof(fc.array(fc.constantFrom(...CSV_PIECES), { maxLength: 60 }).map((pieces) => pieces.join('')), fc.string({ unit: 'binary', maxLength: 200 }), fc.array(fc.constantFrom(...CSV_PIECES), { maxLength: 60 }).map((pieces) => `hostname,site\n${pieces.join('')}`));

eachDatabase('bad input gets a 4xx with a reason, never a 5xx', (db) => {
  const shared = db.sharedServer();
  const post = (s: TestServer, url: string, payload: string, contentType: string, role: 'technician' | 'helpdesk' | 'admin' = 'technician') => s.app.inject({ method: 'POST', url, headers: { ...s.as(role), 'content-type': contentType }, payload });

  it('POST /api/v1/events: batches with mutated events, arbitrary JSON and raw bytes', async () => {
    const s = shared();
    await fc.assert(
      fc.asyncProperty(fc.array(mutatedEvent, { minLength: 1, maxLength: 5 }), async (events) => {
        expectAnswered(await post(s, '/api/v1/events', JSON.stringify({ events }), 'application/json'), JSON.stringify(events).slice(0, 200));
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom('', '{', '{"events":', '{"__proto__":{"x":1},"events":[]}', '{"events":[]}', `{"events":[${'{},'.repeat(1200)}{}]}`)), fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'text/csv'), async (body, type) => {
        expectAnswered(await post(s, '/api/v1/events', body, type), `${type}: ${body.slice(0, 100)}`);
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('POST /api/v1/fleet/import: fuzzed CSVs and JSON lists', async () => {
    const s = shared();
    await fc.assert(
      fc.asyncProperty(csvText, async (csv) => {
        expectAnswered(await post(s, '/api/v1/fleet/import', csv, 'text/csv', 'helpdesk'), JSON.stringify(csv));
      }),
      { numRuns: 200 },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.array(fc.dictionary(fc.constantFrom('hostname', 'serial', 'site', 'owner', 'asset tag', 'x'), nasty), { maxLength: 5 })), async (value) => {
        expectAnswered(await post(s, '/api/v1/fleet/import', JSON.stringify(value), 'application/json', 'helpdesk'), JSON.stringify(value).slice(0, 200));
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('GET routes: fuzzed query strings and ids', async () => {
    const s = shared();
    const param = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('fixed', 'fixed,nope', '-1', '0', '1001', '%', '_', '\\', '%00', '\u0000', 'Berlin\u0000', 'a'.repeat(600)));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/api/v1/machines', '/api/v1/export', '/api/v1/summary', '/api/v1/summary/burndown', '/api/v1/report', '/api/v1/audit'), fc.dictionary(fc.constantFrom('status', 'site', 'technician', 'q', 'cursor', 'limit', 'format', 'events', 'hours', 'before', 'x'), param, { maxKeys: 4 }), async (path, query) => {
        const url = `${path}?${new URLSearchParams(query).toString()}`;
        expectAnswered(await s.app.inject({ method: 'GET', url, headers: s.as('helpdesk') }), url);
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 120 }), fc.constantFrom('\u0000', 'PC\u00001')), async (id) => {
        const url = `/api/v1/machines/${encodeURIComponent(id)}`;
        expectAnswered(await s.app.inject({ method: 'GET', url, headers: s.as('technician') }), url);
      }),
      { numRuns: 80 },
    );
  }, 120_000);

  it('key escrow: fuzzed lookups and key files (with escrow on), never a password in a refusal', async () => {
    const s = await db.server({ build: { masterKey: MasterKey.fromBytes(randomBytes(32), 'fuzz'), lookupsPerMinute: 1_000_000 } });
    const password = '111111-222222-333333-444444-555555-666666-000011-123453';
    const imported = await post(s, '/api/v1/keys/import', `DeviceName,KeyId,RecoveryPassword\nPC-FUZZ,AB12CD34-0000-4000-8000-000000000001,${password}\n`, 'text/csv', 'admin');
    expect(imported.statusCode, imported.body).toBe(200);
    const lookup = fc.record({ keyId: nasty, machine: nasty, reason: nasty }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(fc.oneof(lookup.map((v) => JSON.stringify(v)), fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('{"keyId":"AB12CD34%","machine":"PC","reason":"why"}', '{"keyId":"AB12_D34","machine":"PC","reason":"why"}', '{"keyId":"ab12cd34","machine":"","reason":"why"}')), async (body) => {
        const res = await post(s, '/api/v1/keys/lookup', body, 'application/json');
        expectAnswered(res, body.slice(0, 200));
        if (res.statusCode >= 400) expect(res.body).not.toContain(password);
      }),
      { numRuns: 150 },
    );
    const keyFile = fc.oneof(csvText, fc.jsonValue().map((v) => JSON.stringify(v)), fc.array(fc.constantFrom('DeviceName', 'KeyId', 'RecoveryPassword', 'Id', 'Key', ',', '\n', '"', 'AB12CD34-0000-4000-8000-000000000002', password, '{', '}', '[]', '123456'), { maxLength: 40 }).map((pieces) => pieces.join('')));
    await fc.assert(
      fc.asyncProperty(keyFile, fc.constantFrom('text/csv', 'application/json'), fc.constantFrom('', '?format=auto', '?format=entra', '?format=nonsense', '?name=%00'), async (body, type, query) => {
        const res = await post(s, `/api/v1/keys/import${query}`, body, type, 'admin');
        expectAnswered(res, `${type}${query}: ${JSON.stringify(body).slice(0, 200)}`);
        expect(res.body).not.toContain(password);
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
