import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { DialectName } from './connect.js';

/**
 * Versioned migrations, run at every start (connect.ts) and never edited once released: a
 * change is a new numbered entry. Kysely's migrator takes a lock first, so several
 * instances starting together on one PostgreSQL apply each migration once.
 */
export function migrations(dialect: DialectName): Record<string, Migration> {
  const pg = dialect === 'postgres';
  const bigint = pg ? 'bigint' : 'integer';
  return {
    '0001_machines_events_tokens': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('machines')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('host_key', 'text', (c) => c.notNull().unique())
          .addColumn('hostname', 'text', (c) => c.notNull())
          .addColumn('serial', 'text')
          .addColumn('asset_tag', 'text')
          .addColumn('site', 'text')
          .addColumn('owner', 'text')
          .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
          .addColumn('method', 'text')
          .addColumn('technician', 'text')
          .addColumn('notes', 'text')
          .addColumn('files', 'text')
          .addColumn('first_event_at', 'text')
          .addColumn('first_at_ms', bigint)
          .addColumn('last_event_at', 'text')
          .addColumn('last_at_ms', bigint)
          .addColumn('last_seq', bigint)
          .addColumn('up_at_ms', bigint)
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('machines_status').on('machines').columns(['status', 'host_key']).execute();
        await db.schema.createIndex('machines_site').on('machines').columns(['site', 'host_key']).execute();
        await db.schema.createIndex('machines_technician').on('machines').columns(['technician', 'host_key']).execute();
        await db.schema.createIndex('machines_up_at').on('machines').column('up_at_ms').execute();

        await db.schema
          .createTable('events')
          .addColumn('seq', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('machine_id', 'text', (c) => c.notNull().references('machines.id'))
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('method', 'text')
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('at_ms', bigint, (c) => c.notNull())
          .addColumn('technician', 'text')
          .addColumn('notes', 'text')
          .addColumn('files', 'text')
          .addColumn('received_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('events_machine').on('events').columns(['machine_id', 'at_ms', 'seq']).execute();

        await db.schema
          .createTable('tokens')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('revoked_at', 'text')
          .execute();
      },
    },
    '0002_key_escrow_audit': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('recovery_keys')
          .addColumn('key_id', 'text', (c) => c.primaryKey())
          .addColumn('device', 'text')
          .addColumn('device_id', 'text')
          .addColumn('created', 'text')
          .addColumn('volume_type', 'text')
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('sealed', 'text', (c) => c.notNull())
          .addColumn('imported_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('recovery_keys_device').on('recovery_keys').column('device').execute();
        await db.schema
          .createTable('audit')
          .addColumn('seq', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('key_id', 'text')
          .addColumn('machine', 'text')
          .addColumn('reason', 'text')
          .addColumn('result', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0003_machine_tally': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('machine_tally')
          .addColumn('dim', 'text', (c) => c.notNull())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('n', bigint, (c) => c.notNull())
          .addPrimaryKeyConstraint('machine_tally_key', ['dim', 'key', 'status'])
          .execute();
        await sql.raw(`insert into machine_tally (dim, key, status, n) ${tallyDelta([['machines', 1]])}`).execute(db);
        if (pg) {
          // Statement-level: a 500-machine update moves each counter once, in key order (no deadlock between two writers).
          await sql
            .raw(
              `create function machine_tally_apply() returns trigger language plpgsql as $$
              begin
                if tg_op = 'INSERT' then
                  insert into machine_tally (dim, key, status, n) ${tallyDelta([['new_rows', 1]])} on conflict (dim, key, status) do update set n = machine_tally.n + excluded.n;
                elsif tg_op = 'UPDATE' then
                  insert into machine_tally (dim, key, status, n) ${tallyDelta([['new_rows', 1], ['old_rows', -1]])} on conflict (dim, key, status) do update set n = machine_tally.n + excluded.n;
                else
                  insert into machine_tally (dim, key, status, n) ${tallyDelta([['old_rows', -1]])} on conflict (dim, key, status) do update set n = machine_tally.n + excluded.n;
                end if;
                return null;
              end $$`,
            )
            .execute(db);
          await sql.raw('create trigger machine_tally_insert after insert on machines referencing new table as new_rows for each statement execute function machine_tally_apply()').execute(db);
          await sql.raw('create trigger machine_tally_update after update on machines referencing old table as old_rows new table as new_rows for each statement execute function machine_tally_apply()').execute(db);
          await sql.raw('create trigger machine_tally_delete after delete on machines referencing old table as old_rows for each statement execute function machine_tally_apply()').execute(db);
        } else {
          const bump = (row: 'new' | 'old', sign: 1 | -1) =>
            TALLY_DIMS.map(
              ([dim, key, when]) =>
                `insert into machine_tally (dim, key, status, n) select ${dim.replaceAll('$', `${row}.`)}, ${key.replaceAll('$', `${row}.`)}, ${row}.status, ${sign} where ${when.replaceAll('$', `${row}.`)} on conflict (dim, key, status) do update set n = n + excluded.n;`,
            ).join('\n');
          await sql.raw(`create trigger machine_tally_insert after insert on machines begin ${bump('new', 1)} end`).execute(db);
          await sql
            .raw(`create trigger machine_tally_update after update of status, site, technician on machines when old.status is not new.status or old.site is not new.site or old.technician is not new.technician begin ${bump('old', -1)} ${bump('new', 1)} end`)
            .execute(db);
          await sql.raw(`create trigger machine_tally_delete after delete on machines begin ${bump('old', -1)} end`).execute(db);
        }
      },
    },
    '0004_audit_token': {
      // Which token acted: the key-lookup limit is counted here, so instances sharing one database share it.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('audit').addColumn('token_id', 'text').execute();
        await db.schema.createIndex('audit_token_at').on('audit').columns(['token_id', 'at']).execute();
      },
    },
  };
}

/**
 * The summary's counters (machine_tally): machines by status, by site and status (`nosite` for
 * none) and by technician and status, kept by triggers as machines change, so the summary of a
 * million machines reads a few hundred rows. Each entry: the dimension, its key, and when it counts
 * (`$` stands for the row).
 */
const TALLY_DIMS: readonly [dim: string, key: string, when: string][] = [
  [`'status'`, `''`, 'true'],
  [`case when $site is null then 'nosite' else 'site' end`, `coalesce($site, '')`, 'true'],
  [`'technician'`, '$technician', '$technician is not null'],
];

/** A select of the counters' changes from row sets (a table and the sign its rows count with), in key order. */
function tallyDelta(sources: readonly [table: string, sign: 1 | -1][]): string {
  const parts = sources.flatMap(([table, sign]) => TALLY_DIMS.map(([dim, key, when]) => `select ${dim.replaceAll('$', '')} as dim, ${key.replaceAll('$', '')} as key, status, ${sign} as n from ${table} where ${when.replaceAll('$', '')}`));
  return `select dim, key, status, sum(n) from (${parts.join(' union all ')}) as changes group by dim, key, status having sum(n) <> 0 order by dim, key, status`;
}

/** The migrator over our migrations and their bookkeeping tables (tests use it to stop at an older version). */
export function migrator(db: Kysely<unknown>, dialect: DialectName): Migrator {
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations(dialect)) };
  return new Migrator({ db, provider, migrationTableName: 'bootmend_migrations', migrationLockTableName: 'bootmend_migrations_lock' });
}

/** Brings the database to the newest version; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const { error, results } = await migrator(db, dialect).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'a migration';
    throw new Error(`The database could not be brought up to date (${failed} failed): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** The migrations applied so far, oldest first (for `/api/v1/openapi.json`'s info and tests). */
export async function appliedMigrations(db: Kysely<unknown>): Promise<string[]> {
  const rows = await sql<{ name: string }>`select name from bootmend_migrations order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}
