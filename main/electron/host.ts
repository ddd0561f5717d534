import type { BrowserWindow, BrowserWindowConstructorOptions, Session, Shell, WebContents } from 'electron';
import type { Dispatcher } from '../../core/api/dispatcher.js';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  createAppProtocolHandler,
  isAppUrl,
  isExternalWebUrl,
} from './app-protocol.js';
import { registerIpcHandlers, type IpcAdapter } from './ipc.js';
import { buildMenuTemplate } from './menu.js';

/**
 * The parts of Electron the host touches, typed from Electron's own definitions: main.ts
 * passes the real module (so tsc checks every call against the real API) and the tests
 * pass a recording stand-in.
 */
export type ElectronMain = Pick<
  typeof import('electron'),
  'app' | 'BrowserWindow' | 'Menu' | 'dialog' | 'ipcMain' | 'nativeTheme' | 'protocol' | 'session' | 'shell'
>;

export interface HostDeps {
  dispatcher: Dispatcher;
  /** The Vite build served as bootmend://app/ (dist/renderer). */
  rendererDir: string;
  /** Absolute path of dist/electron/preload.cjs. */
  preloadPath: string;
  /** Defaults to process.platform. */
  platform?: NodeJS.Platform;
  /** Where failures that reach no one else are written. */
  log?: (message: string, error?: unknown) => void;
}

export const APP_USER_MODEL_ID = 'org.bootmend.app';

/** The window's colour before the page paints: renderer/ui/tokens.css `--bg` (light, dark). */
export const WINDOW_BACKGROUND = { dark: '#0e1116', light: '#f3f5f8' } as const;

export function windowOptions(preloadPath: string, dark: boolean, isPackaged: boolean): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    title: 'Bootmend',
    backgroundColor: dark ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !isPackaged,
    },
  };
}

/** Applied to every web contents the app ever creates (windows, and anything they might spawn). */
export function hardenWebContents(contents: WebContents, shell: Pick<Shell, 'openExternal'>, log: (message: string, error?: unknown) => void): void {
  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalWebUrl(url)) {
      shell.openExternal(url).catch((error: unknown) => log(`Could not open ${url} in the browser`, error));
    }
    return { action: 'deny' };
  });
}

/**
 * Writing to the clipboard, and only from the app's own pages: the Keys screen's Copy button
 * (navigator.clipboard.writeText) and its timed wipe. Reading the clipboard stays refused.
 */
export const ALLOWED_APP_PERMISSION = 'clipboard-sanitized-write';

/** No page gets camera, microphone, notifications, clipboard reads, HID, serial, … */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(permission === ALLOWED_APP_PERMISSION && isAppUrl(details.requestingUrl)),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permission === ALLOWED_APP_PERMISSION && isAppUrl(requestingOrigin));
}

export interface ElectronHost {
  /** Resolves with the main window once it is created; null when another instance already runs. */
  readonly ready: Promise<BrowserWindow | null>;
}

/**
 * Starts the desktop app: call once, synchronously, at startup (the custom scheme must be
 * registered before the app is ready).
 */
export function startElectronHost(electron: ElectronMain, deps: HostDeps): ElectronHost {
  const { app, BrowserWindow: Window, Menu, dialog, ipcMain, nativeTheme, protocol, session, shell } = electron;
  const platform = deps.platform ?? process.platform;
  const log = deps.log ?? ((message: string, error?: unknown) => console.error(`[bootmend] ${message}`, error ?? ''));

  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return { ready: Promise.resolve(null) };
  }
  if (platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);

  let mainWindow: BrowserWindow | null = null;
  let ipc: IpcAdapter | null = null;

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, shell, log));

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });

  const showAbout = (): void => {
    const options = {
      type: 'info' as const,
      title: `About ${app.getName()}`,
      message: `${app.getName()} ${app.getVersion()}`,
      detail: `Boot-recovery toolkit.\nElectron ${process.versions.electron} · Chromium ${process.versions.chrome} · Node ${process.versions.node}`,
      buttons: ['OK'],
    };
    const shown = mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options);
    shown.catch((error: unknown) => log('Could not show the About box', error));
  };

  const createWindow = (): BrowserWindow => {
    const window = new Window(windowOptions(deps.preloadPath, nativeTheme.shouldUseDarkColors, app.isPackaged));
    const contents = window.webContents;
    window.once('ready-to-show', () => window.show());
    window.on('closed', () => {
      ipc?.cancelCallsFrom(contents);
      if (mainWindow === window) mainWindow = null;
    });
    window.loadURL(APP_ENTRY_URL).catch((error: unknown) => log(`Could not load ${APP_ENTRY_URL}`, error));
    mainWindow = window;
    return window;
  };

  const ready = app.whenReady().then(() => {
    protocol.handle(APP_SCHEME, createAppProtocolHandler(deps.rendererDir));
    hardenSession(session.defaultSession);
    ipc = registerIpcHandlers(ipcMain, deps.dispatcher);
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(buildMenuTemplate({ appName: app.getName(), isMac: platform === 'darwin', isPackaged: app.isPackaged, onAbout: showAbout })),
    );
    app.on('activate', () => {
      if (Window.getAllWindows().length === 0) createWindow();
    });
    return createWindow();
  });

  return { ready };
}
