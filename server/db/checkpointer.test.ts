import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './connect.js';

const folders: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

async function storeWith(backgroundCheckpoints: boolean): Promise<{ store: Store; file: string }> {
  const folder = mkdtempSync(join(tmpdir(), 'bootmend-ckpt-'));
  folders.push(folder);
  const file = join(folder, 'server.db');
  const store = await openStore({ dialect: 'sqlite', path: file }, { backgroundCheckpoints });
  stores.push(store);
  await sql`create table filler (x blob)`.execute(store.db);
  return { store, file };
}

/** 8 MiB in 64 commits of 32 pages' worth: under the 16 MiB a commit waits for before checkpointing itself. */
async function write8MiB(store: Store): Promise<void> {
  const two = sql.raw('(select 1 union all select 2)');
  for (let i = 0; i < 64; i++) await sql`insert into filler (x) select randomblob(4096) from ${two} a, ${two} b, ${two} c, ${two} d, ${two} e`.execute(store.db);
}

async function databaseFileReaches(file: string, bytes: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (statSync(file).size >= bytes) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('SQLite WAL checkpoints on their own thread', () => {
  it('copies committed pages into the database file without a commit doing it', async () => {
    const { store, file } = await storeWith(true);
    await write8MiB(store);
    expect(await databaseFileReaches(file, 4 * 2 ** 20, 3000)).toBe(true);
    const rows = await sql<{ n: number }>`select count(*) as n from filler`.execute(store.db);
    expect(rows.rows[0]!.n).toBe(64 * 32);
  });

  it('without the thread the same commits leave the pages in the WAL (what the test above tells apart)', async () => {
    const { store, file } = await storeWith(false);
    await sql`pragma wal_autocheckpoint = 4096`.execute(store.db);
    await write8MiB(store);
    expect(await databaseFileReaches(file, 4 * 2 ** 20, 1000)).toBe(false);
  });

  it('stops its thread on close, and the file opens again with every row', async () => {
    const { store, file } = await storeWith(true);
    await write8MiB(store);
    await store.close();
    stores.splice(stores.indexOf(store), 1);
    const again = await openStore({ dialect: 'sqlite', path: file });
    stores.push(again);
    const rows = await sql<{ n: number }>`select count(*) as n from filler`.execute(again.db);
    expect(rows.rows[0]!.n).toBe(64 * 32);
  });

  it('close returns when nothing else keeps the process alive (a script that opens and closes the store; the demo backend on its way out)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'bootmend-ckpt-'));
    folders.push(folder);
    const script = join(folder, 'close.mts');
    const connect = fileURLToPath(new URL('./connect.ts', import.meta.url));
    writeFileSync(
      script,
      `import { openStore } from ${JSON.stringify(connect)};\nconst store = await openStore({ dialect: 'sqlite', path: ${JSON.stringify(join(folder, 'server.db'))} }, { backgroundCheckpoints: true });\nawait store.close();\nconsole.log('closed');\n`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { timeout: 30_000 });
    expect(stdout).toBe('closed\n');
  });
});
