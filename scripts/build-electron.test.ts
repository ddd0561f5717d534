import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodNames } from '../core/api/contract.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = mkdtempSync(join(tmpdir(), 'bootmend-electron-build-'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; main: string };

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-electron.mjs'), '--outdir', outdir], { cwd: root, stdio: 'pipe' });
}, 60_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const requiresIn = (file: string): string[] => [...readFileSync(file, 'utf8').matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1] ?? '');
const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

// A CommonJS stand-in for `electron` (the real binary is unavailable here), loaded into a
// child Node process through a require hook; it plays `ready`, then invokes the
// registered ipcMain handler for getAppInfo from the app's own frame and prints what it got.
const STAND_IN = String.raw`
const Module = require('node:module');
const handlers = new Map();
const seen = { privileged: null, handled: [], windows: [] };
let ready;
const readyPromise = new Promise((r) => (ready = r));
const emitter = () => { const l = {}; return { on(e, f) { (l[e] ??= []).push(f); return this; }, once(e, f) { return this.on(e, f); }, emit(e, ...a) { (l[e] ?? []).forEach((f) => f(...a)); } }; };
const app = Object.assign(emitter(), {
  isPackaged: true,
  requestSingleInstanceLock: () => true, quit() {}, setAppUserModelId() {},
  whenReady: () => readyPromise, getName: () => 'Bootmend', getVersion: () => '0.0.0',
  getAppPath: () => process.env.STAND_IN_APP_PATH,
});
class BrowserWindow {
  constructor(options) { Object.assign(this, emitter()); this.options = options; this.webContents = Object.assign(emitter(), { setWindowOpenHandler() {}, isDestroyed: () => false, send() {} }); seen.windows.push(this); app.emit('web-contents-created', {}, this.webContents); }
  loadURL(url) { this.url = url; return Promise.resolve(); }
  static getAllWindows() { return seen.windows; }
}
const electron = {
  app, BrowserWindow,
  Menu: { buildFromTemplate: (t) => t, setApplicationMenu() {} },
  dialog: { showMessageBox: async () => ({ response: 0 }) },
  ipcMain: { handle: (channel, fn) => handlers.set(channel, fn) },
  nativeTheme: { shouldUseDarkColors: false },
  protocol: { registerSchemesAsPrivileged: (s) => (seen.privileged = s), handle: (scheme) => seen.handled.push(scheme) },
  session: { defaultSession: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {} } },
  shell: { openExternal: async () => {} },
  safeStorage: { isAsyncEncryptionAvailable: async () => false, encryptStringAsync: async () => { throw new Error('no keychain'); }, decryptStringAsync: async () => { throw new Error('no keychain'); } },
};
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'electron' ? electron : load.call(this, request, ...rest); };
require(process.env.STAND_IN_MAIN);
ready();
setTimeout(async () => {
  const sender = Object.assign(emitter(), { isDestroyed: () => false, send() {} });
  const info = await handlers.get('bootmend:getAppInfo')({ sender, senderFrame: { url: 'bootmend://app/index.html' } }, {});
  process.stdout.write(JSON.stringify({ info, channels: [...handlers.keys()], privileged: seen.privileged, handled: seen.handled,
    window: { url: seen.windows[0]?.url, preload: seen.windows[0]?.options.webPreferences.preload } }));
}, 50);
`;

describe('scripts/build-electron.mjs (esbuild bundles of the Electron host)', () => {
  it('writes dist/electron/main.cjs and preload.cjs, and package.json "main" points at main.cjs', () => {
    expect(existsSync(join(outdir, 'main.cjs'))).toBe(true);
    expect(existsSync(join(outdir, 'preload.cjs'))).toBe(true);
    expect(pkg.main).toBe('dist/electron/main.cjs');
  });

  it('leaves only Node built-ins, electron and the optional macOS sensor modules to require() in main.cjs', () => {
    const external = requiresIn(join(outdir, 'main.cjs')).filter((name) => !builtins.has(name));
    expect(new Set(external)).toEqual(new Set(['electron', 'osx-temperature-sensor', 'macos-temperature-sensor']));
    expect(readFileSync(join(outdir, 'main.cjs'), 'utf8')).not.toMatch(/\bimport\.meta\b/);
  });

  it('makes preload.cjs self-contained: the only require is electron', () => {
    expect(new Set(requiresIn(join(outdir, 'preload.cjs')))).toEqual(new Set(['electron']));
  });

  it('preload.cjs, run in a bare context where only `electron` can be required (as in the sandbox), exposes window.bootmend', () => {
    const exposed: [string, Record<string, unknown>][] = [];
    const standIn = {
      contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.push([key, api]) },
      ipcRenderer: { invoke: async () => ({ ok: true, value: null }), on: () => undefined, removeListener: () => undefined },
    };
    const module = { exports: {} };
    const sandboxRequire = (name: string) => {
      if (name === 'electron') return standIn;
      throw new Error(`module not found: ${name}`);
    };
    runInNewContext(readFileSync(join(outdir, 'preload.cjs'), 'utf8'), { require: sandboxRequire, module, exports: module.exports, console });
    expect(exposed).toHaveLength(1);
    expect(exposed[0]?.[0]).toBe('bootmend');
    expect(new Set(Object.keys(exposed[0]?.[1] ?? {}))).toEqual(new Set(methodNames));
  });

  it('main.cjs boots against a stand-in electron module, finds package.json despite CJS, and answers getAppInfo over IPC', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bootmend-stand-in-'));
    try {
      const standInFile = join(dir, 'run-with-stand-in.cjs');
      writeFileSync(standInFile, STAND_IN);
      const out = execFileSync(process.execPath, [standInFile], {
        cwd: dir,
        env: { ...process.env, STAND_IN_MAIN: join(outdir, 'main.cjs'), STAND_IN_APP_PATH: '/opt/bootmend-app', BOOTMEND_DATA_DIR: dir },
        encoding: 'utf8',
      });
      const result = JSON.parse(out) as {
        info: { ok: boolean; value: { name: string; version: string; host: string } };
        channels: string[];
        privileged: { scheme: string }[];
        handled: string[];
        window: { url: string; preload: string };
      };
      expect(result.info).toMatchObject({ ok: true, value: { name: 'Bootmend', version: pkg.version, host: 'electron' } });
      expect(new Set(result.channels)).toEqual(new Set(methodNames.map((name) => `bootmend:${name}`)));
      expect(result.privileged[0]?.scheme).toBe('bootmend');
      expect(result.handled).toEqual(['bootmend']);
      expect(result.window.url).toBe('bootmend://app/index.html');
      expect(result.window.preload).toBe(join('/opt/bootmend-app', 'dist', 'electron', 'preload.cjs'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
