import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The embedded database's default place: `server.db` in Bootmend's data folder, the same
 * folder the technician app uses (main/services/data-folder.ts decides it the same way;
 * server/ may not import main/). BOOTMEND_DATA_DIR wins.
 */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const dir = env.BOOTMEND_DATA_DIR
    ? env.BOOTMEND_DATA_DIR
    : platform === 'win32'
      ? join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Bootmend')
      : platform === 'darwin'
        ? join(homedir(), 'Library', 'Application Support', 'Bootmend')
        : join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'bootmend');
  return join(dir, 'server.db');
}
