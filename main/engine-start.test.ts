import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * The engines that run as their own process (the elevated drive writer, the media writers in
 * the benchmarks and the CLI) must not load zod or systeminformation at start: together they
 * cost such a process ~0.15 s, more than a tenth of writing a 1 GiB stick (see core/README.md).
 * This follows each engine's static imports (dynamic ones load later, only when needed).
 */
const ENGINES = ['main/drives/write/write-image.ts', 'main/drives/write/verify-image.ts', 'main/media/fat/write-fat.ts', 'main/media/iso/write-iso.ts'];

async function staticGraph(entry: string): Promise<string[]> {
  const result = await build({ entryPoints: [entry], bundle: true, write: false, platform: 'node', format: 'esm', metafile: true, logLevel: 'silent', outdir: 'out' });
  const inputs = result.metafile.inputs;
  const seen = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length > 0) {
    for (const next of inputs[queue.pop()!]?.imports ?? []) {
      if (next.kind !== 'import-statement' || next.external || seen.has(next.path)) continue;
      seen.add(next.path);
      queue.push(next.path);
    }
  }
  return [...seen];
}

describe('engine processes start light', () => {
  it.each(ENGINES)('%s loads neither zod nor systeminformation at start', async (entry) => {
    const graph = await staticGraph(entry);
    expect(graph.length).toBeGreaterThan(3);
    expect(graph.filter((file) => /node_modules\/(zod|systeminformation)\//.test(file))).toEqual([]);
  });
});
