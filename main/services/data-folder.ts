import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where Bootmend keeps its files. BOOTMEND_DATA_DIR wins so tests and portable installs can
 * point elsewhere.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.BOOTMEND_DATA_DIR) return env.BOOTMEND_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Bootmend');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Bootmend');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'bootmend');
}

/** Every file and folder Bootmend keeps in a data folder: the one place their names are written. */
export interface DataFiles {
  dataDir: string;
  settings: string;
  vault: string;
  journal: string;
  playbooks: string;
  /** The technician's token for the backend (main/backend/token-store.ts). */
  backendToken: string;
}

export function dataFiles(dataDir: string): DataFiles {
  return {
    dataDir,
    settings: join(dataDir, 'settings.json'),
    vault: join(dataDir, 'vault.bmv'),
    journal: join(dataDir, 'journal', 'events.ndjson'),
    playbooks: join(dataDir, 'playbooks'),
    backendToken: join(dataDir, 'backend-token.json'),
  };
}
