import { join } from 'node:path';
import { defaultDataDir } from '../core/node/data-folder.js';

/**
 * The embedded database's default place: `server.db` in Bootmend's data folder, the same
 * folder the technician app uses (core/node/data-folder.ts). BOOTMEND_DATA_DIR wins.
 */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  return join(defaultDataDir(env, platform), 'server.db');
}
