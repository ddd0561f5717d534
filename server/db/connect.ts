import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

export type DbSpec = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

/** The version of the optional SQLite driver package.json pins; named in the error when it is missing. */
export const SQLITE_PACKAGE = 'better-sqlite3@12.9.0';

/**
 * `--db sqlite:PATH`, `--db postgres://…` (or `postgresql://…`), else `DATABASE_URL`, else
 * SQLite at `fallbackPath`. A bare path is SQLite too. Throws a sentence on anything else.
 */
export function parseDbSpec(option: string | undefined, env: NodeJS.ProcessEnv, fallbackPath: string): DbSpec {
  const value = option ?? (env.DATABASE_URL && env.DATABASE_URL.trim() !== '' ? env.DATABASE_URL.trim() : undefined);
  if (value === undefined) return { dialect: 'sqlite', path: resolve(fallbackPath) };
  if (/^postgres(ql)?:\/\//i.test(value)) return { dialect: 'postgres', url: value };
  if (/^sqlite:/i.test(value)) {
    const path = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new Error('--db sqlite: needs a file path, e.g. --db sqlite:./bootmend.db');
    return { dialect: 'sqlite', path: resolve(path) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new Error(`--db takes sqlite:PATH or postgres://…; "${value.split(':')[0]}:" is neither.`);
  return { dialect: 'sqlite', path: resolve(value) };
}

/** How a database is named in logs: never a password from the URL. */
export function describeDb(spec: DbSpec): string {
  if (spec.dialect === 'sqlite') return `SQLite ${spec.path}`;
  try {
    const url = new URL(spec.url);
    return `PostgreSQL ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

export interface Store {
  db: Kysely<Database>;
  spec: DbSpec;
  close(): Promise<void>;
}

interface SqliteStatement {
  readonly busy: boolean;
}
interface SqliteDatabase {
  pragma(source: string): unknown;
  prepare(source: string): SqliteStatement;
  close(): void;
}
type SqliteConstructor = new (path: string) => SqliteDatabase;

/**
 * Kysely prepares every query afresh; an ingest group runs the same few statements thousands of
 * times, so prepared statements are kept (the newest 256 texts). A statement still being
 * iterated is busy and cannot run twice at once: then a fresh one is prepared.
 */
function cachingPrepare(database: SqliteDatabase): SqliteDatabase {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, SqliteStatement>();
  database.prepare = (source: string) => {
    const cached = cache.get(source);
    if (cached && !cached.busy) {
      cache.delete(source);
      cache.set(source, cached);
      return cached;
    }
    const statement = prepare(source);
    if (!cached) {
      cache.set(source, statement);
      if (cache.size > 256) cache.delete(cache.keys().next().value!);
    }
    return statement;
  };
  return database;
}

async function loadSqlite(): Promise<SqliteConstructor> {
  try {
    const module = (await import('better-sqlite3')) as unknown as { default: SqliteConstructor };
    return module.default;
  } catch (error) {
    throw new Error(
      `SQLite needs the optional package better-sqlite3, which is not installed or not built for this Node (it compiles from source: python3, make and a C++ compiler). Install it with \`npm install ${SQLITE_PACKAGE}\`, or use PostgreSQL: --db postgres://USER@HOST/DB.`,
      { cause: error },
    );
  }
}

// PostgreSQL's bigint (counts, epoch milliseconds, arrival numbers) as JavaScript numbers:
// every value we store fits in 2^53.
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format ?? 'text'))) as typeof pg.types.getTypeParser,
};

export interface StoreOptions {
  poolSize?: number;
  /** SQLite: checkpoint the WAL on a thread of its own (checkpointer.ts). For the long-running server. */
  backgroundCheckpoints?: boolean;
}

/** Opens the database and runs the migrations (a new SQLite file is created with its folder). */
export async function openStore(spec: DbSpec, options: StoreOptions = {}): Promise<Store> {
  let db: Kysely<Database>;
  let checkpointer: Checkpointer | null = null;
  if (spec.dialect === 'sqlite') {
    const Sqlite = await loadSqlite();
    mkdirSync(dirname(spec.path), { recursive: true });
    const database = new Sqlite(spec.path);
    // WAL: readers never wait for the writer; a committed transaction survives a killed
    // process (synchronous=NORMAL syncs at checkpoints, so a power cut may lose the newest).
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('busy_timeout = 5000');
    // 32 MiB of page cache (2 MiB by default): the machines and events indexes of a large fleet stay in memory.
    database.pragma('cache_size = -32768');
    database.pragma('foreign_keys = ON');
    if (options.backgroundCheckpoints) {
      // 4,096 pages (16 MiB) instead of 1,000: a commit checkpoints only what the thread has not copied yet.
      database.pragma('wal_autocheckpoint = 4096');
      checkpointer = startCheckpointer(spec.path);
    }
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingPrepare(database) as never }) });
  } else {
    const pool = new pg.Pool({ connectionString: spec.url, max: options.poolSize ?? 10, types: pgTypes });
    // An idle client losing its connection must not take the server down; the next query reconnects.
    pool.on('error', (error) => console.error(`bootmend-server: PostgreSQL connection lost: ${error.message}`));
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  try {
    await migrateToLatest(db as Kysely<unknown>, spec.dialect);
  } catch (error) {
    await checkpointer?.stop();
    await db.destroy();
    throw error;
  }
  return {
    db,
    spec,
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}
