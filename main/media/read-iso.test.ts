import { createHash } from 'node:crypto';
import { copyFile, mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { tempDir } from '../../test/temp.js';
import { requireCommands } from '../../test/tools.js';
import { PARTITION_START_SECTOR, writeBareFatImage, writeUsbImage } from './fat/write-fat.js';
import { IsoImage, isoSourceTree, type IsoEntry } from './iso/read-iso.js';
import { writeIsoFile } from './iso/write-iso.js';
import { diskRangeOf, fileSource, treeFromEntries, treeFromFolder, type FileSource } from './source-tree.js';
import { DEEP_PATH, listTree, makeFixture, run, type TreeListing } from './test-support.js';

const TIMESTAMP = new Date('2024-07-19T04:09:00Z');
const readerTools = requireCommands(['xorriso', 'genisoimage', 'mcopy'], { for: 'the ISO reader proofs' });
const bigFileTools = requireCommands(['xorriso', 'isoinfo'], { for: 'the over-4-GiB ISO proof' });

async function sha256(source: FileSource): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of source.open()) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What our reader sees, in the shape listTree gives for a folder on disk. */
async function readerListing(iso: string, ignore: readonly string[] = []): Promise<TreeListing[]> {
  const image = await IsoImage.open(iso);
  try {
    const out: TreeListing[] = [];
    for (const entry of await image.list()) {
      if (ignore.some((prefix) => entry.path === prefix || entry.path.startsWith(`${prefix}/`))) continue;
      out.push(entry.isDir ? { path: entry.path.normalize('NFC'), kind: 'dir' } : { path: entry.path.normalize('NFC'), kind: 'file', sha256: await sha256(image.source(entry)) });
    }
    // listTree sorts each folder by name; the ISO sorts by its own (Joliet/primary) order.
    return sortLikeListTree(out);
  } finally {
    await image.close();
  }
}

function sortLikeListTree(list: TreeListing[]): TreeListing[] {
  const key = (item: TreeListing): string[] => item.path.split('/');
  return [...list].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < Math.min(x.length, y.length); i += 1) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    return x.length - y.length;
  });
}

readerTools.describe('ISO reader, against our writer, xorriso and genisoimage', () => {
  let work = '';
  let source = '';
  let efiImage = '';
  let expected: TreeListing[] = [];

  beforeAll(async () => {
    work = tempDir('read-iso');
    source = path.join(work, 'source');
    await makeFixture(source);
    expected = await listTree(source);
    efiImage = path.join(work, 'efiboot.img');
    await writeBareFatImage(treeFromEntries([{ path: 'EFI/BOOT/BOOTX64.EFI', content: Buffer.alloc(5000, 0x4d) }], { timestamp: TIMESTAMP }), efiImage, { timestamp: TIMESTAMP });
  });

  it('reads our own ISO: Joliet names, every byte, and both El Torito images', async () => {
    const iso = path.join(work, 'ours.iso');
    await writeIsoFile(await treeFromFolder(source, { timestamp: TIMESTAMP }), iso, {
      timestamp: TIMESTAMP,
      bios: { path: 'boot/loader.bin', sectorCount: 8 },
      efi: { hidden: await fileSource(efiImage) },
    });
    expect(await readerListing(iso)).toEqual(expected);
    const image = await IsoImage.open(iso);
    try {
      expect(image.volume).toMatchObject({ joliet: true, iso9660: true, udf: false, volumeId: 'BOOTMEND' });
      const [bios, uefi] = await image.bootEntries();
      expect(bios).toMatchObject({ platform: 'bios', loadSegment: 0x07c0, sectorCount: 8, file: 'boot/loader.bin', bytes: 2048 });
      // The generated EFI image has no name: it is found by LBA and sized from the catalog.
      expect(uefi).toMatchObject({ platform: 'uefi', file: null, bytes: 1_474_560 });
      const bytes = await image.readBytes(uefi!.lba * 2048, uefi!.bytes);
      expect(bytes.toString('latin1', 0x36, 0x3b)).toBe('FAT12');
    } finally {
      await image.close();
    }
  });

  it('sizes a UEFI image from its FAT BPB when the catalog says 1 sector (as oscdimg writes for efisys.bin)', async () => {
    const iso = path.join(work, 'count1.iso');
    await writeIsoFile(treeFromEntries([{ path: 'readme.txt', content: 'x' }], { timestamp: TIMESTAMP }), iso, { timestamp: TIMESTAMP, efi: { hidden: await fileSource(efiImage) } });
    const before = await IsoImage.open(iso);
    const [entry] = await before.bootEntries();
    await before.close();
    // Patch the default entry's sector count (catalog byte 32 + 6) to 1.
    const handle = await open(iso, 'r+');
    const catalogSector = Buffer.alloc(4);
    await handle.read(catalogSector, 0, 4, 17 * 2048 + 71);
    const patch = Buffer.alloc(2);
    patch.writeUInt16LE(1);
    await handle.write(patch, 0, 2, catalogSector.readUInt32LE() * 2048 + 32 + 6);
    await handle.close();
    const image = await IsoImage.open(iso);
    const [patched] = await image.bootEntries();
    await image.close();
    expect(patched).toMatchObject({ sectorCount: 1, lba: entry!.lba, bytes: 1_474_560 });
  });

  it('reads xorriso -as mkisofs -J -joliet-long: Unicode, spaces, empty file and folder, 8 levels deep, and finds efiboot.img by LBA', async () => {
    const tree = path.join(work, 'xorriso-tree');
    await makeFixture(tree);
    await copyFile(efiImage, path.join(tree, 'efiboot.img'));
    // 150 long names: the folder's Joliet records span several sectors.
    for (let i = 0; i < 150; i += 1) await writeFile(path.join(tree, 'Program Files', `a rather long file name number ${String(i).padStart(3, '0')}.txt`), `${i}\n`);
    const iso = path.join(work, 'xorriso.iso');
    const made = run('xorriso', ['-as', 'mkisofs', '-quiet', '-iso-level', '3', '-J', '-joliet-long', '-e', 'efiboot.img', '-no-emul-boot', '-o', iso, tree]);
    expect(made.status, made.stderr).toBe(0);
    expect(await readerListing(iso, ['boot.catalog'])).toEqual(await listTree(tree));
    const image = await IsoImage.open(iso);
    const [uefi] = await image.bootEntries();
    await image.close();
    expect(uefi).toMatchObject({ platform: 'uefi', file: 'efiboot.img', bytes: 1_474_560 });
  });

  it('reads genisoimage -J -joliet-long, and the primary tree of an ISO without Joliet', async () => {
    const iso = path.join(work, 'genisoimage.iso');
    const made = run('genisoimage', ['-quiet', '-iso-level', '3', '-J', '-joliet-long', '-D', '-input-charset', 'utf-8', '-o', iso, source]);
    expect(made.status, made.stderr).toBe(0);
    expect(await readerListing(iso)).toEqual(expected);

    const plain = path.join(work, 'plain.iso');
    const small = path.join(work, 'plain-tree');
    await mkdir(path.join(small, 'EFI', 'BOOT'), { recursive: true });
    await writeFile(path.join(small, 'EFI', 'BOOT', 'BOOTX64.EFI'), 'loader');
    await writeFile(path.join(small, 'README'), 'no extension');
    expect(run('xorriso', ['-as', 'mkisofs', '-quiet', '-o', plain, small]).status).toBe(0);
    const image = await IsoImage.open(plain);
    expect(image.volume.joliet).toBe(false);
    expect((await image.list()).map((entry) => entry.path)).toEqual(['EFI', 'EFI/BOOT', 'EFI/BOOT/BOOTX64.EFI', 'README']);
    await image.close();
  });

  it('streams an ISO straight into a new build, tree for tree', async () => {
    const first = path.join(work, 'first.iso');
    await writeIsoFile(await treeFromFolder(source, { timestamp: TIMESTAMP }), first, { timestamp: TIMESTAMP });
    const image = await IsoImage.open(first);
    const rebuilt = path.join(work, 'rebuilt.iso');
    await writeIsoFile(isoSourceTree(image, await image.list(), { timestamp: TIMESTAMP }), rebuilt, { timestamp: TIMESTAMP });
    await image.close();
    expect(await readerListing(rebuilt)).toEqual(expected);
    const deep = `${DEEP_PATH.join('/')}/deep file.txt`;
    expect(expected.some((item) => item.path === deep)).toBe(true);
  });

  it('copies an ISO base into a USB image by reading its files as ranges of the ISO (the copy thread), byte for byte', async () => {
    const iso = path.join(work, 'base-for-usb.iso');
    await writeIsoFile(await treeFromFolder(source, { timestamp: TIMESTAMP }), iso, { timestamp: TIMESTAMP });
    const image = await IsoImage.open(iso);
    const entries = await image.list();
    const big = entries.find((entry) => !entry.isDir && entry.size > 0)!;
    // The fast path: the source says where its bytes lie in the ISO, so no stream is needed.
    expect(diskRangeOf(image.source(big))).toEqual({ path: iso, offset: big.extents[0]!.sector * 2048, whole: false });
    const usb = path.join(work, 'from-iso.img');
    await writeUsbImage(isoSourceTree(image, entries, { timestamp: TIMESTAMP }), usb, { sizeBytes: 80 << 20, timestamp: TIMESTAMP });
    await image.close();
    const out = path.join(work, 'from-iso-out');
    await mkdir(out);
    const copy = run('mcopy', ['-s', '-n', '-i', `${usb}@@${PARTITION_START_SECTOR * 512}`, '::/', out]);
    expect(copy.status, copy.stderr).toBe(0);
    expect((await listTree(out)).map((item) => ({ ...item, path: item.path.normalize('NFC') }))).toEqual(expected);
  });

  it('says when an image is UDF only (no ISO 9660 descriptor), as Windows install ISOs are', async () => {
    const iso = path.join(work, 'udf.iso');
    expect(run('genisoimage', ['-quiet', '-udf', '-o', iso, source]).status).toBe(0);
    const handle = await open(iso, 'r+');
    await handle.write(Buffer.alloc(2048), 0, 2048, 16 * 2048); // drop the ISO 9660 primary descriptor, keep UDF
    await handle.close();
    const image = await IsoImage.open(iso);
    expect(image.volume).toMatchObject({ iso9660: false, udf: true });
    await expect(image.list()).rejects.toThrow(/UDF only/);
    await image.close();
  });

  it('refuses a file that is not an ISO with a clear message', async () => {
    const junk = path.join(work, 'junk.iso');
    await writeFile(junk, Buffer.alloc(40_000, 0x41));
    const image = await IsoImage.open(junk);
    expect(image.volume.iso9660).toBe(false);
    await expect(image.list()).rejects.toThrow(/no ISO 9660 file system/);
    await image.close();
  });
});

/**
 * A >4 GiB file in a real ISO: a sparse source (holes read as zeros) and a sparse output (the
 * writer skips all-zero blocks), so it takes seconds and almost no disk. Proven by isoinfo,
 * xorriso and our reader: two extents, the first flagged multi-extent, bytes where they belong.
 */
bigFileTools.describe('a file over 4 GiB', () => {
  it('is stored as a multi-extent file that isoinfo, xorriso and our reader agree on', async () => {
    const work = tempDir('big-iso');
    const big = path.join(work, 'install.wim');
    const size = 4 * 2 ** 30 + 5 * 2 ** 20 + 123;
    const handle = await open(big, 'w');
    await handle.truncate(size);
    const marks = [0, 2 ** 32 - 2048, 2 ** 32 + 17, size - 8];
    for (const [index, at] of marks.entries()) await handle.write(Buffer.from(`MARK${index}...`), 0, 8, at);
    await handle.close();
    const tree = treeFromEntries([{ path: 'sources/install.wim', source: await fileSource(big) }, { path: 'readme.txt', content: 'hi' }], { timestamp: TIMESTAMP });
    const iso = path.join(work, 'big.iso');
    const started = Date.now();
    await writeIsoFile(tree, iso, { timestamp: TIMESTAMP });
    const writeMs = Date.now() - started;

    const image = await IsoImage.open(iso);
    const entries = await image.list();
    const wim = entries.find((entry) => entry.path === 'sources/install.wim') as IsoEntry;
    expect(wim.size).toBe(size);
    expect(wim.extents.map((extent) => extent.size)).toEqual([0xffff_f800, size - 0xffff_f800]);
    for (const [index, at] of marks.entries()) {
      const extent = at < 0xffff_f800 ? wim.extents[0]! : wim.extents[1]!;
      const offset = at < 0xffff_f800 ? at : at - 0xffff_f800;
      expect((await image.readBytes(extent.sector * 2048 + offset, 8)).toString('latin1')).toBe(`MARK${index}...`);
    }
    await image.close();

    const listing = run('isoinfo', ['-l', '-i', iso]).stdout;
    const records = listing.split('\n').filter((line) => line.includes('INSTALL.WIM;1'));
    expect(records).toHaveLength(2);
    const report = run('xorriso', ['-indev', iso, '-find', '/sources/install.wim', '-exec', 'report_lba', '--']);
    expect(report.stdout).toMatch(new RegExp(`File data lba:\\s+0\\s*,\\s*${wim.extents[0]!.sector}\\s*,\\s*2097151\\s*,\\s*${size}\\s*,`));
    expect(report.stdout + report.stderr).toMatch(new RegExp(`File data lba:\\s+1\\s*,\\s*${wim.extents[1]!.sector}\\s*,`));
    console.warn(`>4 GiB ISO written in ${writeMs} ms`);
  }, 120_000);
});
