import { join } from 'node:path';
import { defaultDataDir } from '../core/node/data-folder.js';

/**
 * The embedded database's default place: `server.db` in Bootmend's data folder, the same
 * folder the technician app uses (core/node/data-folder.ts). BOOTMEND_DATA_DIR wins.
 */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  return databasePathIn(defaultDataDir(env, platform));
}

/** The embedded database in a given data folder (`npm start -- --data-dir DIR`): the one place its name is written. */
export function databasePathIn(dataDir: string): string {
  return join(dataDir, 'server.db');
}
