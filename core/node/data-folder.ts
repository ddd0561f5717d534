import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where Bootmend keeps its files, for the technician app (main/services/data-folder.ts) and the
 * server's embedded database (server/data-dir.ts) alike. BOOTMEND_DATA_DIR wins so tests and
 * portable installs can point elsewhere.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.BOOTMEND_DATA_DIR) return env.BOOTMEND_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Bootmend');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Bootmend');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'bootmend');
}
