import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/**
 * A private PostgreSQL cluster for one test file: initdb into a temp folder, started on a
 * free port of 127.0.0.1 (and a socket in that folder), trust authentication for user `app`,
 * stopped and removed at the end. No test touches a system PostgreSQL. As root (CI) the
 * server runs as the `postgres` user, since PostgreSQL refuses to run as root.
 */

/** Debian puts the server's programs in /usr/lib/postgresql/<version>/bin, off PATH: found here and put on it. */
export function postgresBinDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : null;
}

const bin = postgresBinDir();
if (bin && !(process.env.PATH ?? '').split(':').includes(bin)) process.env.PATH = `${process.env.PATH ?? ''}:${bin}`;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface PostgresCluster {
  port: number;
  /** The cluster's folder: its data files (`data/`) and its server log (`pg.log`). */
  dir: string;
  /** A connection URL for database `db` (default `postgres`). */
  url(db?: string): string;
  /** A new database, empty or a copy of `template` (much quicker than migrating each); returns its URL. */
  createDatabase(template?: string): Promise<string>;
  stop(): Promise<void>;
}

const asRoot = process.getuid?.() === 0;

async function asServerUser(command: string, args: string[]): Promise<void> {
  if (asRoot) {
    const quoted = [command, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    await run('su', ['postgres', '-s', '/bin/sh', '-c', quoted], { timeout: 60_000 });
  } else {
    await run(command, args, { timeout: 60_000 });
  }
}

let databases = 0;

/** `durable`: fsync on, as a production cluster runs (the tests turn it off for speed; the benchmark must not). */
export async function startPostgres(options: { durable?: boolean } = {}): Promise<PostgresCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'bootmend-pg-'));
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, 'data');
  const port = await freePort();
  try {
    await asServerUser('initdb', ['-D', data, '-U', 'app', '--auth=trust', '-E', 'UTF8', ...(options.durable ? [] : ['--no-sync'])]);
    await asServerUser('pg_ctl', ['-D', data, '-l', join(dir, 'pg.log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 ${options.durable ? '' : '-c fsync=off '}-c max_connections=200`, 'start']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL for the tests did not start: ${(error as { stderr?: string }).stderr ?? (error as Error).message}`, { cause: error });
  }
  const url = (db = 'postgres') => `postgres://app@127.0.0.1:${port}/${db}`;
  return {
    port,
    dir,
    url,
    async createDatabase(template?: string) {
      const name = `t${process.pid}_${++databases}`;
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`create database ${name}${template ? ` template ${template}` : ''}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop() {
      try {
        await asServerUser('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
