import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { ApiEvent } from '../../core/backend/schemas.js';
import { eachDatabase, type TestServer } from '../../test/server-harness.js';

const CSV = ['# exported from the asset database', 'Computer Name;Serial Number;Asset Tag;Location;Owner;Model', 'PC-B001;SN-1;AT-1;Berlin;ann@example.com;T14', 'pc-b002;SN-2;;Berlin;;T14', ';SN-3;AT-3;Berlin;;T14', '"PC-M001";"SN-4";AT-4;Munich;bo@example.com;X1'].join('\r\n');

async function importFleet(s: TestServer, payload: string, contentType: string) {
  return s.app.inject({ method: 'POST', url: '/api/v1/fleet/import', headers: { ...s.as('helpdesk'), 'content-type': contentType }, payload });
}

async function post(s: TestServer, events: ApiEvent[]) {
  const res = await s.app.inject({ method: 'POST', url: '/api/v1/events', headers: s.as('technician'), payload: { events } });
  expect(res.statusCode, res.body).toBe(200);
}

const ev = (hostname: string, status: ApiEvent['status'], at: string, technician = 'Ann'): ApiEvent => ({ id: randomUUID(), machine: { hostname }, status, at, technician, method: 'winpe' });

eachDatabase('fleet import, machine list, summary and export', (db) => {
  it('imports a semicolon CSV after its comment line by its header names; a row without hostname is rejected by line, the rest stored as pending', async () => {
    const s = await db.server();
    const res = await importFleet(s, CSV, 'text/csv');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ created: 3, updated: 0, rejected: [{ row: 5, reason: expect.stringContaining('line 5') as unknown }] });
    const list = await s.app.inject({ method: 'GET', url: '/api/v1/machines', headers: s.as('technician') });
    expect(list.json<{ machines: { hostname: string; status: string; site: string; owner: string | null; assetTag: string | null }[] }>().machines).toEqual([
      expect.objectContaining({ hostname: 'PC-B001', status: 'pending', site: 'Berlin', owner: 'ann@example.com', assetTag: 'AT-1' }),
      expect.objectContaining({ hostname: 'pc-b002', status: 'pending', site: 'Berlin', owner: null, assetTag: null }),
      expect.objectContaining({ hostname: 'PC-M001', status: 'pending', site: 'Munich' }),
    ]);
    // Again, as JSON, with one more machine: existing ones are updated, not doubled.
    const again = await importFleet(s, JSON.stringify({ machines: [{ hostname: 'PC-B002', assetTag: 'AT-2' }, { hostname: 'PC-M002', site: 'Munich' }, { serial: 'no host' }] }), 'application/json');
    expect(again.json()).toEqual({ created: 1, updated: 1, rejected: [{ row: 3, reason: expect.stringContaining('hostname') as unknown }] });
  });

  it('refuses a CSV with no hostname column, naming what it looks for', async () => {
    const s = await db.server();
    const res = await importFleet(s, 'serial,site\nSN-1,Berlin\n', 'text/csv');
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toContain('no hostname column');
  });

  it('lists machines filtered by status, site, technician and search, page by page with a cursor', async () => {
    const s = await db.server();
    const hosts = Array.from({ length: 25 }, (_, i) => `PC-${String(i).padStart(3, '0')}`);
    await importFleet(s, `hostname,site\n${hosts.map((h, i) => `${h},${i % 2 ? 'Munich' : 'Berlin'}`).join('\n')}\n`, 'text/csv');
    await post(s, [ev('PC-000', 'fixed', '2024-07-19T10:00:00Z'), ev('PC-001', 'fixed', '2024-07-19T10:00:00Z', 'Bo'), ev('PC-002', 'failed', '2024-07-19T10:00:00Z'), ev('PC-003', 'in_progress', '2024-07-19T10:00:00Z', 'Bo')]);
    const get = async (query: string) => {
      const res = await s.app.inject({ method: 'GET', url: `/api/v1/machines?${query}`, headers: s.as('helpdesk') });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ machines: { hostname: string }[]; nextCursor: string | null }>();
    };
    expect((await get('status=fixed,failed')).machines.map((m) => m.hostname)).toEqual(['PC-000', 'PC-001', 'PC-002']);
    expect((await get('status=fixed&status=in_progress&site=munich')).machines.map((m) => m.hostname)).toEqual(['PC-001', 'PC-003']);
    expect((await get('technician=bo')).machines.map((m) => m.hostname)).toEqual(['PC-001', 'PC-003']);
    expect((await get('q=c-02')).machines.map((m) => m.hostname)).toEqual(['PC-020', 'PC-021', 'PC-022', 'PC-023', 'PC-024']);
    expect((await get('q=%25')).machines).toEqual([]);
    expect((await get('status=pending')).machines).toHaveLength(21);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const result = await get(`limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...result.machines.map((m) => m.hostname));
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(hosts);
    const bad = await s.app.inject({ method: 'GET', url: '/api/v1/machines?cursor=nonsense', headers: s.as('helpdesk') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { field: 'cursor' } });
  });

  it('summarises by status, site and technician, with the last hour’s rate and an ETA', async () => {
    const s = await db.server();
    await importFleet(s, 'hostname,site\nA1,Berlin\nA2,Berlin\nA3,Berlin\nB1,Munich\nB2,Munich\nB3,Munich\n', 'text/csv');
    const now = Date.now();
    const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
    await post(s, [ev('A1', 'fixed', ago(10)), ev('A2', 'nothing_to_do', ago(20), 'Bo'), ev('B1', 'fixed', ago(200)), ev('B2', 'escalated', ago(5), 'Bo')]);
    const res = await s.app.inject({ method: 'GET', url: '/api/v1/summary', headers: s.as('helpdesk') });
    const summary = res.json<{ total: number; byStatus: Record<string, number>; bySite: { site: string; total: number; up: number }[]; byTechnician: unknown[]; fixedPerHour: number; remaining: number; eta: string }>();
    expect(summary).toMatchObject({ total: 6, byStatus: { pending: 2, fixed: 2, nothing_to_do: 1, escalated: 1, in_progress: 0, failed: 0, needs_reimage: 0 }, fixedPerHour: 2, remaining: 3 });
    expect(summary.bySite).toEqual([expect.objectContaining({ site: 'Berlin', total: 3, up: 2 }), expect.objectContaining({ site: 'Munich', total: 3, up: 1 })]);
    expect(summary.byTechnician).toEqual([
      { technician: 'Ann', machines: 2, fixed: 2 },
      { technician: 'Bo', machines: 2, fixed: 0 },
    ]);
    // 3 down at 2 an hour: an hour and a half from now.
    expect(Date.parse(summary.eta) - Date.parse((summary as unknown as { at: string }).at)).toBe(90 * 60_000);
  });

  it('exports one row per machine as CSV, JSON and NDJSON with the filters, and the event log with events=1', async () => {
    const s = await db.server();
    await importFleet(s, 'hostname,site,owner\nPC-1,Berlin,"Doe, Jane"\nPC-2,Munich,\n=HYPERLINK("x"),Berlin,\n', 'text/csv');
    await post(s, [ev('PC-1', 'in_progress', '2024-07-19T10:00:00Z'), { ...ev('PC-1', 'fixed', '2024-07-19T10:45:00Z'), files: ['C:\\a.sys', 'C:\\b.sys'] }]);
    const get = (query: string) => s.app.inject({ method: 'GET', url: `/api/v1/export?${query}`, headers: s.as('admin') });
    const csv = await get('format=csv&site=Berlin');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="bootmend-machines-.*\.csv"/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('id,hostname,serial,assetTag,site,owner,status,method,technician,firstEventAt,lastEventAt,minutesToFix,filesRemoved');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`'=HYPERLINK(""x"")`);
    expect(lines[2]).toMatch(/,PC-1,,,Berlin,"Doe, Jane",fixed,winpe,Ann,2024-07-19T10:00:00Z,2024-07-19T10:45:00Z,45,C:\\a\.sys; C:\\b\.sys$/);
    const json = (await get('format=json&status=fixed')).json<{ hostname: string; minutesToFix: number }[]>();
    expect(json).toEqual([expect.objectContaining({ hostname: 'PC-1', minutesToFix: 45 })]);
    const ndjson = (await get('format=ndjson')).body.trim().split('\n').map((l) => JSON.parse(l) as { hostname: string });
    expect(ndjson.map((r) => r.hostname)).toEqual(['=HYPERLINK("x")', 'PC-1', 'PC-2']);
    const events = (await get('format=ndjson&events=1')).body.trim().split('\n').map((l) => JSON.parse(l) as { hostname: string; status: string; files: string[] });
    expect(events.map((e) => [e.hostname, e.status, e.files])).toEqual([
      ['PC-1', 'in_progress', []],
      ['PC-1', 'fixed', ['C:\\a.sys', 'C:\\b.sys']],
    ]);
    expect((await get('format=ndjson&events=1&site=Munich')).body).toBe('');
    expect((await get('format=xml')).statusCode).toBe(400);
  });

  it('exports more rows than one page in order, none twice', async () => {
    const s = await db.server();
    const hosts = Array.from({ length: 2500 }, (_, i) => `H${String(i).padStart(5, '0')}`);
    const res = await importFleet(s, `hostname\n${hosts.join('\n')}\n`, 'text/csv');
    expect(res.json()).toMatchObject({ created: 2500 });
    const out = await s.app.inject({ method: 'GET', url: '/api/v1/export?format=csv', headers: s.as('helpdesk') });
    const names = out.body.trim().split('\r\n').slice(1).map((l) => l.split(',')[1]);
    expect(names).toEqual(hosts);
  });

  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const s = await db.server();
    const doc = (await s.app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: s.as('technician') })).json<{ openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> }; parameters?: { name: string }[]; 'x-roles': string[] }>> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/v1/audit', '/api/v1/events', '/api/v1/export', '/api/v1/fleet/import', '/api/v1/keys/import', '/api/v1/keys/lookup', '/api/v1/machines', '/api/v1/machines/{id}', '/api/v1/openapi.json', '/api/v1/report', '/api/v1/stream', '/api/v1/summary', '/api/v1/summary/burndown', '/api/v1/whoami']);
    const events = doc.paths['/api/v1/events']!.post!;
    expect(events['x-roles']).toEqual(['technician', 'admin']);
    const item = (events.requestBody!.content['application/json']!.schema.properties!.events as { items: { properties: Record<string, { enum?: string[] }> } }).items;
    expect(item.properties.status!.enum).toEqual(['in_progress', 'fixed', 'nothing_to_do', 'needs_reimage', 'escalated', 'failed']);
    expect(doc.paths['/api/v1/machines']!.get!.parameters!.map((p) => p.name)).toEqual(['status', 'site', 'technician', 'q', 'cursor', 'limit']);
    expect(Object.keys(doc.paths['/api/v1/fleet/import']!.post!.requestBody!.content)).toEqual(['text/csv', 'application/json']);
  });
});
