import { stat } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/temp.js';
import { requireCommands } from '../../test/tools.js';
import { BootmendError } from '../../core/errors.js';
import { writeBareFatImage } from './fat/write-fat.js';
import { patchBootInfoTable } from './iso/el-torito.js';
import { MAX_EXTENT, planIso } from './iso/layout.js';
import { FolderNamer } from './iso/names.js';
import { directoryExtent } from './iso/structures.js';
import { writeIso, writeIsoFile, type IsoOptions } from './iso/write-iso.js';
import { fileSource, treeFromEntries, treeFromFolder, type SourceTree } from './source-tree.js';
import { DEEP_PATH, LONG_NAME, listTree, makeFixture, run, sha256File } from './test-support.js';

const TIMESTAMP = new Date('2024-07-19T04:09:00Z');
const isoTools = requireCommands(['xorriso', 'isoinfo', '7z', 'mcopy', 'mdir'], { for: 'the ISO writer proofs' });
const gptTools = requireCommands(['sgdisk', 'fdisk'], { for: 'checking the hybrid GPT' });

isoTools.describe('ISO writer, proven by xorriso, isoinfo, 7z and mtools', () => {
  let work = '';
  let source = '';
  let iso = '';
  let tree: SourceTree;
  let options: IsoOptions;
  const progress: number[] = [];

  beforeAll(async () => {
    work = tempDir('iso');
    source = path.join(work, 'source');
    await makeFixture(source);
    tree = await treeFromFolder(source, { timestamp: TIMESTAMP });
    // The UEFI image is made by our FAT writer from the tree's EFI folder and stored without a name.
    const efiTree = treeFromEntries([{ path: 'EFI/BOOT/BOOTX64.EFI', source: await fileSource(path.join(source, 'EFI/BOOT/BOOTX64.EFI')) }], { timestamp: TIMESTAMP });
    const efiImage = path.join(work, 'efiboot.img');
    await writeBareFatImage(efiTree, efiImage, { timestamp: TIMESTAMP });
    options = { timestamp: TIMESTAMP, volumeId: 'BOOTMEND_TEST', bios: { path: 'boot/loader.bin', sectorCount: 8 }, efi: { hidden: await fileSource(efiImage) } };
    iso = path.join(work, 'out.iso');
    await writeIsoFile(tree, iso, { ...options, onProgress: (done) => progress.push(done) });
  });

  it('has the El Torito BIOS and UEFI entries and the hybrid GPT we asked for', () => {
    const report = run('xorriso', ['-indev', iso, '-report_el_torito', 'plain', '-report_system_area', 'plain']);
    expect(report.status).toBe(0);
    const layout = planIso({ tree, rootTime: TIMESTAMP, bios: { path: 'boot/loader.bin' }, efi: options.efi!, gpt: true });
    expect(report.stdout).toMatch(new RegExp(`El Torito boot img :\\s+1\\s+BIOS\\s+y\\s+none\\s+0x07c0\\s+0x00\\s+8\\s+${layout.bios!.sector}\\b`));
    expect(report.stdout).toMatch(new RegExp(`El Torito boot img :\\s+2\\s+UEFI\\s+y\\s+none\\s+0x0000\\s+0x00\\s+\\d+\\s+${layout.efi!.sector}\\b`));
    expect(report.stdout).toMatch(/El Torito img path :\s+1\s+\/boot\/loader\.bin/);
    // Protective MBR + GPT: an EFI System Partition exactly over the El Torito image.
    expect(report.stdout).toMatch(/System area summary: MBR protective-msdos-label .*GPT/);
    expect(report.stdout).toMatch(/MBR partition\s+:\s+1\s+0x00\s+0xee\s+1\b/);
    expect(report.stdout).toMatch(/GPT type GUID\s+:\s+2\s+28732ac11ff8d211ba4b00a0c93ec93b/);
    expect(report.stdout).toMatch(new RegExp(`GPT start and size :\\s+2\\s+${layout.efi!.sector * 4}\\s+${Math.ceil(layout.efi!.source.size / 512)}\\b`));
  });

  gptTools.it('the GPT is valid for gdisk and fdisk, with a basic-data and an EFI System partition', () => {
    const verify = run('sgdisk', ['-v', iso]);
    expect(verify.stdout).toContain('No problems found');
    const listing = run('fdisk', ['-l', iso]).stdout;
    expect(listing).toContain('Disklabel type: gpt');
    expect(listing).toMatch(/Microsoft basic data/);
    expect(listing).toMatch(/EFI System/);
  });

  it('the ESP is a FAT volume holding BOOTX64.EFI (what UEFI finds on a raw-written stick)', () => {
    const gpt = run('xorriso', ['-indev', iso, '-report_system_area', 'plain']).stdout;
    const start = /GPT start and size :\s+2\s+(\d+)/.exec(gpt)?.[1];
    expect(start).toBeDefined();
    const listing = run('mdir', ['-i', `${iso}@@${Number(start) * 512}`, '-/', '::/EFI/BOOT']);
    expect(listing.stdout).toContain('BOOTX64');
  });

  it('isoinfo sees ISO 9660 + Joliet level 3 and lists the long names', () => {
    const info = run('isoinfo', ['-d', '-i', iso]).stdout;
    expect(info).toContain('Joliet with UCS level 3 found');
    expect(info).toContain('Volume id: BOOTMEND_TEST');
    expect(info).toMatch(/Eltorito validation header/);
    const joliet = run('isoinfo', ['-J', '-l', '-i', iso]).stdout;
    expect(joliet).toContain(LONG_NAME);
    expect(joliet).toContain(`/${DEEP_PATH.join('/')}/`);
    const primary = run('isoinfo', ['-l', '-i', iso]).stdout;
    expect(primary).toContain('README.TXT;1');
    expect(primary).toContain('README_1.TXT;1'); // readme.TXT, mapped deterministically
    expect(primary).toContain('EMPTY.TXT;1');
  });

  it('xorriso extracts the tree byte for byte (Unicode, spaces, empty file and folder, 8 levels deep)', async () => {
    const out = path.join(work, 'xorriso-out');
    const result = run('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/', out]);
    expect(result.status, result.stderr).toBe(0);
    expect(await listTree(out)).toEqual(await listTree(source));
  });

  it('7z extracts the same tree byte for byte', async () => {
    const out = path.join(work, '7z-out');
    const result = run('7z', ['x', `-o${out}`, iso]);
    expect(result.status, result.stdout).toBe(0);
    // 7z also shows the El Torito images as a [BOOT] folder; that is its view, not our tree.
    expect(await listTree(out, ['[BOOT]'])).toEqual(await listTree(source));
  });

  it('is reproducible: same tree and timestamp, same bytes', async () => {
    const again = path.join(work, 'again.iso');
    await writeIsoFile(await treeFromFolder(source, { timestamp: TIMESTAMP }), again, options);
    expect(await sha256File(again)).toBe(await sha256File(iso));
  });

  it('reports progress up to the exact size', async () => {
    const size = (await stat(iso)).size;
    expect(size % 2048).toBe(0);
    expect(progress.at(-1)).toBe(size);
  });

  it('a UEFI-only ISO has a UEFI default entry and no BIOS one', async () => {
    const target = path.join(work, 'uefi-only.iso');
    await writeIsoFile(tree, target, { timestamp: TIMESTAMP, efi: options.efi! });
    const report = run('xorriso', ['-indev', target, '-report_el_torito', 'plain']).stdout;
    expect(report).toMatch(/El Torito boot img :\s+1\s+UEFI\s+y\s+none/);
    expect(report).not.toMatch(/BIOS/);
  });

  it('stops on abort and leaves no partial file', async () => {
    const controller = new AbortController();
    const target = path.join(work, 'cancelled.iso');
    const promise = writeIsoFile(tree, target, { ...options, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(promise).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(stat(target)).rejects.toThrow();
  });
});

describe('ISO layout', () => {
  const big = (size: number): SourceTree =>
    treeFromEntries([{ path: 'sources/install.wim', source: { size, open: () => new PassThrough() } }], { timestamp: TIMESTAMP });

  it('stores a file over 4 GiB as contiguous multi-extent records (ECMA-119 level 3)', () => {
    const size = 5 * 2 ** 30 + 123;
    const layout = planIso({ tree: big(size), rootTime: TIMESTAMP });
    const file = layout.files[0]!;
    expect(file.extents.map((extent) => extent.size)).toEqual([MAX_EXTENT, size - MAX_EXTENT]);
    expect(file.extents[1]!.sector).toBe(file.extents[0]!.sector + MAX_EXTENT / 2048);
    expect(layout.totalSectors).toBe(file.sector + Math.ceil(size / 2048));
    const sources = layout.dirs.primary.find((dir) => dir.path === 'sources')!;
    const records = directoryExtent(sources, 'primary');
    // ".", "..", then two records named INSTALL.WIM;1: the first flagged multi-extent (0x80), the last not.
    const first = 34 + 34;
    const second = first + records[first]!;
    expect(records.subarray(first + 33, first + 33 + 13).toString('latin1')).toBe('INSTALL.WIM;1');
    expect(records[first + 25]).toBe(0x80);
    expect(records.readUInt32LE(second + 10)).toBe(size - MAX_EXTENT);
    expect(records[second + 25]).toBe(0);
  });

  it('keeps the BIOS and UEFI boot parameters configurable and checks them', async () => {
    const tree = treeFromEntries([{ path: 'boot/etfsboot.com', content: Buffer.alloc(4096, 1) }], { timestamp: TIMESTAMP });
    const sink = new PassThrough();
    sink.resume();
    await expect(writeIso(tree, sink, { bios: { path: 'boot/etfsboot.com', sectorCount: 0 } })).rejects.toBeInstanceOf(BootmendError);
    await expect(writeIso(tree, new PassThrough(), { bios: { path: 'boot/missing.com' } })).rejects.toThrow(/not in the source tree/);
  });

  it('maps primary names to d-characters and keeps Joliet names up to 64 characters, deterministically', () => {
    const namer = new FolderNamer();
    expect(namer.primary('bootmgr.efi', false).identifier).toBe('BOOTMGR.EFI;1');
    expect(namer.primary('BootMgr.EFI', false).identifier).toBe('BOOTMGR_1.EFI;1');
    expect(namer.primary('my-folder.d', true).identifier).toBe('MY_FOLDER_D');
    expect(namer.primary('ça va', false).identifier).toBe('CA_VA.;1');
    const long = `${'x'.repeat(80)}.wim`;
    expect(namer.joliet(long)).toBe(`${'x'.repeat(60)}.wim`);
    expect(namer.joliet(long)).toBe(`${'x'.repeat(58)}~1.wim`);
    expect(namer.joliet('a:b?.txt')).toBe('a_b_.txt');
  });

  it('writes the boot info table isolinux expects (mkisofs -boot-info-table)', () => {
    const image = Buffer.alloc(2048 + 100, 0);
    image.writeUInt32LE(5, 64);
    image.writeUInt32LE(7, 2048);
    const patched = patchBootInfoTable(image, 42);
    expect([patched.readUInt32LE(8), patched.readUInt32LE(12), patched.readUInt32LE(16), patched.readUInt32LE(20)]).toEqual([16, 42, 2148, 12]);
    expect(patched.subarray(64)).toEqual(image.subarray(64));
  });
});
