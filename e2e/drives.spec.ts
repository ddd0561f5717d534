import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Route } from '@playwright/test';
import type { DriveProgress } from '../core/drives/write.js';
import { classifyDrives } from '../core/drives/drives.js';
import type { ProgressEvent } from '../core/progress.js';
import { checkNeeds, requireAll, requireRoot, requireTool } from '../test/tools-playwright.js';
import { expect, test } from './fixtures.js';
import { screenshot } from './screens.js';

/*
 * The Media screen's "Write to drives" step.
 * - With a drive snapshot (core/drives/fixtures/windows-laptop.json answered for listDrives) and a
 *   writer stream driven from the test: every kind of drive, the confirmation, progress, results and
 *   cancel, in light and dark, looked at as screenshots. Runs anywhere.
 * - On loop devices, as root: two real targets written and verified with the image's own SHA-256,
 *   and a too-small target refused before anything is written.
 */

const SHOTS = 'e2e/screenshots';
const LOOP_ENV = 'BOOTMEND_LIST_LOOP_DEVICES';
const WINDOWS_LAPTOP = JSON.parse(readFileSync(new URL('../core/drives/fixtures/windows-laptop.json', import.meta.url), 'utf8')) as unknown;
const STICK = '\\\\.\\PHYSICALDRIVE1';
const SD = '\\\\.\\PHYSICALDRIVE2';
const HDD = '\\\\.\\PHYSICALDRIVE3';
const SYSTEM = '\\\\.\\PHYSICALDRIVE0';

async function openDriveStep(app: Page): Promise<void> {
  await app.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Media', exact: true }).click();
  await app.getByRole('button', { name: 'Write an image to USB drives…' }).click();
  await expect(app.getByRole('heading', { level: 2, name: 'Write to USB drives' })).toBeVisible();
}

function card(app: Page, device: string) {
  return app.locator(`[data-testid="drive-card"][data-device="${device.replace(/\\/g, '\\\\')}"]`);
}

/** Answers listDrives with the guard's verdict on a saved Windows laptop, honouring the "Show USB hard disks" switch. */
async function answerWithLaptopSnapshot(app: Page): Promise<void> {
  await app.route('**/api/listDrives', async (route: Route) => {
    const input = (route.request().postDataJSON() ?? {}) as { includeUsbHdd?: boolean };
    const drives = classifyDrives(WINDOWS_LAPTOP as Parameters<typeof classifyDrives>[0], { includeUsbHdd: input.includeUsbHdd === true, imageSize: 48_000_000 });
    await route.fulfill({ json: { ok: true, value: { drives } } });
  });
}

/**
 * Replaces the page's fetch for writeDrives with a stream the test writes into (as the web host's
 * server-sent events), so progress can be held still for a screenshot.
 */
async function holdWriterStream(app: Page): Promise<{ send: (message: unknown) => Promise<void>; requests: () => Promise<unknown[]> }> {
  await app.evaluate(() => {
    const w = window as unknown as { __writes: unknown[]; __writer?: ReadableStreamDefaultController<Uint8Array> };
    w.__writes = [];
    const real = window.fetch.bind(window);
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      if (!String(input).endsWith('/api/writeDrives')) return real(input, init);
      w.__writes.push(JSON.parse(String(init?.body ?? '{}')));
      const body = new ReadableStream<Uint8Array>({ start: (controller) => (w.__writer = controller) });
      return Promise.resolve(new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
    };
  });
  return {
    send: (message) =>
      app.evaluate((text) => {
        const w = window as unknown as { __writer: ReadableStreamDefaultController<Uint8Array> };
        w.__writer.enqueue(new TextEncoder().encode(text));
      }, `event: ${(message as { type: string }).type}\ndata: ${JSON.stringify(message)}\n\n`),
    requests: () => app.evaluate(() => (window as unknown as { __writes: unknown[] }).__writes),
  };
}

function progressMessage(drives: DriveProgress[], fields: Partial<ProgressEvent>): unknown {
  const event: ProgressEvent = { jobId: 'job-e2e', phase: 'writing', message: 'Writing 2 drives', bytesDone: 0, bytesTotal: 96e6, speed: null, etaSeconds: null, fraction: 0, drives, ...fields };
  return { type: 'progress', event };
}

const HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

test.describe('write to drives (drive snapshot)', () => {
  test('lists every kind of drive, greys the system disk with its reason, hides USB hard disks until asked', async ({ app }, info) => {
    const shot = (name: string) => screenshot(app, `${SHOTS}/${info.project.name}-drives-${name}.png`);
    await app.emulateMedia({ colorScheme: 'light' });
    await answerWithLaptopSnapshot(app);
    await openDriveStep(app);

    await expect(card(app, STICK)).toContainText('SanDisk Ultra USB 3.0');
    await expect(card(app, STICK)).toContainText('30.8 GB');
    await expect(card(app, STICK)).toContainText('USB stick');
    await expect(card(app, STICK)).toContainText('“SANDISK”');
    await expect(card(app, STICK)).toContainText('Mounted at E:');
    await expect(card(app, SD)).toContainText('SD card');
    await expect(card(app, SYSTEM).getByRole('checkbox')).toBeDisabled();
    await expect(card(app, SYSTEM)).toContainText('System disk — Holds the running system (C: is mounted from it); choose a USB stick.');
    await expect(card(app, HDD)).toHaveCount(0);
    await expect(app.getByTestId('hidden-usb-hdd')).toContainText('1 USB hard disk is hidden');
    // Nothing is chosen until the technician chooses it.
    await expect(app.getByRole('checkbox', { checked: true })).toHaveCount(0);
    await expect(app.getByTestId('drive-count')).toHaveText('No drive chosen');

    // Keyboard: Space ticks, arrows move between the choosable drives.
    await card(app, STICK).getByRole('checkbox').focus();
    await app.keyboard.press('Space');
    await app.keyboard.press('ArrowDown');
    await expect(card(app, SD).getByRole('checkbox')).toBeFocused();
    await app.keyboard.press('Space');
    await expect(app.getByTestId('drive-count')).toHaveText('2 drives chosen');
    await app.getByRole('button', { name: 'Clear' }).click();
    await app.getByRole('button', { name: 'Select all sticks' }).click();
    await expect(app.getByTestId('drive-count')).toHaveText('2 drives chosen');

    await app.getByRole('switch', { name: 'Show USB hard disks' }).check();
    await expect(card(app, HDD)).toContainText('Western Digital WD Elements 25A2');
    await expect(card(app, HDD)).toContainText('USB hard disk');
    await expect(card(app, HDD)).toContainText('Is larger than 128 GB');
    await expect(app.getByTestId('drive-count')).toHaveText('2 drives chosen');
    await app.getByRole('textbox', { name: 'Image file' }).fill('/home/tech/bootmend/media/crowdstrike-cf291-1.0.0.img');
    await shot('light-list');
    await app.emulateMedia({ colorScheme: 'dark' });
    await shot('dark-list');
  });

  test('names exactly what will be erased, asks for the size of a large drive, and Escape cancels', async ({ app }, info) => {
    await app.emulateMedia({ colorScheme: 'light' });
    await answerWithLaptopSnapshot(app);
    await openDriveStep(app);
    const image = app.getByRole('textbox', { name: 'Image file' });

    // Nothing typed, nothing ticked: said beside the field at fault.
    await app.getByRole('button', { name: 'Write to drive…' }).click();
    await expect(app.getByText('Type the path of the image to write')).toBeVisible();
    await expect(image).toBeFocused();
    await image.fill('/home/tech/bootmend/media/crowdstrike-cf291-1.0.0.img');
    await app.getByRole('button', { name: 'Write to drive…' }).click();
    await expect(app.getByText('Choose at least one drive to write to')).toBeVisible();

    await card(app, STICK).getByRole('checkbox').check();
    await card(app, SD).getByRole('checkbox').check();
    const write = app.getByRole('button', { name: 'Write to 2 drives…' });
    await write.click();
    const dialog = app.getByRole('dialog', { name: 'Erase these 2 drives?' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('erase-drive')).toHaveCount(2);
    await expect(dialog.getByTestId('erase-drive').nth(0)).toContainText('SanDisk Ultra USB 3.0');
    await expect(dialog.getByTestId('erase-drive').nth(0)).toContainText('30.8 GB');
    await expect(dialog.getByTestId('erase-drive').nth(0)).toContainText('Label “SANDISK”');
    await expect(dialog.getByTestId('erase-drive').nth(0)).toContainText(STICK);
    await expect(dialog.getByTestId('erase-drive').nth(1)).toContainText('SDXC Card');
    await expect(dialog.getByTestId('erase-image')).toHaveText('crowdstrike-cf291-1.0.0.img');
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await expect(dialog.getByRole('button', { name: 'Erase 2 drives and write' })).toBeVisible();
    // The dialog is fixed to the window: shoot the window as the technician sees it.
    await app.screenshot({ path: `${SHOTS}/${info.project.name}-drives-light-confirm.png` });
    await app.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(write).toBeFocused();

    // A 2 TB USB hard disk: shown only when asked, and erased only after typing its size or label.
    await app.getByRole('switch', { name: 'Show USB hard disks' }).check();
    await card(app, HDD).getByRole('checkbox').check();
    await app.getByRole('button', { name: 'Write to 3 drives…' }).click();
    const big = app.getByRole('dialog', { name: 'Erase these 3 drives?' });
    const typed = big.getByRole('textbox', { name: 'Western Digital WD Elements 25A2 is larger than 128 GB' });
    await expect(typed).toBeFocused();
    await expect(big).toContainText('Type “2.00 TB” or “Backup” to confirm');
    await big.getByRole('button', { name: 'Erase 3 drives and write' }).click();
    await expect(big.getByRole('alert')).toContainText('Type "2.00 TB" or "Backup" exactly as shown');
    await typed.fill('1 TB');
    await app.emulateMedia({ colorScheme: 'dark' });
    await app.screenshot({ path: `${SHOTS}/${info.project.name}-drives-dark-confirm-large.png` });
    await big.getByRole('button', { name: 'Cancel' }).click();
    await expect(big).toBeHidden();
  });

  test('shows live progress per drive, then each result with its hash or its failure, and cancels', async ({ app }, info) => {
    const shot = (name: string) => screenshot(app, `${SHOTS}/${info.project.name}-drives-${name}.png`);
    await app.emulateMedia({ colorScheme: 'dark' });
    await answerWithLaptopSnapshot(app);
    await openDriveStep(app);
    await app.getByRole('textbox', { name: 'Image file' }).fill('/home/tech/bootmend/media/crowdstrike-cf291-1.0.0.img');
    await card(app, STICK).getByRole('checkbox').check();
    await card(app, SD).getByRole('checkbox').check();
    const writer = await holdWriterStream(app);
    await app.getByRole('button', { name: 'Write to 2 drives…' }).click();
    await app.getByRole('button', { name: 'Erase 2 drives and write' }).click();
    await expect(app.getByTestId('write-progress')).toBeVisible();
    await expect(app.getByRole('button', { name: 'Cancel' })).toBeFocused();
    expect(await writer.requests()).toEqual([{ image: '/home/tech/bootmend/media/crowdstrike-cf291-1.0.0.img', drives: [STICK, SD], verify: true }]);

    await writer.send(
      progressMessage(
        [
          { device: STICK, phase: 'verifying', bytesDone: 30e6, bytesTotal: 48e6, speed: 92e6, etaSeconds: 0.2 },
          { device: SD, phase: 'writing', bytesDone: 31e6, bytesTotal: 48e6, speed: 18.5e6, etaSeconds: 3.6 },
        ],
        { phase: 'writing', message: `Writing 2 drives (slowest: ${SD})`, fraction: 0.32, speed: 18.5e6, etaSeconds: 3.6 },
      ),
    );
    const rows = app.getByTestId('write-row');
    await expect(rows.nth(0).getByTestId('write-row-phase')).toHaveText('Verifying');
    await expect(rows.nth(1).getByTestId('write-row-phase')).toHaveText('Writing');
    await expect(rows.nth(1)).toContainText('31.0 MB of 48.0 MB');
    await expect(rows.nth(1)).toContainText('18.5 MB/s');
    await expect(app.getByRole('progressbar', { name: 'Overall progress' })).toHaveAttribute('aria-valuenow', '32');
    await expect(app).toHaveTitle('32% · Writing 2 drives — Bootmend');
    await expect(app.getByRole('status').filter({ hasText: 'Verifying: 1 drive, Writing: 1 drive' })).toBeAttached();
    await shot('dark-progress');
    await app.emulateMedia({ colorScheme: 'light' });
    await shot('light-progress');

    await writer.send({
      type: 'result',
      envelope: {
        ok: true,
        value: {
          image: '/home/tech/bootmend/media/crowdstrike-cf291-1.0.0.img',
          imageBytes: 48e6,
          sha256: HASH,
          results: [
            { device: STICK, outcome: 'verified', bytesWritten: 48e6, sha256: HASH, error: null, leftAs: 'Ready: every byte was read back and matches the image.', directIo: true },
            {
              device: SD,
              outcome: 'failed',
              bytesWritten: 48e6,
              sha256: null,
              error: {
                code: 'VERIFY_MISMATCH',
                message: 'Verification failed: the drive holds different bytes than the image from offset 1,048,576 (1.05 MB) on. The stick may be failing or fake: write it again, or use another stick.',
                offset: 1048576,
              },
              leftAs: 'Written, but it does not read back the same as the image: do not use it; write it again or use another stick.',
              directIo: true,
            },
          ],
        },
      },
    });
    const result = app.getByTestId('write-result');
    await expect(app.getByRole('heading', { level: 2, name: '1 of 2 drives failed' })).toBeFocused();
    await expect(app).toHaveTitle('1 of 2 drives failed — Bootmend');
    const resultRows = result.getByTestId('result-row');
    await expect(resultRows.nth(0).getByTestId('result-outcome')).toHaveText('Verified');
    await expect(resultRows.nth(0).getByTestId('result-row-sha256')).toHaveAttribute('data-full', HASH);
    await expect(resultRows.nth(0)).toContainText('matches the image');
    await expect(resultRows.nth(1).getByTestId('result-outcome')).toHaveText('Failed');
    await expect(resultRows.nth(1).getByTestId('result-problem')).toContainText('from offset 1,048,576');
    await expect(resultRows.nth(1).getByTestId('result-left-as')).toContainText('do not use it');
    await shot('light-result');
    await app.emulateMedia({ colorScheme: 'dark' });
    await shot('dark-result');

    // "Retry 1 drive": back to the list, same image, only the failed drive ticked again.
    await app.getByRole('button', { name: 'Retry 1 drive' }).click();
    await expect(app.getByRole('textbox', { name: 'Image file' })).toHaveValue('/home/tech/bootmend/media/crowdstrike-cf291-1.0.0.img');
    await expect(app.getByTestId('drive-count')).toHaveText('1 drive chosen');
    await expect(card(app, SD).getByRole('checkbox')).toBeChecked();
    await expect(card(app, STICK).getByRole('checkbox')).not.toBeChecked();
    await expect(app.getByRole('button', { name: 'Write to drive…' })).toBeFocused();
    await expect(app).toHaveTitle('Media — Bootmend');

    // Cancel answered by a bare CANCELLED (the writer gone before it could answer): each drive still says what it was left as.
    await card(app, STICK).getByRole('checkbox').check();
    await card(app, SD).getByRole('checkbox').check();
    const again = await holdWriterStream(app);
    await app.getByRole('button', { name: 'Write to 2 drives…' }).click();
    await app.getByRole('button', { name: 'Erase 2 drives and write' }).click();
    await again.send(
      progressMessage(
        [
          { device: STICK, phase: 'writing', bytesDone: 12e6, bytesTotal: 48e6, speed: 40e6, etaSeconds: 1 },
          { device: SD, phase: 'preparing', bytesDone: 0, bytesTotal: 48e6, speed: null, etaSeconds: null },
        ],
        { phase: 'preparing', message: 'Preparing 2 drives' },
      ),
    );
    const cancelJob = app.waitForRequest('**/api/cancelJob');
    await app.getByRole('button', { name: 'Cancel' }).click();
    await cancelJob;
    await again.send({ type: 'result', envelope: { ok: false, error: { code: 'CANCELLED', message: 'Cancelled before it finished.' } } });
    await expect(app.getByRole('heading', { level: 2, name: 'Cancelled — 0 of 2 drives finished' })).toBeFocused();
    await expect(resultRows.nth(0).getByTestId('result-left-as')).toHaveText('Left as: Partly written: erase or write it again before use.');
    await expect(resultRows.nth(1).getByTestId('result-left-as')).toHaveText('Left as: Untouched: nothing was written to it.');
    await shot('dark-cancelled');
    await app.getByRole('button', { name: 'Done' }).click();
    await expect(app.getByRole('button', { name: 'Write an image to USB drives…' })).toBeVisible();
  });
});

// ---- real loop devices ----

const loopNeeds = requireAll([
  requireRoot({ for: 'writing to loop devices in the drive e2e' }),
  requireTool('losetup', { package: 'mount', for: 'making loop devices for the drive e2e' }),
]);

test.describe('write to drives (loop devices, as root)', () => {
  let work = '';
  const loops: string[] = [];
  let image = '';
  let imageSha = '';
  const previousEnv = process.env[LOOP_ENV];

  test.beforeAll(() => {
    // Outside CI a missing part skips these with one summary line at the end; in CI it fails them.
    checkNeeds(loopNeeds, (reason) => test.skip(true, reason));
    work = mkdtempSync(join(tmpdir(), 'bootmend-drives-e2e-'));
    image = join(work, 'stick.img');
    writeFileSync(image, randomBytes(40 * 1024 * 1024));
    imageSha = execFileSync('sha256sum', [image], { encoding: 'utf8' }).split(' ')[0]!;
    for (const [name, mib] of [['a', 96], ['b', 96], ['small', 16]] as const) {
      const file = join(work, `${name}.backing`);
      writeFileSync(file, '');
      truncateSync(file, mib * 1024 * 1024);
      loops.push(execFileSync('losetup', ['-f', '--show', file], { encoding: 'utf8' }).trim());
    }
    // The web host lists loop devices as selectable `loop` drives with this (main/api.ts).
    process.env[LOOP_ENV] = '1';
  });

  test.afterAll(() => {
    // Other spec files may run in this worker next: give the environment back as it was.
    if (previousEnv === undefined) Reflect.deleteProperty(process.env, LOOP_ENV);
    else process.env[LOOP_ENV] = previousEnv;
    for (const loop of loops) spawnSync('losetup', ['-d', loop]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('refuses a loop device smaller than the image before anything is written', async ({ app }, info) => {
    const [, , small] = loops as [string, string, string];
    await openDriveStep(app);
    await app.getByRole('textbox', { name: 'Image file' }).fill(image);
    await app.getByRole('textbox', { name: 'Image file' }).press('Enter');
    await expect(card(app, small).getByRole('checkbox')).toBeDisabled();
    await expect(card(app, small)).toContainText('Holds 16.8 MB; the image needs 41.9 MB.');
    await expect(card(app, loops[0]!).getByRole('checkbox')).toBeEnabled();
    await screenshot(app, `${SHOTS}/${info.project.name}-drives-light-loop-list.png`);
  });

  test('writes one image to two loop devices at once and verifies both with the same SHA-256 as sha256sum', async ({ app }, info) => {
    test.setTimeout(120_000);
    const [a, b] = loops as [string, string, string];
    await openDriveStep(app);
    await app.getByRole('textbox', { name: 'Image file' }).fill(image);
    await app.getByRole('textbox', { name: 'Image file' }).press('Enter');
    // Tick exactly our two devices: other loop devices on this host (other tests) are listed too.
    await card(app, a).getByRole('checkbox').check();
    await card(app, b).getByRole('checkbox').check();
    await app.getByRole('button', { name: 'Write to 2 drives…' }).click();
    const dialog = app.getByRole('dialog', { name: 'Erase these 2 drives?' });
    await expect(dialog.getByTestId('erase-drive').nth(0)).toContainText(a);
    await expect(dialog.getByTestId('erase-drive').nth(1)).toContainText(b);
    await expect(dialog.getByTestId('erase-image')).toHaveText('stick.img');
    await dialog.getByRole('button', { name: 'Erase 2 drives and write' }).click();

    const result = app.getByTestId('write-result');
    // Fail fast with the service's own sentence when the write is refused as a whole.
    await expect(result.or(app.getByRole('alert'))).toBeVisible({ timeout: 90_000 });
    const refusals = await app.getByRole('alert').allTextContents();
    expect(refusals, 'the write was refused').toEqual([]);
    await expect(app.getByRole('heading', { level: 2, name: '2 drives written and verified' })).toBeFocused();
    for (const device of [a, b]) {
      const row = result.locator(`[data-testid="result-row"][data-device="${device}"]`);
      await expect(row.getByTestId('result-outcome')).toHaveText('Verified');
      await expect(row.getByTestId('result-row-sha256')).toHaveAttribute('data-full', imageSha);
      // A loop device has no vendor or model: it is named by its path, once.
      expect((await row.locator('.result-row__title').textContent())?.split(device)).toHaveLength(2);
      expect(hashOfPrefix(device, 40 * 1024 * 1024)).toBe(imageSha);
    }
    await screenshot(app, `${SHOTS}/${info.project.name}-drives-light-loop-result.png`);

    // "Check a stick" reads one back without writing.
    await app.getByRole('button', { name: 'Write more sticks' }).click();
    // Nothing ticked, and the keyboard is on the first drive that may be ticked.
    await expect(app.getByTestId('drive-count')).toHaveText('No drive chosen');
    await expect(app.locator('.drive-cards input:not(:disabled)').first()).toBeFocused();
    await card(app, a).getByRole('checkbox').check();
    await app.getByRole('button', { name: 'Check a stick' }).click();
    await expect(app.getByTestId('drive-check')).toContainText('Every byte matches the image.', { timeout: 60_000 });
  });
});

/** SHA-256 of the first `bytes` of a device, read here (not by Bootmend). */
function hashOfPrefix(device: string, bytes: number): string {
  const out = execFileSync('sh', ['-c', `head -c ${bytes} "$1" | sha256sum`, 'sh', device], { encoding: 'utf8', maxBuffer: 1024 });
  return out.split(' ')[0]!;
}
