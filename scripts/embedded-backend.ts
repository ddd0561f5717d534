/**
 * The backend `npm start` runs beside the technician app (and `npm run demo`, with a simulated
 * fleet): server/ over SQLite in Bootmend's data folder, with the helpdesk dashboard, on
 * 127.0.0.1 at a free port. Each start revokes the tokens the previous start made and makes
 * fresh ones: one technician token the app syncs with (handed over in the app's environment,
 * never on a command line), one helpdesk token for the dashboard link.
 *
 * Run as a program (by scripts/start.mjs) it prints, on stdout, for its parent only:
 *   BOOTMEND_EMBEDDED_BACKEND_URL=http://127.0.0.1:PORT
 *   BOOTMEND_EMBEDDED_BACKEND_TOKEN=bmt_…   (technician)
 *   BOOTMEND_HELPDESK_URL=http://127.0.0.1:PORT/#token=bmt_…   (helpdesk)
 * and runs until SIGINT/SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../main/fs/atomic-write.js';
import { createToken, revokeToken } from '../server/auth/tokens.js';
import { databasePathIn, defaultDatabasePath } from '../server/data-dir.js';
import { MasterKey } from '../server/escrow/seal.js';
import { startServer, type RunningServer } from '../server/start.js';
import { runDemoFleet } from './demo-fleet.js';

export const APP_TOKEN_NAME = 'Bootmend app on this laptop (npm start)';
export const HELPDESK_TOKEN_NAME = 'Helpdesk dashboard on this laptop (npm start)';
const DEMO_ADMIN_NAME = 'Demo fleet import';
const DEMO_TECHNICIANS_NAME = 'Demo technicians';

export interface EmbeddedBackend {
  url: string;
  technicianToken: string;
  helpdeskToken: string;
  /** The dashboard with its sign-in token in the fragment (never sent to the server by the browser). */
  helpdeskUrl: string;
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  /** SQLite file; default server.db in Bootmend's data folder (a fresh temp file for the demo). */
  databasePath?: string;
  /** Where the escrow's master key is kept (made on first start, this user only); default beside the database. */
  masterKeyPath?: string;
  port?: number;
  demo?: boolean;
  log?: (line: string) => void;
}

async function masterKey(path: string): Promise<MasterKey> {
  try {
    return MasterKey.fromBytes(await readFile(path), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const text = `${randomBytes(32).toString('base64')}\n`;
  await writeFileAtomic(path, text, { mode: 0o600 });
  return MasterKey.fromBytes(Buffer.from(text), path);
}

async function freshToken(server: RunningServer, role: 'technician' | 'helpdesk' | 'admin', name: string): Promise<string> {
  await revokeToken(server.store.db, name);
  return (await createToken(server.store.db, role, name)).token;
}

export async function startEmbeddedBackend(options: EmbeddedOptions = {}): Promise<EmbeddedBackend> {
  const log = options.log ?? (() => undefined);
  // The demo's database is thrown away: a folder of its own, removed again on close.
  const demoFolder = options.databasePath === undefined && options.demo ? await mkdtemp(join(tmpdir(), 'bootmend-demo-')) : null;
  const databasePath = options.databasePath ?? (demoFolder ? databasePathIn(demoFolder) : defaultDatabasePath());
  const key = await masterKey(options.masterKeyPath ?? `${databasePath}.master-key`);
  const server = await startServer({ dialect: 'sqlite', path: databasePath }, { port: options.port ?? 0, host: '127.0.0.1', masterKey: key, log });
  const technicianToken = await freshToken(server, 'technician', APP_TOKEN_NAME);
  const helpdeskToken = await freshToken(server, 'helpdesk', HELPDESK_TOKEN_NAME);
  const demo = new AbortController();
  let demoRun: Promise<unknown> | null = null;
  if (options.demo) {
    const adminToken = await freshToken(server, 'admin', DEMO_ADMIN_NAME);
    const technicians = await freshToken(server, 'technician', DEMO_TECHNICIANS_NAME);
    demoRun = runDemoFleet({ url: server.url, adminToken, technicianToken: technicians, signal: demo.signal, log }).catch((error: unknown) => {
      if (!demo.signal.aborted) log(`bootmend demo: the simulated fleet stopped: ${(error as Error).message}`);
    });
  }
  return {
    url: server.url,
    technicianToken,
    helpdeskToken,
    helpdeskUrl: `${server.url}/#token=${encodeURIComponent(helpdeskToken)}`,
    async close() {
      demo.abort();
      await demoRun;
      await server.close();
      if (demoFolder) await rm(demoFolder, { recursive: true, force: true });
    },
  };
}

async function runAsProgram(argv: string[]): Promise<void> {
  const demo = argv.includes('--demo');
  const dataDirAt = argv.findIndex((arg) => arg === '--data-dir');
  const dataDir = dataDirAt >= 0 ? argv[dataDirAt + 1] : argv.find((arg) => arg.startsWith('--data-dir='))?.slice('--data-dir='.length);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  let backend: EmbeddedBackend;
  try {
    backend = await startEmbeddedBackend({ demo, log: err, ...(dataDir && !demo ? { databasePath: databasePathIn(dataDir) } : {}) });
  } catch (error) {
    err(`bootmend: the embedded backend could not start: ${(error as Error).message}`);
    process.exit(1);
  }
  process.stdout.write(`BOOTMEND_EMBEDDED_BACKEND_URL=${backend.url}\nBOOTMEND_EMBEDDED_BACKEND_TOKEN=${backend.technicianToken}\nBOOTMEND_HELPDESK_URL=${backend.helpdeskUrl}\n`);
  const stop = (): void => {
    void backend.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // The parent (scripts/start.mjs) closing our stdin means it is gone: stop with it.
  process.stdin.on('end', stop);
  process.stdin.resume();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runAsProgram(process.argv.slice(2));
