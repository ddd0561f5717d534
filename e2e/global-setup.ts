import type { FullConfig } from '@playwright/test';
import { findElectronBinary } from './electron-binary.js';

export default function globalSetup(config: FullConfig): void {
  const electron = findElectronBinary();
  const wantsElectron = config.projects.some((p) => p.name === 'electron');
  if (wantsElectron && 'missing' in electron) {
    console.log(`e2e: the "electron" project is skipped: ${electron.missing}. Install Electron with network access (npm install) to run it.`);
  }
}
