import { randomUUID } from 'node:crypto';
import Sqlite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { expect, it } from 'vitest';
import type { Summary } from '../../core/backend/schemas.js';
import { createToken } from '../auth/tokens.js';
import { openStore, type DbSpec } from '../db/connect.js';
import { appliedMigrations, migrations, migrator } from '../db/migrations.js';
import { startServer } from '../start.js';
import { eachDatabase } from '../../test/server-harness.js';

/** A plain connection that runs no migration, as an older bootmend-server left the database. */
function rawConnection(spec: DbSpec): Kysely<unknown> {
  if (spec.dialect === 'sqlite') return new Kysely({ dialect: new SqliteDialect({ database: new Sqlite(spec.path) }) });
  return new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: spec.url, max: 2 }) }) });
}

eachDatabase('versioned migrations run at start', (db) => {
  const every = Object.keys(migrations(db.dialect)).sort();

  it('brings a new database to the newest version at the first start, and a restart applies nothing again and keeps the data', async () => {
    expect(every[0]).toMatch(/^0001_/);
    const spec = await db.emptySpec();
    const first = await openStore(spec);
    try {
      expect(await appliedMigrations(first.db as Kysely<unknown>)).toEqual(every);
      await createToken(first.db, 'admin', 'kept across restarts');
    } finally {
      await first.close();
    }
    const again = await openStore(spec);
    try {
      expect(await appliedMigrations(again.db as Kysely<unknown>)).toEqual(every);
      expect(await again.db.selectFrom('tokens').select('name').execute()).toEqual([{ name: 'kept across restarts' }]);
    } finally {
      await again.close();
    }
  });

  it('upgrades a database an older version left (machines, no summary counters yet): the new migrations run at start and count the machines already there', async () => {
    const spec = await db.emptySpec();
    const old = rawConnection(spec);
    try {
      const { error } = await migrator(old, db.dialect).migrateTo('0002_key_escrow_audit');
      expect(error).toBeUndefined();
      const now = new Date().toISOString();
      const rows = [
        ['PC-1', 'Berlin', 'fixed', 'Ann'],
        ['PC-2', 'Berlin', 'pending', null],
        ['PC-3', 'Munich', 'failed', 'Bo'],
        ['PC-4', null, 'fixed', 'Ann'],
      ] as const;
      for (const [hostname, site, status, technician] of rows) {
        await sql`insert into machines (id, host_key, hostname, site, status, technician, created_at) values (${randomUUID()}, ${hostname.toLowerCase()}, ${hostname}, ${site}, ${status}, ${technician}, ${now})`.execute(old);
      }
    } finally {
      await old.destroy();
    }

    const server = await startServer(spec);
    try {
      expect(await appliedMigrations(server.store.db as Kysely<unknown>)).toEqual(every);
      const { token } = await createToken(server.store.db, 'helpdesk', 'after the upgrade');
      const summary = (await server.app.inject({ method: 'GET', url: '/api/v1/summary', headers: { authorization: `Bearer ${token}` } })).json<Summary>();
      expect(summary).toMatchObject({ total: 4, byStatus: { fixed: 2, pending: 1, failed: 1 } });
      expect(summary.bySite).toEqual(expect.arrayContaining([expect.objectContaining({ site: 'Berlin', total: 2, up: 1 }), expect.objectContaining({ site: 'Munich', total: 1, up: 0 })]));
      expect(summary.byTechnician).toEqual(expect.arrayContaining([expect.objectContaining({ technician: 'Ann', machines: 2, fixed: 2 })]));
    } finally {
      await server.close();
    }
  });

  if (db.dialect === 'postgres') {
    it('four instances starting together on one empty PostgreSQL database all come up, and each migration is applied once', async () => {
      const spec = await db.emptySpec();
      const stores = await Promise.all(Array.from({ length: 4 }, () => openStore(spec, { poolSize: 2 })));
      try {
        const rows = await sql<{ name: string; n: number }>`select name, count(*)::int as n from bootmend_migrations group by name order by name`.execute(stores[0]!.db);
        expect(rows.rows).toEqual(every.map((name) => ({ name, n: 1 })));
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });
  }
});
