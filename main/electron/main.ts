// Entry of the desktop app, bundled to dist/electron/main.cjs (package.json "main").
import { join } from 'node:path';
import electron from 'electron';
import { createApi } from '../api.js';
import { startElectronHost } from './host.js';

const appPath = electron.app.getAppPath();
const { dispatcher } = createApi({
  host: 'electron',
  electronVersion: process.versions.electron,
  onInternalError: (method, error) => console.error(`[bootmend] ${method} failed unexpectedly`, error),
});

startElectronHost(electron, {
  dispatcher,
  rendererDir: join(appPath, 'dist', 'renderer'),
  preloadPath: join(appPath, 'dist', 'electron', 'preload.cjs'),
});
