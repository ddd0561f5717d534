import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { expect, it } from 'vitest';
import type { Role } from '../../core/backend/schemas.js';
import { revokeToken } from '../auth/tokens.js';
import { eachDatabase } from '../../test/server-harness.js';

/** Who may call what, written out here (not read from the routes) so a route that loosens its roles fails this test. */
const MATRIX: { method: 'GET' | 'POST'; url: string; payload?: unknown; contentType?: string; allowed: Role[] }[] = [
  { method: 'POST', url: '/api/v1/events', payload: { events: [{ id: randomUUID(), machine: { hostname: 'PC-AUTH' }, status: 'fixed', at: '2024-07-19T10:00:00Z' }] }, allowed: ['technician', 'admin'] },
  { method: 'POST', url: '/api/v1/fleet/import', payload: 'hostname,site\nPC-FLEET,Berlin\n', contentType: 'text/csv', allowed: ['helpdesk', 'admin'] },
  { method: 'GET', url: '/api/v1/machines', allowed: ['technician', 'helpdesk', 'admin'] },
  { method: 'GET', url: '/api/v1/machines/no-such-machine', allowed: ['technician', 'helpdesk', 'admin'] },
  { method: 'GET', url: '/api/v1/summary', allowed: ['helpdesk', 'admin'] },
  { method: 'GET', url: '/api/v1/export?format=ndjson', allowed: ['helpdesk', 'admin'] },
  { method: 'GET', url: '/api/v1/openapi.json', allowed: ['technician', 'helpdesk', 'admin'] },
  // Without a master key these answer 503 to the allowed roles; the role is checked first.
  { method: 'POST', url: '/api/v1/keys/import', payload: 'Id,Key\n', contentType: 'text/csv', allowed: ['admin'] },
  { method: 'POST', url: '/api/v1/keys/lookup', payload: { keyId: 'AB12CD34', machine: 'PC-1', reason: 'locked out' }, allowed: ['technician'] },
  { method: 'GET', url: '/api/v1/audit', allowed: ['helpdesk', 'admin'] },
  { method: 'GET', url: '/api/v1/report?site=Berlin', allowed: ['helpdesk', 'admin'] },
  { method: 'GET', url: '/api/v1/summary/burndown', allowed: ['helpdesk', 'admin'] },
  { method: 'GET', url: '/api/v1/whoami', allowed: ['technician', 'helpdesk', 'admin'] },
];
const ROLES: Role[] = ['technician', 'helpdesk', 'admin'];

eachDatabase('every route checks the token and the role', (db) => {
  const shared = db.sharedServer();
  it.each(MATRIX.flatMap((route) => ROLES.map((role) => [route.method, route.url, role, route] as const)))('%s %s as %s', async (method, url, role, route) => {
    const s = shared();
    const headers = { ...s.as(role), ...(route.payload === undefined ? {} : { 'content-type': route.contentType ?? 'application/json' }) };
    const res = await s.app.inject({ method, url, headers, ...(route.payload === undefined ? {} : { payload: typeof route.payload === 'string' ? route.payload : JSON.stringify(route.payload) }) });
    if (route.allowed.includes(role)) {
      expect([200, 404, 503], res.body).toContain(res.statusCode);
      if (res.statusCode === 404) expect(url).toContain('no-such-machine');
      if (res.statusCode === 503) expect(url).toContain('/keys/');
    } else {
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
      expect(res.json<{ error: { message: string } }>().error.message).toContain(`A ${role} token may not do this`);
    }
  });

  it('has a row in this matrix for every route of API v1 (the live stream is checked below)', async () => {
    const s = shared();
    const doc = (await s.app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: s.as('admin') })).json<{ paths: Record<string, Record<string, unknown>> }>();
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    const covered = new Set(MATRIX.map((r) => `${r.method} ${r.url.split('?')[0]!.replace('no-such-machine', '{id}')}`));
    expect(routes.filter((r) => !covered.has(r) && r !== 'GET /api/v1/stream')).toEqual([]);
  });

  it('GET /api/v1/stream: helpdesk and admin get the stream, a technician is refused (403)', async () => {
    const s = await db.server({ listen: true });
    const statusAs = (role: Role) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${s.url}/api/v1/stream`, { headers: s.as(role) }, (res) => {
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
        req.end();
      });
    expect({ technician: await statusAs('technician'), helpdesk: await statusAs('helpdesk'), admin: await statusAs('admin') }).toEqual({ technician: 403, helpdesk: 200, admin: 200 });
  });

  it('refuses every route without a token, with a malformed header, an unknown token or a revoked one (401, before reading the body)', async () => {
    const s = await db.server();
    const unknown = 'bmt_' + 'A'.repeat(43);
    for (const route of [...MATRIX, { method: 'GET' as const, url: '/api/v1/stream', allowed: [] }]) {
      for (const authorization of [undefined, 'Basic abc', `Bearer ${unknown}`, 'Bearer']) {
        const res = await s.app.inject({ method: route.method, url: route.url, headers: authorization ? { authorization, 'content-type': 'application/json' } : { 'content-type': 'application/json' }, ...(route.method === 'POST' ? { payload: '{not json' } : {}) });
        expect(res.statusCode, `${route.method} ${route.url} with ${authorization ?? 'nothing'}`).toBe(401);
        expect(res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
      }
    }
    expect(await revokeToken(s.store.db, 'test helpdesk')).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const res = await s.app.inject({ method: 'GET', url: '/api/v1/summary', headers: s.as('helpdesk') });
    expect(res.statusCode).toBe(401);
    expect(res.json<{ error: { message: string } }>().error.message).toContain('unknown or revoked');
  });

  it('stores only the hash of a token', async () => {
    const s = await db.server();
    const rows = await s.store.db.selectFrom('tokens').selectAll().execute();
    expect(rows).toHaveLength(3);
    for (const token of Object.values(s.tokens)) {
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(JSON.stringify(rows)).not.toContain(token.slice(4, 24));
    }
  });
});
