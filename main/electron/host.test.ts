import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { methodNames } from '../../core/api/contract.js';
import { IPC_PROGRESS_CHANNEL, ipcChannel, type Envelope } from '../../core/api/envelope.js';
import { startElectronHost } from './host.js';
import { createElectronStandIn, createRecordingDispatcher, StandInWebContents } from '../../test/electron-stand-in.js';

const APP_PAGE = 'bootmend://app/index.html';
const rendererDir = mkdtempSync(join(tmpdir(), 'bootmend-host-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Bootmend</title>');
afterAll(() => rmSync(rendererDir, { recursive: true, force: true }));

async function startHost(options: Parameters<typeof createElectronStandIn>[0] & { platform?: NodeJS.Platform; hold?: boolean } = {}) {
  const standIn = createElectronStandIn(options);
  const dispatcher = createRecordingDispatcher({ hold: options.hold ?? false });
  const host = startElectronHost(standIn.electron, {
    dispatcher,
    rendererDir,
    preloadPath: '/opt/Bootmend/resources/app.asar/dist/electron/preload.cjs',
    platform: options.platform ?? 'linux',
    log: () => undefined,
  });
  await standIn.makeReady();
  await host.ready;
  const window = standIn.windows[0];
  if (!window) throw new Error('the host created no window');
  return { standIn, dispatcher, host, window, contents: window.webContents };
}

describe('Electron host, driven through a recording stand-in for the electron module (the Electron binary is unavailable here)', () => {
  describe('security baseline of the window', () => {
    it('creates the window isolated, sandboxed, without Node and with web security on', async () => {
      const { window } = await startHost();
      const prefs = window.options.webPreferences ?? {};
      expect(prefs.contextIsolation).toBe(true);
      expect(prefs.sandbox).toBe(true);
      expect(prefs.nodeIntegration).toBe(false);
      expect(prefs.nodeIntegrationInSubFrames).toBe(false);
      expect(prefs.webSecurity).not.toBe(false);
      expect(prefs.webviewTag).toBe(false);
      expect(prefs.spellcheck).toBe(false);
      expect(prefs.preload).toBe('/opt/Bootmend/resources/app.asar/dist/electron/preload.cjs');
    });

    it('opens a window of at least 1024x700, hidden until ready-to-show, painted in the theme colour', async () => {
      const { window } = await startHost({ dark: true });
      expect(window.options.minWidth).toBeGreaterThanOrEqual(1024);
      expect(window.options.minHeight).toBeGreaterThanOrEqual(700);
      expect(window.options.backgroundColor).toBe('#0e1116');
      expect(window.visible).toBe(false);
      window.emit('ready-to-show');
      expect(window.visible).toBe(true);
    });

    it('loads the app from bootmend://app/, never from file://', async () => {
      const { window } = await startHost();
      expect(window.loadedUrls).toEqual([APP_PAGE]);
      expect(window.loadedUrls.some((url) => url.startsWith('file:'))).toBe(false);
    });

    it('keeps developer tools out of packaged builds', async () => {
      expect((await startHost({ isPackaged: true })).window.options.webPreferences?.devTools).toBe(false);
      expect((await startHost({ isPackaged: false })).window.options.webPreferences?.devTools).toBe(true);
    });
  });

  describe('the bootmend:// scheme', () => {
    it('registers bootmend as standard, secure and fetch-capable before the app is ready — and nothing looser', async () => {
      const { standIn } = await startHost();
      expect(standIn.protocol.privileged).toHaveLength(1);
      const [registration] = standIn.protocol.privileged;
      expect(registration?.beforeReady).toBe(true);
      expect(registration?.schemes).toEqual([{ scheme: 'bootmend', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    });

    it('serves the renderer through protocol.handle after ready, with the CSP header', async () => {
      const { standIn } = await startHost();
      expect(standIn.log.indexOf('protocol.registerSchemesAsPrivileged')).toBeLessThan(standIn.log.indexOf('protocol.handle:bootmend'));
      const handler = standIn.protocol.handlers.get('bootmend');
      if (!handler) throw new Error('no bootmend handler');
      const response = await handler(new Request(APP_PAGE));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    });

    it('refuses path traversal through the protocol handler', async () => {
      const { standIn } = await startHost();
      const handler = standIn.protocol.handlers.get('bootmend');
      if (!handler) throw new Error('no bootmend handler');
      for (const url of ['bootmend://app/../../etc/passwd', 'bootmend://app/%2e%2e/%2e%2e/etc/passwd', 'bootmend://app/..%2f..%2fetc%2fpasswd', 'bootmend://app/..%5c..%5cetc%5cpasswd']) {
        const response = await handler(new Request(url));
        expect(response.status, url).toBe(404);
        expect(await response.text(), url).not.toContain('root:');
      }
    });
  });

  describe('every web contents', () => {
    it('stays on the app: will-navigate to another origin is prevented, within bootmend://app allowed', async () => {
      const { contents } = await startHost();
      expect(contents.navigate('https://evil.example/phish')).toBe(false);
      expect(contents.navigate('file:///etc/passwd')).toBe(false);
      expect(contents.navigate('bootmend://other/index.html')).toBe(false);
      expect(contents.navigate('http://127.0.0.1:5173/')).toBe(false);
      expect(contents.navigate('bootmend://app/index.html#/keys')).toBe(true);
    });

    it('denies window.open of https://example.com and hands it to the system browser', async () => {
      const { contents, standIn } = await startHost();
      expect(contents.openWindow('https://example.com/docs')).toBe('deny');
      expect(standIn.shell.opened).toEqual(['https://example.com/docs']);
    });

    it('denies window.open of file:, javascript: and app URLs without opening anything', async () => {
      const { contents, standIn } = await startHost();
      for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'bootmend://app/index.html', 'smb://server/share', 'not a url']) {
        expect(contents.openWindow(url), url).toBe('deny');
      }
      expect(standIn.shell.opened).toEqual([]);
    });

    it('refuses to attach <webview> tags', async () => {
      const { contents } = await startHost();
      expect(contents.attachWebview()).toBe(false);
    });

    it('hardens web contents created later too (web-contents-created)', async () => {
      const { standIn } = await startHost();
      const later = new StandInWebContents();
      standIn.app.emit('web-contents-created', {}, later);
      expect(later.navigate('https://evil.example/')).toBe(false);
      expect(later.openWindow('javascript:alert(1)')).toBe('deny');
    });
  });

  describe('the default session', () => {
    it('denies every permission request and answers every permission check with false', async () => {
      const { standIn } = await startHost();
      const { permissionRequestHandler, permissionCheckHandler } = standIn.session.defaultSession;
      if (!permissionRequestHandler || !permissionCheckHandler) throw new Error('permission handlers not set');
      for (const permission of ['media', 'display-capture', 'geolocation', 'notifications', 'clipboard-read', 'deprecated-sync-clipboard-read', 'hid', 'openExternal']) {
        const answers: boolean[] = [];
        permissionRequestHandler({}, permission, (granted) => answers.push(granted), {});
        expect(answers, permission).toEqual([false]);
        expect(permissionCheckHandler({}, permission, 'bootmend://app', {}), permission).toBe(false);
      }
    });

    it("lets only the app's own pages write to the clipboard (the Keys screen's Copy), and nothing else", async () => {
      const { standIn } = await startHost();
      const { permissionRequestHandler, permissionCheckHandler } = standIn.session.defaultSession;
      if (!permissionRequestHandler || !permissionCheckHandler) throw new Error('permission handlers not set');
      const request = (permission: string, requestingUrl: string): boolean[] => {
        const answers: boolean[] = [];
        permissionRequestHandler({}, permission, (granted) => answers.push(granted), { requestingUrl, isMainFrame: true });
        return answers;
      };
      expect(request('clipboard-sanitized-write', APP_PAGE)).toEqual([true]);
      expect(permissionCheckHandler({}, 'clipboard-sanitized-write', 'bootmend://app', {})).toBe(true);
      for (const origin of ['https://example.org', 'http://127.0.0.1:40123', 'file:///tmp/x.html', 'bootmend://other', 'bootmend://user@app']) {
        expect(request('clipboard-sanitized-write', `${origin}/index.html`), origin).toEqual([false]);
        expect(permissionCheckHandler({}, 'clipboard-sanitized-write', origin, {}), origin).toBe(false);
      }
      for (const permission of ['clipboard-read', 'deprecated-sync-clipboard-read', 'media', 'display-capture', 'notifications', 'openExternal']) {
        expect(request(permission, APP_PAGE), permission).toEqual([false]);
        expect(permissionCheckHandler({}, permission, 'bootmend://app', {}), permission).toBe(false);
      }
    });
  });

  describe('the ipcMain adapter', () => {
    it('registers exactly one handler per contract method, on ipcChannel(name), and nothing else', async () => {
      const { standIn } = await startHost();
      for (const name of methodNames) {
        expect(standIn.ipcMain.registrations.filter((channel) => channel === ipcChannel(name)), name).toHaveLength(1);
      }
      expect([...standIn.ipcMain.registrations].sort()).toEqual(methodNames.map(ipcChannel).sort());
    });

    it('routes a call on each channel to the dispatcher under that method name', async () => {
      const { standIn, dispatcher, contents } = await startHost();
      for (const name of methodNames) {
        const envelope = (await standIn.ipcMain.invokeFrom(contents, APP_PAGE, ipcChannel(name), { probe: name }, 'job-12345678')) as Envelope;
        expect(envelope, name).toEqual({ ok: true, value: { method: name } });
        expect(dispatcher.calls.at(-1)?.name).toBe(name);
        expect(dispatcher.calls.at(-1)?.input).toEqual({ probe: name });
      }
      expect(dispatcher.calls).toHaveLength(methodNames.length);
    });

    it('refuses IPC from a frame that is not the app (and from a vanished frame) without dispatching', async () => {
      const { standIn, dispatcher, contents } = await startHost();
      for (const frameUrl of ['https://evil.example/', 'file:///tmp/x.html', 'bootmend://evil/index.html', 'about:blank', null]) {
        const envelope = (await standIn.ipcMain.invokeFrom(contents, frameUrl, ipcChannel('getSettings'), {})) as Envelope;
        expect(envelope.ok, String(frameUrl)).toBe(false);
        if (!envelope.ok) expect(envelope.error.code).toBe('FORBIDDEN');
      }
      expect(dispatcher.calls).toEqual([]);
    });

    it('passes the job id of streaming methods and sends progress to the caller tagged with it', async () => {
      const { standIn, dispatcher, contents } = await startHost();
      await standIn.ipcMain.invokeFrom(contents, APP_PAGE, ipcChannel('checkTools'), {}, 'job-abcdef12');
      expect(dispatcher.calls[0]?.options.jobId).toBe('job-abcdef12');
      expect(contents.sent).toHaveLength(1);
      expect(contents.sent[0]?.channel).toBe(IPC_PROGRESS_CHANNEL);
      expect(contents.sent[0]?.args[0]).toBe('job-abcdef12');
      expect(contents.sent[0]?.args[1]).toMatchObject({ jobId: 'job-abcdef12', phase: 'checking' });
    });

    it('gives non-streaming methods no job id and no progress channel', async () => {
      const { standIn, dispatcher, contents } = await startHost();
      await standIn.ipcMain.invokeFrom(contents, APP_PAGE, ipcChannel('getAppInfo'), {}, 'job-abcdef12');
      expect(dispatcher.calls[0]?.options.jobId).toBeUndefined();
      expect(dispatcher.calls[0]?.options.onProgress).toBeUndefined();
    });

    it('cancels the running calls of a window when it closes', async () => {
      const { standIn, dispatcher, contents, window } = await startHost({ hold: true });
      const pending = standIn.ipcMain.invokeFrom(contents, APP_PAGE, ipcChannel('checkTools'), {}, 'job-abcdef12');
      await new Promise((resolve) => setImmediate(resolve));
      const signal = dispatcher.calls[0]?.options.signal;
      expect(signal?.aborted).toBe(false);
      window.close();
      expect(signal?.aborted).toBe(true);
      expect(await pending).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    });
  });

  describe('application lifecycle', () => {
    it('quits at once, with no window and no handlers, when another instance holds the lock', async () => {
      const standIn = createElectronStandIn({ gotLock: false });
      const host = startElectronHost(standIn.electron, { dispatcher: createRecordingDispatcher(), rendererDir, preloadPath: '/p.cjs', log: () => undefined });
      await standIn.makeReady();
      expect(await host.ready).toBeNull();
      expect(standIn.app.quitCalls).toBe(1);
      expect(standIn.windows).toEqual([]);
      expect(standIn.ipcMain.registrations).toEqual([]);
    });

    it('brings the existing window forward when a second instance starts', async () => {
      const { standIn, window } = await startHost();
      window.minimized = true;
      standIn.app.emit('second-instance', {}, [], '/');
      expect(window.minimized).toBe(false);
      expect(window.focused).toBe(true);
    });

    it('quits when the last window closes on Windows and Linux, but not on macOS', async () => {
      const onLinux = await startHost({ platform: 'linux' });
      onLinux.window.close();
      expect(onLinux.standIn.app.quitCalls).toBe(1);
      const onMac = await startHost({ platform: 'darwin' });
      onMac.window.close();
      expect(onMac.standIn.app.quitCalls).toBe(0);
      onMac.standIn.app.emit('activate');
      expect(onMac.standIn.windows).toHaveLength(2);
    });

    it('sets the Windows AppUserModelID to the appId', async () => {
      expect((await startHost({ platform: 'win32' })).standIn.app.appUserModelId).toBe('org.bootmend.app');
    });
  });

  describe('application menu', () => {
    const labelsOf = (items: unknown): string[] =>
      (items as { role?: string; label?: string }[]).map((item) => item.role ?? item.label ?? 'separator');

    it('has File > Quit, clipboard Edit roles and Help > About', async () => {
      const { standIn } = await startHost({ platform: 'win32' });
      const template = standIn.Menu.applied?.template ?? [];
      expect(template.map((item) => item.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
      expect(labelsOf(template[0]?.submenu)).toEqual(['quit']);
      expect(labelsOf(template[1]?.submenu)).toEqual(expect.arrayContaining(['copy', 'paste', 'cut', 'selectAll']));
      const about = (template[3]?.submenu as { label?: string; click?: () => void }[])[0];
      expect(about?.label).toBe('About Bootmend');
      about?.click?.();
      expect(standIn.dialog.messageBoxes).toHaveLength(1);
    });

    it('offers Reload and Toggle DevTools only when not packaged', async () => {
      const dev = (await startHost({ isPackaged: false })).standIn.Menu.applied?.template ?? [];
      expect(labelsOf(dev[2]?.submenu)).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
      const packaged = (await startHost({ isPackaged: true })).standIn.Menu.applied?.template ?? [];
      expect(labelsOf(packaged[2]?.submenu)).not.toContain('reload');
      expect(labelsOf(packaged[2]?.submenu)).not.toContain('toggleDevTools');
    });
  });
});
