import { afterAll, beforeAll, describe, onTestFinished } from 'vitest';
import type { Role } from '../core/backend/schemas.js';
import { createToken } from '../server/auth/tokens.js';
import { openStore, type DbSpec } from '../server/db/connect.js';
import { startServer, type RunningServer } from '../server/start.js';
import type { BuildOptions } from '../server/app.js';
import { startPostgres, type PostgresCluster } from './postgres.js';
import { tempDir } from './temp.js';
import { requireTool } from './tools.js';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

/**
 * Runs a server test suite against both databases: `eachDatabase('…', (db) => { it(…, async
 * () => { const s = await db.server(); … }) })`. Each call of `server()` gets a fresh empty
 * database (a new SQLite file; a new database in this file's private PostgreSQL cluster,
 * test/postgres.ts), a server built over it (not listening: `s.app.inject`; or listening with
 * `{ listen: true }`), and one token per role. Everything is closed when the test ends.
 */

export const postgresNeeded = requireTool('initdb', { package: 'postgresql', for: 'the backend against PostgreSQL' });

export interface TestServer extends RunningServer {
  tokens: Record<Role, string>;
  /** Headers with the role's token. */
  as(role: Role): { authorization: string };
}

export interface TestDatabase {
  dialect: 'sqlite' | 'postgres';
  /** A fresh database's spec (for tests that start servers themselves). */
  freshSpec(): Promise<DbSpec>;
  /** A database with no table at all, not even migrated (for the migration tests). */
  emptySpec(): Promise<DbSpec>;
  /** Every file on disk that holds the database's bytes or its server's log (after a checkpoint), for grep tests. */
  filesOnDisk(spec: DbSpec): Promise<string[]>;
  server(options?: { listen?: boolean; spec?: DbSpec; build?: BuildOptions }): Promise<TestServer>;
  /** One server for every test of the enclosing describe (made before the first, closed after the last): for tests that only read, like the role matrix. */
  sharedServer(): () => TestServer;
}

async function serverOver(spec: DbSpec, listen: boolean, shared = false, build: BuildOptions = {}): Promise<TestServer> {
  const running = await startServer(spec, { ...build, ...(listen ? { port: 0, host: '127.0.0.1' } : {}) });
  if (!shared) onTestFinished(() => running.close());
  const tokens = {} as Record<Role, string>;
  for (const role of ['technician', 'helpdesk', 'admin'] as const) tokens[role] = (await createToken(running.store.db, role, `test ${role}`)).token;
  return { ...running, tokens, as: (role) => ({ authorization: `Bearer ${tokens[role]}` }) };
}

function shared(freshSpec: () => Promise<DbSpec>): () => TestServer {
  let server: TestServer | null = null;
  beforeAll(async () => {
    server = await serverOver(await freshSpec(), false, true);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });
  return () => server!;
}

/** A suite's handle on one database kind: fresh databases, a server per test or one per file. */
function database(dialect: TestDatabase['dialect'], freshSpec: () => Promise<DbSpec>, filesOnDisk: TestDatabase['filesOnDisk'], emptySpec: () => Promise<DbSpec> = freshSpec): TestDatabase {
  return {
    dialect,
    freshSpec,
    emptySpec,
    filesOnDisk,
    async server(options = {}) {
      return serverOver(options.spec ?? (await freshSpec()), options.listen ?? false, false, options.build);
    },
    sharedServer: () => shared(freshSpec),
  };
}

export function eachDatabase(name: string, body: (db: TestDatabase) => void): void {
  describe(`${name} (SQLite)`, () => {
    const freshSpec = (): Promise<DbSpec> => Promise.resolve({ dialect: 'sqlite', path: join(tempDir('server-db'), 'server.db') });
    const files = (spec: DbSpec): Promise<string[]> => Promise.resolve(spec.dialect === 'sqlite' ? [spec.path, `${spec.path}-wal`].filter((f) => existsSync(f)) : []);
    body(database('sqlite', freshSpec, files));
  });
  postgresNeeded.describe(`${name} (PostgreSQL)`, () => {
    let cluster: PostgresCluster | null = null;
    beforeAll(async () => {
      cluster = await startPostgres();
      // One migrated database to copy: each test's database is a copy of it.
      const template = await cluster.createDatabase();
      const store = await openStore({ dialect: 'postgres', url: template });
      await store.close();
      templateName = new URL(template).pathname.slice(1);
    }, 60_000);
    afterAll(async () => {
      await cluster?.stop();
    });
    let templateName = '';
    const freshSpec = async (): Promise<DbSpec> => ({ dialect: 'postgres', url: await cluster!.createDatabase(templateName) });
    const emptySpec = async (): Promise<DbSpec> => ({ dialect: 'postgres', url: await cluster!.createDatabase() });
    const files = async (): Promise<string[]> => {
      const client = new pg.Client({ connectionString: cluster!.url() });
      await client.connect();
      try {
        await client.query('checkpoint');
      } finally {
        await client.end();
      }
      return readdirSync(cluster!.dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name));
    };
    body(database('postgres', freshSpec, files, emptySpec));
  });
}
