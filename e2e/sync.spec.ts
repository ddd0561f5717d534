import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { startBackend, type Backend } from './backend.js';
import { expect, startWebHost, test } from './fixtures.js';
import { commonPath, fixtureKey, nav, prepareLaptop } from './recover-journey.js';
import { screenshot } from './screens.js';

/**
 * The technician app's journal reaching the helpdesk: `npm start`'s embedded backend and a
 * dashboard that follows a fix live; then a laptop offline for a while whose records all
 * arrive once when the backend is back. Real web host, real `bootmend-server`, FAKE keys.
 */

const SHOTS = 'e2e/screenshots';
const KEY = fixtureKey('PC-BER-001');
/** Undone in reverse after each test, each awaited: a context still closing when the next test starts breaks its tracing. */
const cleanups: (() => unknown)[] = [];

test.beforeEach(({ bootmendHost }) => {
  test.skip(bootmendHost !== 'web', 'starts its own web hosts and backends; the web project covers it');
});

test.afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function appOn(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  cleanups.push(() => context.close());
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/** SIGTERM, then the host's exit (it saves its journal's snapshot as it stops), before its folder goes. */
function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function host(withBackend: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'bootmend-e2e-sync-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }));
  return startWebHost(dir, { withBackend }).then(({ child, host }) => {
    cleanups.push(() => stopped(child));
    return host;
  });
}

function stat(page: Page, label: string) {
  return page.getByRole('group', { name: label, exact: true }).locator('.stat__value');
}

test("npm start's embedded backend: a fix recorded in the app shows on the helpdesk dashboard within 2 s, without a reload", async ({ webBrowser }, info) => {
  test.setTimeout(150_000);
  const web = await host(true);
  expect(web.helpdeskUrl, 'npm start prints BOOTMEND_HELPDESK_URL').toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=bmt_/);

  const dashboard = await appOn(webBrowser!, web.helpdeskUrl!);
  // The link signs in and the token leaves the address bar at once.
  await expect(dashboard.getByRole('status', { name: 'Live updates: Live' })).toBeVisible();
  expect(new URL(dashboard.url()).hash).toBe('');
  const fixedBefore = Number(await stat(dashboard, 'Fixed').textContent());
  await dashboard.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

  const app = await appOn(webBrowser!, web.url);
  await prepareLaptop(app);
  await commonPath(app, 'AT-SYNC-01', KEY.id);
  // Saved in the journal (the undo toast) → on the dashboard within 2 s.
  await expect(stat(dashboard, 'Fixed')).toHaveText(String(fixedBefore + 1), { timeout: 2000 });
  expect(await dashboard.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  await expect(app.getByTestId('status-pending-sync')).toContainText('All synced');

  await dashboard.getByRole('link', { name: 'Machines' }).click();
  await expect(dashboard.getByRole('row', { name: /AT-SYNC-01/ })).toContainText('Fixed');
  await screenshot(dashboard, `${SHOTS}/${info.project.name}-sync-dashboard.png`);
});

test('Settings: backend address, token and Test connection; offline for a while, every record arrives once when the backend is back', async ({ webBrowser }, info) => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'bootmend-e2e-sync-backend-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }));
  let backend: Backend = await startBackend(dir);
  cleanups.push(() => backend.stop());
  const web = await host(false);
  const app = await appOn(webBrowser!, web.url);
  await prepareLaptop(app);

  await nav(app, 'Settings').click();
  await app.getByLabel('Backend URL').fill(backend.url);
  await app.getByRole('button', { name: 'Save settings' }).click();
  await expect(app.getByTestId('sync-state')).toContainText('no token is saved');
  await app.getByLabel('Technician token').fill(backend.tokens.helpdesk);
  await app.getByRole('button', { name: 'Test connection' }).click();
  await expect(app.getByTestId('backend-test-result')).toContainText('a helpdesk token: it cannot send recoveries');
  await app.getByLabel('Technician token').fill(backend.tokens.technician);
  await app.getByRole('button', { name: 'Test connection' }).click();
  await expect(app.getByTestId('backend-test-result')).toContainText('Connected as “Ana Lopez” (technician).');
  await app.getByRole('button', { name: 'Save token' }).click();
  await expect(app.getByTestId('backend-token-state')).toContainText(`A token ending in …${backend.tokens.technician.slice(-4)} is saved`);
  await expect(app.getByLabel('Technician token')).toHaveValue('');
  await expect(app.getByTestId('sync-state')).toContainText('Everything is sent to');
  await screenshot(app, `${SHOTS}/${info.project.name}-settings-sync.png`);

  // The backend goes away; the technician keeps working.
  backend.stop();
  await nav(app, 'Recover').click();
  await app.getByLabel('Hostname, asset tag or serial').focus();
  for (const tag of ['AT-OFF-01', 'AT-OFF-02', 'AT-OFF-03']) await commonPath(app, tag, KEY.id);
  const bar = app.getByTestId('status-pending-sync');
  await expect(bar).toContainText(/\d+ waiting to sync · offline/, { timeout: 15_000 });
  await screenshot(app, `${SHOTS}/${info.project.name}-statusbar-offline.png`);

  // Back, on the same database and address: Sync now sends everything, once.
  backend = await startBackend(dir, { port: Number(new URL(backend.url).port), tokens: backend.tokens });
  await bar.getByRole('button', { name: 'Sync now' }).click();
  await expect(bar).toContainText('All synced', { timeout: 15_000 });
  const events = await backend.get<{ machines: { hostname: string; status: string }[] }>('/api/v1/machines?q=AT-OFF', backend.tokens.helpdesk);
  expect(events.machines.map((m) => [m.hostname, m.status]).sort()).toEqual([
    ['AT-OFF-01', 'fixed'],
    ['AT-OFF-02', 'fixed'],
    ['AT-OFF-03', 'fixed'],
  ]);
  const log = await fetch(`${backend.url}/api/v1/export?format=ndjson&events=1&q=AT-OFF`, { headers: { authorization: `Bearer ${backend.tokens.helpdesk}` } }).then((r) => r.text());
  const ids = log.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id);
  expect(ids.length).toBeGreaterThanOrEqual(6); // path chosen, steps, outcome per machine
  expect(new Set(ids).size, 'no event stored twice').toBe(ids.length);
  // Exactly the journal's events that tell the helpdesk something (machine.added and the key-reveal audit stay local).
  const sendable = await app.evaluate(async () => {
    const token = sessionStorage.getItem('bootmend.token') ?? '';
    const call = async (method: string, input: unknown) => {
      const response = await fetch(`/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-bootmend-token': token }, body: JSON.stringify(input) });
      return ((await response.json()) as { value: unknown }).value;
    };
    const listed = (await call('listMachines', { q: 'AT-OFF' })) as { machines: { machineId: string }[] };
    const ids: string[] = [];
    for (const { machineId } of listed.machines) {
      const detail = (await call('getMachine', { machineId })) as { events: { id: string; type: string }[] };
      for (const event of detail.events) if (['machine.path_chosen', 'machine.step_confirmed', 'machine.outcome'].includes(event.type)) ids.push(event.id);
    }
    return ids;
  });
  expect([...ids].sort()).toEqual([...sendable].sort());
});
