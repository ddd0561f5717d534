import { expect, test } from './fixtures.js';
import { apiValue as api } from './local-api.js';
import { fixtureKey, nav, prepareLaptop, TECHNICIAN } from './recover-journey.js';
import { screenshot } from './screens.js';

/**
 * The Keys screen's reveal form picks the PC from the journal (the Recover queue's machines) by
 * hostname, asset tag or serial, with the keyboard; the audit event then carries that machine's
 * identity. Keys are FAKE (main/keys/fixtures).
 */

const SHOTS = 'e2e/screenshots';
const KEY = fixtureKey('PC-MUC-001');
const MACHINE = { hostname: 'PC-NTE-0211', serial: 'SN-NTE-0211', assetTag: 'AT-NTE-0211', site: 'Nantes' };

test('the reveal form picks the PC from the journal by typing part of a label and the arrow keys; the reveal is recorded with its hostname, serial, asset tag and site', async ({ app }, info) => {
  test.setTimeout(120_000);
  const added = await api<{ state: { machineId: string } }>(app, 'recordEvent', { type: 'machine.added', source: 'typed', machine: MACHINE });
  await api(app, 'recordEvent', { type: 'machine.added', source: 'typed', machine: { hostname: 'PC-BER-0042', serial: 'SN-BER-0042', site: 'Berlin' } });
  await prepareLaptop(app);
  await nav(app, 'Keys').click();
  const query = app.getByLabel('Key ID or device name');
  await query.fill(KEY.id.slice(0, 8));
  await query.press('Enter');
  await expect(app.getByTestId('key-card')).toBeVisible();

  const box = app.getByRole('combobox', { name: 'For which PC?' });
  const list = app.getByTestId('machine-picker-list');
  await expect(box).toHaveValue(KEY.device);
  // A name the journal does not know: typed as before, nothing offered, nothing picked.
  await box.fill('PC-NEW-9');
  await expect(list).toBeHidden();
  await expect(app.getByTestId('picked-machine')).toHaveCount(0);

  await box.fill('');
  await box.pressSequentially('nte', { delay: 10 });
  await expect(list).toBeVisible();
  await expect(list.getByRole('option')).toHaveText([/PC-NTE-0211.*Asset AT-NTE-0211 · Serial SN-NTE-0211 · Nantes/]);
  await box.press('ArrowDown');
  await expect(list.getByRole('option', { name: /PC-NTE-0211/ })).toHaveAttribute('aria-selected', 'true');
  await screenshot(app, `${SHOTS}/${info.project.name}-keys-machine-picker-list.png`);
  await box.press('Enter');
  await expect(list).toBeHidden();
  await expect(box).toHaveValue(MACHINE.hostname);
  await expect(app.getByTestId('picked-machine')).toHaveText('Journal machine: PC-NTE-0211 · Asset AT-NTE-0211 · Serial SN-NTE-0211 · Nantes');
  await expect(app.getByTestId('reveal-view')).toHaveCount(0);
  await screenshot(app, `${SHOTS}/${info.project.name}-keys-machine-picked.png`);

  await app.getByRole('button', { name: 'Reveal recovery password' }).click();
  await expect(app.getByTestId('password-group')).toHaveText(KEY.password.split('-'));

  // A laptop back from a long outage (journal.spec's 10,000 machines share this data folder in CI): the list shows a page, not every reveal.
  const shownRows = await app.getByTestId('revealed-row').count();
  expect(shownRows).toBeGreaterThan(0);
  expect(shownRows).toBeLessThanOrEqual(50);
  await expect(app.getByTestId('revealed-row').first()).toContainText('PC-NTE-0211');

  const { csv } = await api<{ csv: string }>(app, 'listRevealedKeys', {});
  expect(csv).toMatch(new RegExp(`${KEY.id},${KEY.device},PC-NTE-0211,${TECHNICIAN},[^,]+,[^,]+,SN-NTE-0211,AT-NTE-0211,Nantes`));
  const { events } = await api<{ events: Record<string, unknown>[] }>(app, 'getMachine', { machineId: added.state.machineId });
  expect(events.at(-1)).toMatchObject({ type: 'key.revealed', keyId: KEY.id, machineId: added.state.machineId, machine: MACHINE.hostname, machineIdentity: MACHINE, source: 'vault' });
});

test('a scanned asset tag in the reveal form is taken by Enter at once, and typing on makes it a new name again', async ({ app }) => {
  test.setTimeout(120_000);
  await api(app, 'recordEvent', { type: 'machine.added', source: 'typed', machine: { hostname: 'PC-OSL-0003', assetTag: 'AT-OSL-0003', site: 'Oslo' } });
  await prepareLaptop(app);
  await nav(app, 'Keys').click();
  const query = app.getByLabel('Key ID or device name');
  await query.fill(KEY.id.slice(0, 8));
  await query.press('Enter');
  const box = app.getByRole('combobox', { name: 'For which PC?' });
  await box.fill('');
  await box.pressSequentially('at-osl-0003', { delay: 4 });
  await box.press('Enter');
  await expect(app.getByTestId('picked-machine')).toHaveText('Journal machine: PC-OSL-0003 · Asset AT-OSL-0003 · Oslo');
  await expect(app.getByTestId('reveal-view')).toHaveCount(0);
  await box.press('End');
  await box.pressSequentially('-B', { delay: 4 });
  await expect(box).toHaveValue('PC-OSL-0003-B');
  await expect(app.getByTestId('picked-machine')).toHaveCount(0);
});

test('the revealed list shows the newest 50 and "Show older" adds 50 more at a time; the CSV has every reveal', async ({ app }, info) => {
  test.setTimeout(120_000);
  await prepareLaptop(app);
  type Entry = { machine: string };
  const listed = async (): Promise<{ revealed: Entry[]; csv: string }> => api<{ revealed: Entry[]; csv: string }>(app, 'listRevealedKeys', {});
  // More than a page: reveal up to 55 (in CI, earlier specs' thousands are already in this data folder).
  const before = (await listed()).revealed.length;
  for (let i = before + 1; i <= 55; i += 1) {
    await api(app, 'revealKey', { id: KEY.id, machine: `PC-PAGE-${String(i).padStart(3, '0')}`, reason: `ticket INC-${i}` });
  }
  const { revealed, csv } = await listed();
  expect(revealed.length).toBeGreaterThanOrEqual(55);
  expect(csv.split('\n').filter((line) => /^[0-9A-F]{8}-[0-9A-F]{4}-/i.test(line))).toHaveLength(revealed.length);
  await nav(app, 'Keys').click();
  const rows = app.getByTestId('revealed-row');
  await expect(rows).toHaveCount(50);
  await expect(rows.first()).toContainText(revealed.at(-1)!.machine);
  const more = app.getByTestId('revealed-more');
  await expect(more).toHaveText(`Show ${Math.min(50, revealed.length - 50)} older`);
  await screenshot(app, `${SHOTS}/${info.project.name}-keys-revealed-older.png`);
  await more.click();
  await expect(rows).toHaveCount(Math.min(100, revealed.length));
  // The 51st newest is now on screen, right below the first page.
  await expect(rows.nth(50)).toContainText(revealed.at(-51)!.machine);
});
