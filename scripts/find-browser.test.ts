import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BrowserNotFoundError, findBrowser, isExecutableFile, npmChromiumIn, NPM_CHROMIUM, npmErrorSummary, type BrowserLookup } from './find-browser.js';

const PLAYWRIGHT = '/root/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome';
const NPM_BINARY = '/repo/node_modules/.cache/bootmend-chromium/sparticuz-chromium-147.0.0/bin/chromium';

/** A machine where exactly `executables` are executable files; nothing is read from the real one. */
function machine(executables: string[], overrides: Partial<BrowserLookup> = {}): BrowserLookup & { fetch: ReturnType<typeof vi.fn> } {
  const fetch = vi.fn(async () => NPM_BINARY);
  return {
    env: { PATH: '/usr/local/bin:/usr/bin:/bin' },
    platform: 'linux',
    arch: 'x64',
    isExecutable: (file) => executables.includes(file),
    playwrightExecutablePath: () => PLAYWRIGHT,
    npmChromium: { cached: () => undefined, fetch },
    ...overrides,
    fetch,
  };
}

async function failure(lookup: BrowserLookup): Promise<string> {
  const error = await findBrowser(lookup).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BrowserNotFoundError);
  const message = (error as Error).message;
  // One sentence: one line, one full stop at the end, and Playwright prints no stack under it.
  expect(message).not.toContain('\n');
  expect(message).toMatch(/\.$/);
  expect((error as Error).stack).toBe(`BrowserNotFoundError: ${message}`);
  return message;
}

describe('findBrowser: the order of the decision', () => {
  it('1. takes BOOTMEND_CHROMIUM before anything else', async () => {
    const m = machine(['/opt/chrome/chrome', '/usr/bin/chromium', PLAYWRIGHT], { env: { BOOTMEND_CHROMIUM: '/opt/chrome/chrome', PATH: '/usr/bin' } });
    await expect(findBrowser(m)).resolves.toEqual({ path: '/opt/chrome/chrome', source: 'env', from: 'BOOTMEND_CHROMIUM' });
  });

  it('1. fails on a BOOTMEND_CHROMIUM that is not executable, naming the variable and the path, rather than falling back', async () => {
    const m = machine(['/usr/bin/chromium'], { env: { BOOTMEND_CHROMIUM: '/opt/nothing/chrome' } });
    const message = await failure(m);
    expect(message).toBe(
      'BOOTMEND_CHROMIUM is set to /opt/nothing/chrome, which is not an executable file: point BOOTMEND_CHROMIUM at a Chromium or Chrome binary, or unset it to let the e2e look for one.',
    );
    expect(m.fetch).not.toHaveBeenCalled();
  });

  it('1. treats an empty BOOTMEND_CHROMIUM as unset', async () => {
    const m = machine(['/usr/bin/chromium'], { env: { BOOTMEND_CHROMIUM: '' } });
    await expect(findBrowser(m)).resolves.toMatchObject({ path: '/usr/bin/chromium', source: 'system' });
  });

  it('2. prefers /usr/bin/chromium, then chromium-browser, then Google Chrome', async () => {
    const all = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
    await expect(findBrowser(machine(all))).resolves.toEqual({ path: '/usr/bin/chromium', source: 'system', from: 'system Chromium' });
    await expect(findBrowser(machine(all.slice(1)))).resolves.toEqual({ path: '/usr/bin/chromium-browser', source: 'system', from: 'system Chromium' });
    await expect(findBrowser(machine(all.slice(2)))).resolves.toEqual({ path: '/usr/bin/google-chrome', source: 'system', from: 'system Chrome' });
    await expect(findBrowser(machine(all.slice(3)))).resolves.toEqual({ path: '/usr/bin/google-chrome-stable', source: 'system', from: 'system Chrome' });
  });

  it('2. looks the names up on PATH after the usual places', async () => {
    const m = machine(['/opt/google/bin/google-chrome-stable', PLAYWRIGHT], { env: { PATH: '/usr/local/bin:/opt/google/bin' } });
    await expect(findBrowser(m)).resolves.toEqual({ path: '/opt/google/bin/google-chrome-stable', source: 'system', from: 'system Chrome on PATH' });
    const both = machine(['/home/u/bin/chromium', '/home/u/bin/google-chrome'], { env: { PATH: '/home/u/bin' } });
    await expect(findBrowser(both)).resolves.toMatchObject({ path: '/home/u/bin/chromium', from: 'system Chromium on PATH' });
  });

  it('2. on macOS looks in /Applications and ~/Applications', async () => {
    const chrome = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    const mine = '/Users/t/Applications/Chromium.app/Contents/MacOS/Chromium';
    const mac = (files: string[]): BrowserLookup => machine(files, { platform: 'darwin', arch: 'arm64', env: { HOME: '/Users/t', PATH: '/usr/bin' } });
    await expect(findBrowser(mac([chrome, mine]))).resolves.toEqual({ path: chrome, source: 'system', from: 'system Chrome' });
    await expect(findBrowser(mac([mine]))).resolves.toEqual({ path: mine, source: 'system', from: 'system Chromium' });
  });

  it('2. on Windows looks in Program Files (either case of the variables) and on Path', async () => {
    const x86 = 'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe';
    const win = (files: string[]): BrowserLookup =>
      machine(files, { platform: 'win32', env: { ProgramFiles: 'C:\\Program Files', 'ProgramFiles(x86)': 'C:\\Program Files (x86)', Path: 'C:\\Windows;D:\\Tools' } });
    await expect(findBrowser(win([x86]))).resolves.toEqual({ path: x86, source: 'system', from: 'system Chrome' });
    await expect(findBrowser(win(['D:\\Tools\\chrome.exe']))).resolves.toMatchObject({ path: 'D:\\Tools\\chrome.exe', from: 'system Chrome on PATH' });
  });

  it('2. counts only executable files (a /dev/null bound over /usr/bin/chromium is not one), then goes on to step 3', async () => {
    const m = machine([PLAYWRIGHT]);
    await expect(findBrowser(m)).resolves.toEqual({ path: PLAYWRIGHT, source: 'playwright', from: "Playwright's Chromium" });
  });

  it('3. uses Playwright\u2019s Chromium only when no system browser exists, and never fetches then', async () => {
    const withSystem = machine(['/usr/bin/google-chrome', PLAYWRIGHT]);
    await expect(findBrowser(withSystem)).resolves.toMatchObject({ source: 'system' });
    const without = machine([PLAYWRIGHT]);
    await expect(findBrowser(without)).resolves.toMatchObject({ path: PLAYWRIGHT, source: 'playwright' });
    expect(without.fetch).not.toHaveBeenCalled();
  });

  it('4. uses an already unpacked npm Chromium without fetching', async () => {
    const m = machine([], { npmChromium: { cached: () => NPM_BINARY } });
    await expect(findBrowser(m)).resolves.toEqual({ path: NPM_BINARY, source: 'npm', from: `npm package ${NPM_CHROMIUM.name}@${NPM_CHROMIUM.version}` });
  });

  it('4. fetches the npm Chromium only when nothing else was found (Playwright not downloaded, or none for this OS)', async () => {
    const notDownloaded = machine([]);
    await expect(findBrowser(notDownloaded)).resolves.toMatchObject({ path: NPM_BINARY, source: 'npm' });
    expect(notDownloaded.fetch).toHaveBeenCalledTimes(1);
    const noPlaywright = machine([], {
      playwrightExecutablePath: () => {
        throw new Error('Unsupported platform');
      },
    });
    await expect(findBrowser(noPlaywright)).resolves.toMatchObject({ source: 'npm' });
    expect(noPlaywright.fetch).toHaveBeenCalledTimes(1);
  });

  it('4. skips the npm Chromium off Linux x64, where the package has no binary', async () => {
    const m = machine([], { platform: 'linux', arch: 'arm64' });
    const message = await failure(m);
    expect(m.fetch).not.toHaveBeenCalled();
    expect(message).toContain(`the npm package ${NPM_CHROMIUM.name}@${NPM_CHROMIUM.version} (it has only a Linux x64 build, this is linux arm64)`);
  });
});

describe('findBrowser: the sentence when nothing is found', () => {
  it('names every place looked at, why the npm Chromium is not there, and the three fixes', async () => {
    const m = machine([], {
      npmChromium: {
        cached: () => undefined,
        fetch: async () => {
          throw new Error('npm install @sparticuz/chromium@147.0.0 exited with 1: npm error code ENOTFOUND\nmore');
        },
      },
    });
    expect(await failure(m)).toBe(
      'No Chromium for the e2e tests: looked at BOOTMEND_CHROMIUM (unset), /usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome, /usr/bin/google-chrome-stable, /snap/bin/chromium, ' +
        'chromium/chromium-browser/google-chrome/google-chrome-stable on PATH, ' +
        "Playwright's Chromium (/root/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome, not downloaded), " +
        'the npm package @sparticuz/chromium@147.0.0 (fetching it failed: npm install @sparticuz/chromium@147.0.0 exited with 1: npm error code ENOTFOUND); ' +
        'set BOOTMEND_CHROMIUM to a Chromium or Chrome binary, or install one with `apt install chromium` or `npx playwright install chromium`.',
    );
  });

  it('says when Playwright has no Chromium for this OS and when the npm Chromium may not be fetched (test workers)', async () => {
    const m = machine([], {
      playwrightExecutablePath: () => {
        throw new Error('ERROR: Playwright does not support chromium on debian99\nstack');
      },
      npmChromium: { cached: () => undefined },
    });
    const message = await failure(m);
    expect(message).toContain("Playwright's Chromium (none for this platform: ERROR: Playwright does not support chromium on debian99)");
    expect(message).toContain('(not fetched here; the e2e global setup fetches it)');
  });
});

describe('npmErrorSummary: why the npm Chromium could not be fetched, in a few words', () => {
  it('keeps npm\u2019s error code and its first message line, not the stack or the log path', () => {
    const refused = [
      'npm error code ECONNREFUSED',
      'npm error syscall connect',
      'npm error errno ECONNREFUSED',
      'npm error FetchError: request to http://127.0.0.1:9/@sparticuz%2fchromium failed, reason: connect ECONNREFUSED 127.0.0.1:9',
      'npm error     at ClientRequest.<anonymous> (/usr/lib/node_modules/npm/node_modules/minipass-fetch/lib/index.js:130:14)',
      'npm error   code: \'ECONNREFUSED\',',
      'npm error }',
      'npm error',
      "npm error If you are behind a proxy, please make sure that the 'proxy' config is set properly.",
      'npm error A complete log of this run can be found in: /root/.npm/_logs/x-debug-0.log',
    ].join('\n');
    expect(npmErrorSummary(refused)).toBe('ECONNREFUSED: FetchError: request to http://127.0.0.1:9/@sparticuz%2fchromium failed, reason: connect ECONNREFUSED 127.0.0.1:9');
    const missing = 'npm error code ETARGET\nnpm error notarget No matching version found for @sparticuz/chromium@999.0.0.\nnpm error A complete log of this run can be found in: /x.log\n';
    expect(npmErrorSummary(missing)).toBe('ETARGET: No matching version found for @sparticuz/chromium@999.0.0.');
    expect(npmErrorSummary('Killed\n')).toBe('Killed');
  });
});

describe('the real file-system checks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bootmend-find-browser-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('isExecutableFile: an executable regular file only (not a plain file, a folder, a device or nothing)', () => {
    const exe = join(dir, 'chrome');
    const plain = join(dir, 'notes.txt');
    writeFileSync(exe, '#!/bin/sh\n');
    chmodSync(exe, 0o755);
    writeFileSync(plain, 'x');
    chmodSync(plain, 0o644);
    expect(isExecutableFile(exe)).toBe(true);
    expect(isExecutableFile(plain)).toBe(false);
    expect(isExecutableFile(dir)).toBe(false);
    expect(isExecutableFile(join(dir, 'missing'))).toBe(false);
    if (process.platform !== 'win32') expect(isExecutableFile('/dev/null')).toBe(false);
  });

  it('npmChromiumIn: finds an unpacked binary in its cache folder, and offers no fetch to test workers', () => {
    const root = join(dir, 'cache');
    const worker = npmChromiumIn(root, { fetch: false });
    expect(worker.fetch).toBeUndefined();
    expect(worker.cached()).toBeUndefined();
    const bin = join(root, `sparticuz-chromium-${NPM_CHROMIUM.version}`, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'chromium'), '#!/bin/sh\n');
    chmodSync(join(bin, 'chromium'), 0o755);
    expect(worker.cached()).toBe(join(bin, 'chromium'));
    expect(typeof npmChromiumIn(root, { fetch: true }).fetch).toBe('function');
  });
});
