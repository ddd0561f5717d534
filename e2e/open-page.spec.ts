import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeOpenPage } from '../main/web/open-page.js';
import { expect, test } from './fixtures.js';

/**
 * The web host opens the browser on a private redirect page rather than on its tokenized URL
 * (main/web/open-page.ts): loaded from disk by Chromium, the page must land on the app, signed in.
 */
test('the private redirect page (0600) takes the browser to the app with its token', async ({ webHost, webBrowser }, info) => {
  test.skip(info.project.name !== 'web' || webHost === null, 'the web host writes the page; Electron opens its own window');
  const folder = mkdtempSync(join(tmpdir(), 'bootmend-open-page-'));
  const context = await webBrowser!.newContext({ viewport: { width: 1366, height: 768 } });
  try {
    const page = await writeOpenPage(join(folder, 'runtime'), webHost!.url);
    expect(statSync(page.path).mode & 0o777).toBe(0o600);
    const tab = await context.newPage();
    await tab.goto(pathToFileURL(page.path).href);
    await tab.waitForURL(webHost!.url);
    // Signed in: the app's first screen loads and its API answers (a missing token would show an error).
    await expect(tab.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await tab.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Keys', exact: true }).click();
    await expect(tab.getByRole('heading', { name: /Create a key vault|Unlock the key vault|Look up a key/ }).first()).toBeVisible();
  } finally {
    await context.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
