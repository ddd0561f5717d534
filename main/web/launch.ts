import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createApi } from '../api.js';
import { openPageFolder, writeOpenPage, type OpenPage } from './open-page.js';
import { startWebHost, type WebHost } from './server.js';

export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));

export interface LaunchOptions {
  port?: number;
  open?: boolean;
  dataDir?: string;
  staticDir?: string;
  out?: (line: string) => void;
  err?: (line: string) => void;
  /** The program that opens the page (tests); default xdg-open, open or explorer.exe by platform. */
  opener?: string;
  /** Where the redirect page goes (tests); default open-page.ts openPageFolder. */
  openPageDir?: string;
}

/**
 * Starts the web host over the real API and prints the one machine-readable line
 * scripts wait for: BOOTMEND_URL=http://127.0.0.1:<port>/#token=<token> (stdout is the
 * user's own). The browser is opened on a private redirect page (open-page.ts), never on the
 * URL itself: the opener's arguments are visible to every local user.
 */
export async function launchWebHost(options: LaunchOptions = {}): Promise<WebHost> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = options.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const api = createApi({
    host: 'web',
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    onInternalError: (method, error) => err(`bootmend: ${method} failed: ${error instanceof Error ? error.message : String(error)}`),
  });
  const host = await startWebHost({
    dispatcher: api.dispatcher,
    staticDir: options.staticDir ?? DEFAULT_STATIC_DIR,
    ...(options.port !== undefined ? { port: options.port } : {}),
    log: (line) => err(`bootmend web host: ${line}`),
  });
  api.services.sync.start();
  out(`BOOTMEND_URL=${host.url}`);
  out(`Bootmend is running. Open the link above in a browser on this computer${options.open === false ? '' : ' (opening it now)'}; press Ctrl+C to stop.`);
  let page: OpenPage | null = null;
  if (options.open !== false) {
    try {
      page = await writeOpenPage(options.openPageDir ?? openPageFolder(api.dataDir), host.url);
      openInBrowser(page.path, err, options.opener);
    } catch (error) {
      err(`bootmend: could not prepare the page that opens the browser (${(error as Error).message}); open the BOOTMEND_URL link yourself.`);
    }
  }
  return {
    url: host.url,
    origin: host.origin,
    port: host.port,
    token: host.token,
    async close() {
      await page?.remove().catch(() => undefined);
      await host.close();
      await api.services.sync.stop();
      // The journal's snapshot of what this session added: the next start replays less.
      await api.services.journal.close().catch(() => undefined);
    },
  };
}

function openInBrowser(file: string, err: (line: string) => void, opener?: string): void {
  // explorer.exe opens a file with its default program and, unlike `cmd /c start`, parses no
  // % or & in the path.
  const command = opener ?? (process.platform === 'win32' ? 'explorer.exe' : process.platform === 'darwin' ? 'open' : 'xdg-open');
  try {
    const child = spawn(command, [file], { detached: true, stdio: 'ignore' });
    child.on('error', () => err('bootmend: could not open a browser here; open the BOOTMEND_URL link yourself.'));
    child.unref();
  } catch {
    err('bootmend: could not open a browser here; open the BOOTMEND_URL link yourself.');
  }
}

/** --port N / BOOTMEND_PORT, --no-open / BOOTMEND_NO_OPEN=1. */
export function parseLaunchArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): { port: number; open: boolean; dataDir?: string } {
  let port = env.BOOTMEND_PORT ? Number(env.BOOTMEND_PORT) : 0;
  let open = !(env.BOOTMEND_NO_OPEN === '1' || env.BOOTMEND_NO_OPEN === 'true') && !env.CI;
  let dataDir: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--no-open') open = false;
    else if (arg === '--open') open = true;
    else if (arg === '--port' || arg.startsWith('--port=')) {
      const value = arg.includes('=') ? arg.slice(7) : argv[++i];
      port = Number(value);
    } else if (arg === '--data-dir' || arg.startsWith('--data-dir=')) {
      dataDir = arg.includes('=') ? arg.slice(11) : argv[++i];
    } else if (arg === '--web') {
      // chosen by scripts/start.mjs; nothing to do here
    } else {
      throw new Error(`Unknown option ${arg}. Options: --port N, --no-open, --data-dir DIR.`);
    }
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port needs a number from 0 to 65535 (0 picks a free port).');
  return dataDir ? { port, open, dataDir } : { port, open };
}
