import { join } from 'node:path';

/** Where Bootmend keeps its files (shared with the server's database default). */
export { defaultDataDir } from '../../core/node/data-folder.js';

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
