import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { buildFixtures } from '../main/keys/fixtures/generate.js';
import { expect } from './fixtures.js';

/**
 * The Recover screen's journeys, shared by e2e/recover.spec.ts. Keys are FAKE: the committed
 * AD fixture (main/keys/fixtures). Every user action goes through `Interactions`, which counts
 * them: a scan (a scanner types the label and Enter) is one, a key press is one, a click is one.
 */

export const PASSPHRASE = 'correct horse battery';
export const TECHNICIAN = 'Ana Lopez';
export const AD_FIXTURE = fileURLToPath(new URL('../main/keys/fixtures/ad-raw-type.csv', import.meta.url));

export function fixtureKey(device: string): { id: string; password: string; device: string } {
  const key = buildFixtures().keys.find((k) => k.device === device);
  if (!key) throw new Error(`no fixture key for ${device}`);
  return key as { id: string; password: string; device: string };
}

export class Interactions {
  count = 0;
  readonly log: string[] = [];
  constructor(private readonly app: Page) {}

  /** A barcode scanner: the whole label typed fast, then Enter — one interaction. */
  async scan(text: string): Promise<void> {
    this.note(`scan ${text}`);
    await this.app.keyboard.type(text, { delay: 4 });
    await this.app.keyboard.press('Enter');
  }

  async press(key: string): Promise<void> {
    this.note(`press ${key}`);
    await this.app.keyboard.press(key);
  }

  async click(name: string | RegExp, role: 'button' | 'link' = 'button'): Promise<void> {
    this.note(`click ${String(name)}`);
    await this.app.getByRole(role, { name }).click();
  }

  private note(what: string): void {
    this.count += 1;
    this.log.push(what);
  }
}

export function nav(app: Page, name: string) {
  return app.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

/** Once per session, not per machine: the technician's name and an unlocked vault holding the fixture's keys. */
export async function prepareLaptop(app: Page): Promise<void> {
  await nav(app, 'Settings').click();
  await app.getByLabel('Technician name').fill(TECHNICIAN);
  await app.getByRole('button', { name: 'Save settings' }).click();
  await expect(app.getByText(/saved/i).first()).toBeVisible();
  await nav(app, 'Keys').click();
  const create = app.getByRole('heading', { name: 'Create a key vault' });
  const unlock = app.getByLabel('Vault passphrase');
  await expect(create.or(unlock).or(app.getByTestId('vault-counts'))).toBeVisible();
  if (await create.isVisible()) {
    await app.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await app.getByLabel('Repeat the passphrase').fill(PASSPHRASE);
    await app.getByRole('button', { name: 'Create the vault' }).click();
    await app.getByTestId('import-file-input').setInputFiles([AD_FIXTURE]);
    await app.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(app.getByTestId('import-summary')).toBeVisible();
  } else if (await unlock.isVisible()) {
    await unlock.fill(PASSPHRASE);
    await unlock.press('Enter');
  }
  await expect(app.getByTestId('vault-counts')).toBeVisible();
  await nav(app, 'Recover').click();
  await expect(app.getByRole('heading', { level: 1, name: 'Recover' })).toBeVisible();
  await app.getByLabel('Hostname, asset tag or serial').focus();
}

export function scanBox(app: Page) {
  return app.getByLabel('Hostname, asset tag or serial');
}

/**
 * The common path for one machine: scan its asset tag (adds and opens it), choose WinPE (1),
 * scan the key ID from the blue screen (looks it up), Enter (reveals it, audited for this
 * machine), all steps done, Fixed. Starts and ends at the queue with the scan box focused, so
 * the next machine needs no extra interaction. Returns the interactions it took.
 */
export async function commonPath(app: Page, assetTag: string, keyId: string, onStage?: (stage: string) => Promise<void>): Promise<Interactions> {
  const user = new Interactions(app);
  await expect(scanBox(app)).toBeFocused();
  await user.scan(assetTag);
  await expect(app.getByTestId('path-choice')).toBeVisible();
  await expect(app.getByTestId('machine-name')).toHaveText(assetTag);
  await onStage?.('path');
  await user.press('1');
  await expect(app.getByLabel('Key ID from the blue screen')).toBeFocused();
  await onStage?.('bitlocker');
  await user.scan(keyId);
  await expect(app.getByTestId('reveal-key')).toBeFocused();
  await onStage?.('lookup');
  await user.press('Enter');
  await expect(app.getByTestId('reveal-view')).toBeVisible();
  await onStage?.('reveal');
  await user.click(/All steps done/);
  await expect(app.getByTestId('outcome-form')).toBeVisible();
  await expect(app.getByRole('button', { name: /^Fixed/ })).toBeFocused();
  await onStage?.('outcome');
  await user.press('Enter');
  await expect(app.getByTestId('undo-toast')).toContainText(`${assetTag}: fixed`);
  await expect(scanBox(app)).toBeFocused();
  return user;
}
