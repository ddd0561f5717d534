import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, get as httpGet, request as httpRequest, type IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { sql, type Kysely } from 'kysely';
import { createToken } from '../server/auth/tokens.js';
import { openStore, parseDbSpec, type DbSpec } from '../server/db/connect.js';
import type { Database } from '../server/db/schema.js';
import type { ApiEvent } from '../core/backend/schemas.js';
import { uuidv7 } from '../core/uuid7.js';
import { startPostgres, type PostgresCluster } from '../test/postgres.js';
import { flag, median, option } from './harness.js';

/**
 * `npm run bench:server -- [--db sqlite:PATH|postgres://…] [--sqlite-only|--postgres-only] [--clients 200] [--batch 50] [--spread]
 * [--seconds 60] [--rates 2000,4000,8000] [--paced-seconds 20] [--machines 1000000] [--fleet-only] [--profile DIR]`
 *
 * Per database (SQLite in a temp folder, and a private durable PostgreSQL cluster unless --db or
 * --sqlite-only says otherwise), with the server in its own process (bench/server-worker.ts):
 * - paced: the clients post at a fixed offered rate (each rate in --rates); latency counts from
 *   when a batch was due, so a server that falls behind shows it (no coordinated omission);
 * - saturated: every client posts its next batch as soon as the last is answered, for --seconds;
 * - raw: the same number of events, same batch size, straight into the events table as plain
 *   multi-row inserts, one transaction each, from this process (no HTTP, JSON, auth, status);
 * - summary over --machines machines: GET /api/v1/summary vs the plain GROUP BY queries it replaced;
 * - export of those machines as CSV: rows/s and the server's peak RSS, vs reading the rows raw.
 * `--fleet-only` skips the load runs; `--profile DIR` writes the server's CPU profiles (node --cpu-prof) there.
 */

const clients = Number(option('--clients') ?? 200);
const batchSize = Number(option('--batch') ?? 50);
const seconds = Number(option('--seconds') ?? 60);
const pacedSeconds = Number(option('--paced-seconds') ?? 20);
const rates = (option('--rates') ?? '2000,4000,8000').split(',').map(Number);
const machineCount = Number(option('--machines') ?? 1_000_000);
const scratch = mkdtempSync(join(tmpdir(), 'bootmend-bench-server-'));

/** What a technician's journal sends per machine (core/backend/events.ts): the path chosen, three steps confirmed, the outcome. */
const JOURNEY = 5;
const spread = flag('--spread');

/**
 * A client's n-th batch. By default each client (a technician) works through its own machines one
 * after the other, JOURNEY events each, so a 50-event batch names about ten machines, as a synced
 * journal does. `--spread`: every event of a batch names another of the client's 500 machines,
 * which flip between in progress and fixed (the worst case: one machine update per event).
 */
function batch(client: number, n: number): ApiEvent[] {
  return Array.from({ length: batchSize }, (_, i): ApiEvent => {
    const j = n * batchSize + i;
    // The app's journal makes time-ordered ids (core/uuid7.ts); --spread keeps the random ones older journals made.
    const common = { id: spread ? randomUUID() : uuidv7(), method: 'winpe' as const, technician: `Tech ${client}` };
    if (spread) return { ...common, machine: { hostname: `PC-${client}-${j % 500}`, site: `Site ${client % 20}` }, status: i % 4 === 0 ? 'in_progress' : 'fixed', at: new Date(Date.UTC(2024, 6, 19) + j).toISOString() };
    const outcome = j % JOURNEY === JOURNEY - 1;
    return {
      ...common,
      machine: { hostname: `PC-${client}-${Math.floor(j / JOURNEY)}`, site: `Site ${client % 20}` },
      status: outcome ? 'fixed' : 'in_progress',
      at: new Date(Date.UTC(2024, 6, 19) + j * 1000).toISOString(),
      ...(outcome ? { notes: 'Removed the faulty channel file.', files: ['C:\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291-00000000-00000032.sys'] } : {}),
    };
  });
}

interface Worker {
  url: string;
  child: ChildProcess;
  /** The server process's resident memory now, in bytes. */
  rss(): number;
  stop(): Promise<void>;
}

/**
 * The worker as one esbuild bundle of our sources run by plain node, as a deployed server runs
 * (tsx compiling on the fly costs start time and ~100 MiB of memory). Its dependencies stay
 * outside (better-sqlite3 is native), so the bundle sits where node_modules resolves.
 */
const workerBundle = join(import.meta.dirname, '..', 'node_modules', '.cache', 'bootmend-bench-server', 'worker.mjs');
await build({ entryPoints: [join(import.meta.dirname, 'server-worker.ts')], outfile: workerBundle, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' });

async function startWorker(spec: DbSpec): Promise<Worker> {
  const target = spec.dialect === 'sqlite' ? `sqlite:${spec.path}` : spec.url;
  const profile = option('--profile');
  const child = spawn(process.execPath, [...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : []), workerBundle, target], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
  });
  const { url } = JSON.parse(line) as { url: string };
  const status = (field: string) => Number(/(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(field)) ?? '')?.[1] ?? 0) * 1024;
  return {
    url,
    child,
    rss: () => status('VmRSS:'),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

interface LoadResult {
  events: number;
  seconds: number;
  p50: number;
  p99: number;
}

/**
 * The clients' connections: node:http with one keep-alive socket per client. Global fetch (undici)
 * served 200 concurrent clients unfairly: some clients' first request waited the whole run while
 * others sent 18, which showed as a server p99 of the run's length.
 */
const clientAgent = new Agent({ keepAlive: true, maxSockets: Infinity });

function postEvents(url: string, token: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/api/v1/events`, { method: 'POST', agent: clientAgent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `rate` events/s offered in total, or as fast as answered when null. */
async function load(url: string, token: string, runSeconds: number, rate: number | null, offset: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let events = 0;
  const started = performance.now();
  const deadline = started + runSeconds * 1000;
  const interval = rate === null ? 0 : (clients * batchSize * 1000) / rate;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      // Clients start spread over one interval, as independent technicians would.
      let due = started + (interval * c) / clients;
      for (let n = 0; ; n++) {
        if (rate !== null) {
          if (due >= deadline) return;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        } else if (performance.now() >= deadline) return;
        const body = JSON.stringify({ events: batch(c, offset + n) });
        const sent = performance.now();
        await postEvents(url, token, body);
        latencies.push(performance.now() - (rate === null ? sent : due));
        events += batchSize;
        due += interval;
      }
    }),
  );
  const took = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return { events, seconds: took, p50: pct(0.5), p99: pct(0.99) };
}

async function rawInsert(db: Kysely<Database>, events: number): Promise<number> {
  const machineId = randomUUID();
  await db.insertInto('machines').values({ id: machineId, host_key: `bench-raw-${machineId}`, hostname: 'BENCH-RAW', serial: null, asset_tag: null, site: null, owner: null, status: 'pending', created_at: new Date().toISOString() }).execute();
  const started = performance.now();
  for (let n = 0, done = 0; done < events; n++, done += batchSize) {
    const rows = batch(100_000 + (n % clients), n).map((e) => ({ id: e.id, machine_id: machineId, status: e.status, method: e.method ?? null, at: e.at, at_ms: Date.parse(e.at), technician: e.technician ?? null, notes: null, files: null, received_at: new Date().toISOString() }));
    await db.transaction().execute((trx) => trx.insertInto('events').values(rows).execute());
  }
  return (performance.now() - started) / 1000;
}

/** A fleet of `count` machines in one statement per database: varied statuses, 50 sites, 300 technicians, the fixed ones up over the last 48 hours. */
async function seedFleet(db: Kysely<Database>, dialect: DbSpec['dialect'], count: number): Promise<void> {
  const now = Date.now();
  const statuses = `case i % 7 when 0 then 'pending' when 1 then 'in_progress' when 2 then 'nothing_to_do' when 3 then 'escalated' else 'fixed' end`;
  const fixed = `i % 7 >= 4`;
  const columns = `'m' || i, 'pc-' || i, 'PC-' || i, 'SN' || i, null, 'Site ' || (i % 50), null, ${statuses},
    case when i % 7 = 0 then null else 'winpe' end, case when i % 7 = 0 then null else 'Tech ' || (i % 300) end, null, null,
    '2024-07-19T08:00:00.000Z', 1721376000000, '2024-07-19T09:00:00.000Z', 1721379600000, i,
    case when ${fixed} then ${now} - (i % 172800) * 1000 else null end, '2024-07-19T07:00:00.000Z'`;
  const target = 'insert into machines (id, host_key, hostname, serial, asset_tag, site, owner, status, method, technician, notes, files, first_event_at, first_at_ms, last_event_at, last_at_ms, last_seq, up_at_ms, created_at)';
  if (dialect === 'postgres') await sql.raw(`${target} select ${columns} from generate_series(1, ${count}) as g(i)`).execute(db);
  else await sql.raw(`with recursive g(i) as (select 1 union all select i + 1 from g where i < ${count}) ${target} select ${columns} from g`).execute(db);
}

/** The summary's counts as plain GROUP BY queries over every machine (what the tally replaced). */
async function groupBySummary(db: Kysely<Database>): Promise<void> {
  await Promise.all([
    db.selectFrom('machines').select(['status', sql<number>`count(*)`.as('n')]).groupBy('status').execute(),
    db.selectFrom('machines').select(['site', 'status', sql<number>`count(*)`.as('n')]).groupBy(['site', 'status']).execute(),
    db.selectFrom('machines').select(['technician', sql<number>`count(*)`.as('n')]).where('technician', 'is not', null).groupBy('technician').execute(),
  ]);
}

async function timeMs(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function benchDatabase(label: string, loadSpec: DbSpec, fleetSpec: DbSpec): Promise<void> {
  console.log(`\n== ${label}`);
  if (!flag('--fleet-only')) await benchLoad(loadSpec);
  await benchFleet(fleetSpec);
}

async function benchLoad(loadSpec: DbSpec): Promise<void> {
  const store = await openStore(loadSpec);
  const { token } = await createToken(store.db, 'technician', 'bench');
  const worker = await startWorker(loadSpec);
  let offset = 0;
  try {
    // Saturated first: a paced rate beyond the server's capacity leaves a backlog that the next run would inherit.
    const sat = await load(worker.url, token, seconds, null, (offset += 1_000_000));
    const httpRate = sat.events / sat.seconds;
    console.log(`  saturated, ${clients} clients × ${batchSize}-event batches for ${seconds} s: ${sat.events} events = ${Math.round(httpRate)} events/s, latency p50 ${sat.p50.toFixed(1)} ms, p99 ${sat.p99.toFixed(1)} ms`);
    for (const rate of rates) {
      const r = await load(worker.url, token, pacedSeconds, rate, (offset += 1_000_000));
      console.log(`  paced ${rate} events/s offered for ${pacedSeconds} s: ${Math.round(r.events / r.seconds)} events/s taken, latency from due time p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`);
      if (r.events / r.seconds < rate * 0.95) break;
    }
    await worker.stop();
    const rawSeconds = await rawInsert(store.db, sat.events);
    const rawRate = sat.events / rawSeconds;
    console.log(`  raw insert of the same ${sat.events} events: ${Math.round(rawRate)} events/s; ratio HTTP / raw ${(httpRate / rawRate).toFixed(2)}`);
  } finally {
    if (worker.child.exitCode === null) await worker.stop();
    await store.close();
  }
}

async function benchFleet(fleetSpec: DbSpec): Promise<void> {
  const fleet = await openStore(fleetSpec);
  const { token: helpdesk } = await createToken(fleet.db, 'helpdesk', 'bench');
  const seeded = await timeMs(() => seedFleet(fleet.db, fleetSpec.dialect, machineCount));
  console.log(`  seeded ${machineCount} machines in ${(seeded / 1000).toFixed(1)} s`);
  const server = await startWorker(fleetSpec);
  try {
    // A new connection per request (agent: false): the reference queries block this process long enough for the server to close an idle keep-alive socket under fetch's next request.
    const get = (path: string) =>
      new Promise<IncomingMessage>((resolve, reject) => {
        httpGet(`${server.url}${path}`, { agent: false, headers: { authorization: `Bearer ${helpdesk}` } }, (res) => (res.statusCode === 200 ? resolve(res) : reject(new Error(`GET ${path}: HTTP ${res.statusCode}`)))).on('error', reject);
      });
    const ours: number[] = [];
    const reference: number[] = [];
    for (let i = 0; i < 11; i++) {
      ours.push(await timeMs(async () => JSON.parse((await (await get('/api/v1/summary')).toArray()).join('')) as unknown));
      reference.push(await timeMs(() => groupBySummary(fleet.db)));
    }
    console.log(`  summary over ${machineCount} machines: median ${median(ours).toFixed(1)} ms (HTTP, token check included); plain GROUP BY queries: median ${median(reference).toFixed(1)} ms`);

    let peak = server.rss();
    const sampler = setInterval(() => (peak = Math.max(peak, server.rss())), 20);
    let rows = -1;
    const exportMs = await timeMs(async () => {
      const res = await get('/api/v1/export?format=csv');
      for await (const chunk of res as AsyncIterable<Buffer>) for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) rows++;
    });
    clearInterval(sampler);
    const rawMs = await timeMs(async () => {
      let after = '';
      for (;;) {
        const page = await fleet.db.selectFrom('machines').selectAll().where('host_key', '>', after).orderBy('host_key').limit(10_000).execute();
        if (page.length === 0) break;
        after = page.at(-1)!.host_key;
      }
    });
    console.log(`  export CSV of ${rows} machines: ${Math.round(rows / (exportMs / 1000))} rows/s, server peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB; raw read of the rows (10,000 per query, this process): ${Math.round(machineCount / (rawMs / 1000))} rows/s`);
  } finally {
    await server.stop();
    await fleet.close();
  }
}

let cluster: PostgresCluster | null = null;
try {
  const given = option('--db');
  if (given) {
    const spec = parseDbSpec(given, {}, join(scratch, 'bench.db'));
    await benchDatabase(spec.dialect, spec, spec);
  } else {
    if (!flag('--postgres-only')) await benchDatabase('SQLite (WAL, synchronous=NORMAL)', { dialect: 'sqlite', path: join(scratch, 'load.db') }, { dialect: 'sqlite', path: join(scratch, 'fleet.db') });
    if (!flag('--sqlite-only')) {
      cluster = await startPostgres({ durable: true });
      await benchDatabase('PostgreSQL 15 (fsync on, private cluster)', { dialect: 'postgres', url: await cluster.createDatabase() }, { dialect: 'postgres', url: await cluster.createDatabase() });
    }
  }
  console.log(`\ntargets on SQLite: ≥ 10,000 events/s with p99 < 100 ms, summary < 50 ms, export ≥ 100,000 rows/s under 256 MiB`);
} finally {
  clientAgent.destroy();
  await cluster?.stop();
  rmSync(scratch, { recursive: true, force: true });
}
