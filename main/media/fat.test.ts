import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/temp.js';
import { requireAll, requireCapability, requireCommands, requireRoot } from '../../test/tools.js';
import { fat32ClusterSectors, fat32Geometry, smallFatGeometry } from './fat/geometry.js';
import { FolderShortNames, longNameEntries, shortNameChecksum } from './fat/names.js';
import { PARTITION_START_SECTOR, writeBareFatImage, writeUsbImage } from './fat/write-fat.js';
import { fileSource, treeFromEntries, treeFromFolder, type InMemoryEntry, type SourceTree } from './source-tree.js';
import { listTree, makeFixture, run, sha256File } from './test-support.js';

const TIMESTAMP = new Date('2024-07-19T04:09:00Z');
const OFFSET = PARTITION_START_SECTOR * 512;
const fatTools = requireCommands(['fsck.fat', 'mdir', 'mcopy'], { for: 'the FAT writer proofs' });
const bigFsck = requireAll([requireRoot({ for: 'fsck.fat of a 128 GB image' }), requireCommands(['losetup'], { for: 'fsck.fat of a 128 GB image' })]);

/** fsck.fat -n on the partition, copied out with its offset (no loop device needed); clean = exit 0 and only the summary line. */
async function fsckPartition(image: string, offset: number, work: string): Promise<string> {
  const partition = path.join(work, `partition-${path.basename(image)}`);
  if (offset === 0) await copyFile(image, partition);
  else execFileSync('dd', [`if=${image}`, `of=${partition}`, 'bs=1M', `skip=${offset / (1 << 20)}`, 'conv=sparse', 'status=none']);
  const result = run('fsck.fat', ['-n', partition]);
  await rm(partition);
  expect(result.status, result.stdout + result.stderr).toBe(0);
  return result.stdout;
}

function cleanFsckOutput(stdout: string): void {
  const lines = stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^fsck\.fat /);
  expect(lines.slice(1)).toHaveLength(1);
  expect(lines[1]).toMatch(/\d+ files, \d+\/\d+ clusters$/);
}

fatTools.describe('FAT writers, proven by fsck.fat and mtools', () => {
  let work = '';
  let source = '';
  let tree: SourceTree;

  beforeAll(async () => {
    work = tempDir('fat');
    source = path.join(work, 'source');
    await makeFixture(source);
    tree = await treeFromFolder(source, { timestamp: TIMESTAMP });
  });

  it('USB image: MBR with one active FAT32 (0x0C) partition at 1 MiB that fsck.fat finds clean', async () => {
    const image = path.join(work, 'usb.img');
    const result = await writeUsbImage(tree, image, { sizeBytes: 100 << 20, timestamp: TIMESTAMP });
    expect(result).toMatchObject({ fatType: 32, partitionOffset: OFFSET, bytes: 100 << 20 });
    const handle = await open(image, 'r');
    const mbr = Buffer.alloc(512);
    await handle.read(mbr, 0, 512, 0);
    await handle.close();
    expect([mbr[446], mbr[450], mbr.readUInt32LE(454), mbr.readUInt16LE(510)]).toEqual([0x80, 0x0c, PARTITION_START_SECTOR, 0xaa55]);
    cleanFsckOutput(await fsckPartition(image, OFFSET, work));
  });

  it('USB image: mdir lists long names and mcopy round-trips the tree byte for byte', async () => {
    const image = path.join(work, 'usb-rt.img');
    await writeUsbImage(tree, image, { sizeBytes: 80 << 20, timestamp: TIMESTAMP, label: 'Bootmend' });
    const listing = run('mdir', ['-i', `${image}@@${OFFSET}`, '-/', '::']);
    expect(listing.stdout).toContain('Datei mit Leerzeichen.txt');
    expect(listing.stdout).toContain('long name two.txt');
    expect(listing.stdout).toMatch(/Volume in drive : is BOOTMEND/);
    const out = path.join(work, 'usb-out');
    await mkdir(out);
    const copy = run('mcopy', ['-s', '-n', '-i', `${image}@@${OFFSET}`, '::/', out]);
    expect(copy.status, copy.stderr).toBe(0);
    expect(await listTree(out)).toEqual(await listTree(source));
  });

  it('USB image: reproducible with a fixed timestamp', async () => {
    const a = path.join(work, 'a.img');
    const b = path.join(work, 'b.img');
    await writeUsbImage(tree, a, { sizeBytes: 70 << 20, timestamp: TIMESTAMP });
    await writeUsbImage(await treeFromFolder(source, { timestamp: TIMESTAMP }), b, { sizeBytes: 70 << 20, timestamp: TIMESTAMP });
    expect(await sha256File(a)).toBe(await sha256File(b));
  });

  it('USB image: a 128 GB stick formats sparsely in seconds (no 32 GB ceiling)', async () => {
    const image = path.join(work, 'big.img');
    const started = Date.now();
    const result = await writeUsbImage(tree, image, { sizeBytes: 128e9, timestamp: TIMESTAMP });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.clusterBytes).toBe(32768);
    const info = await stat(image);
    expect(info.size).toBe(Math.floor(128e9 / 512) * 512);
    expect(info.blocks * 512).toBeLessThan(64 << 20); // sparse: only structures and files were written
    const listing = run('mdir', ['-i', `${image}@@${OFFSET}`, '-/', '::/bootmend']);
    expect(listing.stdout).toContain('fix.cmd');
  });

  // fsck.fat reads a 128 GB partition through a read-only loop device (a copy would not be sparse).
  bigFsck.it('USB image: the 128 GB FAT32 passes fsck.fat, read through a read-only loop device', async (ctx) => {
    const image = path.join(work, 'big-fsck.img');
    await writeUsbImage(tree, image, { sizeBytes: 128e9, timestamp: TIMESTAMP });
    const attach = run('losetup', ['-f', '--show', '-r', '-o', String(OFFSET), image]);
    if (attach.status !== 0) {
      return requireCapability('loop devices', { for: 'fsck.fat of a 128 GB image', present: false, howTo: `a kernel with loop devices (${attach.stderr.trim()})` }).check(ctx);
    }
    const device = attach.stdout.trim();
    try {
      const fsck = run('fsck.fat', ['-n', device]);
      expect(fsck.status, fsck.stdout).toBe(0);
      cleanFsckOutput(fsck.stdout);
    } finally {
      run('losetup', ['-d', device]);
    }
  });

  it('bare FAT12 EFI boot image: sized to fit, fsck-clean, round-trips', async () => {
    const image = path.join(work, 'efiboot.img');
    const result = await writeBareFatImage(tree, image, { timestamp: TIMESTAMP });
    expect(result.partitionOffset).toBe(0);
    expect([12, 16]).toContain(result.fatType);
    cleanFsckOutput(await fsckPartition(image, 0, work));
    const out = path.join(work, 'efi-out');
    await mkdir(out);
    expect(run('mcopy', ['-s', '-n', '-i', image, '::/', out]).status).toBe(0);
    expect(await listTree(out)).toEqual(await listTree(source));
  });

  it('bare FAT16 image of 20 MB is fsck-clean', async () => {
    const image = path.join(work, 'fat16.img');
    const result = await writeBareFatImage(tree, image, { sizeBytes: 20 << 20, timestamp: TIMESTAMP });
    expect(result.fatType).toBe(16);
    cleanFsckOutput(await fsckPartition(image, 0, work));
  });

  it('refuses a file of 4 GiB or more with a sentence a technician can act on', async () => {
    const huge = treeFromEntries([{ path: 'sources/install.wim', source: { size: 5 * 2 ** 30, open: () => new PassThrough() } }]);
    await expect(writeUsbImage(huge, path.join(work, 'huge.img'), { sizeBytes: 8e9 })).rejects.toThrow(/FAT32 cannot hold files of 4 GiB or more/);
    await expect(stat(path.join(work, 'huge.img'))).rejects.toThrow();
  });

  it('refuses an image too small for the files, and a partition under 64 MiB', async () => {
    await expect(writeUsbImage(tree, path.join(work, 'small.img'), { sizeBytes: 40 << 20 })).rejects.toThrow(/at least 65 MiB/);
    const bulky = treeFromEntries([{ path: 'big.bin', source: { size: 90 << 20, open: () => new PassThrough() } }]);
    await expect(writeUsbImage(bulky, path.join(work, 'full.img'), { sizeBytes: 70 << 20 })).rejects.toThrow(/choose a larger image/);
  });

  it('USB image: files on disk (copy thread) and in memory (written alongside it) sit side by side and all round-trip', async () => {
    // Small files alternate between the two sources, so each streamed file has copied files within
    // a few KiB on both sides: a zero-filled gap in the streamed writes would wipe those.
    const folder = path.join(work, 'mixed-source');
    await mkdir(folder);
    const entries: InMemoryEntry[] = [];
    const expected = new Map<string, Buffer>();
    for (let i = 0; i < 40; i += 1) {
      const content = randomBytes(1 + ((i * 7919) % 9000));
      const name = `mixed/f${String(i).padStart(2, '0')}.bin`;
      expected.set(name, content);
      if (i % 2 === 0) {
        const onDisk = path.join(folder, `f${i}.bin`);
        await writeFile(onDisk, content);
        entries.push({ path: name, source: await fileSource(onDisk) });
      } else entries.push({ path: name, content });
    }
    const image = path.join(work, 'mixed.img');
    await writeUsbImage(treeFromEntries(entries, { timestamp: TIMESTAMP }), image, { sizeBytes: 70 << 20, timestamp: TIMESTAMP });
    cleanFsckOutput(await fsckPartition(image, OFFSET, work));
    const out = path.join(work, 'mixed-out');
    await mkdir(out);
    const copy = run('mcopy', ['-s', '-n', '-i', `${image}@@${OFFSET}`, '::/mixed', out]);
    expect(copy.status, copy.stderr).toBe(0);
    for (const [name, content] of expected) expect((await readFile(path.join(out, name))).equals(content), name).toBe(true);
  });

  it('stops on abort and removes the partial image', async () => {
    const controller = new AbortController();
    const target = path.join(work, 'cancelled.img');
    const promise = writeUsbImage(tree, target, { sizeBytes: 70 << 20, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(promise).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(stat(target)).rejects.toThrow();
  });
});

describe('FAT geometry and names', () => {
  it('picks cluster sizes like mkfs.fat and keeps FAT32 above 65525 clusters', () => {
    expect(fat32ClusterSectors((200 << 20) / 512)).toBe(1);
    expect(fat32ClusterSectors((4 * 2 ** 30) / 512)).toBe(8);
    expect(fat32ClusterSectors(128e9 / 512)).toBe(64);
    const g = fat32Geometry((64 << 20) / 512, 2048);
    expect(g.clusterCount).toBeGreaterThanOrEqual(65525);
    expect((g.hiddenSectors + g.firstDataSector) % g.sectorsPerCluster).toBe(0);
    expect(g.fatSectors * 512 * 8).toBeGreaterThanOrEqual((g.clusterCount + 2) * 32);
    expect(smallFatGeometry(2880).type).toBe(12);
  });

  it('makes ~N short names in order and long-name entries whose checksum matches', () => {
    const names = new FolderShortNames();
    expect(names.name('BOOTX64.EFI')).toEqual({ short: Buffer.from('BOOTX64 EFI'), long: null });
    const first = names.name('Program Files');
    const second = names.name('program files');
    expect(first.short.toString()).toBe('PROGRA~1   ');
    expect(second.short.toString()).toBe('PROGRA~2   ');
    const entries = longNameEntries('Program Files', first.short);
    expect(entries).toHaveLength(1);
    expect(entries[0]![0]).toBe(0x41);
    expect(entries[0]![13]).toBe(shortNameChecksum(first.short));
  });
});
