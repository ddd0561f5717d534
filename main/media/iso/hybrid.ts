import { BootmendError } from '../../../core/errors.js';
import { SECTOR } from './encoding.js';
import { BASIC_DATA_TYPE, ESP_TYPE, GPT_LBA, ISO_DATA_LBA, buildGpt, type GptImage } from './gpt.js';
import type { IsoLayout } from './layout.js';

/**
 * isohybrid-style partition table, so the same ISO written raw to a USB stick boots under
 * UEFI: a GPT whose EFI System Partition is exactly the El Torito FAT image (firmware mounts
 * it and runs \EFI\BOOT\BOOTX64.EFI), plus a basic-data partition over the ISO 9660 data
 * before it. No BIOS boot code: a BIOS stick needs a loader's MBR code that we do not ship.
 */
export function hybridGpt(layout: IsoLayout, seed: string): GptImage {
  const efi = layout.efi;
  if (!efi || layout.gptTailSectors === 0) throw new BootmendError('INTERNAL', 'A hybrid GPT needs a layout planned with the EFI image last and room for the backup GPT.');
  const perSector = SECTOR / GPT_LBA;
  const espFirst = efi.sector * perSector;
  const espLast = espFirst + Math.ceil(efi.source.size / GPT_LBA) - 1;
  return buildGpt({
    lbas: layout.totalSectors * perSector,
    seed,
    partitions: [
      { type: BASIC_DATA_TYPE, firstLba: ISO_DATA_LBA, lastLba: espFirst - 1, name: 'ISO9660' },
      { type: ESP_TYPE, firstLba: espFirst, lastLba: espLast, name: 'EFI boot' },
    ],
  });
}
