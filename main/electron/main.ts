// Entry of the desktop app, bundled to dist/electron/main.cjs (package.json "main").
import { join } from 'node:path';
import electron from 'electron';
import { createApi } from '../api.js';
import { WORKER_FLAG } from '../drives/write/protocol.js';
import { workerMain } from '../drives/write/elevated-worker.js';
import type { KeychainState } from '../keys/session.js';
import { startElectronHost } from './host.js';
import { KEYCHAIN_REASONS, probeVaultKeySource } from './vault-key-source.js';

if (process.argv.includes(WORKER_FLAG)) {
  // The packaged app cannot run Node scripts (RunAsNode is fused off), so the elevated
  // drive writer is this same executable started with WORKER_FLAG: no window, no API.
  void workerMain(process.argv.slice(1)).then((code) => process.exit(code));
} else {
  startApp();
}

function startApp(): void {
  const appPath = electron.app.getAppPath();
  // safeStorage works only once the app is ready, so the vault asks late (until then: no keychain).
  let keychain: KeychainState = { unavailable: "This laptop's keychain is still being checked; try again in a moment." };
  void electron.app
    .whenReady()
    .then(() => probeVaultKeySource(electron.safeStorage))
    .then((probe) => {
      keychain = probe.source ?? { unavailable: probe.unavailable };
    })
    .catch((error: unknown) => {
      keychain = { unavailable: KEYCHAIN_REASONS.failed };
      console.error('[bootmend] The keychain (safeStorage) could not be checked; vaults open with their passphrase', error);
    });
  const { dispatcher, services } = createApi({
    host: 'electron',
    electronVersion: process.versions.electron,
    keychain: () => keychain,
    onInternalError: (method, error) => console.error(`[bootmend] ${method} failed unexpectedly`, error),
  });
  // The journal's outbox flows to the backend while the app runs (main/sync/service.ts).
  services.sync.start();
  electron.app.on('before-quit', () => void services.sync.stop());

  startElectronHost(electron, {
    dispatcher,
    rendererDir: join(appPath, 'dist', 'renderer'),
    preloadPath: join(appPath, 'dist', 'electron', 'preload.cjs'),
  });
}
