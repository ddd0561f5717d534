import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { requireAll, requireRoot, requireTools } from '../../../test/tools.js';
import { writeUsbImage } from '../../media/fat/write-fat.js';
import { treeFromEntries } from '../../media/source-tree.js';
import { BOOT_TOOLS, MARKERS, bootInQemu, buildGrubLoader, plainTranscript } from '../../media/testing/qemu.js';
import { writeImage } from './write-image.js';
import { blankFile, LOOP_TOOLS, LoopDevices, removeDir, sha256Of, workDir } from './testing/loop.js';

/**
 * The proof that matters to the technician: a stick Bootmend wrote starts the PC. A USB image
 * built with the media test base (GRUB that looks for \bootmend\fix.cmd) is written to a loop
 * device, which QEMU + OVMF then boots as a USB stick.
 */
const MiB = 1 << 20;
const needs = requireAll([
  requireRoot({ for: 'booting a written loop device in QEMU' }),
  requireTools(LOOP_TOOLS, { for: 'booting a written loop device in QEMU' }),
  requireTools(BOOT_TOOLS, { for: 'booting a written loop device in QEMU' }),
]);

needs.describe('a written loop device boots in QEMU + OVMF', () => {
  const loops = new LoopDevices();
  let dir = '';
  let image = '';
  beforeAll(async () => {
    dir = await workDir('write-boot');
    const loader = await readFile(await buildGrubLoader(path.join(dir, 'grub')));
    const tree = treeFromEntries(
      [
        { path: 'EFI/BOOT/BOOTX64.EFI', content: loader },
        { path: 'bootmend/fix.cmd', content: '@echo off\r\necho Bootmend payload\r\n' },
      ],
      { timestamp: new Date('2024-07-19T04:09:00Z') },
    );
    image = path.join(dir, 'bootmend-usb.img');
    await writeUsbImage(tree, image, { sizeBytes: 70 * MiB, timestamp: new Date('2024-07-19T04:09:00Z') });
  }, 60_000);
  afterEach(() => loops.detachAll());
  afterAll(() => removeDir(dir));

  it('writes the USB image to the device, verifies it, and the device starts the loader, which finds the payload', async () => {
    const backing = path.join(dir, 'stick.img');
    await blankFile(backing, 80 * MiB);
    const device = loops.attach(backing);
    const written = await writeImage({ image, targets: [device] });
    expect(written.results[0]).toMatchObject({ outcome: 'verified', directIo: true });
    expect(await sha256Of(backing, written.imageBytes)).toBe(await sha256Of(image));
    const result = await bootInQemu({ firmware: 'uefi', medium: { kind: 'usb', file: device }, marker: MARKERS.uefi, timeoutMs: 90_000 });
    const text = plainTranscript(result.transcript);
    expect(result.outcome, text.slice(-1500)).toBe('marker');
    expect(text).toContain(MARKERS.payload);
  }, 120_000);
});
