import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { ApiEvent } from '../../core/backend/schemas.js';
import { eachDatabase, type TestServer } from '../../test/server-harness.js';

const ev = (hostname: string, status: ApiEvent['status'], at: string, extra: Partial<ApiEvent> = {}): ApiEvent => ({ id: randomUUID(), machine: { hostname }, status, at, technician: 'Ann', method: 'winpe', ...extra });

async function seed(s: TestServer): Promise<void> {
  const fleet = 'hostname,serial,site\nPC-B1,SN-B1,Berlin\nPC-B2,SN-B2,Berlin\nPC-B3,SN-B3,Berlin\n<script>alert(1)</script>,SN-X,Berlin\nPC-M1,SN-M1,Munich\n';
  expect((await s.app.inject({ method: 'POST', url: '/api/v1/fleet/import', headers: { ...s.as('helpdesk'), 'content-type': 'text/csv' }, payload: fleet })).statusCode).toBe(200);
  const events = [
    // PC-B1 fixed in 10 minutes, PC-B2 in 30, PC-M1 in 90; PC-B3 failed; the hostile one untouched.
    ev('PC-B1', 'in_progress', '2024-07-19T10:00:00Z'),
    ev('PC-B1', 'fixed', '2024-07-19T10:10:00Z'),
    ev('PC-B2', 'in_progress', '2024-07-19T10:00:00Z'),
    ev('PC-B2', 'fixed', '2024-07-19T10:30:00Z'),
    ev('PC-B3', 'failed', '2024-07-19T11:00:00Z', { notes: 'Disk <b>dead</b> & gone' }),
    ev('PC-M1', 'in_progress', '2024-07-19T10:00:00Z'),
    ev('PC-M1', 'fixed', '2024-07-19T11:30:00Z'),
  ];
  expect((await s.app.inject({ method: 'POST', url: '/api/v1/events', headers: s.as('technician'), payload: { events } })).statusCode).toBe(200);
}

eachDatabase('the printable report per site', (db) => {
  it('prints one site: totals, time to fix, and every machine still down with its notes, escaped; machines that are up are not listed', async () => {
    const s = await db.server();
    await seed(s);
    const res = await s.app.inject({ method: 'GET', url: '/api/v1/report?site=berlin', headers: s.as('helpdesk') });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    const page = res.body;
    expect(page).toContain('<title>Recovery report — berlin</title>');
    expect(page).toMatch(/Machines<strong>4<\/strong>/);
    expect(page).toMatch(/Up<strong>2<\/strong>50 %/);
    expect(page).toMatch(/Still down<strong>2<\/strong>/);
    // Two fixes at Berlin: 10 and 30 minutes; median by nearest rank is the first, 90 % the second.
    expect(page).toMatch(/Time to fix \(median\)<strong>10 min<\/strong>90 %: 30 min · mean 20 min · 2 fixed/);
    expect(page).toContain('<td>PC-B3</td><td>SN-B3</td>');
    expect(page).toContain('Disk &lt;b&gt;dead&lt;/b&gt; &amp; gone');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<td>PC-B1</td>');
    expect(page).not.toContain('PC-M1');
    // Its style comes from the server itself, so it applies under the dashboard's CSP when opened as a blob.
    expect(page).toContain('<link rel="stylesheet" href="http://localhost:80/report.css">');
    const css = await s.app.inject({ method: 'GET', url: '/report.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toContain('@media print');
  });

  it('prints every site with a row per site when no site is given', async () => {
    const s = await db.server();
    await seed(s);
    const page = (await s.app.inject({ method: 'GET', url: '/api/v1/report', headers: s.as('admin') })).body;
    expect(page).toContain('Recovery report — every site');
    expect(page).toContain('<tr><td>Berlin</td><td class="n">4</td><td class="n">2</td><td class="n">2</td><td class="n">50 %</td></tr>');
    expect(page).toContain('<tr><td>Munich</td><td class="n">1</td><td class="n">1</td><td class="n">0</td><td class="n">100 %</td></tr>');
    expect(page).toMatch(/Time to fix \(median\)<strong>30 min<\/strong>90 %: 90 min/);
  });

  it('says when every machine is up, and refuses an unknown parameter naming it', async () => {
    const s = await db.server();
    await seed(s);
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/report?site=Munich', headers: s.as('helpdesk') })).body).toContain('None: every machine is up.');
    const bad = await s.app.inject({ method: 'GET', url: '/api/v1/report?sites=Munich', headers: s.as('helpdesk') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { message: string } }>().error.message).toContain('sites');
  });

  it('behind a TLS proxy named with --trust-proxy, links its style sheet at the address the browser used; an untrusted client cannot choose that address', async () => {
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'helpdesk.example.org' };
    const trusting = await db.server({ build: { trustProxy: '127.0.0.1' } });
    const behindProxy = await trusting.app.inject({ method: 'GET', url: '/api/v1/report', headers: { ...trusting.as('helpdesk'), ...forwarded } });
    expect(behindProxy.body).toContain('<link rel="stylesheet" href="https://helpdesk.example.org/report.css">');
    const plain = await db.server();
    const spoofed = await plain.app.inject({ method: 'GET', url: '/api/v1/report', headers: { ...plain.as('helpdesk'), ...forwarded } });
    expect(spoofed.body).toContain('<link rel="stylesheet" href="http://localhost:80/report.css">');
  });
});
