import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/temp.js';
import { copyFilesAt, prewarmCopyThread } from './copy-worker.js';

describe('the copy thread', () => {
  let dir = '';
  beforeAll(() => {
    dir = tempDir('copy-worker');
  });

  it('started ahead, copies whole files and byte ranges of a file (an ISO base) to their positions', async () => {
    const whole = path.join(dir, 'whole.bin');
    const iso = path.join(dir, 'base.iso');
    const wholeBytes = randomBytes(300_000);
    const isoBytes = randomBytes(200_000);
    await writeFile(whole, wholeBytes);
    await writeFile(iso, isoBytes);
    const image = path.join(dir, 'image.img');
    const handle = await open(image, 'w+');
    await handle.truncate(1 << 20);
    prewarmCopyThread();
    let copied = 0;
    await copyFilesAt(
      handle.fd,
      [
        { path: whole, offset: 0, whole: true, size: wholeBytes.length, position: 4096, name: 'whole.bin' },
        { path: iso, offset: 6144, whole: false, size: 50_000, position: 600_000, name: 'sources/boot.wim' },
      ],
      { onBytes: (bytes) => (copied += bytes) },
    );
    await handle.close();
    const out = await readFile(image);
    expect(out.subarray(4096, 4096 + wholeBytes.length).equals(wholeBytes)).toBe(true);
    expect(out.subarray(600_000, 650_000).equals(isoBytes.subarray(6144, 6144 + 50_000))).toBe(true);
    expect(out.subarray(650_000).equals(Buffer.alloc(out.length - 650_000))).toBe(true);
    expect(copied).toBe(wholeBytes.length + 50_000);
  });

  it('a thread started ahead and never used does not keep the process (a CLI command) alive', () => {
    const module = fileURLToPath(new URL('./copy-worker.ts', import.meta.url));
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', `import(${JSON.stringify(module)}).then((m) => m.prewarmCopyThread())`], { encoding: 'utf8', timeout: 20_000 });
    expect(child.status, child.stderr).toBe(0);
    // The idle thread ends itself after 30 s; the process must not wait for that.
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
