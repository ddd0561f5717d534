import { readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { openJournal } from '../main/journal/journal.js';
import { machinesOf } from '../main/journal/machines.js';

/**
 * Opening a journal in its own process, so its peak RSS (VmHWM) is its own.
 *   node journal-worker.mjs bootmend <events.ndjson>   → what the app does on its first journal call:
 *        read the file, check every line's checksum, parse it, derive every machine's state (the in-memory index)
 *   node journal-worker.mjs first <events.ndjson>      → the same without a snapshot beside the file (the first open of
 *        a journal an older Bootmend wrote); it leaves the snapshot the app would leave at close
 *   node journal-worker.mjs reference <events.ndjson>  → the floor: read the file and JSON.parse each line, nothing else
 * Prints {ms, cpuMs, events, machines, snapshot (used | absent | ignored), vmHwmKiB}.
 */

function vmHwmKiB(): number | null {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return hwm ? Number(hwm) : null;
}

const [mode, file] = process.argv.slice(2);
if (!file || (mode !== 'bootmend' && mode !== 'first' && mode !== 'reference')) {
  console.error('usage: journal-worker.mjs bootmend|first|reference <events.ndjson>');
  process.exit(64);
}
const started = performance.now();
const cpuBefore = process.cpuUsage();
let events = 0;
let machines = 0;
let snapshot: string | undefined;
if (mode === 'first') rmSync(`${file}.snapshot`, { force: true });
if (mode === 'bootmend' || mode === 'first') {
  const journal = openJournal(file);
  const index = machinesOf(journal);
  await index.load();
  machines = index.all().length;
  events = await journal.count();
  snapshot = journal.lastOpen?.snapshot;
} else {
  const text = await readFile(file, 'utf8');
  const ids = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const event = JSON.parse(line.slice(17)) as { machineId?: string };
    events += 1;
    if (event.machineId) ids.add(event.machineId);
  }
  machines = ids.size;
}
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
// CPU time of this process (all its threads, GC included): less at the mercy of other jobs on a shared machine than the wall clock.
const cpuMs = (cpu.user + cpu.system) / 1000;
if (mode === 'first') await openJournal(file).close();
console.log(JSON.stringify({ ms, cpuMs, events, machines, snapshot, vmHwmKiB: vmHwmKiB() }));
