// Runs sandboxed in every Bootmend page before its scripts. Bundled to dist/electron/preload.cjs
// (a sandboxed preload cannot load other files; only `electron` stays external).
import { contextBridge, ipcRenderer } from 'electron';
import { exposeBridge } from './bridge.js';

exposeBridge(contextBridge, ipcRenderer);
