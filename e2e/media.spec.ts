import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { screenshot } from './screens.js';
import { checkNeeds, requireTool } from '../test/tools-playwright.js';
import { ISSUER_2011, efiImage, pkcs7SignedBy } from '../main/media/testing/pe-fixture.js';

const SHOTS = 'e2e/screenshots';
/** Makes the boot.wim of the base whose tools the Media screen reports; in CI its absence fails the test (test/tools-playwright.ts). */
const wimlib = requireTool('wimlib-imagex', { package: 'wimtools', for: "making a boot.wim for the Media screen's checks" });

async function openMedia(app: Page): Promise<void> {
  await app.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Media', exact: true }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Media', exact: true })).toBeVisible();
}

function outputField(app: Page) {
  return app.getByLabel('Output file', { exact: true });
}

test.describe('media screen', () => {
  let work: string;
  test.beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'bootmend-media-e2e-'));
  });
  test.afterEach(() => {
    rmSync(work, { recursive: true, force: true });
  });

  test('builds a payload-only ISO with live progress, and refuses to overwrite it unasked', async ({ app }, info) => {
    const shot = (name: string) => screenshot(app, `${SHOTS}/${info.project.name}-media-${name}.png`);
    const out = join(work, `crowdstrike-${Date.now()}.iso`);
    await app.emulateMedia({ colorScheme: 'light' });
    await openMedia(app);

    await app.getByRole('radio', { name: /CrowdStrike Falcon channel file 291/ }).check();
    await expect(app.getByTestId('playbook-option').filter({ hasText: 'crowdstrike-cf291' })).toContainText('Built-in');
    await expect(app.getByRole('radio', { name: 'Payload only' })).toBeChecked();
    await app.getByRole('radio', { name: 'ISO image' }).check();
    await expect(outputField(app)).toHaveValue(/crowdstrike-cf291-1\.0\.0\.iso$/);
    await outputField(app).fill(out);
    await shot('light-form');

    // Hold the request back until the progress card has been seen: a payload-only ISO is built in a blink.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await app.route('**/api/buildMedium', async (route) => {
      await held;
      await route.continue();
    });
    await app.getByRole('button', { name: 'Build ISO image' }).click();
    const progress = app.getByTestId('build-progress');
    await expect(progress).toBeVisible();
    await expect(app.getByRole('progressbar', { name: 'Build progress' })).toBeVisible();
    await expect(app.getByRole('button', { name: 'Cancel' })).toBeFocused();
    // The window title tells a technician in another window what is happening, then how it ended.
    await expect(app).toHaveTitle('Building the ISO image — Bootmend');
    await shot('light-progress-starting');
    release();

    const result = app.getByTestId('build-result');
    await expect(result).toBeVisible({ timeout: 30_000 });
    await app.unroute('**/api/buildMedium');
    await expect(app.getByRole('heading', { level: 2, name: 'ISO image built' })).toBeFocused();
    await expect(app).toHaveTitle('ISO image built — Bootmend');
    await expect(app.getByTestId('result-out')).toHaveText(out);
    const sha = (await app.getByTestId('result-sha256').textContent()) ?? '';
    await app.getByTestId('result-sha256').click();
    expect(await app.evaluate(() => window.getSelection()?.toString())).toBe(sha);
    await app.evaluate(() => window.getSelection()?.removeAllRanges());
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(out)).toBe(true);
    expect(createHash('sha256').update(readFileSync(out)).digest('hex')).toBe(sha);
    await expect(app.getByTestId('result-base')).toContainText('payload only');
    await expect(result.getByRole('button', { name: 'Write to USB drives…' })).toBeVisible();
    await shot('light-result');
    await app.emulateMedia({ colorScheme: 'dark' });
    await shot('dark-result');

    // Same path again, without "Replace if it exists": refused beside the output field, the file untouched.
    await app.getByRole('button', { name: 'Build another' }).click();
    await outputField(app).fill(out);
    await expect(app.getByRole('checkbox', { name: 'Replace if it exists' })).not.toBeChecked();
    await app.getByRole('button', { name: 'Build ISO image' }).click();
    const field = app.locator('.field', { has: outputField(app) });
    await expect(field.getByRole('alert')).toContainText('already exists');
    await expect(field.getByRole('alert')).toContainText('Replace if it exists');
    await expect(outputField(app)).toHaveAttribute('aria-invalid', 'true');
    await expect(outputField(app)).toBeFocused();
    await expect(app.getByText('The medium was not built')).toHaveCount(0);
    expect(createHash('sha256').update(readFileSync(out)).digest('hex')).toBe(sha);
    await shot('dark-exists-error');
    await app.emulateMedia({ colorScheme: 'light' });
    await shot('light-exists-error');
  });

  test('checks a WinPE base folder, shows bytes, speed and time left, and cancels cleanly', async ({ app }, info) => {
    test.setTimeout(120_000);
    const shot = (name: string) => screenshot(app, `${SHOTS}/${info.project.name}-media-${name}.png`);
    // A base with loaders but no boot.wim, and a large (sparse) file so the build runs long enough to watch.
    const base = join(work, 'winpe-media');
    mkdirSync(join(base, 'EFI', 'Boot'), { recursive: true });
    mkdirSync(join(base, 'Boot'), { recursive: true });
    mkdirSync(join(base, 'filler'), { recursive: true });
    writeFileSync(join(base, 'EFI', 'Boot', 'bootx64.efi'), Buffer.alloc(64 * 1024, 1));
    writeFileSync(join(base, 'Boot', 'etfsboot.com'), Buffer.alloc(4096, 2));
    writeFileSync(join(base, 'filler', 'large.bin'), '');
    truncateSync(join(base, 'filler', 'large.bin'), 2_000_000_000);
    const out = join(work, 'on-base.iso');

    await app.emulateMedia({ colorScheme: 'dark' });
    await openMedia(app);
    await app.getByRole('radio', { name: 'WinPE or WinRE base' }).check();
    await app.getByRole('textbox', { name: 'Base on this computer' }).fill(base);
    await app.getByRole('button', { name: 'Check' }).click();
    const report = app.getByRole('status', { name: 'What the base holds' });
    await expect(report).toContainText('UEFI loader');
    await expect(report).toContainText('EFI/Boot/bootx64.efi');
    await expect(report).toContainText('sources/boot.wim');
    await expect(report).toContainText('WinPE media folder');
    await expect(report).toContainText('BitLocker:');
    await app.getByRole('radio', { name: 'ISO image' }).check();
    await outputField(app).fill(out);
    await shot('dark-base-checked');

    await app.getByRole('button', { name: 'Build ISO image' }).click();
    await expect(app.getByTestId('progress-phase')).toHaveText('Writing', { timeout: 30_000 });
    await expect(app.getByTestId('build-progress')).toContainText(/\/s/);
    await expect(app).toHaveTitle(/^\d+% · Building the ISO image — Bootmend$/);
    await shot('dark-progress');
    await app.emulateMedia({ colorScheme: 'light' });
    await shot('light-progress');
    await app.getByRole('button', { name: 'Cancel' }).click();
    await expect(app.getByText('Cancelled — nothing usable was written.')).toBeVisible({ timeout: 30_000 });
    await expect(app.getByRole('button', { name: 'Build ISO image' })).toBeFocused();
    await expect.poll(() => existsSync(out)).toBe(false);
    await shot('light-cancelled');
  });

  test("shows which of the playbook's checks the base can make (PowerShell, certutil, fc, wmic looked for in boot.wim)", async ({ app }, info) => {
    checkNeeds(wimlib, (reason) => test.skip(true, reason));
    const shot = (name: string) => screenshot(app, `${SHOTS}/${info.project.name}-media-${name}.png`);
    // A default WinPE: fc and wmic, but neither PowerShell nor certutil.
    const base = join(work, 'winpe-fc-only');
    const tree = join(work, 'wimtree');
    mkdirSync(join(base, 'EFI', 'Boot'), { recursive: true });
    mkdirSync(join(base, 'sources'), { recursive: true });
    writeFileSync(join(base, 'EFI', 'Boot', 'bootx64.efi'), Buffer.alloc(64 * 1024, 1));
    mkdirSync(join(tree, 'Windows', 'System32', 'wbem'), { recursive: true });
    writeFileSync(join(tree, 'Windows', 'System32', 'startnet.cmd'), 'wpeinit\r\n');
    writeFileSync(join(tree, 'Windows', 'System32', 'fc.exe'), 'MZ fc');
    writeFileSync(join(tree, 'Windows', 'System32', 'wbem', 'wmic.exe'), 'MZ wmic');
    expect(spawnSync('wimlib-imagex', ['capture', tree, join(base, 'sources', 'boot.wim'), 'Microsoft Windows PE (amd64)', '--boot']).status).toBe(0);

    await app.emulateMedia({ colorScheme: 'light' });
    await openMedia(app);
    await app.getByRole('radio', { name: /CrowdStrike Falcon channel file 291/ }).check();
    await app.getByRole('radio', { name: 'WinPE or WinRE base' }).check();
    await app.getByRole('textbox', { name: 'Base on this computer' }).fill(base);
    await app.getByRole('button', { name: 'Check' }).click();
    const tools = app.getByTestId('base-tools');
    await expect(tools).toContainText('PowerShell: no');
    await expect(tools).toContainText('certutil: no');
    await expect(tools).toContainText('fc: yes');
    await expect(tools).toContainText('wmic: yes');
    const checks = app.getByTestId('playbook-checks');
    await expect(checks).toContainText('Checks of "CrowdStrike Falcon channel file 291 (19 July 2024)" on this base');
    await expect(checks).toContainText('Leading bytes (header) by fc /b against the reference file on the medium');
    await expect(checks).toContainText('All-zero copy by fc /b against ref\\zero.bin on the medium');
    await expect(checks).toContainText('Time window by cmd, with the offset from UTC by wmic');
    await checks.scrollIntoViewIfNeeded();
    await shot('light-base-checks');
    await app.emulateMedia({ colorScheme: 'dark' });
    await shot('dark-base-checks');

    // Without fc as well, the header cannot be read at the PC: the screen says what that means.
    rmSync(join(tree, 'Windows', 'System32', 'fc.exe'));
    const bare = join(work, 'winpe-bare');
    mkdirSync(join(bare, 'EFI', 'Boot'), { recursive: true });
    mkdirSync(join(bare, 'sources'), { recursive: true });
    writeFileSync(join(bare, 'EFI', 'Boot', 'bootx64.efi'), Buffer.alloc(64 * 1024, 1));
    expect(spawnSync('wimlib-imagex', ['capture', tree, join(bare, 'sources', 'boot.wim'), 'Microsoft Windows PE (amd64)', '--boot']).status).toBe(0);
    await app.getByRole('textbox', { name: 'Base on this computer' }).fill(bare);
    await app.getByRole('button', { name: 'Check' }).click();
    await expect(tools).toContainText('fc: no');
    await expect(checks).toContainText('Leading bytes (header) cannot be made (when available): this image has none of PowerShell, certutil, fc /b.');
    await expect(checks).toContainText('It is skipped: the file is judged by its required checks');
    await expect(checks).toContainText('All-zero copy cannot be made');
    await app.emulateMedia({ colorScheme: 'light' });
    await checks.scrollIntoViewIfNeeded();
    await shot('light-base-checks-cannot');
  });

  test('says which CA signed the boot manager, and warns not to switch Secure Boot off on a BitLocker PC', async ({ app }, info) => {
    const shot = (name: string) => screenshot(app, `${SHOTS}/${info.project.name}-media-${name}.png`);
    // The loader is a fixture PE whose Authenticode names the 2011 CA (only Microsoft can sign a real one).
    const base = join(work, 'winpe-2011');
    mkdirSync(join(base, 'EFI', 'Boot'), { recursive: true });
    writeFileSync(join(base, 'EFI', 'Boot', 'bootx64.efi'), efiImage(pkcs7SignedBy(ISSUER_2011)));
    const out = join(work, 'stick');

    await app.emulateMedia({ colorScheme: 'light' });
    await openMedia(app);
    await app.getByRole('radio', { name: 'WinPE or WinRE base' }).check();
    await app.getByRole('textbox', { name: 'Base on this computer' }).fill(base);
    await app.getByRole('radio', { name: 'Folder' }).check();
    await app.getByLabel('Output folder', { exact: true }).fill(out);
    await app.getByRole('button', { name: /^Build/ }).click();
    const result = app.getByTestId('build-result');
    await expect(result).toBeVisible({ timeout: 30_000 });
    const secureBoot = app.getByTestId('result-secure-boot');
    await expect(secureBoot).toContainText('Signed: 2011 CA only');
    await expect(secureBoot).toContainText('KB5025885');
    await expect(app.getByTestId('result-secure-boot-hint')).toHaveText(/Do not switch Secure Boot off on a BitLocker PC/);
    await secureBoot.scrollIntoViewIfNeeded();
    await shot('light-secure-boot');
    await app.emulateMedia({ colorScheme: 'dark' });
    await shot('dark-secure-boot');
  });
});
