import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { commonPath, fixtureKey, Interactions, prepareLaptop, scanBox } from './recover-journey.js';

/**
 * The Recover screen against the real journal of the web host (main/journal) and a real key
 * vault holding FAKE keys. Windows itself is not here: the steps done at the PC are confirmed
 * as the technician would.
 */

const BERLIN = fixtureKey('PC-BER-001');
const MAX_INTERACTIONS = 6;

/** Calls the local API as the page does (the page's token), for checking what the journal holds. */
async function api<T>(app: Page, method: string, input: unknown): Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }> {
  return app.evaluate(
    async ({ method, input }) => {
      const token = sessionStorage.getItem('bootmend.token') ?? '';
      const response = await fetch(`/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-bootmend-token': token }, body: JSON.stringify(input) });
      return response.json();
    },
    { method, input },
  );
}

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
});
