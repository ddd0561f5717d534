/**
 * A recording stand-in for the `electron` module. The Electron binary cannot be installed
 * on the machines these tests run on (`require('electron')` throws), so the host is
 * exercised against this fake: it records what the host asks Electron to do (window
 * options, protocol registrations, ipcMain handlers, session and web-contents handlers,
 * shell.openExternal) and lets a test play the part of Chromium (navigate, window.open,
 * IPC from a given frame URL, closing a window).
 */
import type { CustomScheme, MenuItemConstructorOptions } from 'electron';
import type { ElectronMain } from '../main/electron/host.js';

type Listener = (...args: unknown[]) => unknown;

export class StandInEmitter {
  private readonly listeners = new Map<string, Listener[]>();

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  once(event: string, listener: Listener): this {
    const wrapped: Listener = (...args) => {
      this.off(event, wrapped);
      return listener(...args);
    };
    return this.on(event, wrapped);
  }

  off(event: string, listener: Listener): this {
    this.listeners.set(event, (this.listeners.get(event) ?? []).filter((l) => l !== listener));
    return this;
  }

  removeListener(event: string, listener: Listener): this {
    return this.off(event, listener);
  }

  emit(event: string, ...args: unknown[]): boolean {
    const current = this.listeners.get(event) ?? [];
    for (const listener of current) listener(...args);
    return current.length > 0;
  }

  listenerCount(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

/** What Chromium would pass to a `will-navigate` / `will-attach-webview` listener. */
export interface StandInEvent {
  url: string;
  defaultPrevented: boolean;
  preventDefault(): void;
}

function standInEvent(url = ''): StandInEvent {
  const event = {
    url,
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

type WindowOpenHandler = (details: { url: string; disposition: string; frameName: string; features: string }) => { action: 'allow' | 'deny' };

let nextContentsId = 1;

export class StandInWebContents extends StandInEmitter {
  readonly id = nextContentsId++;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: WindowOpenHandler | null = null;
  /** Set by connectRenderer: where `send` delivers in the renderer. */
  rendererSide: ((channel: string, args: unknown[]) => void) | null = null;
  private destroyed = false;

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args });
    this.rendererSide?.(channel, structuredClone(args));
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }

  /** Plays a page navigating the frame to `url`; true when the host let it through. */
  navigate(url: string): boolean {
    const event = standInEvent(url);
    this.emit('will-navigate', event, url, false, true, 1, 1);
    return !event.defaultPrevented;
  }

  /** Plays `window.open(url)` from the page; returns the handler's verdict. */
  openWindow(url: string): 'allow' | 'deny' | 'no handler' {
    if (!this.windowOpenHandler) return 'no handler';
    return this.windowOpenHandler({ url, disposition: 'new-window', frameName: '', features: '' }).action;
  }

  /** Plays a <webview> being attached; true when the host let it through. */
  attachWebview(): boolean {
    const event = standInEvent();
    this.emit('will-attach-webview', event, {}, {});
    return !event.defaultPrevented;
  }

  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export function createElectronStandIn(options: { gotLock?: boolean; isPackaged?: boolean; dark?: boolean; appPath?: string } = {}) {
  const log: string[] = [];
  let isReady = false;
  let resolveReady: () => void = () => undefined;
  const readyPromise = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });

  const app = Object.assign(new StandInEmitter(), {
    isPackaged: options.isPackaged ?? false,
    quitCalls: 0,
    appUserModelId: null as string | null,
    requestSingleInstanceLock: () => {
      log.push('app.requestSingleInstanceLock');
      return options.gotLock ?? true;
    },
    quit: () => {
      log.push('app.quit');
      app.quitCalls += 1;
    },
    whenReady: () => readyPromise,
    isReady: () => isReady,
    getName: () => 'Bootmend',
    getVersion: () => '0.1.0',
    getAppPath: () => options.appPath ?? '/opt/Bootmend/resources/app.asar',
    setAppUserModelId: (id: string) => {
      app.appUserModelId = id;
    },
  });

  const protocol = {
    privileged: [] as { schemes: CustomScheme[]; beforeReady: boolean }[],
    handlers: new Map<string, (request: Request) => Response | Promise<Response>>(),
    registerSchemesAsPrivileged(schemes: CustomScheme[]) {
      log.push('protocol.registerSchemesAsPrivileged');
      protocol.privileged.push({ schemes, beforeReady: !isReady });
    },
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>) {
      log.push(`protocol.handle:${scheme}`);
      if (protocol.handlers.has(scheme)) throw new Error(`The scheme has been registered: ${scheme}`);
      protocol.handlers.set(scheme, handler);
    },
  };

  type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void;
  type PermissionCheckHandler = (contents: unknown, permission: string, origin: string, details: unknown) => boolean;
  const defaultSession = {
    permissionRequestHandler: null as PermissionRequestHandler | null,
    permissionCheckHandler: null as PermissionCheckHandler | null,
    setPermissionRequestHandler(handler: PermissionRequestHandler | null) {
      defaultSession.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: PermissionCheckHandler | null) {
      defaultSession.permissionCheckHandler = handler;
    },
  };

  type IpcHandler = (event: unknown, ...args: unknown[]) => unknown;
  const ipcMain = {
    /** Every `handle` call in order, duplicates included. */
    registrations: [] as string[],
    handlers: new Map<string, IpcHandler>(),
    handle(channel: string, handler: IpcHandler) {
      ipcMain.registrations.push(channel);
      // Electron throws on a second handler for one channel; so does the stand-in.
      if (ipcMain.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      ipcMain.handlers.set(channel, handler);
    },
    /** Plays `ipcRenderer.invoke(channel, ...args)` from `sender`, whose frame shows `frameUrl`. */
    async invokeFrom(sender: StandInWebContents, frameUrl: string | null, channel: string, ...args: unknown[]): Promise<unknown> {
      const handler = ipcMain.handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      const event = { sender, senderFrame: frameUrl === null ? null : { url: frameUrl }, frameId: 1, processId: 1, type: 'frame' };
      return structuredClone(await handler(event, ...structuredClone(args)));
    },
  };

  const shell = {
    opened: [] as string[],
    openExternal(url: string) {
      shell.opened.push(url);
      return Promise.resolve();
    },
  };

  const windows: StandInBrowserWindow[] = [];

  class StandInBrowserWindow extends StandInEmitter {
    readonly options: Record<string, unknown> & { webPreferences?: Record<string, unknown> };
    readonly webContents = new StandInWebContents();
    readonly loadedUrls: string[] = [];
    visible = false;
    minimized = false;
    focused = false;

    constructor(windowOptions: Record<string, unknown>) {
      super();
      log.push('new BrowserWindow');
      this.options = windowOptions;
      windows.push(this);
      app.emit('web-contents-created', standInEvent(), this.webContents);
    }

    static getAllWindows(): StandInBrowserWindow[] {
      return windows.filter((w) => !w.webContents.isDestroyed());
    }

    loadURL(url: string): Promise<void> {
      log.push(`loadURL:${url}`);
      this.loadedUrls.push(url);
      return Promise.resolve();
    }

    show(): void {
      this.visible = true;
    }

    isMinimized(): boolean {
      return this.minimized;
    }

    restore(): void {
      this.minimized = false;
    }

    focus(): void {
      this.focused = true;
    }

    /** Plays the user closing the window. */
    close(): void {
      this.emit('close', standInEvent());
      this.emit('closed');
      this.webContents.destroy();
      if (StandInBrowserWindow.getAllWindows().length === 0) app.emit('window-all-closed');
    }
  }

  const Menu = {
    applied: null as { template: MenuItemConstructorOptions[] } | null,
    buildFromTemplate(template: MenuItemConstructorOptions[]) {
      return { template };
    },
    setApplicationMenu(menu: { template: MenuItemConstructorOptions[] } | null) {
      Menu.applied = menu;
    },
  };

  const dialog = {
    messageBoxes: [] as unknown[][],
    showMessageBox(...args: unknown[]) {
      dialog.messageBoxes.push(args);
      return Promise.resolve({ response: 0, checkboxChecked: false });
    },
  };

  const nativeTheme = { shouldUseDarkColors: options.dark ?? true };

  const parts = { app, protocol, session: { defaultSession }, ipcMain, shell, BrowserWindow: StandInBrowserWindow, Menu, dialog, nativeTheme };

  return {
    ...parts,
    /** The stand-in typed as the electron module the host expects (one cast, here). */
    electron: parts as unknown as ElectronMain,
    windows,
    log,
    /** Plays Electron's `ready` and waits for the host's work after it. */
    async makeReady(): Promise<void> {
      isReady = true;
      resolveReady();
      await readyPromise;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

export type ElectronStandIn = ReturnType<typeof createElectronStandIn>;

export { recordingDispatcher as createRecordingDispatcher, type RecordedCall } from './recording-dispatcher.js';

/**
 * A stand-in `ipcRenderer` wired to the stand-in `ipcMain`: what the preload bridge sees in
 * a page at `frameUrl` shown by `contents`. Arguments and results are structured-cloned,
 * as Electron's IPC does.
 */
export function connectRenderer(standIn: ElectronStandIn, contents: StandInWebContents, frameUrl: string) {
  const renderer = new StandInEmitter();
  contents.rendererSide = (channel, args) => renderer.emit(channel, { sender: ipcRenderer }, ...args);
  const ipcRenderer = {
    invoke: (channel: string, ...args: unknown[]) => standIn.ipcMain.invokeFrom(contents, frameUrl, channel, ...args),
    on: (channel: string, listener: Listener) => {
      renderer.on(channel, listener);
      return ipcRenderer;
    },
    removeListener: (channel: string, listener: Listener) => {
      renderer.removeListener(channel, listener);
      return ipcRenderer;
    },
    listenerCount: (channel: string) => renderer.listenerCount(channel),
  };
  return ipcRenderer;
}
