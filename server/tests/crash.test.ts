import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect, it, onTestFinished } from 'vitest';
import { createToken } from '../auth/tokens.js';
import { openStore, type DbSpec } from '../db/connect.js';
import { freePort } from '../../test/postgres.js';
import { eachDatabase } from '../../test/server-harness.js';

const BIN = fileURLToPath(new URL('../../bin/bootmend-server.mjs', import.meta.url));
const CLIENTS = 50;
const BATCHES = 6;
const EVENTS_PER_BATCH = 20;
/** The server is killed once this many batches were acknowledged (of 300): mid-load. */
const KILL_AFTER = 100;

function dbArg(spec: DbSpec): string {
  return spec.dialect === 'sqlite' ? `sqlite:${spec.path}` : spec.url;
}

/** Starts `bootmend-server` as its own process and resolves when it prints its address. */
function spawnServer(spec: DbSpec, port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--db', dbArg(spec), '--port', String(port), '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATABASE_URL: '' } });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`bootmend-server did not start within 60 s: ${err}`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('BOOTMEND_SERVER_URL=')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bootmend-server exited with ${code} before listening: ${err}`));
    });
  });
}

eachDatabase('kill -9 under load', (db) => {
  it(`${CLIENTS} clients posting batches, the server killed mid-load and restarted: every acknowledged event stored once, every sent event stored once after retries`, async () => {
    const spec = await db.freshSpec();
    const store = await openStore(spec);
    const { token } = await createToken(store.db, 'technician', 'crash test');
    await store.close();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/api/v1/events`;
    let server = await spawnServer(spec, port);
    onTestFinished(() => {
      server.kill('SIGKILL');
    });

    const sent = new Set<string>();
    const acknowledged = new Set<string>();
    let acknowledgedBatches = 0;
    let failedAttempts = 0;
    let answeredWithDuplicates = 0;
    let killed: Promise<void> | null = null;

    const killAndRestart = async () => {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGKILL');
      await exited;
      server = await spawnServer(spec, port);
    };

    async function client(c: number): Promise<void> {
      for (let b = 0; b < BATCHES; b++) {
        const events = Array.from({ length: EVENTS_PER_BATCH }, (_, i) => ({ id: randomUUID(), machine: { hostname: `PC-${c}-${(b * EVENTS_PER_BATCH + i) % 30}`, site: `Site ${c % 5}` }, status: i % 3 === 0 ? 'in_progress' : 'fixed', at: new Date(Date.UTC(2024, 6, 19, 8, 0, b * EVENTS_PER_BATCH + i)).toISOString(), technician: `Tech ${c}` }));
        for (const e of events) sent.add(e.id);
        const body = JSON.stringify({ events });
        // Bounded: a batch that cannot be delivered in 400 tries fails the test.
        for (let attempt = 1; ; attempt++) {
          expect(attempt, `client ${c} batch ${b} never got through`).toBeLessThanOrEqual(400);
          try {
            const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(15_000) });
            if (res.status === 200) {
              const answer = (await res.json()) as { accepted: string[]; duplicates: string[] };
              expect([...answer.accepted, ...answer.duplicates].sort()).toEqual(events.map((e) => e.id).sort());
              if (answer.duplicates.length > 0) answeredWithDuplicates++;
              for (const e of events) acknowledged.add(e.id);
              acknowledgedBatches++;
              if (acknowledgedBatches === KILL_AFTER) killed = killAndRestart();
              break;
            }
            // 503 while closing, or a 5xx: retry like a real outbox. A 4xx would be our bug.
            expect(res.status, await res.text()).toBeGreaterThanOrEqual(500);
          } catch (error) {
            if ((error as { name?: string }).name === 'AssertionError') throw error;
          }
          failedAttempts++;
          await new Promise((resolve) => setTimeout(resolve, Math.min(250, 10 * attempt)));
        }
      }
    }

    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    expect(killed, 'the server was killed mid-load').not.toBeNull();
    await killed;
    expect(failedAttempts, 'clients saw the server go away').toBeGreaterThan(0);

    const check = await openStore(spec);
    try {
      const rows = await check.db.selectFrom('events').select('id').execute();
      const stored = rows.map((r) => r.id);
      expect(stored.length).toBe(new Set(stored).size);
      expect(stored.length).toBe(CLIENTS * BATCHES * EVENTS_PER_BATCH);
      const storedSet = new Set(stored);
      expect([...acknowledged].filter((id) => !storedSet.has(id))).toEqual([]);
      expect([...sent].filter((id) => !storedSet.has(id))).toEqual([]);
      const fixed = await check.db.selectFrom('machines').select(check.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(fixed.n)).toBe(CLIENTS * 30);
    } finally {
      await check.close();
    }
    console.error(`kill -9 (${db.dialect}): ${sent.size} events sent, ${failedAttempts} failed attempts retried, batches answered with duplicates after the restart: ${answeredWithDuplicates}`);
  }, 150_000);
});
