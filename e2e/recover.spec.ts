import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { commonPath, fixtureKey, Interactions, nav, prepareLaptop, scanBox, TECHNICIAN } from './recover-journey.js';
import { screenshot } from './screens.js';
import { callApi as api } from './local-api.js';

/**
 * The Recover screen against the real journal of the web host (main/journal) and a real key
 * vault holding FAKE keys. Windows itself is not here: the steps done at the PC are confirmed
 * as the technician would.
 */

const BERLIN = fixtureKey('PC-BER-001');
const MAX_INTERACTIONS = 6;
const SHOTS = 'e2e/screenshots';

interface Listed {
  machines: { machine: { hostname: string }; status: string; path: string | null; keyIdUsed: string | null; stepsConfirmed: number[] }[];
}

/** The journal's handlers land separately; until they answer, the journeys cannot run and say so. */
async function skipWithoutJournal(app: Page): Promise<void> {
  const answer = await api<Listed>(app, 'listMachines', {});
  const reason = !answer.ok && answer.error.code === 'UNAVAILABLE' ? `the journal's handlers answer UNAVAILABLE in this build (${answer.error.message}); enable once main/journal lands` : null;
  if (reason) console.log(`e2e recover: fixme: ${reason}`);
  test.fixme(reason !== null, reason ?? '');
}

test.describe('recover screen', () => {
  test('the common path (scan asset tag, WinPE, scan key ID, reveal, all steps done, fixed) takes at most 6 interactions per machine', async ({ app }) => {
    test.setTimeout(120_000);
    await skipWithoutJournal(app);
    await prepareLaptop(app);

    const seconds: number[] = [];
    for (const tag of ['A-1001', 'A-1002']) {
      const started = Date.now();
      const user = await commonPath(app, tag, BERLIN.id);
      seconds.push((Date.now() - started) / 1000);
      console.log(`e2e recover: ${tag}: ${user.count} interactions (${user.log.join(', ')}), ${seconds.at(-1)!.toFixed(1)} s`);
      expect(user.count).toBeLessThanOrEqual(MAX_INTERACTIONS);
    }

    const listed = await api<Listed>(app, 'listMachines', {});
    expect(listed.ok).toBe(true);
    if (!listed.ok) return;
    for (const tag of ['A-1001', 'A-1002']) {
      expect(listed.value.machines.find((m) => m.machine.hostname === tag)).toMatchObject({ status: 'fixed', path: 'winpe', keyIdUsed: BERLIN.id });
    }
    // Each reveal is audited for the machine it was for, and no password went into the journal.
    const revealed = await api<{ csv: string }>(app, 'listRevealedKeys', {});
    expect(revealed.ok && revealed.value.csv).toContain('A-1002');
    const events = await api<{ text: string }>(app, 'exportJournal', { format: 'ndjson', events: true });
    expect(events.ok && events.value.text).not.toContain(BERLIN.password.slice(0, 13));
  });

  test('WinRE with a pause resumed at the same step, Safe Mode ending in needs_reimage after an undo', async ({ app }) => {
    test.setTimeout(120_000);
    await skipWithoutJournal(app);
    await prepareLaptop(app);
    const user = new Interactions(app);

    // WinRE: no BitLocker, the Skip-this-drive advice, the stick's letter filled into the command.
    await user.scan('PC-WINRE-1');
    await expect(app.getByTestId('path-choice')).toBeVisible();
    await user.press('2');
    await user.click('No BitLocker here — next step');
    await expect(app.getByRole('heading', { name: 'Open the recovery command prompt' })).toBeVisible();
    await expect(app.getByTestId('confirm-step')).toBeFocused();
    await expect(app.getByRole('heading', { name: 'Open the recovery command prompt' })).toBeVisible();
    await user.press('Enter');
    await expect(app.getByRole('heading', { name: 'Deal with the BitLocker question' })).toBeVisible();
    await expect(app.getByTestId('walk-step')).toContainText('Skip this drive');
    await expect(app.getByTestId('confirm-step')).toBeFocused();
    await user.press('Enter');
    await expect(app.getByRole('heading', { name: 'Find the letter of the USB stick' })).toBeVisible();
    await user.click('Pause — back to the queue');
    await expect(app.getByTestId('queue')).toContainText(/PC-WINRE-1\s*.*Paused/);

    await scanBox(app).focus();
    await user.scan('PC-WINRE-1');
    await expect(app.getByRole('heading', { name: 'Find the letter of the USB stick' })).toBeVisible();
    await app.getByRole('textbox', { name: "The stick's letter" }).fill('f');
    await app.getByTestId('confirm-step').click();
    await expect(app.getByTestId('walk-step').getByTestId('command')).toHaveText('F:\\bootmend\\fix.cmd');
    await user.click(/All steps done/);
    await expect(app.getByRole('button', { name: /^Fixed/ })).toBeFocused();
    await user.press('Enter');
    await expect(app.getByTestId('undo-toast')).toContainText('PC-WINRE-1: fixed');

    // Safe Mode: Fixed, undone with Ctrl+Z, then needs_reimage with a note: open for the helpdesk.
    await user.scan('PC-SAFE-1');
    await expect(app.getByTestId('path-choice')).toBeVisible();
    await user.press('3');
    await user.click(/All steps done/);
    await expect(app.getByRole('button', { name: /^Fixed/ })).toBeFocused();
    await user.press('Enter');
    await expect(app.getByTestId('undo-toast')).toContainText('PC-SAFE-1: fixed');
    await user.press('Control+z');
    await expect(app.getByTestId('outcome-form')).toBeVisible();
    await app.getByLabel('Notes (optional)').fill('SSD not detected after the fix');
    await user.click(/^Needs reimage/);
    await expect(app.getByTestId('undo-toast')).toContainText('PC-SAFE-1: needs reimage');
    await app.getByLabel('Show').selectOption('open');
    await expect(app.getByTestId('queue')).toContainText(/PC-SAFE-1\s*.*Needs reimage/);

    const listed = await api<Listed>(app, 'listMachines', {});
    expect(listed.ok).toBe(true);
    if (!listed.ok) return;
    const byName = (name: string) => listed.value.machines.find((m) => m.machine.hostname === name);
    expect(byName('PC-WINRE-1')).toMatchObject({ status: 'fixed', path: 'winre' });
    expect(byName('PC-SAFE-1')).toMatchObject({ status: 'needs_reimage', path: 'safe_mode' });
  });

  test('three machines, one per path (WinPE with a vault lookup and reveal, WinRE, Safe Mode), every walkthrough step shot in light and dark, ending in the Journal screen whose CSV export has their rows', async ({ app }, info) => {
    test.setTimeout(300_000);
    await skipWithoutJournal(app);
    await prepareLaptop(app);
    await app.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.url()).origin });
    // The worker's data folder is shared with the other specs (journal.spec.ts seeds 10,000 machines): a site of their own.
    const SITE = 'Lyon three paths';
    await app.getByLabel('Site for new machines').fill(SITE);
    await scanBox(app).focus();

    const shot = async (name: string): Promise<void> => {
      for (const scheme of ['light', 'dark'] as const) {
        await app.emulateMedia({ colorScheme: scheme });
        await screenshot(app, `${SHOTS}/${info.project.name}-recover-${scheme}-${name}.png`);
      }
      await app.emulateMedia({ colorScheme: 'light' });
    };

    /** Confirms every playbook step one by one (a shot of each), filling the stick's letter where asked, up to the outcome. */
    const everyStep = async (path: string): Promise<string[]> => {
      const titles: string[] = [];
      let letterGiven = false;
      let lettersFilled = 0;
      let copied = 0;
      const outcome = app.getByTestId('outcome-form');
      const step = app.getByTestId('walk-step');
      for (;;) {
        await expect(outcome.or(step)).toBeVisible();
        if (await outcome.isVisible()) {
          // WinPE runs from the stick itself; WinRE and Safe Mode ask where it is.
          expect(lettersFilled).toBe(path === 'winpe' ? 0 : 1);
          expect(copied).toBe(path === 'winpe' ? 0 : 1);
          return titles;
        }
        const title = (await step.getByRole('heading', { level: 2 }).innerText()).trim();
        expect(titles).not.toContain(title);
        titles.push(title);
        // The step that finds the stick takes its letter; its fix command, on this step or the next, has it filled in.
        const fixCommand = step.getByTestId('command').filter({ hasText: 'E:\\bootmend\\fix.cmd' });
        if (letterGiven) await expect(fixCommand).not.toHaveCount(0);
        const letter = app.getByRole('textbox', { name: "The stick's letter" });
        letterGiven = false;
        if ((await letter.isVisible()) && (await letter.inputValue()) === '') {
          await letter.fill('E');
          letterGiven = (await fixCommand.count()) === 0;
          lettersFilled += 1;
        }
        if ((await fixCommand.count()) > 0) {
          // Its copy button puts exactly that command on the clipboard.
          await step.locator('li.command').filter({ hasText: 'E:\\bootmend\\fix.cmd' }).getByRole('button', { name: /^Copy: / }).click();
          expect(await app.evaluate(() => navigator.clipboard.readText())).toBe(await fixCommand.first().innerText());
          copied += 1;
        }
        await shot(`${path}-step-${titles.length + 1}`);
        await step.getByTestId('confirm-step').click();
        await expect(step.getByRole('heading', { level: 2, name: title, exact: true })).toBeHidden();
      }
    };

    const machines = [
      { tag: 'A-PE-01', key: '1', path: 'winpe', reveal: true },
      { tag: 'A-RE-01', key: '2', path: 'winre', reveal: false },
      { tag: 'A-SM-01', key: '3', path: 'safe_mode', reveal: false },
    ] as const;
    const seconds: Record<string, number> = {};
    for (const m of machines) {
      const started = Date.now();
      await expect(scanBox(app)).toBeFocused();
      await app.keyboard.type(m.tag, { delay: 4 });
      await app.keyboard.press('Enter');
      await expect(app.getByTestId('path-choice')).toBeVisible();
      await expect(app.getByTestId('machine-name')).toHaveText(m.tag);
      await shot(`${m.path}-path`);
      await app.keyboard.press(m.key);
      const bitlocker = app.getByTestId('bitlocker-step');
      await expect(bitlocker).toBeVisible();
      await shot(`${m.path}-step-1-bitlocker`);
      if (m.reveal) {
        await expect(app.getByLabel('Key ID from the blue screen')).toBeFocused();
        await app.keyboard.type(BERLIN.id, { delay: 4 });
        await app.keyboard.press('Enter');
        await expect(app.getByTestId('reveal-key')).toBeFocused();
        await shot(`${m.path}-step-1-found`);
        await app.keyboard.press('Enter');
        await expect(app.getByTestId('reveal-view')).toBeVisible();
        await shot(`${m.path}-step-1-revealed`);
      }
      await bitlocker.getByTestId('confirm-step').click();
      const titles = await everyStep(m.path);
      expect(titles.length).toBeGreaterThanOrEqual(4);
      await expect(app.getByRole('button', { name: /^Fixed/ })).toBeFocused();
      await shot(`${m.path}-outcome`);
      await app.keyboard.press('Enter');
      await expect(app.getByTestId('undo-toast')).toContainText(`${m.tag}: fixed`);
      seconds[m.tag] = (Date.now() - started) / 1000;
      console.log(`e2e recover: ${m.tag} (${m.path}): ${titles.length + 1} steps confirmed one by one, ${seconds[m.tag]!.toFixed(1)} s with ${2 * (titles.length + 3 + (m.reveal ? 2 : 0))} screenshots`);
    }
    await shot('queue-after-three');

    // The Journal screen shows the three, and its CSV export (of the chosen site) has exactly their rows, as recorded.
    await nav(app, 'Journal').click();
    await expect(app.getByRole('heading', { level: 1, name: 'Journal', exact: true })).toBeVisible();
    await app.getByLabel('Site').selectOption(SITE);
    const rows = app.getByTestId('machine-row');
    await expect(rows).toHaveCount(3);
    for (const m of machines) await expect(rows.filter({ hasText: m.tag })).toContainText('Fixed');
    await rows.filter({ hasText: 'A-PE-01' }).click();
    const timeline = app.getByTestId('machine-timeline');
    await expect(timeline).toContainText('Path chosen: Stick (WinPE)');
    await expect(timeline).toContainText(`Recovery key ${BERLIN.id.slice(0, 8)}… revealed`);
    await shot('journal-three');
    await timeline.getByRole('button', { name: 'Close' }).click();

    const [download] = await Promise.all([app.waitForEvent('download'), app.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
    expect(csv[0]).toBe('hostname,serial,asset tag,site,outcome,path,technician,started,ended,minutes,files removed,key ID used,notes');
    expect(csv).toHaveLength(machines.length + 1);
    for (const m of machines) {
      const row = csv.filter((line) => line.startsWith(`${m.tag},`));
      expect(row).toHaveLength(1);
      const keyId = m.reveal ? BERLIN.id : '';
      expect(row[0]).toMatch(new RegExp(`^${m.tag},,[^,]*,${SITE},fixed,${m.path},${TECHNICIAN},[^,]+,[^,]+,\\d+(\\.\\d)?,[^,]*,${keyId},$`));
    }
    expect(csv.join('\n')).not.toContain(BERLIN.password.slice(0, 13));
  });
});
