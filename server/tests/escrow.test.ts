import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { expect, it, vi } from 'vitest';
import { mergeRecords, parseExportText, type KeyRecord } from '../../core/keys/importers/index.js';
import { MasterKey } from '../escrow/seal.js';
import { eachDatabase, type TestServer } from '../../test/server-harness.js';

function password(): string {
  return Array.from({ length: 8 }, () => String(randomInt(0, 65536) * 11).padStart(6, '0')).join('-');
}
function guid(prefix = ''): string {
  const hex = (prefix.replace(/-/g, '') + randomBytes(16).toString('hex')).slice(0, 32).toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const KEYS = [
  { id: guid('AB12CD34'), device: 'PC-ONE', password: password() },
  { id: guid('EF56AA00'), device: 'PC-TWO', password: password() },
  { id: guid('EF56AA00'), device: 'PC-THREE', password: password() },
];
const CSV = `DeviceName,KeyId,RecoveryPassword\n${KEYS.map((k) => `${k.device},${k.id},${k.password}`).join('\n')}\nPC-BAD,${guid()},123456-not-a-password\n`;

eachDatabase('key escrow', (db) => {
  const masterKey = MasterKey.fromBytes(Buffer.from(randomBytes(32).toString('base64')), 'test');

  const lookup = (s: TestServer, keyId: string, role: 'technician' | 'admin' = 'technician') =>
    s.app.inject({ method: 'POST', url: '/api/v1/keys/lookup', headers: s.as(role), payload: { keyId, machine: 'PC-ONE', reason: 'blue screen after the update' } });

  it('imports the vault’s layouts (admin), finds a password by an 8-character prefix (technician), answers an ambiguous prefix with candidates only, audits everything, and stores and logs no password in the clear', async () => {
    const logged: string[] = [];
    const errorSpy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args.join(' ')));
    const s = await db.server({ build: { masterKey, log: (line) => logged.push(line) } });
    const imported = await s.app.inject({ method: 'POST', url: '/api/v1/keys/import?name=keys.csv', headers: { ...s.as('admin'), 'content-type': 'text/csv' }, payload: CSV });
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toMatchObject({ imported: 3, rejected: [{ line: 5 }] });
    expect(imported.body).not.toContain('123456-not-a-password');
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/keys/import', headers: { ...s.as('helpdesk'), 'content-type': 'text/csv' }, payload: CSV })).statusCode).toBe(403);

    const one = await lookup(s, KEYS[0]!.id.slice(0, 8).toLowerCase());
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json()).toEqual({ match: 'one', key: { keyId: KEYS[0]!.id, device: 'PC-ONE', created: null, volumeType: null, password: KEYS[0]!.password } });
    const ambiguous = await lookup(s, `{${KEYS[1]!.id.slice(0, 8)}`);
    expect(ambiguous.json()).toEqual({ match: 'ambiguous', candidates: [expect.objectContaining({ device: expect.any(String) as unknown }), expect.objectContaining({ device: expect.any(String) as unknown })] });
    expect(ambiguous.body).not.toContain(KEYS[1]!.password);
    expect(ambiguous.body).not.toContain(KEYS[2]!.password);
    expect((await lookup(s, '00000000')).statusCode).toBe(404);
    expect((await lookup(s, 'AB12')).json()).toMatchObject({ error: { field: 'keyId' } });
    expect((await lookup(s, KEYS[0]!.id, 'admin')).statusCode).toBe(403);

    const audit = await s.app.inject({ method: 'GET', url: '/api/v1/audit', headers: s.as('helpdesk') });
    expect(audit.statusCode).toBe(200);
    const entries = audit.json<{ entries: { action: string; result: string; keyId: string | null; machine: string | null; actor: string }[] }>().entries;
    expect(entries.map((e) => `${e.action}:${e.result}`)).toEqual(['keys.lookup:not_found', 'keys.lookup:ambiguous', 'keys.lookup:revealed', 'keys.import:imported']);
    expect(entries[2]).toMatchObject({ keyId: KEYS[0]!.id, machine: 'PC-ONE', actor: 'test technician' });
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/audit', headers: s.as('technician') })).statusCode).toBe(403);

    // Grep: no password in the clear, with or without dashes, in any table, the database files, the exports or the logs.
    const exports = await Promise.all(['format=csv', 'format=ndjson&events=1'].map((q) => s.app.inject({ method: 'GET', url: `/api/v1/export?${q}`, headers: s.as('admin') })));
    const haystacks = [...logged, audit.body, ...exports.map((e) => e.body)];
    for (const table of ['recovery_keys', 'audit', 'machines', 'events', 'tokens']) {
      const rows = await sql`select * from ${sql.table(table)}`.execute(s.store.db);
      haystacks.push(JSON.stringify(rows.rows));
    }
    // The database's own files (PostgreSQL: every data and WAL file and its server log, after a checkpoint).
    const files = await db.filesOnDisk(s.store.spec);
    expect(files.length).toBeGreaterThan(0);
    const fileText = files.map((file) => readFileSync(file).toString('latin1'));
    // The grep reads the stored rows: a device name, stored in the clear, is found there.
    expect(fileText.some((text) => text.includes('PC-THREE'))).toBe(true);
    haystacks.push(...fileText);
    for (const { password: p } of KEYS) {
      for (const hay of haystacks) {
        expect(hay.includes(p)).toBe(false);
        expect(hay.includes(p.replace(/-/g, ''))).toBe(false);
      }
    }
    errorSpy.mockRestore();
  });

  it("imports every layout the vault reads (AD, Entra, MBAM, Graph JSON, Id,Key CSV) and reveals each file's keys as the vault's parser reads them", async () => {
    const s = await db.server({ build: { masterKey } });
    for (const name of ['ad-raw-type.csv', 'ad-report-semicolon.csv', 'entra.csv', 'mbam.csv', 'graph-concatenated.json', 'minimal.csv']) {
      const text = readFileSync(fileURLToPath(new URL(`../../main/keys/fixtures/${name}`, import.meta.url)), 'utf8');
      const expected = parseExportText(text, name);
      if (!expected.ok) throw new Error(`${name}: ${expected.reason}`);
      const res = await s.app.inject({ method: 'POST', url: `/api/v1/keys/import?name=${name}`, headers: { ...s.as('admin'), 'content-type': name.endsWith('.json') ? 'application/json' : 'text/csv' }, payload: text });
      expect(res.statusCode, `${name}: ${res.body}`).toBe(200);
      const merged = new Map<string, KeyRecord>();
      const outcome = mergeRecords(merged, expected.result.records);
      expect(res.json(), name).toMatchObject({ layout: expected.result.layout, imported: merged.size, duplicates: outcome.duplicates, conflicts: outcome.conflicts.map((c) => ({ keyId: c.id, kept: c.kept.source, dropped: c.dropped.source })) });
      expect(res.body, name).not.toMatch(/\d{6}-\d{6}-\d{6}/);
      expect(merged.size, name).toBeGreaterThan(0);
      const last = [...merged.values()].at(-1)!;
      const found = await lookup(s, last.id);
      expect(found.json(), name).toMatchObject({ match: 'one', key: { keyId: last.id, password: last.password } });
    }
  });

  it('limits key lookups per token across every instance on the database, says when to try again, and audits every refused try', async () => {
    const spec = await db.freshSpec();
    const s = await db.server({ spec, build: { masterKey, lookupsPerMinute: 3 } });
    const other = await db.server({ spec, build: { masterKey, lookupsPerMinute: 3 } });
    await s.app.inject({ method: 'POST', url: '/api/v1/keys/import', headers: { ...s.as('admin'), 'content-type': 'text/csv' }, payload: CSV });
    // Two lookups on this instance, one on the other with the same token (a balancer alternating): the limit is spent.
    expect((await lookup(s, KEYS[0]!.id)).statusCode).toBe(200);
    expect((await lookup(s, '00000000')).statusCode).toBe(404);
    const onOther = await other.app.inject({ method: 'POST', url: '/api/v1/keys/lookup', headers: s.as('technician'), payload: { keyId: KEYS[0]!.id, machine: 'PC-ONE', reason: 'blue screen after the update' } });
    expect(onOther.statusCode).toBe(200);
    const refusedThere = await other.app.inject({ method: 'POST', url: '/api/v1/keys/lookup', headers: s.as('technician'), payload: { keyId: KEYS[0]!.id, machine: 'PC-ONE', reason: 'blue screen after the update' } });
    expect(refusedThere.statusCode).toBe(429);
    // Another technician's token has its own allowance.
    expect((await lookup(other, KEYS[0]!.id)).statusCode).toBe(200);
    const refused = await lookup(s, KEYS[0]!.id);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).not.toContain(KEYS[0]!.password);
    expect(refused.json<{ error: { message: string } }>().error.message).toContain('3 a minute');
    const audit = (await s.app.inject({ method: 'GET', url: '/api/v1/audit?limit=1', headers: s.as('admin') })).json<{ entries: { result: string }[]; nextBefore: number }>();
    expect(audit.entries).toEqual([expect.objectContaining({ result: 'rate_limited' })]);
    expect(audit.nextBefore).toBeGreaterThan(0);
  });

  it('restarted with another master key, a lookup says so (503) instead of failing, and the audit records that nothing was shown', async () => {
    const spec = await db.freshSpec();
    const before = await db.server({ spec, build: { masterKey } });
    expect((await before.app.inject({ method: 'POST', url: '/api/v1/keys/import', headers: { ...before.as('admin'), 'content-type': 'text/csv' }, payload: CSV })).statusCode).toBe(200);
    const logged: string[] = [];
    const after = await db.server({ spec, build: { masterKey: MasterKey.fromBytes(randomBytes(32), 'another'), log: (line) => logged.push(line) } });
    const res = await lookup(after, KEYS[0]!.id);
    expect(res.statusCode, res.body).toBe(503);
    expect(res.json<{ error: { message: string } }>().error.message).toContain(`key ${KEYS[0]!.id} cannot be opened with this server's master key`);
    expect(logged).toEqual([]);
    const audit = (await after.app.inject({ method: 'GET', url: '/api/v1/audit?limit=1', headers: after.as('admin') })).json<{ entries: { result: string; keyId: string }[] }>();
    expect(audit.entries).toEqual([expect.objectContaining({ result: 'unreadable', keyId: KEYS[0]!.id })]);
  });

  it('answers 503 naming the option when the server has no master key', async () => {
    const s = await db.server();
    const res = await lookup(s, KEYS[0]!.id);
    expect(res.statusCode).toBe(503);
    expect(res.json<{ error: { message: string } }>().error.message).toContain('--master-key-file');
  });
});
