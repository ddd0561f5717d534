import { createWriteStream, existsSync } from 'node:fs';
import { once } from 'node:events';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorker, flag, fmt, median, option, settle, timed } from './harness.js';
import { encodeLine } from '../main/journal/journal.js';
import { fakeGuid, seededRng } from '../main/keys/fake-keys.js';

/**
 * Journal benchmark (not part of npm test): `npm run bench:journal` (= `tsx bench/journal.ts`)
 * `[--events N] [--runs N] [--keep]`.
 * Writes a journal of 100,000 events (default) the way a long incident fills one: machines
 * added, a path chosen, steps confirmed, some paused and resumed, a key revealed for one in
 * three, stick results read back for one in four, an outcome (a few undone and recorded again).
 * As the app leaves it, a snapshot of the derived state (written every 1,000 events) sits beside
 * it, covering all but the last 999 events. Per run, in a child process each (bundled with
 * esbuild, run by node): Bootmend opening it (read, check the snapshot against the file's bytes,
 * restore every machine's state, checksum and parse the 999 lines after it) and the reference
 * (read and JSON.parse every line, nothing else). Once, before the runs: Bootmend's first open
 * without a snapshot (every line checksummed, parsed and folded). Target: Bootmend's open < 1 s.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const EVENTS = Number(option('--events') ?? 100_000) || 100_000;
const runs = Number(option('--runs') ?? 5) || 5;
const keep = flag('--keep');

const uuid = (rng: () => number): string => {
  const g = fakeGuid(rng).toLowerCase();
  return `${g.slice(0, 14)}4${g.slice(15, 19)}8${g.slice(20)}`;
};

function stickResult(name: string, at: string, file: string) {
  return {
    schemaVersion: 1,
    playbook: { id: 'crowdstrike-cf291', version: '1.0.0' },
    mediumId: 'bench-stick',
    machine: { name, serial: null, manufacturer: 'Dell Inc.', model: 'Latitude 5440' },
    environment: 'winpe',
    utcOffsetMinutes: -420,
    volumes: [{ volume: 'C:', bitlocker: 'unlocked-by-bootmend', keyId: null, outcome: 'fixed' }],
    files: [
      {
        volume: 'C:',
        path: file,
        targetId: 'channel-file-291',
        sizeBytes: 42_312,
        modifiedUtc: '2024-07-19T04:09:00Z',
        checks: { modifiedUtc: 'pass', sizeBytes: 'not-required', leadingBytes: 'pass', sha256: 'not-required' },
        action: 'quarantined',
        quarantinePath: `E:\\bootmend\\quarantine\\${name}\\1\\C\\x.sys`,
        note: null,
      },
    ],
    safeBoot: { requested: null, result: null },
    outcome: 'fixed',
    startedAt: at,
    endedAt: at,
  };
}

async function makeJournal(file: string): Promise<number> {
  const rng = seededRng(20240719);
  const out = createWriteStream(file);
  let seq = 0;
  let time = Date.parse('2024-07-19T06:00:00Z');
  let machines = 0;
  const buffer: string[] = [];
  const put = async (event: { id: string; type: string; [field: string]: unknown }): Promise<void> => {
    seq += 1;
    time += 1000 + Math.floor(rng() * 20_000);
    buffer.push(encodeLine({ ...event, seq, at: new Date(time).toISOString() }));
    if (buffer.length >= 5000 && !out.write(buffer.splice(0).join(''))) await once(out, 'drain');
  };
  const sites = ['Berlin', 'Munich', 'Hamburg', 'Frankfurt', 'Stuttgart'];
  while (seq < EVENTS) {
    machines += 1;
    const machineId = uuid(rng);
    const machine = { hostname: `PC-${String(machines).padStart(6, '0')}`, serial: `SN${Math.floor(rng() * 1e9)}`, assetTag: `AT-${machines}`, site: sites[machines % sites.length] };
    const base = { machineId, machine, technician: `Technician ${machines % 40}` };
    const path = (['winpe', 'winre', 'safe_mode'] as const)[machines % 3];
    await put({ ...base, id: uuid(rng), type: 'machine.added', source: machines % 2 ? 'scanned' : 'typed' });
    await put({ ...base, id: uuid(rng), type: 'machine.path_chosen', path });
    if (machines % 3 === 0) await put({ id: uuid(rng), type: 'key.revealed', keyId: fakeGuid(rng), device: machine.hostname, machine: machine.hostname, technician: base.technician, reason: 'Recovery screen', source: 'vault', machineId });
    for (let step = 0; step < 5; step += 1) {
      await put({ ...base, id: uuid(rng), type: 'machine.step_confirmed', path, step, title: `Step ${step + 1} of the walkthrough` });
      if (step === 2 && machines % 5 === 0) {
        await put({ ...base, id: uuid(rng), type: 'machine.paused' });
        await put({ ...base, id: uuid(rng), type: 'machine.resumed' });
      }
    }
    if (machines % 4 === 0) {
      const at = new Date(time).toISOString().replace(/\.\d+Z$/, 'Z');
      await put({ ...base, id: uuid(rng), type: 'machine.result_read', resultKey: uuid(rng), file: `${machine.hostname}.json`, result: stickResult(machine.hostname, at, 'C:\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291-00000000-00000032.sys') });
    }
    const outcomeId = uuid(rng);
    await put({ ...base, id: outcomeId, type: 'machine.outcome', outcome: machines % 20 === 0 ? 'needs_reimage' : 'fixed', path, filesRemoved: ['C:\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291-00000000-00000032.sys'], notes: 'Booted to the sign-in screen' });
    if (machines % 50 === 0) {
      await put({ ...base, id: uuid(rng), type: 'machine.outcome_undone', undoes: outcomeId });
      await put({ ...base, id: uuid(rng), type: 'machine.outcome', outcome: 'fixed', path, filesRemoved: [] });
    }
  }
  out.end(buffer.join(''));
  await once(out, 'finish');
  return machines;
}

const mib = (kib: number | null): string => (kib === null ? '?' : `${(kib / 1024).toFixed(0)} MiB`);

interface Report {
  ms: number;
  cpuMs: number;
  events: number;
  machines: number;
  snapshot?: string;
  vmHwmKiB: number | null;
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'bootmend-bench-journal-'));
  try {
    const file = path.join(work, 'events.ndjson');
    let started = performance.now();
    const machines = await makeJournal(file);
    console.log(`generated ${EVENTS.toLocaleString('en')}+ events for ${machines.toLocaleString('en')} machines, ${((await stat(file)).size / 1e6).toFixed(0)} MB in ${fmt(performance.now() - started)} (${file})`);
    const worker = path.join(work, 'journal-worker.mjs');
    await bundleWorker(path.join(here, 'journal-worker.ts'), worker);

    // The app snapshots every 1,000 events: the worst case it leaves is 999 events after the snapshot.
    const whole = await readFile(file);
    let cut = whole.length - 1;
    for (let lines = 0; lines < 999; lines += 1) cut = whole.lastIndexOf(0x0a, cut - 1);
    await writeFile(file, whole.subarray(0, cut + 1));
    const first = JSON.parse(timed(process.execPath, [worker, 'first', file]).stdout.trim().split('\n').pop()!) as Report;
    await appendFile(file, whole.subarray(cut + 1));
    console.log(`first open without a snapshot (of all but the last 999 events; it leaves the snapshot): ${fmt(first.ms)} (CPU ${fmt(first.cpuMs)}), peak RSS ${mib(first.vmHwmKiB)}`);

    const ours: number[] = [];
    const oursWork: number[] = [];
    const ref: number[] = [];
    const refWork: number[] = [];
    const oursCpu: number[] = [];
    const refCpu: number[] = [];
    for (let run = 1; run <= runs; run += 1) {
      // Alternate who goes first; both read the file from the page cache.
      const order = run % 2 === 1 ? (['bootmend', 'reference'] as const) : (['reference', 'bootmend'] as const);
      for (const mode of order) {
        settle();
        started = performance.now();
        const report = JSON.parse(timed(process.execPath, [worker, mode, file]).stdout.trim().split('\n').pop()!) as Report;
        const wall = performance.now() - started;
        if (mode === 'bootmend' && report.snapshot !== 'used') throw new Error(`the snapshot was ${report.snapshot ?? 'not read'}`);
        (mode === 'bootmend' ? ours : ref).push(wall);
        (mode === 'bootmend' ? oursWork : refWork).push(report.ms);
        (mode === 'bootmend' ? oursCpu : refCpu).push(report.cpuMs);
        console.log(`run ${run}/${runs} ${mode.padEnd(9)}: ${fmt(wall)} whole process, ${fmt(report.ms)} open (CPU ${fmt(report.cpuMs)}; ${report.events.toLocaleString('en')} events, ${report.machines.toLocaleString('en')} machines), peak RSS ${mib(report.vmHwmKiB)}`);
      }
    }
    const [o, ow, r, rw] = [median(ours), median(oursWork), median(ref), median(refWork)];
    console.log(`median of ${runs}: Bootmend open ${fmt(ow)} (whole process ${fmt(o)}); reference JSON.parse of every line ${fmt(rw)} (whole process ${fmt(r)})`);
    console.log(`median CPU time of the open: Bootmend ${fmt(median(oursCpu))}, reference ${fmt(median(refCpu))}; load average now ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`);
    console.log(`ratio Bootmend / reference: ${(ow / rw).toFixed(2)} (open), ${(o / r).toFixed(2)} (whole process); target: Bootmend's open < 1 s`);
  } finally {
    if (keep) console.log(`kept ${work}`);
    else if (existsSync(work)) await rm(work, { recursive: true, force: true });
  }
}

await main();
