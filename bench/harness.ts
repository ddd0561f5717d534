import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { build } from 'esbuild';

/** What every benchmark here shares: options, whole-process timing, medians, and the worker bundle. */

const args = process.argv.slice(2);

/** `--name VALUE` from the command line. */
export function option(name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

export function flag(name: string): boolean {
  return args.includes(name);
}

/** Runs a command to completion and times it as a whole process (start-up included, as a technician waits for it). */
export function timed(command: string, commandArgs: string[], env: NodeJS.ProcessEnv = process.env): { ms: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync(command, commandArgs, { encoding: 'utf8', env, maxBuffer: 16 << 20 });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} failed (${result.status}): ${result.stderr}`);
  return { ms, stdout: result.stdout };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Both sides start with the previous output flushed, so neither pays for the other's writeback. */
export function settle(): void {
  spawnSync('sync');
}

export const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

export interface Timings {
  label: string;
  target: string;
  /** Bootmend as a whole process (node start-up included, as a CLI user waits for it). */
  ours: number[];
  /** Bootmend's own work inside that process, as the app (already running) waits for it. */
  inProcess: number[];
  ref: number[];
}

/**
 * Medians and ratios, twice: for Bootmend's whole process (the CLI's case: node's start-up,
 * ~0.1 s here, is in it) and for its work alone (the app's case: the engine runs in the app,
 * already started). The reference tools are native programs that start in about a millisecond,
 * so their whole-process time is their work.
 */
export function printMedians(runs: number, rows: readonly Timings[]): void {
  console.log(`median of ${runs}               Bootmend (its work)   reference   ratio (work)   target`);
  for (const row of rows) {
    const ours = median(row.ours);
    const work = median(row.inProcess);
    const ref = median(row.ref);
    const times = `${fmt(ours)} (${fmt(work)})`;
    console.log(`${row.label.padEnd(26)} ${times.padStart(17)}   ${fmt(ref).padStart(9)}   ${(ours / ref).toFixed(2)} (${(work / ref).toFixed(2)})    <= ${row.target}`);
  }
}

/**
 * Bundles a bench worker with esbuild, so Bootmend's side runs as plain `node` like the
 * reference tools. Split at dynamic imports (as the engines load what only some runs need,
 * e.g. the drive list), so a process parses only the code it runs.
 */
export async function bundleWorker(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: { [path.basename(outfile, path.extname(outfile))]: entry },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir: path.dirname(outfile),
    outExtension: { '.js': path.extname(outfile) || '.js' },
    logLevel: 'error',
    external: ['electron'],
    // CommonJS dependencies (systeminformation) require Node built-ins: give the ESM bundle a require.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
}

