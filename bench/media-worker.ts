import { writeUsbImage } from '../main/media/fat/write-fat.js';
import { writeIsoFile } from '../main/media/iso/write-iso.js';
import { treeFromFolder } from '../main/media/source-tree.js';
import { prewarmCopyThread } from '../main/media/copy-worker.js';

/**
 * One Bootmend write in its own process, so its peak RSS is the writer's alone.
 * Usage: node media-worker.mjs iso|fat <tree> <out> [imageBytes]; prints one JSON line.
 */
const [kind, tree, out, size] = process.argv.slice(2);
if ((kind !== 'iso' && kind !== 'fat') || !tree || !out) {
  console.error('usage: media-worker iso|fat <tree> <out> [imageBytes]');
  process.exit(2);
}
const started = performance.now();
prewarmCopyThread(); // as buildMedium does, before the tree is walked
const source = await treeFromFolder(tree, { timestamp: new Date('2024-01-01T00:00:00Z') });
if (kind === 'iso') await writeIsoFile(source, out, { volumeId: 'BENCH' });
else await writeUsbImage(source, out, { sizeBytes: Number(size ?? 1 << 30) });
const ms = performance.now() - started;
// maxRSS is in KiB; VmHWM is the same figure from the kernel, read as a cross-check.
const status = await import('node:fs').then((fs) => fs.readFileSync('/proc/self/status', 'utf8'));
const hwm = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
console.log(JSON.stringify({ ms, maxRssKiB: process.resourceUsage().maxRSS, vmHwmKiB: hwm ? Number(hwm) : null }));
