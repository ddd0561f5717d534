import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorker, flag, fmt, option, printMedians, settle, timed } from './harness.js';

/**
 * Media writer benchmark (not part of npm test): `npx tsx bench/media.ts [--runs N] [--tree DIR] [--keep]`.
 * Builds a ~600 MB WinPE-like tree, then in the same run times
 *   ISO: Bootmend's writeIsoFile vs `xorriso -as mkisofs -iso-level 3 -J -joliet-long -o X tree`
 *        (ISO 9660 level 3 + Joliet, no Rock Ridge: what ours writes);
 *   FAT: Bootmend's writeUsbImage (1 GiB image, MBR + FAT32) vs truncate + `mkfs.fat -F 32 --offset 2048`
 *        + `mcopy -s` of the tree into the partition.
 * Each side runs N times (default 3), alternating; medians are printed. Both sides are timed
 * as whole processes (ours: an esbuild bundle run by node), and Bootmend's peak RSS is the
 * worker's maxRSS. Targets: ratio <= 1.0, RSS <= 128 MiB.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const runs = Number(option('--runs') ?? 3) || 3;
const keep = flag('--keep');
/** --tree DIR: build the tree there once and reuse it on later runs (handy while profiling). */
const treeOption = option('--tree');
const IMAGE_BYTES = 1 << 30;

function need(command: string): void {
  if (spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0) {
    console.error(`bench/media: ${command} is not installed (apt-get install xorriso dosfstools mtools)`);
    process.exit(1);
  }
}

/** One 400 MiB boot.wim, ~2,000 small files (1-200 KB) in folders up to 9 deep: ~600 MB, like a WinPE base. */
async function makeTree(root: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  const put = async (relative: string, content: Buffer): Promise<void> => {
    const full = path.join(root, relative);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, content);
    files += 1;
    bytes += content.length;
  };
  const block = randomBytes(1 << 20);
  await mkdir(path.join(root, 'sources'), { recursive: true });
  const wim = path.join(root, 'sources', 'boot.wim');
  // Written a MiB at a time: this process's memory is inherited by the workers' maxRSS on Linux.
  const handle = await open(wim, 'w');
  for (let i = 0; i < 400; i += 1) await handle.write(Buffer.concat([randomBytes(64), block.subarray(64)]));
  await handle.close();
  files += 1;
  bytes += 400 << 20;
  let seed = 12345;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed;
  };
  for (let i = 0; i < 2000; i += 1) {
    const depth = 1 + (next() % 8);
    const parts = ['Windows', 'System32'];
    for (let d = 0; d < depth - 1; d += 1) parts.push(`dir${d}-${next() % 6}`);
    const size = 1024 + (next() % (200 << 10));
    const offset = next() % ((1 << 20) - size);
    // Varied names, half 8.3-sized and half long, like System32. (2,000 long names sharing one prefix,
    // e.g. "file N long name.dll", make mcopy's short-name search quadratic: 36 s instead of 1 s.)
    const stem = (next() >>> 8).toString(36);
    const name = i % 2 === 0 ? `${stem.slice(0, 5)}${i % 100}.sys` : `${stem}-${i} resources.dll`;
    await put(path.join(...parts, name), block.subarray(offset, offset + size));
  }
  await put('EFI/Boot/bootx64.efi', block.subarray(0, 1_500_000));
  await put('bootmgr', block.subarray(0, 400_000));
  return { files, bytes };
}


async function main(): Promise<void> {
  for (const command of ['xorriso', 'mkfs.fat', 'mcopy']) need(command);
  const work = await mkdtemp(path.join(tmpdir(), 'bootmend-bench-media-'));
  try {
    const tree = treeOption ? path.resolve(treeOption) : path.join(work, 'tree');
    if (treeOption && existsSync(path.join(tree, 'sources', 'boot.wim'))) console.log(`tree: reusing ${tree}`);
    else {
      const made = await makeTree(tree);
      console.log(`tree: ${made.files} files, ${(made.bytes / 1e6).toFixed(0)} MB in ${tree}`);
    }
    const worker = path.join(work, 'media-worker.mjs');
    await bundleWorker(path.join(here, 'media-worker.ts'), worker);
    const topLevel = (await readdir(tree)).map((name) => path.join(tree, name));
    const mtoolsEnv = { ...process.env, MTOOLS_SKIP_CHECK: '1', MTOOLS_NO_VFAT: '0' };

    const results = {
      iso: { ours: [] as number[], inProcess: [] as number[], ref: [] as number[] },
      fat: { ours: [] as number[], inProcess: [] as number[], ref: [] as number[] },
    };
    let peakRss = 0;
    for (let run = 0; run < runs; run += 1) {
      for (const kind of ['iso', 'fat'] as const) {
        const out = path.join(work, `ours.${kind}`);
        settle();
        const ours = timed(process.execPath, [worker, kind, tree, out, String(IMAGE_BYTES)]);
        const report = JSON.parse(ours.stdout.trim().split('\n').pop()!) as { ms: number; maxRssKiB: number; vmHwmKiB: number | null };
        // VmHWM belongs to the worker's own address space; getrusage's maxRSS survives exec and can show the parent's.
        const rss = report.vmHwmKiB ?? report.maxRssKiB;
        peakRss = Math.max(peakRss, rss);
        results[kind].ours.push(ours.ms);
        results[kind].inProcess.push(report.ms);
        await rm(out, { force: true });

        const ref = path.join(work, `ref.${kind}`);
        settle();
        if (kind === 'iso') {
          results.iso.ref.push(timed('xorriso', ['-as', 'mkisofs', '-quiet', '-iso-level', '3', '-J', '-joliet-long', '-V', 'BENCH', '-o', ref, tree]).ms);
        } else {
          const started = performance.now();
          await rm(ref, { force: true });
          await writeFile(ref, '');
          await truncate(ref, IMAGE_BYTES);
          timed('mkfs.fat', ['-F', '32', '-n', 'BENCH', '--offset', '2048', '--mbr=y', ref]);
          timed('mcopy', ['-s', '-Q', '-i', `${ref}@@${2048 * 512}`, ...topLevel, '::/'], mtoolsEnv);
          results.fat.ref.push(performance.now() - started);
        }
        await rm(ref, { force: true });
        console.log(`run ${run + 1}/${runs} ${kind}: ours ${fmt(results[kind].ours.at(-1)!)} (in-process ${fmt(report.ms)}, RSS ${(rss / 1024).toFixed(0)} MiB), reference ${fmt(results[kind].ref.at(-1)!)}`);
      }
    }
    console.log('');
    printMedians(runs, [
      { label: 'ISO vs xorriso', target: '1.00', ...results.iso },
      { label: 'FAT vs mkfs.fat+mcopy', target: '1.00', ...results.fat },
    ]);
    console.log(`Bootmend peak RSS: ${(peakRss / 1024).toFixed(0)} MiB (target <= 128 MiB)`);
  } finally {
    if (keep) console.log(`kept ${work}`);
    else if (existsSync(work)) await rm(work, { recursive: true, force: true });
  }
}

await main();
