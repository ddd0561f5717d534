import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { MachineResult } from '../core/playbooks/machine-result.js';
import { machineResultFixture } from '../core/playbooks/result-fixture.js';
import { encodeLine } from '../main/journal/journal.js';
import { expect, test } from './fixtures.js';
import { screenshot } from './screens.js';

/**
 * The Journal screen over a journal of 10,000 machines (written to the data folder's journal
 * file the way the app writes it; the host reads what was appended on its next call): the
 * virtualized table, search, status and site filters, a machine's timeline, and the CSV export
 * whose rows match what the screen shows.
 */

const SHOTS = 'e2e/screenshots';
const MACHINES = 10_000;
const SITES = ['Berlin', 'Munich', 'Hamburg', 'Frankfurt'];
const KEY_ID = '5A8E2F4C-1B3D-4E6F-8A9B-0C1D2E3F4A5B';

const uuid = (kind: number, n: number): string => `${String(kind).padStart(8, '0')}-0000-4000-8000-${String(n).padStart(12, '0')}`;

function seedJournal(dataDir: string): void {
  const lines: string[] = [];
  let seq = 0;
  let time = Date.parse('2024-07-19T06:00:00Z');
  const put = (event: Record<string, unknown> & { id: string; type: string }): void => {
    seq += 1;
    time += 7_000;
    lines.push(encodeLine({ ...event, seq, at: new Date(time).toISOString() }));
  };
  for (let n = 1; n <= MACHINES; n += 1) {
    const machineId = uuid(1, n);
    const site = SITES[n % SITES.length]!;
    const machine = { hostname: `PC-${site.slice(0, 3).toUpperCase()}-${String(n).padStart(6, '0')}`, serial: `SN${1_000_000 + n}`, assetTag: `AT-${40_000 + n}`, site };
    const base = { machineId, machine, technician: ['Ana Field', 'Ben Ortiz', 'Chen Wu'][n % 3] };
    const path = (['winpe', 'winre', 'safe_mode'] as const)[n % 3];
    put({ ...base, id: uuid(2, n), type: 'machine.added', source: 'scanned' });
    if (n % 10 === 0) continue; // queued, not started
    put({ ...base, id: uuid(3, n), type: 'machine.path_chosen', path });
    put({ ...base, id: uuid(4, n), type: 'machine.step_confirmed', path, step: 0, title: 'Get to a command prompt' });
    if (n % 3 === 0) put({ id: uuid(5, n), type: 'key.revealed', keyId: KEY_ID, device: machine.hostname, machine: machine.hostname, technician: base.technician, reason: 'Recovery screen', source: 'vault', machineId });
    if (n % 10 === 1) continue; // in progress
    const outcome = n % 25 === 0 ? 'needs_reimage' : n % 40 === 0 ? 'escalated' : 'fixed';
    put({ ...base, id: uuid(6, n), type: 'machine.outcome', outcome, path, filesRemoved: outcome === 'fixed' ? ['C:\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291-00000000-00000032.sys'] : [], notes: outcome === 'fixed' ? 'Booted to the sign-in screen' : 'Disk errors after the fix' });
  }
  mkdirSync(join(dataDir, 'journal'), { recursive: true });
  appendFileSync(join(dataDir, 'journal', 'events.ndjson'), lines.join(''));
}

async function openJournal(app: Page): Promise<void> {
  await app.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Journal', exact: true }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Journal', exact: true })).toBeVisible();
}

test('the Journal screen lists 10,000 machines in a virtualized table, filters them, shows a timeline and exports matching rows', async ({ app, dataDir }) => {
  // 10,000 machines through the API, on two shared cores: minutes, not the default 60 s.
  test.setTimeout(240_000);
  seedJournal(dataDir);
  await openJournal(app);
  const table = app.getByTestId('machine-table');
  await expect(table).toBeVisible({ timeout: 20_000 });
  const rows = app.getByTestId('machine-row');
  // Only the rows in view are in the page.
  const rendered = await rows.count();
  expect(rendered).toBeGreaterThan(5);
  expect(rendered).toBeLessThan(60);
  const all = app.getByRole('radio', { name: /^All/ });
  const total = Number((await all.locator('.chip__count').innerText()).replace(/\D/g, ''));
  expect(total).toBeGreaterThanOrEqual(MACHINES);

  // Keyboard: End goes to the last machine, Home back to the first.
  await app.getByLabel(/Machine rows/).focus();
  const started = Date.now();
  await app.keyboard.press('End');
  await expect(app.locator('[data-testid="machine-row"][aria-selected="true"]')).toHaveAttribute('aria-rowindex', String(total + 1));
  const endMs = Date.now() - started;
  expect(await rows.count()).toBeLessThan(60);
  test.info().annotations.push({ type: 'scroll to the last of 10,000 (ms)', description: String(endMs) });
  await app.keyboard.press('Home');
  await expect(app.locator('[data-testid="machine-row"][aria-selected="true"]')).toHaveAttribute('aria-rowindex', '2');

  // Search by asset tag, then open the machine's timeline.
  await app.getByRole('searchbox', { name: 'Search hostname, serial or asset tag' }).fill('AT-44249');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('PC-MUN-004249');
  await rows.first().click();
  const timeline = app.getByTestId('machine-timeline');
  await expect(timeline.getByRole('heading', { name: 'PC-MUN-004249' })).toBeVisible();
  await expect(timeline.getByRole('list', { name: 'Events of PC-MUN-004249' }).getByRole('listitem')).toHaveCount(4);
  await expect(timeline).toContainText('Path chosen: WinRE');
  await expect(timeline).toContainText('Outcome: Fixed — Booted to the sign-in screen');
  for (const scheme of ['light', 'dark'] as const) {
    await app.emulateMedia({ colorScheme: scheme });
    await screenshot(app, `${SHOTS}/${test.info().project.name}-journal-${scheme}-timeline.png`);
  }
  await app.emulateMedia({ colorScheme: 'light' });
  await timeline.getByRole('button', { name: 'Close' }).click();

  // Status and site filters.
  await app.getByRole('searchbox', { name: 'Search hostname, serial or asset tag' }).fill('');
  await app.getByRole('radio', { name: /^Needs reimage/ }).click();
  await expect(rows.first()).toContainText('Needs reimage');
  await expect(rows.first()).toContainText('helpdesk');
  await app.getByLabel('Site').selectOption('Munich');
  const reimageMunich = app.getByRole('radio', { name: /^Needs reimage/ }).locator('.chip__count');
  await expect(reimageMunich).toHaveText(String(Array.from({ length: MACHINES }, (_, i) => i + 1).filter((n) => n % 4 === 1 && n % 10 > 1 && n % 25 === 0).length));
  for (const scheme of ['light', 'dark'] as const) {
    await app.emulateMedia({ colorScheme: scheme });
    await screenshot(app, `${SHOTS}/${test.info().project.name}-journal-${scheme}-filtered.png`);
  }
  await app.emulateMedia({ colorScheme: 'light' });

  // Export: the CSV's rows are the site's machines, one each, as the screen shows them.
  await app.getByRole('radio', { name: /^All/ }).click();
  const [download] = await Promise.all([app.waitForEvent('download'), app.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^bootmend-machines-\d{8}-\d{4}\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
  expect(csv[0]).toBe('hostname,serial,asset tag,site,outcome,path,technician,started,ended,minutes,files removed,key ID used,notes');
  const munichCount = Number((await app.getByRole('radio', { name: /^All/ }).locator('.chip__count').innerText()).replace(/\D/g, ''));
  expect(csv).toHaveLength(munichCount + 1);
  const row = csv.find((line) => line.startsWith('PC-MUN-004249,'));
  expect(row).toMatch(new RegExp(`^PC-MUN-004249,SN1004249,AT-44249,Munich,fixed,winre,Ben Ortiz,[^,]+,[^,]+,\\d+(\\.\\d)?,C:\\\\Windows\\\\System32\\\\drivers\\\\CrowdStrike\\\\C-00000291-00000000-00000032\\.sys,,Booted to the sign-in screen$`));
  const revealed = csv.find((line) => line.startsWith('PC-MUN-004245,'));
  expect(revealed).toContain(`,${KEY_ID},`);
});

/** A result file as fix.cmd writes it, ended 30 s after it started. */
function stickResult(name: string, outcome: MachineResult['outcome'], startedAt: string): MachineResult {
  return machineResultFixture(name, outcome, { mediumId: 'e2e-stick', startedAt, endedAt: startedAt.replace(':00Z', ':30Z') });
}

test("the Journal screen reads results from a stick chosen by hand: the summary sentence, a rejected file named, the same stick again is nothing new", async ({ app }, info) => {
  const stick = mkdtempSync(join(tmpdir(), 'bootmend-e2e-stick-'));
  try {
    const results = join(stick, 'bootmend', 'results');
    mkdirSync(results, { recursive: true });
    writeFileSync(join(results, 'PC-STK-1.json'), JSON.stringify(stickResult('PC-STK-1', 'fixed', '2024-07-19T09:00:00Z')));
    writeFileSync(join(results, 'PC-STK-2.json'), JSON.stringify(stickResult('PC-STK-2', 'nothing_to_do', '2024-07-19T09:10:00Z')));
    writeFileSync(join(results, 'PC-STK-3.json'), JSON.stringify(stickResult('PC-STK-3', 'needs_attention', '2024-07-19T09:20:00Z')));
    writeFileSync(join(results, 'torn.json'), '{"schemaVersion": 1, "machine"');
    await openJournal(app);
    const card = app.getByTestId('stick-card');
    await card.getByLabel('Stick or folder').fill(stick);
    await card.getByRole('button', { name: 'Read results' }).click();
    const summary = card.getByTestId('ingest-summary');
    await expect(summary).toContainText('3 machines: 1 fixed, 1 nothing to do, 1 needs attention (1 file rejected).');
    await expect(summary.getByRole('listitem')).toHaveCount(1);
    await expect(summary.getByRole('listitem')).toContainText('torn.json');
    for (const scheme of ['light', 'dark'] as const) {
      await app.emulateMedia({ colorScheme: scheme });
      await screenshot(app, `${SHOTS}/${info.project.name}-journal-${scheme}-stick-read.png`);
    }
    await app.emulateMedia({ colorScheme: 'light' });

    // The machines are in the journal (search: the data folder may hold other specs' machines).
    await app.getByRole('searchbox', { name: 'Search hostname, serial or asset tag' }).fill('PC-STK-');
    await expect(app.getByTestId('machine-row')).toHaveCount(3);
    // Not recorded until the technician confirms, but what the stick says shows beside the status.
    const fixedRow = app.getByTestId('machine-row').filter({ hasText: 'PC-STK-1' });
    await expect(fixedRow).toContainText('Not started');
    await expect(fixedRow.getByTestId('stick-says')).toHaveText('stick: fixed');
    await expect(app.getByTestId('machine-row').filter({ hasText: 'PC-STK-3' }).getByTestId('stick-says')).toHaveText('stick: needs attention');
    await screenshot(app, `${SHOTS}/${info.project.name}-journal-stick-says.png`);

    await card.getByRole('button', { name: 'Read results' }).click();
    await expect(summary).toContainText('3 results were already in the journal');
    await expect(app.getByTestId('machine-row')).toHaveCount(3);

    // The Recover queue says the same beside its own status.
    await app.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Recover', exact: true }).click();
    await app.getByLabel('Hostname, asset tag or serial').fill('PC-STK-');
    const queueRow = app.getByTestId('queue-row').filter({ hasText: 'PC-STK-1' });
    await expect(queueRow.getByTestId('stick-says')).toHaveText('stick: fixed');
    await screenshot(app, `${SHOTS}/${info.project.name}-recover-stick-says.png`);
  } finally {
    rmSync(stick, { recursive: true, force: true });
  }
});

