import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createToken } from '../server/auth/tokens.js';
import { parseDbSpec, type DbSpec } from '../server/db/connect.js';
import { startServer } from '../server/start.js';
import type { ApiEvent } from '../core/backend/schemas.js';
import { option } from './harness.js';

/**
 * `npm run bench:server -- [--db sqlite:PATH|postgres://…] [--clients 200] [--batch 50] [--seconds 60]`
 * N clients post batches of events to a listening server for the given time; then the same
 * number of events go straight into the same database's events table as plain multi-row
 * inserts of the same batch size, one transaction each (no HTTP, JSON, auth or status
 * derivation), as the floor. Prints events/s, p50/p99 latency and the ratio.
 */

const clients = Number(option('--clients') ?? 200);
const batchSize = Number(option('--batch') ?? 50);
const seconds = Number(option('--seconds') ?? 60);
const scratch = mkdtempSync(join(tmpdir(), 'bootmend-bench-server-'));
const spec: DbSpec = parseDbSpec(option('--db'), {}, join(scratch, 'bench.db'));

function batch(client: number, n: number): ApiEvent[] {
  return Array.from({ length: batchSize }, (_, i) => ({
    id: randomUUID(),
    machine: { hostname: `PC-${client}-${(n * batchSize + i) % 500}`, site: `Site ${client % 20}` },
    status: i % 4 === 0 ? 'in_progress' : 'fixed',
    method: 'winpe',
    at: new Date(Date.UTC(2024, 6, 19) + n * batchSize + i).toISOString(),
    technician: `Tech ${client}`,
  }));
}

const server = await startServer(spec, { port: 0, host: '127.0.0.1' });
try {
  const { token } = await createToken(server.store.db, 'technician', 'bench');
  const latencies: number[] = [];
  let events = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const body = JSON.stringify({ events: batch(c, n) });
        const t0 = performance.now();
        const res = await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
        if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        events += batchSize;
      }
    }),
  );
  const httpSeconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;

  // The floor: the same number of events in the same batch size, straight into the events table.
  const db = server.store.db;
  const machineId = randomUUID();
  await db.insertInto('machines').values({ id: machineId, host_key: 'bench-raw', hostname: 'BENCH-RAW', serial: null, asset_tag: null, site: null, owner: null, status: 'pending', created_at: new Date().toISOString() }).execute();
  const rawStarted = performance.now();
  for (let n = 0, done = 0; done < events; n++, done += batchSize) {
    const rows = batch(100_000 + (n % clients), n).map((e) => ({ id: e.id, machine_id: machineId, status: e.status, method: e.method ?? null, at: e.at, at_ms: Date.parse(e.at), technician: e.technician ?? null, notes: null, files: null, received_at: new Date().toISOString() }));
    await db.transaction().execute((trx) => trx.insertInto('events').values(rows).execute());
  }
  const rawSeconds = (performance.now() - rawStarted) / 1000;

  const httpRate = events / httpSeconds;
  const rawRate = events / rawSeconds;
  console.log(`bench:server on ${spec.dialect}: ${clients} clients × ${batchSize}-event batches for ${seconds} s`);
  console.log(`  HTTP API:   ${events} events in ${httpSeconds.toFixed(1)} s = ${Math.round(httpRate)} events/s; latency p50 ${pct(0.5).toFixed(1)} ms, p99 ${pct(0.99).toFixed(1)} ms`);
  console.log(`  raw insert: ${events} events in ${rawSeconds.toFixed(1)} s = ${Math.round(rawRate)} events/s (plain batched insert, one transaction per batch)`);
  console.log(`  ratio HTTP / raw: ${(httpRate / rawRate).toFixed(2)}   (targets on SQLite: ≥ 10,000 events/s, p99 < 100 ms)`);
} finally {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
}
