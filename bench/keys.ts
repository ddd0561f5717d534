import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorker, flag, fmt, option, settle, timed } from './harness.js';
import { fakeGuid, fakeRecoveryPassword, seededRng } from '../main/keys/fake-keys.js';

/**
 * Key-vault benchmark (not part of npm test): `npm run bench:keys` (= `tsx bench/keys.ts`)
 * `[--rows N] [--runs N] [--keep]`.
 * Generates a 1,000,000-row Entra-style CSV of fake, checksum-valid keys once in a temp
 * folder, then per run: `wc -l` of that file (the floor: reading it once), Bootmend's import
 * into a fresh vault (a child process, so the peak RSS is Bootmend's), and 10,000 random
 * lookups (8-character prefixes, full IDs in several spellings, device names) against the
 * vault just written. Targets: import <= 15 s, lookup p99 < 1 ms.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const ROWS = Number(option('--rows') ?? 1_000_000) || 1_000_000;
const runs = Number(option('--runs') ?? 2) || 2;
const keep = flag('--keep');
const LOOKUPS = 10_000;
const PASSPHRASE = 'bench passphrase (not a secret)';

/** Entra/Intune backup layout; one device in ten has a second key (a data volume), so device lookups are sometimes ambiguous. */
async function makeCsv(file: string): Promise<string[]> {
  const rng = seededRng(20240719);
  const out = createWriteStream(file);
  const sampleEvery = Math.max(1, Math.floor(ROWS / LOOKUPS));
  const queries: string[] = [];
  let lines: string[] = ['DeviceName,DeviceId,RecoveryKeyId,CreatedDateTime,RecoveryKey,VolumeType'];
  let device = 0;
  for (let row = 0; row < ROWS; row += 1) {
    const second = row % 10 === 9;
    if (!second) device += 1;
    const name = `PC-${['BER', 'MUC', 'HAM', 'FRA', 'STU'][device % 5]}-${String(device).padStart(7, '0')}`;
    const id = fakeGuid(rng);
    const created = new Date(Date.UTC(2023, 0, 1) + Math.floor(rng() * 5e10)).toISOString().replace(/\.\d+Z$/, 'Z');
    lines.push(`${name},${second ? fakeGuid(rng).toLowerCase() : fakeGuid(rng).toLowerCase()},${id},${created},${fakeRecoveryPassword(rng)},${second ? '2' : '1'}`);
    if (row % sampleEvery === 0 && queries.length < LOOKUPS) {
      const kind = queries.length % 4;
      queries.push(kind === 0 ? id.slice(0, 8) : kind === 1 ? id : kind === 2 ? `{${id.toLowerCase()}}` : name.toLowerCase());
    }
    if (lines.length >= 10_000) {
      if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
      lines = [];
    }
  }
  out.end(lines.length > 0 ? `${lines.join('\n')}\n` : '');
  await once(out, 'finish');
  return queries;
}

const mib = (kib: number | null): string => (kib === null ? '?' : `${(kib / 1024).toFixed(0)} MiB`);

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'bootmend-bench-keys-'));
  try {
    const csv = path.join(work, 'keys.csv');
    let started = performance.now();
    const queries = await makeCsv(csv);
    const queryFile = path.join(work, 'queries.json');
    await writeFile(queryFile, JSON.stringify(queries));
    console.log(`generated ${ROWS.toLocaleString('en')} rows, ${((await stat(csv)).size / 1e6).toFixed(0)} MB in ${fmt(performance.now() - started)} (${csv})`);

    const worker = path.join(work, 'keys-worker.mjs');
    await bundleWorker(path.join(here, 'keys-worker.ts'), worker);
    const env = { ...process.env, BOOTMEND_VAULT_PASSPHRASE: PASSPHRASE };

    for (let run = 1; run <= runs; run += 1) {
      settle();
      const wc = timed('wc', ['-l', csv]);
      const vault = path.join(work, `vault-${run}.bmv`);
      started = performance.now();
      const imp = timed(process.execPath, [worker, 'import', csv, vault, path.join(work, `journal-${run}.ndjson`)], env);
      const wall = performance.now() - started;
      const report = JSON.parse(imp.stdout.trim().split('\n').pop()!) as { ms: number; vmHwmKiB: number | null; vaultBytes: number; imported: number; duplicates: number; rejected: number };
      console.log(
        `run ${run}/${runs} import: ${fmt(wall)} (in-process ${fmt(report.ms)}), peak RSS ${mib(report.vmHwmKiB)}, vault ${(report.vaultBytes / 1e6).toFixed(0)} MB, ` +
          `${report.imported.toLocaleString('en')} keys (${report.duplicates} duplicates, ${report.rejected} rejected); floor wc -l ${fmt(wc.ms)} (${wc.stdout.trim().split(/\s+/)[0]} lines)`,
      );
      const look = JSON.parse(timed(process.execPath, [worker, 'lookup', vault, queryFile], env).stdout.trim().split('\n').pop()!) as {
        openMs: number; indexMs: number; p50Us: number; p99Us: number; maxUs: number; found: number; total: number; vmHwmKiB: number | null;
      };
      console.log(
        `run ${run}/${runs} lookup: ${look.total} lookups (${look.found} found or ambiguous) p50 ${look.p50Us.toFixed(1)} µs, p99 ${look.p99Us.toFixed(1)} µs, max ${(look.maxUs / 1000).toFixed(2)} ms; ` +
          `vault open ${fmt(look.openMs)}, index ${fmt(look.indexMs)}, peak RSS ${mib(look.vmHwmKiB)}`,
      );
      await rm(vault, { force: true });
    }
    console.log('targets: import <= 15 s, lookup p99 < 1 ms');
  } finally {
    if (keep) console.log(`kept ${work}`);
    else if (existsSync(work)) await rm(work, { recursive: true, force: true });
  }
}

await main();
