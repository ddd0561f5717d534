import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { SCREEN_LIST, SHORTCUT_COUNT } from '../renderer/technician/shell/screen-list.js';
import { expect, test } from './fixtures.js';

/** The sidebar's names, in its order: the renderer's own screen list. */
const SCREENS = SCREEN_LIST.map((screen) => screen.label);
const THIS_LAPTOP = 'This laptop';
const SHOTS = 'e2e/screenshots';

function nav(app: Page, name: string) {
  return app.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

async function open(app: Page, name: string): Promise<void> {
  await nav(app, name).click();
  await expect(app.getByRole('heading', { level: 1, name, exact: true })).toBeVisible();
}

test.describe('technician app shell', () => {
  test('walks every screen from the sidebar, in light and dark', async ({ app }, info) => {
    for (const scheme of ['light', 'dark'] as const) {
      await app.emulateMedia({ colorScheme: scheme });
      for (const name of SCREENS) {
        await open(app, name);
        await expect(nav(app, name)).toHaveAttribute('aria-current', 'page');
        if (name === THIS_LAPTOP) await expect(app.getByTestId('disk-row').first()).toBeVisible();
        await app.screenshot({ path: `${SHOTS}/${info.project.name}-${scheme}-${name.toLowerCase().replace(/ /g, '-')}.png` });
      }
    }
  });

  test('shows this laptop as systeminformation reads it, system disk marked', async ({ app }) => {
    await open(app, THIS_LAPTOP);
    await expect(app.getByTestId('this-laptop-hostname')).toHaveText(hostname());
    const rows = app.getByTestId('disk-row');
    await expect(rows.first()).toBeVisible();
    await expect(rows.filter({ hasText: 'System disk' })).toHaveCount(1);
  });

  test('status bar shows the backend state and the records waiting to sync', async ({ app }) => {
    const status = app.getByRole('contentinfo');
    await expect(status).toContainText(/not configured/i);
    await expect(status).toContainText(/0 waiting to sync/i);
  });

  test('is usable from the keyboard: skip link and Alt+number shortcuts', async ({ app }) => {
    await app.keyboard.press('Tab');
    await expect(app.getByRole('link', { name: /skip to content/i })).toBeFocused();
    // Every shortcut opens its screen, in the sidebar's order, and the hint names the last one.
    for (const [index, screen] of SCREEN_LIST.slice(0, SHORTCUT_COUNT).entries()) {
      await app.keyboard.press(`Alt+${index + 1}`);
      const heading = app.getByRole('heading', { level: 1, name: screen.label, exact: true });
      await expect(heading).toBeVisible();
      await expect(heading).toBeFocused();
      await expect(nav(app, screen.label)).toHaveAttribute('aria-keyshortcuts', `Alt+${index + 1}`);
    }
    await expect(app.locator('.sidebar__hint')).toContainText(`Alt + 1 … ${SHORTCUT_COUNT}`);
  });

  test('settings: saves, refuses a bad backend URL by name, and runs the environment check', async ({ app }, info) => {
    await open(app, 'Settings');
    await app.getByLabel('Technician name').fill('Ana Lopez');
    await app.getByLabel('Backend URL').fill('helpdesk.local');
    await app.getByRole('button', { name: 'Save settings' }).click();
    await expect(app.getByText(/must start with http:\/\/ or https:\/\//)).toBeVisible();
    await app.getByLabel('Backend URL').fill('');
    await app.getByRole('button', { name: 'Save settings' }).click();
    await expect(app.getByText(/saved/i).first()).toBeVisible();

    await app.getByRole('button', { name: /check tools|run check/i }).click();
    await expect(app.getByTestId('tool-row').filter({ hasText: 'wimlib-imagex' })).toHaveCount(1);
    await expect(app.getByTestId('tool-row').filter({ hasText: 'QEMU' })).toHaveCount(1);
    await app.screenshot({ path: `${SHOTS}/${info.project.name}-settings-after-check.png`, fullPage: true });

    await app.reload();
    await open(app, 'Settings');
    await expect(app.getByLabel('Technician name')).toHaveValue('Ana Lopez');
  });

  test('theme choice overrides the OS and is kept', async ({ app }) => {
    await app.emulateMedia({ colorScheme: 'light' });
    await open(app, 'Settings');
    await app.getByRole('radio', { name: 'Dark' }).check();
    await expect(app.locator('html')).toHaveAttribute('data-theme', 'dark');
    await app.reload();
    await expect(app.locator('html')).toHaveAttribute('data-theme', 'dark');
    await open(app, 'Settings');
    await app.getByRole('radio', { name: 'System' }).check();
  });
});

test.describe('web host security', () => {
  test.beforeEach(({ bootmendHost }) => {
    test.skip(bootmendHost !== 'web', 'the token and origin guard belong to the web host; Electron uses IPC');
  });

  test('refuses an API call without the token', async ({ app, webHost }) => {
    const status = await app.evaluate(async (origin) => {
      const response = await fetch(`${origin}/api/getAppInfo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return response.status;
    }, webHost!.origin);
    expect(status).toBe(401);
  });

  test('a page on another origin cannot use the API, even with the token', async ({ app, webHost, webBrowser }) => {
    const token = new URL(webHost!.url).hash.replace('#token=', '');
    const foreign: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>elsewhere</title>'));
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    const foreignOrigin = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`;
    const page = await webBrowser!.newPage();
    try {
      await page.goto(foreignOrigin);
      const outcome = await page.evaluate(
        async ({ target, token }) => {
          try {
            const response = await fetch(`${target}/api/saveSettings`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-bootmend-token': token },
              body: JSON.stringify({ technicianName: 'attacker' }),
            });
            return `answered ${response.status}`;
          } catch {
            return 'blocked';
          }
        },
        { target: webHost!.origin, token },
      );
      expect(outcome).toBe('blocked');
      expect(webHost!.log()).toMatch(/refused (OPTIONS|POST) \/api\/saveSettings: request comes from another web (origin|site)/);
      await open(app, 'Settings');
      await expect(app.getByLabel('Technician name')).not.toHaveValue('attacker');
    } finally {
      await page.close();
      foreign.close();
    }
  });
});
