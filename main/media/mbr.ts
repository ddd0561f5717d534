/** Master boot record pieces shared by the hybrid ISO and the USB image (partition entry layout: UEFI spec 2.10, 5.2.1). */

/** Boot code for disks we cannot make BIOS-bootable: int 18h tells the BIOS to try the next device, then halt. */
export const NO_BOOT_CODE = Buffer.from([0xcd, 0x18, 0xf4, 0xeb, 0xfd]);

export interface PartitionEntry {
  active: boolean;
  type: number;
  start: number;
  count: number;
}

/** One 16-byte MBR entry; CHS from the usual 255-head/63-sector geometry, capped at 1023/254/63 as every tool does. */
export function writePartitionEntry(out: Buffer, at: number, entry: PartitionEntry): void {
  out[at] = entry.active ? 0x80 : 0x00;
  chs(entry.start).copy(out, at + 1);
  out[at + 4] = entry.type;
  chs(entry.start + entry.count - 1).copy(out, at + 5);
  out.writeUInt32LE(entry.start, at + 8);
  out.writeUInt32LE(entry.count, at + 12);
}

function chs(lba: number): Buffer {
  const heads = 255;
  const sectors = 63;
  let cylinder = Math.floor(lba / (heads * sectors));
  let head = Math.floor(lba / sectors) % heads;
  let sector = (lba % sectors) + 1;
  if (cylinder > 1023) {
    cylinder = 1023;
    head = 254;
    sector = 63;
  }
  return Buffer.from([head, sector | ((cylinder >> 2) & 0xc0), cylinder & 0xff]);
}
