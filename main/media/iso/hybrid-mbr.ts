import { BootmendError } from '../../../core/errors.js';
import { NO_BOOT_CODE, writePartitionEntry } from '../mbr.js';
import type { FileNode } from './layout.js';

/**
 * isohybrid-style MBR for sector 0 of the ISO, so the same file written raw to a USB
 * stick boots under UEFI: one partition of type 0xEF (EFI System) covering exactly the
 * El Torito FAT image, which firmware mounts to find \EFI\BOOT\BOOTX64.EFI. No BIOS
 * boot code: a BIOS stick needs a loader's MBR code that we do not ship.
 */
export function hybridMbr(efi: FileNode, diskSignature: number): Buffer {
  const out = Buffer.alloc(512);
  NO_BOOT_CODE.copy(out, 0);
  out.writeUInt32LE(diskSignature >>> 0, 440);
  const start = efi.sector * 4;
  const count = Math.ceil(efi.source.size / 512);
  if (start + count > 0xffff_ffff) throw new BootmendError('INVALID_INPUT', 'The EFI boot image lies beyond 2 TiB in the ISO; an MBR cannot point at it.');
  writePartitionEntry(out, 446, { active: false, type: 0xef, start, count });
  out[510] = 0x55;
  out[511] = 0xaa;
  return out;
}
