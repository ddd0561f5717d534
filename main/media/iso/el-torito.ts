import { BootmendError } from '../../../core/errors.js';
import { SECTOR } from './encoding.js';
import type { FileNode, IsoLayout } from './layout.js';

/**
 * El Torito 1.0 (Phoenix/IBM 1995): a boot record volume descriptor at sector 17 points
 * at a one-sector boot catalog: validation entry (2.1), initial/default entry (2.2) and,
 * for a second platform, a section header (2.3) + section entry (2.4). We use
 * "no emulation" entries: BIOS (platform 0x00) loads `sectorCount` 512-byte sectors at
 * `loadSegment`; UEFI (platform 0xEF) finds a FAT image and runs \EFI\BOOT\BOOTX64.EFI.
 */

export const PLATFORM_BIOS = 0x00;
export const PLATFORM_EFI = 0xef;
const BOOTABLE = 0x88;
const NO_EMULATION = 0x00;

export interface BiosBootSettings {
  /** Real-mode segment the loader is copied to; 0x07C0 is the BIOS default and what etfsboot.com expects. */
  loadSegment: number;
  /** Virtual 512-byte sectors to load: 4 (one CD sector, isolinux) by default; etfsboot.com wants 8. */
  sectorCount: number;
}

export function bootRecordDescriptor(catalogSector: number): Buffer {
  const out = Buffer.alloc(SECTOR);
  out[0] = 0;
  out.write('CD001', 1, 'latin1');
  out[6] = 1;
  out.write('EL TORITO SPECIFICATION', 7, 'latin1');
  out.writeUInt32LE(catalogSector, 71);
  return out;
}

/** Sector count of a UEFI entry: the whole image in 512-byte units, or 0 ("to the end") when it does not fit 16 bits. */
export function efiSectorCount(imageBytes: number): number {
  const count = Math.ceil(imageBytes / 512);
  return count > 0xffff ? 0 : count;
}

export function bootCatalog(layout: IsoLayout, bios: BiosBootSettings): Buffer {
  const out = Buffer.alloc(SECTOR);
  const entries: { platform: number; write: (at: number) => void }[] = [];
  if (layout.bios) {
    const image = layout.bios;
    entries.push({ platform: PLATFORM_BIOS, write: (at) => bootEntry(out, at, bios.loadSegment, bios.sectorCount, image) });
  }
  if (layout.efi) {
    const image = layout.efi;
    entries.push({ platform: PLATFORM_EFI, write: (at) => bootEntry(out, at, 0, efiSectorCount(image.source.size), image) });
  }
  const [first, second] = entries;
  if (!first) throw new BootmendError('INTERNAL', 'A boot catalog was requested without any boot image.');
  validationEntry(out, first.platform);
  first.write(32);
  if (second) {
    out[64] = 0x91; // final section header
    out[65] = second.platform;
    out.writeUInt16LE(1, 66);
    second.write(96);
  }
  return out;
}

function validationEntry(out: Buffer, platform: number): void {
  out[0] = 1;
  out[1] = platform;
  out.write('BOOTMEND', 4, 'latin1');
  out[30] = 0x55;
  out[31] = 0xaa;
  let sum = 0;
  for (let i = 0; i < 32; i += 2) sum = (sum + out.readUInt16LE(i)) & 0xffff;
  out.writeUInt16LE((0x10000 - sum) & 0xffff, 28);
}

function bootEntry(out: Buffer, at: number, loadSegment: number, sectorCount: number, image: FileNode): void {
  out[at] = BOOTABLE;
  out[at + 1] = NO_EMULATION;
  out.writeUInt16LE(loadSegment, at + 2);
  out.writeUInt16LE(sectorCount, at + 6);
  out.writeUInt32LE(image.sector, at + 8);
}

/**
 * The boot info table some loaders (isolinux, GRUB's eltorito.img) need at bytes 8..63
 * of their own image: primary VD sector, image sector, image length, and a 32-bit sum of
 * the image from byte 64 (mkisofs -boot-info-table). etfsboot.com does not need it.
 */
export function patchBootInfoTable(image: Buffer, imageSector: number): Buffer {
  if (image.length < 64) throw new BootmendError('INVALID_INPUT', 'The BIOS boot image is too small for a boot info table; check the loader file.');
  const out = Buffer.from(image);
  let sum = 0;
  for (let i = 64; i < out.length; i += 4) {
    const word = i + 4 <= out.length ? out.readUInt32LE(i) : Buffer.concat([out.subarray(i), Buffer.alloc(4)]).readUInt32LE(0);
    sum = (sum + word) >>> 0;
  }
  out.fill(0, 8, 64);
  out.writeUInt32LE(16, 8);
  out.writeUInt32LE(imageSector, 12);
  out.writeUInt32LE(image.length, 16);
  out.writeUInt32LE(sum, 20);
  return out;
}
