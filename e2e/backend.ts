import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childUrl } from '../test/child-url.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'bootmend-server.mjs');

export interface Backend {
  url: string;
  tokens: { helpdesk: string; technician: string; admin: string };
  /** POSTs JSON with a token; throws with the server's answer when it is not 2xx. */
  post<T>(path: string, token: string, body: unknown, contentType?: string): Promise<T>;
  get<T>(path: string, token: string): Promise<T>;
  stop(): void;
}

function createToken(db: string, role: string, name: string): string {
  return execFileSync(process.execPath, [BIN, 'token', 'create', '--db', db, '--role', role, '--name', name], { cwd: ROOT, encoding: 'utf8' }).trim();
}

/** The real `bootmend-server` over SQLite in `dir`, on a free port, with one token per role and key escrow on (its master key kept in `dir`). */
export async function startBackend(dir: string, again?: { port: number; tokens: Backend['tokens'] }): Promise<Backend> {
  const db = `sqlite:${join(dir, 'server.db')}`;
  // Started again over the same database (a backend back after an outage): same address, same tokens.
  const tokens = again?.tokens ?? { helpdesk: createToken(db, 'helpdesk', 'Helpdesk Berlin'), technician: createToken(db, 'technician', 'Ana Lopez'), admin: createToken(db, 'admin', 'Admin') };
  const masterKey = join(dir, 'master.key');
  if (!existsSync(masterKey)) writeFileSync(masterKey, randomBytes(32).toString('base64'), { mode: 0o600 });
  const child: ChildProcess = spawn(process.execPath, [BIN, '--db', db, '--port', String(again?.port ?? 0), '--master-key-file', masterKey], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const url = await childUrl(child, 'BOOTMEND_SERVER_URL', { what: 'bootmend-server', timeoutMs: 30_000, stderr: () => stderr });
  const call = async <T>(method: string, path: string, token: string, body?: unknown, contentType = 'application/json'): Promise<T> => {
    const response = await fetch(new URL(path, url), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };
  return {
    url,
    tokens,
    post: (path, token, body, contentType) => call('POST', path, token, body, contentType),
    get: (path, token) => call('GET', path, token),
    stop: () => child.kill('SIGTERM'),
  };
}
