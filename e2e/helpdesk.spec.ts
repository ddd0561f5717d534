import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Download, Page } from '@playwright/test';
import type { MachineSummary, Summary } from '../core/backend/schemas.js';
import { runDemoFleet } from '../scripts/demo-fleet.js';
import { startBackend, type Backend } from './backend.js';
import { expect, test } from './fixtures.js';
import { screenshot } from './screens.js';

/**
 * The helpdesk dashboard against the real bootmend-server (SQLite in a temp folder) in the real
 * browser: a fleet of 300 machines with a few hours of history seeded through the API, then
 * technicians' events posted through the API while the dashboard is open. Needs `npm run build`
 * (dist/helpdesk), as the whole e2e suite does.
 */

const SHOTS = 'e2e/screenshots';
const LIVE_WITHIN = { timeout: 2000 };
/** A FAKE key for the audit view (a valid recovery-password shape, no real machine). */
const AUDIT_KEY_ID = 'AB12CD34-5E6F-4A1B-8C2D-0123456789EF';
const AUDIT_PASSWORD = '111111-222222-333333-444444-555555-666666-000011-123453';

let dir = '';
let backend: Backend;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ bootmendHost }) => {
  test.skip(bootmendHost !== 'web', 'the helpdesk dashboard is a web page served by bootmend-server; the web project covers it');
  dir = mkdtempSync(join(tmpdir(), 'bootmend-helpdesk-e2e-'));
  backend = await startBackend(dir);
  const stop = new AbortController();
  // The demo's seeding only: the fleet and its history, stopped before the live part starts.
  await runDemoFleet({ url: backend.url, adminToken: backend.tokens.admin, technicianToken: backend.tokens.technician, signal: stop.signal, machines: 300, sites: 6, historyShare: 0.3, log: () => stop.abort() });
});

test.afterAll(() => {
  backend?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openDashboard(browser: Browser, options: { colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, colorScheme: options.colorScheme ?? 'light' });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') console.log(`helpdesk page error: ${message.text()}`);
  });
  await page.goto(backend.url);
  return page;
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

function stat(page: Page, label: string) {
  return page.getByRole('group', { name: label, exact: true }).locator('.stat__value');
}

function event(machine: MachineSummary, status: string, extra: Record<string, unknown> = {}) {
  return { id: randomUUID(), machine: { hostname: machine.hostname, site: machine.site ?? undefined }, status, at: new Date().toISOString(), technician: 'Ana Lopez', method: 'winpe', ...extra };
}

test('sign-in: a wrong token and a technician token get a clear sentence; a helpdesk token opens the overview and stays for this tab only', async ({ webBrowser }) => {
  const page = await openDashboard(webBrowser!);
  await signIn(page, 'bmt_not-a-real-token');
  await expect(page.getByText(/This token was not accepted: it is unknown or has been revoked/)).toBeVisible();
  await signIn(page, backend.tokens.technician);
  await expect(page.getByText('"Ana Lopez" is a technician token: the dashboard needs a helpdesk or admin token.')).toBeVisible();
  await signIn(page, backend.tokens.helpdesk);
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await expect(page.getByText('Helpdesk Berlin')).toBeVisible();
  expect(await page.evaluate(() => window.localStorage.length === 0 || !Object.values(window.localStorage).some((v) => v.startsWith('bmt_')))).toBe(true);
  // A reload keeps the session (sessionStorage); signing out forgets it.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByLabel('Token')).toBeVisible();
  expect(await page.evaluate(() => window.sessionStorage.length)).toBe(0);
  await page.context().close();
});

test('overview: the numbers match the API, and technicians\' events show within 2 s without a reload', async ({ webBrowser }) => {
  const page = await openDashboard(webBrowser!);
  await signIn(page, backend.tokens.helpdesk);
  await expect(page.getByRole('status', { name: 'Live updates: Live' })).toBeVisible();
  const before = await backend.get<Summary>('/api/v1/summary', backend.tokens.helpdesk);
  expect(before.total).toBe(300);
  for (const [label, key] of [['Pending', 'pending'], ['Fixed', 'fixed'], ['Failed', 'failed'], ['In progress', 'in_progress']] as const) {
    await expect(stat(page, label)).toHaveText(String(before.byStatus[key]));
  }
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

  const { machines: pending } = await backend.get<{ machines: MachineSummary[] }>('/api/v1/machines?status=pending&limit=5', backend.tokens.technician);
  const posted = await backend.post<{ accepted: string[] }>('/api/v1/events', backend.tokens.technician, {
    events: [event(pending[0]!, 'fixed'), event(pending[1]!, 'fixed'), event(pending[2]!, 'fixed'), event(pending[3]!, 'failed'), event(pending[4]!, 'in_progress')],
  });
  expect(posted.accepted).toHaveLength(5);
  await expect(stat(page, 'Fixed')).toHaveText(String(before.byStatus.fixed + 3), LIVE_WITHIN);
  await expect(stat(page, 'Pending')).toHaveText(String(before.byStatus.pending - 5), LIVE_WITHIN);
  await expect(stat(page, 'Failed')).toHaveText(String(before.byStatus.failed + 1), LIVE_WITHIN);
  await expect(stat(page, 'In progress')).toHaveText(String(before.byStatus.in_progress + 1), LIVE_WITHIN);
  const up = before.byStatus.fixed + before.byStatus.nothing_to_do + 3;
  await expect(page.getByText(`${up} of 300 machines`)).toBeVisible(LIVE_WITHIN);
  await expect(page.getByTestId('eta')).toContainText(`${300 - up} still down`);
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  await expect(page.getByRole('img', { name: /^By site: Berlin/ })).toBeVisible();
  // The technician bars follow too: the busiest twelve as the API counts them now, Ana Lopez's three new fixes included.
  const after = await backend.get<Summary>('/api/v1/summary', backend.tokens.helpdesk);
  expect(after.byTechnician.find((t) => t.technician === 'Ana Lopez')?.fixed).toBe((before.byTechnician.find((t) => t.technician === 'Ana Lopez')?.fixed ?? 0) + 3);
  const busiest = after.byTechnician.slice(0, 12).map((t) => `${t.technician} ${t.fixed} fixed`);
  await expect(page.getByRole('img', { name: /^By technician: / })).toHaveAccessibleName(`By technician: ${busiest.join('; ')}.`, LIVE_WITHIN);
  await page.context().close();
});

test('machines: a virtualized table with filters and search; a timeline opens and follows new events live', async ({ webBrowser }) => {
  const page = await openDashboard(webBrowser!);
  await signIn(page, backend.tokens.helpdesk);
  await page.getByRole('link', { name: 'Machines' }).click();
  // Cursor pagination: the first page, then the rest as the end of the list comes near.
  await expect(page.getByText('200 machines shown; scroll for more')).toBeVisible();
  const list = page.getByRole('region', { name: 'Machine list (scrolls)' });
  await list.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
  await expect(page.getByText('300 machines', { exact: true })).toBeVisible();
  // Virtualized: far fewer rows in the page than machines in the list.
  expect(await list.locator('tbody tr:not(.spacer)').count()).toBeLessThan(60);
  await list.evaluate((element) => element.scrollTo({ top: 0 }));

  const summary = await backend.get<Summary>('/api/v1/summary', backend.tokens.helpdesk);
  await page.getByLabel('Status').selectOption('fixed');
  await expect(page.getByText(`${summary.byStatus.fixed} machine${summary.byStatus.fixed === 1 ? '' : 's'}`, { exact: true })).toBeVisible();
  await page.getByLabel('Status').selectOption('');
  await page.getByLabel('Site').selectOption('Hamburg');
  await expect(page.getByText('50 machines', { exact: true })).toBeVisible();
  // The printable report of the filtered site opens in its own tab, fetched with the token.
  const reportTab = page.context().waitForEvent('page');
  await page.getByRole('button', { name: 'Printable report: Hamburg' }).click();
  const report = await reportTab;
  await expect(report.getByRole('heading', { name: 'Recovery report — Hamburg' })).toBeVisible();
  await expect(report.getByRole('region', { name: 'Totals' })).toContainText('Machines50');
  mkdirSync(SHOTS, { recursive: true });
  await report.screenshot({ path: `${SHOTS}/helpdesk-report.png`, fullPage: true });
  await report.close();
  await page.getByLabel('Site').selectOption('');

  const { machines } = await backend.get<{ machines: MachineSummary[] }>('/api/v1/machines?status=pending&limit=1', backend.tokens.technician);
  const target = machines[0]!;
  await page.getByRole('searchbox', { name: 'Search' }).fill(target.hostname);
  await expect(page.getByText('1 machine', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: `${target.hostname}: open its timeline` }).click();
  const timeline = page.getByRole('complementary', { name: `Timeline of ${target.hostname}` });
  await expect(timeline.getByText('No event yet: this machine is pending.')).toBeVisible();

  await backend.post('/api/v1/events', backend.tokens.technician, { events: [event(target, 'in_progress', { notes: 'Booted WinPE from the stick.' })] });
  await expect(timeline.getByRole('list', { name: `Events of ${target.hostname}` }).getByRole('listitem')).toHaveCount(1, LIVE_WITHIN);
  await expect(timeline.getByText('Booted WinPE from the stick.')).toBeVisible();
  await backend.post('/api/v1/events', backend.tokens.technician, { events: [event(target, 'fixed')] });
  await expect(timeline.getByRole('listitem')).toHaveCount(2, LIVE_WITHIN);
  await expect(page.getByRole('row', { name: new RegExp(target.hostname) }).getByText('Fixed')).toBeVisible(LIVE_WITHIN);

  await page.keyboard.press('Escape');
  await expect(timeline).toBeHidden();

  // Keyboard only: from the search box to the row's button, Enter opens the timeline.
  await page.getByRole('searchbox', { name: 'Search' }).focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: `${target.hostname}: open its timeline` })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(timeline).toBeVisible();
  await expect(page.getByRole('heading', { name: `Timeline of ${target.hostname}` })).toBeFocused();

  // Exports: the filtered machines, and the event log, through GET /api/v1/export with the token.
  const machineFile = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export machines' }).click();
  const machinesCsv = await readDownload(await machineFile);
  expect(machinesCsv.split('\n').filter(Boolean)).toHaveLength(2);
  expect(machinesCsv).toContain(target.hostname);
  await page.getByLabel('Export format').selectOption('ndjson');
  const eventFile = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export event log' }).click();
  const download = await eventFile;
  expect(download.suggestedFilename()).toMatch(/^bootmend-events-.*\.ndjson$/);
  const lines = (await readDownload(download)).split('\n').filter(Boolean).map((line) => JSON.parse(line) as { hostname: string; status: string });
  expect(lines.map((e) => e.status)).toEqual(['in_progress', 'fixed']);
  await page.context().close();
});

async function readDownload(download: Download): Promise<string> {
  const path = await download.path();
  return readFileSync(path, 'utf8');
}

test('fleet import: a CSV from the file picker adds machines and lists the rows left out; the key audit shows who was shown which key, never the password', async ({ webBrowser }) => {
  const page = await openDashboard(webBrowser!);
  await signIn(page, backend.tokens.helpdesk);
  await page.getByRole('link', { name: 'Fleet import' }).click();
  const csv = 'hostname,serial,site\nNEW-PC-0001,SN-1,Berlin\nNEW-PC-0002,SN-2,Berlin\n,SN-3,Berlin\n';
  await page.getByLabel('Fleet file (CSV or JSON)').setInputFiles({ name: 'fleet.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Import' }).click();
  const result = page.getByRole('region', { name: 'Import result' });
  await expect(result).toContainText('fleet.csv: 2 machines added, 0 updated, 1 row left out');
  await expect(result.getByRole('row')).toHaveCount(2);
  await expect(result.getByRole('cell', { name: '4', exact: true })).toBeVisible();
  const summary = await backend.get<Summary>('/api/v1/summary', backend.tokens.helpdesk);
  expect(summary.total).toBe(302);

  await page.getByRole('link', { name: 'Key audit' }).click();
  await expect(page.getByText('No key has been revealed')).toBeVisible();
  // An admin escrows two keys, then a technician looks one up and mistypes another: live on the open view.
  await backend.post('/api/v1/keys/import?name=keys.csv', backend.tokens.admin, `DeviceName,KeyId,RecoveryPassword\nNEW-PC-0001,${AUDIT_KEY_ID},${AUDIT_PASSWORD}\n`, 'text/csv');
  await backend.post('/api/v1/keys/lookup', backend.tokens.technician, { keyId: AUDIT_KEY_ID.slice(0, 8), machine: 'NEW-PC-0001', reason: 'Boot loop after the sensor update' });
  await expect(fetch(new URL('/api/v1/keys/lookup', backend.url), { method: 'POST', headers: { authorization: `Bearer ${backend.tokens.technician}`, 'content-type': 'application/json' }, body: JSON.stringify({ keyId: '00000000', machine: 'NEW-PC-0002', reason: 'Typo on the recovery screen' }) }).then((r) => r.status)).resolves.toBe(404);
  const audit = page.getByRole('table', { name: 'Key reveals, newest first' });
  await expect(audit.getByRole('row')).toHaveCount(4, LIVE_WITHIN);
  const shown = audit.getByRole('row', { name: /Password shown/ });
  await expect(shown).toContainText('Ana Lopez (technician)');
  await expect(shown).toContainText(AUDIT_KEY_ID);
  await expect(shown).toContainText('NEW-PC-0001');
  await expect(shown).toContainText('Boot loop after the sensor update');
  await expect(audit.getByRole('row', { name: /No such key/ })).toContainText('Typo on the recovery screen');
  await expect(audit.getByRole('row', { name: /Imported/ })).toContainText('Admin (admin)');
  await expect(page.locator('body')).not.toContainText(AUDIT_PASSWORD);
  await page.context().close();
});

test('screenshots of the overview, the machine table with a timeline, the audit and the import views, light and dark', async ({ webBrowser }) => {
  mkdirSync(SHOTS, { recursive: true });
  const { machines } = await backend.get<{ machines: MachineSummary[] }>('/api/v1/machines?status=fixed&limit=1', backend.tokens.helpdesk);
  const fixed = machines[0]!;
  for (const scheme of ['light', 'dark'] as const) {
    const page = await openDashboard(webBrowser!, { colorScheme: scheme });
    await signIn(page, backend.tokens.helpdesk);
    await expect(page.getByRole('img', { name: /^Burn-down:/ }).locator('svg').first()).toBeVisible();
    await page.mouse.move(0, 0);
    await screenshot(page, `${SHOTS}/helpdesk-overview-${scheme}.png`);
    await page.getByRole('link', { name: 'Machines' }).click();
    await page.getByRole('button', { name: `${fixed.hostname}: open its timeline` }).click();
    await expect(page.getByRole('complementary').getByRole('listitem').first()).toBeVisible();
    await screenshot(page, `${SHOTS}/helpdesk-machines-${scheme}.png`);
    await page.getByRole('link', { name: 'Key audit' }).click();
    await screenshot(page, `${SHOTS}/helpdesk-audit-${scheme}.png`);
    await page.getByRole('link', { name: 'Fleet import' }).click();
    const csv = `hostname;serial;site\n${fixed.hostname};${fixed.serial ?? ''};${fixed.site ?? ''}\n;SN-X;Berlin\nBAD HOST NAME WITH SPACES AND FAR TOO LONG FOR A WINDOWS NETBIOS NAME 1234567890;SN-Y;Berlin\n`;
    await page.getByLabel('Fleet file (CSV or JSON)').setInputFiles({ name: 'fleet-update.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import' }).click();
    await expect(page.getByRole('region', { name: 'Import result' })).toBeVisible();
    await screenshot(page, `${SHOTS}/helpdesk-import-${scheme}.png`);
    await page.context().close();
  }
});

test('key audit: the newest 100 entries first, older ones on demand, none twice', async ({ webBrowser }) => {
  const before = (await backend.get<{ entries: unknown[] }>('/api/v1/audit?limit=1000', backend.tokens.admin)).entries.length;
  // Imports are audited too (and not rate-limited): enough of them to need a second page.
  for (let i = 0; i < 105; i++) await backend.post(`/api/v1/keys/import?name=batch-${i}.csv`, backend.tokens.admin, `DeviceName,KeyId,RecoveryPassword\nNEW-PC-0001,${AUDIT_KEY_ID},${AUDIT_PASSWORD}\n`, 'text/csv');
  const total = before + 105;
  const page = await openDashboard(webBrowser!);
  await signIn(page, backend.tokens.helpdesk);
  await page.getByRole('link', { name: 'Key audit' }).click();
  const rows = page.getByRole('table', { name: 'Key reveals, newest first' }).locator('tbody tr');
  await expect(rows).toHaveCount(100);
  await expect(rows.first()).toContainText('batch-104.csv');
  await page.getByRole('button', { name: 'Show older entries' }).click();
  await expect(rows).toHaveCount(total);
  await expect(rows.last()).toContainText('Imported');
  await expect(page.getByRole('button', { name: 'Show older entries' })).toBeHidden();
  // A new entry arrives live at the top; the older ones stay.
  await backend.post('/api/v1/keys/import?name=late.csv', backend.tokens.admin, `DeviceName,KeyId,RecoveryPassword\nNEW-PC-0001,${AUDIT_KEY_ID},${AUDIT_PASSWORD}\n`, 'text/csv');
  await expect(rows).toHaveCount(total + 1, LIVE_WITHIN);
  await expect(rows.first()).toContainText('late.csv');
  await page.context().close();
});
