import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { BurndownSchema, WhoAmISchema } from '../../core/backend/dashboard.js';
import { eachDatabase } from '../../test/server-harness.js';
import { tempDir } from '../../test/temp.js';
import { createToken } from '../auth/tokens.js';
import { serveDashboard } from './static.js';

const HOUR = 3_600_000;

eachDatabase('dashboard API', (db) => {
  const serverFor = () => db.server();

  it('whoami names the token and its role, for every role; refuses no token', async () => {
    const s = await serverFor();
    for (const role of ['technician', 'helpdesk', 'admin'] as const) {
      const { token } = await createToken(s.store.db, role, `${role} one`);
      const answer = await s.app.inject({ method: 'GET', url: '/api/v1/whoami', headers: { authorization: `Bearer ${token}` } });
      expect(answer.statusCode).toBe(200);
      expect(WhoAmISchema.parse(answer.json())).toEqual({ name: `${role} one`, role });
    }
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/whoami' })).statusCode).toBe(401);
  });

  it('the burn-down counts machines still down at each hour from when they came up; technicians may not read it', async () => {
    const s = await serverFor();
    const { token: helpdesk } = await createToken(s.store.db, 'helpdesk', 'hd');
    const { token: technician } = await createToken(s.store.db, 'technician', 'tech');
    const now = Date.now();
    const hourStart = Math.floor(now / HOUR) * HOUR;
    const at = (ms: number) => new Date(ms).toISOString();
    const event = (hostname: string, status: string, ms: number) => ({ id: crypto.randomUUID(), machine: { hostname, site: 'Berlin' }, status, at: at(ms) });
    // PC-1 and PC-6 come up within the same hour: one group in the database, counted twice.
    const events = [
      event('PC-1', 'fixed', hourStart - 5 * HOUR + 10 * 60_000),
      event('PC-6', 'fixed', hourStart - 5 * HOUR + 20 * 60_000),
      event('PC-2', 'fixed', hourStart - 2 * HOUR + 30 * 60_000),
      event('PC-3', 'nothing_to_do', now - 1000),
      event('PC-4', 'in_progress', now - HOUR),
      event('PC-5', 'failed', now - 3 * HOUR),
    ];
    const posted = await s.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: `Bearer ${technician}` }, payload: { events } });
    expect(posted.json<{ accepted: string[] }>().accepted).toHaveLength(6);

    const answer = await s.app.inject({ method: 'GET', url: '/api/v1/summary/burndown?hours=8', headers: { authorization: `Bearer ${helpdesk}` } });
    expect(answer.statusCode).toBe(200);
    const burn = BurndownSchema.parse(answer.json());
    expect(burn.total).toBe(6);
    expect(burn.points).toHaveLength(9);
    const downAt = (ms: number) => burn.points.find((p) => Date.parse(p.at) === ms)!.down;
    expect(downAt(hourStart - 5 * HOUR)).toBe(6);
    expect(downAt(hourStart - 4 * HOUR)).toBe(4);
    expect(downAt(hourStart - HOUR)).toBe(3);
    expect(burn.points.at(-1)!.down).toBe(2);

    expect((await s.app.inject({ method: 'GET', url: '/api/v1/summary/burndown', headers: { authorization: `Bearer ${technician}` } })).statusCode).toBe(403);
    const bad = await s.app.inject({ method: 'GET', url: '/api/v1/summary/burndown?hours=1000', headers: { authorization: `Bearer ${helpdesk}` } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { message: string } }>().error.message).toMatch(/hours/);
  });

  it('the dashboard page is served at / by the real server, and the API still answers 404 in JSON for unknown routes', async () => {
    const s = await serverFor();
    const page = await s.app.inject({ method: 'GET', url: '/' });
    // Built or not, `/` answers a page: the dashboard, or the sentence naming `npm run build`.
    expect([200, 503]).toContain(page.statusCode);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    if (page.statusCode === 503) expect(page.body).toContain('npm run build');
    const unknown = await s.app.inject({ method: 'GET', url: '/api/v1/nothing' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<{ error: { code: string } }>().error.code).toBe('NOT_FOUND');
  });
});

describe('serveDashboard', () => {
  it('answers 503 naming `npm run build` when dist/helpdesk is missing', async () => {
    const app = Fastify();
    serveDashboard(app, join(tempDir('helpdesk-empty'), 'helpdesk'));
    const answer = await app.inject({ method: 'GET', url: '/' });
    expect(answer.statusCode).toBe(503);
    expect(answer.body).toContain('npm run build');
    await app.close();
  });

  it('serves the page and its assets, and nothing outside the folder', async () => {
    const dir = tempDir('helpdesk-built');
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>helpdesk</title>');
    writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.json'), '{}');
    const app = Fastify();
    serveDashboard(app, dir);
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>helpdesk</title>');
    const script = await app.inject({ method: 'GET', url: '/assets/index-abc.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    for (const url of ['/assets/../secret.json', '/assets/%2e%2e/secret.json', '/assets/missing.js', '/assets/x.exe']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
    await app.close();
  });
});
