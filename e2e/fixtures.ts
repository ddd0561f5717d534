import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, test as base, type Browser, type BrowserType, type ElectronApplication, type Page } from '@playwright/test';
import { CHOSEN_BROWSER_ENV, findBrowser, machineLookup, npmChromiumIn } from '../scripts/find-browser.js';
import { childUrl } from '../test/child-url.js';
import { findElectronBinary } from './electron-binary.js';
import { NPM_CHROMIUM_CACHE } from './global-setup.js';

export interface HostOptions {
  bootmendHost: 'web' | 'electron';
}

export interface WebHostProcess {
  url: string;
  origin: string;
  /** Everything the host printed on stderr (its refusals). */
  log: () => string;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Starts `npm start`'s web path (scripts/start.mjs --web) and waits for its BOOTMEND_URL line.
 * Without the embedded backend unless `withBackend` (then its BOOTMEND_HELPDESK_URL is read too).
 */
export async function startWebHost(dataDir: string, options: { withBackend?: boolean } = {}): Promise<{ child: ChildProcess; host: WebHostProcess & { helpdeskUrl: string | null } }> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs'), '--web', '--no-open', '--port', '0', ...(options.withBackend ? [] : ['--no-backend'])], {
    cwd: ROOT,
    env: { ...process.env, BOOTMEND_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const waitFor = (name: string) => childUrl(child, name, { what: 'web host', timeoutMs: 60_000, stderr: () => stderr });
  // start.mjs prints the embedded backend's line before the app's.
  const [url, helpdeskUrl] = await Promise.all([waitFor('BOOTMEND_URL'), options.withBackend ? waitFor('BOOTMEND_HELPDESK_URL') : null]);
  return { child, host: { url, origin: new URL(url).origin, log: () => stderr, helpdeskUrl } };
}

/**
 * The web project's browser: the one e2e/global-setup.ts chose (BOOTMEND_CHROMIUM, a system Chromium
 * or Chrome, Playwright's Chromium, or the npm registry's; scripts/find-browser.ts). Without the global
 * setup (another config), the same search runs here, minus fetching the npm Chromium.
 */
async function chromiumPath(playwrightChromium: BrowserType): Promise<string> {
  const chosen = process.env[CHOSEN_BROWSER_ENV];
  if (chosen) return chosen;
  const lookup = machineLookup({
    playwrightExecutablePath: () => playwrightChromium.executablePath(),
    npmChromium: npmChromiumIn(NPM_CHROMIUM_CACHE, { fetch: false }),
  });
  return (await findBrowser(lookup)).path;
}
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface TestFixtures {
  webHost: WebHostProcess | null;
  app: Page;
}

interface WorkerFixtures extends HostOptions {
  dataDir: string;
  /** The web project's Chromium (see chromiumPath); null for Electron. */
  webBrowser: Browser | null;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  bootmendHost: ['web', { option: true, scope: 'worker' }],
  dataDir: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'bootmend-e2e-'));
      await use(dir);
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  webBrowser: [
    async ({ bootmendHost, playwright }, use) => {
      if (bootmendHost !== 'web') {
        await use(null);
        return;
      }
      const browser = await playwright.chromium.launch({ executablePath: await chromiumPath(playwright.chromium), args: CHROMIUM_ARGS });
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],
  webHost: async ({ bootmendHost, dataDir }, use) => {
    if (bootmendHost !== 'web') {
      await use(null);
      return;
    }
    const { child, host } = await startWebHost(dataDir);
    await use(host);
    child.kill('SIGTERM');
  },
  app: async ({ bootmendHost, webHost, webBrowser, dataDir }, use) => {
    if (bootmendHost === 'web') {
      const context = await webBrowser!.newContext({ viewport: { width: 1366, height: 768 } });
      const page = await context.newPage();
      await page.goto(webHost!.url);
      await use(page);
      await context.close();
      return;
    }
    const electron = findElectronBinary();
    test.skip('missing' in electron, `electron project: ${'missing' in electron ? electron.missing : ''}`);
    const electronApp: ElectronApplication = await _electron.launch({
      ...('path' in electron ? { executablePath: electron.path } : {}),
      args: [ROOT],
      cwd: ROOT,
      env: { ...process.env, BOOTMEND_DATA_DIR: dataDir },
    });
    const window = await electronApp.firstWindow();
    await window.setViewportSize({ width: 1366, height: 768 });
    await use(window);
    await electronApp.close();
  },
});

export const expect = test.expect;
