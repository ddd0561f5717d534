import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { tempDir } from '../../test/temp.js';
import { requireTools } from '../../test/tools.js';
import { writeBareFatImage, writeUsbImage } from './fat/write-fat.js';
import { writeIsoFile } from './iso/write-iso.js';
import { bufferSource, treeFromEntries, type InMemoryEntry } from './source-tree.js';
import { MARKERS, BOOT_TOOLS, bootInQemu, buildGrubLoader, plainTranscript, stageIsolinux, type BootResult, type BootRun } from './testing/qemu.js';

/**
 * Boots what our writers produce in QEMU (TCG): OVMF for UEFI, SeaBIOS for BIOS. The test base
 * stands in for WinPE: a standalone GRUB as EFI/BOOT/BOOTX64.EFI that checks \bootmend\fix.cmd is
 * on the boot device, and isolinux in place of etfsboot.com. Each boot takes 5–30 s.
 */

const TIMESTAMP = new Date('2024-07-19T04:09:00Z');
const qemu = requireTools(BOOT_TOOLS, { for: 'booting the media in QEMU' });

/** Two QEMUs at a time: the machine has 2 cores and each TCG guest keeps one busy. */
const BOOT_SLOTS = 2;
let running = 0;
const waiting: (() => void)[] = [];
async function boot(run: BootRun): Promise<BootResult> {
  if (running >= BOOT_SLOTS) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await bootInQemu(run);
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

function expectOutcome(result: BootResult, outcome: BootResult['outcome'], ...markers: string[]): void {
  const text = plainTranscript(result.transcript);
  const context = `outcome ${result.outcome} after ${result.ms} ms; serial tail:\n${text.slice(-1500)}`;
  expect(result.outcome, context).toBe(outcome);
  for (const marker of markers) expect(text, context).toContain(marker);
}

qemu.describe('boot media boot in QEMU (OVMF and SeaBIOS)', () => {
  let work = '';
  let iso = '';
  let usb = '';
  let bare = '';

  beforeAll(async () => {
    work = tempDir('boot');
    const loader = await readFile(await buildGrubLoader(path.join(work, 'grub')));
    const isolinuxDir = path.join(work, 'isolinux');
    await stageIsolinux(isolinuxDir);
    const isolinuxFiles: InMemoryEntry[] = [];
    for (const name of ['isolinux.bin', 'ldlinux.c32', 'poweroff.c32', 'libcom32.c32', 'libutil.c32', 'isolinux.cfg']) {
      const content = await readFile(path.join(isolinuxDir, name)).catch(() => null);
      if (content) isolinuxFiles.push({ path: `isolinux/${name}`, content });
    }
    const payload: InMemoryEntry = { path: 'bootmend/fix.cmd', content: '@echo off\r\necho Bootmend payload\r\n' };
    const base: InMemoryEntry[] = [{ path: 'EFI/BOOT/BOOTX64.EFI', content: loader }, payload, ...isolinuxFiles, { path: 'sources/readme.txt', content: 'WinPE stand-in\r\n' }];
    const tree = treeFromEntries(base, { timestamp: TIMESTAMP });

    // The El Torito UEFI image is made by our FAT writer from the base's EFI folder, as the product does.
    const efiImage = path.join(work, 'efiboot.img');
    await writeBareFatImage(treeFromEntries([{ path: 'EFI/BOOT/BOOTX64.EFI', content: loader }], { timestamp: TIMESTAMP }), efiImage, { timestamp: TIMESTAMP });
    iso = path.join(work, 'bootmend.iso');
    await writeIsoFile(tree, iso, {
      timestamp: TIMESTAMP,
      volumeId: 'BOOTMEND_BOOT',
      bios: { path: 'isolinux/isolinux.bin', loadSegment: 0x07c0, sectorCount: 4, bootInfoTable: true },
      efi: { hidden: bufferSource(await readFile(efiImage)) },
    });
    usb = path.join(work, 'bootmend-usb.img');
    await writeUsbImage(tree, usb, { sizeBytes: 70 << 20, timestamp: TIMESTAMP });
    // Negative control: the same payload, no loader and no El Torito entries.
    bare = path.join(work, 'no-loader.iso');
    await writeIsoFile(treeFromEntries([payload], { timestamp: TIMESTAMP }), bare, { timestamp: TIMESTAMP });
  }, 60_000);

  it.concurrent('UEFI: the ISO as a CD-ROM starts the EFI loader, which finds the payload', async () => {
    const result = await boot({ firmware: 'uefi', medium: { kind: 'cdrom', file: iso }, marker: MARKERS.uefi });
    expectOutcome(result, 'marker', MARKERS.payload);
  }, 300_000);

  it.concurrent('UEFI: the same ISO as a hard disk (hybrid GPT, as written raw to a stick) boots', async () => {
    const result = await boot({ firmware: 'uefi', medium: { kind: 'disk', file: iso }, marker: MARKERS.uefi });
    expectOutcome(result, 'marker', MARKERS.payload);
  }, 300_000);

  it.concurrent('UEFI: the FAT32 USB image as usb-storage boots', async () => {
    const result = await boot({ firmware: 'uefi', medium: { kind: 'usb', file: usb }, marker: MARKERS.uefi });
    expectOutcome(result, 'marker', MARKERS.payload);
  }, 300_000);

  it.concurrent('BIOS: the ISO as a CD-ROM starts the El Torito loader (isolinux with a boot info table)', async () => {
    const result = await boot({ firmware: 'bios', medium: { kind: 'cdrom', file: iso }, marker: MARKERS.bios });
    expectOutcome(result, 'marker');
  }, 300_000);

  it.concurrent('negative control: an ISO without a loader drops OVMF to its shell and prints no marker', async () => {
    const result = await boot({ firmware: 'uefi', medium: { kind: 'cdrom', file: bare }, marker: MARKERS.uefi });
    expectOutcome(result, 'shell');
    expect(result.transcript).not.toContain(MARKERS.payload);
    expect(result.transcript).not.toContain(MARKERS.bios);
  }, 300_000);
});
