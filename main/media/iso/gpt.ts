import { createHash } from 'node:crypto';
import { BootmendError } from '../../../core/errors.js';
import { writePartitionEntry } from '../mbr.js';

/**
 * GUID Partition Table for the hybrid ISO (UEFI spec 2.10, 5.2.3 and 5.3), so the ISO
 * written raw to a USB stick is a GPT disk whose EFI System Partition is the El Torito
 * FAT image. Disk layout in 512-byte LBAs:
 *   0 protective MBR (one 0xEE entry from LBA 1) | 1 header | 2-33 entries (128 x 128 bytes)
 *   | 64.. "ISO9660" basic-data partition (descriptors, folders, files) | ESP (the EFI image,
 *   placed last by the layout) | backup entries | backup header (last LBA).
 * Unlike xorriso's -isohybrid-gpt-basdat (whose basic-data partition starts at 0 and overlaps
 * the GPT and the ESP, which gdisk reports as invalid), the partitions here do not overlap,
 * so `sgdisk -v` finds no problem.
 */

export const GPT_LBA = 512;
const ENTRY_COUNT = 128;
const ENTRY_BYTES = 128;
const ENTRIES_LBAS = (ENTRY_COUNT * ENTRY_BYTES) / GPT_LBA; // 32
const HEADER_BYTES = 92;
/** First LBA of the basic-data partition: the end of the ISO's 32 KiB system area. */
export const ISO_DATA_LBA = 64;
/** Room the backup GPT needs at the end of the disk (entries + header), in 512-byte LBAs. */
export const BACKUP_LBAS = ENTRIES_LBAS + 1;

export const ESP_TYPE = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';
export const BASIC_DATA_TYPE = 'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7';

export interface GptPartition {
  type: string;
  /** Inclusive range, in 512-byte LBAs. */
  firstLba: number;
  lastLba: number;
  name: string;
}

export interface GptDisk {
  /** Whole disk size in 512-byte LBAs. */
  lbas: number;
  partitions: GptPartition[];
  /** Seed for the disk and partition GUIDs: the same seed gives the same bytes (reproducible images). */
  seed: string;
}

export interface GptImage {
  /** LBA 0-33: protective MBR, primary header, entries. */
  primary: Buffer;
  /** The last 33 LBAs: backup entries, then the backup header. */
  backup: Buffer;
}

export function buildGpt(disk: GptDisk): GptImage {
  const last = disk.lbas - 1;
  const firstUsable = 2 + ENTRIES_LBAS;
  const lastUsable = last - BACKUP_LBAS;
  if (disk.partitions.length > ENTRY_COUNT) throw new BootmendError('INTERNAL', 'Too many GPT partitions.');
  const entries = Buffer.alloc(ENTRY_COUNT * ENTRY_BYTES);
  disk.partitions.forEach((partition, index) => {
    if (partition.firstLba < firstUsable || partition.lastLba > lastUsable || partition.lastLba < partition.firstLba) {
      throw new BootmendError('INTERNAL', `GPT partition "${partition.name}" (${partition.firstLba}-${partition.lastLba}) lies outside the usable LBAs ${firstUsable}-${lastUsable}.`);
    }
    const at = index * ENTRY_BYTES;
    guidBytes(partition.type).copy(entries, at);
    derivedGuid(`${disk.seed}/partition/${index}`).copy(entries, at + 16);
    entries.writeBigUInt64LE(BigInt(partition.firstLba), at + 32);
    entries.writeBigUInt64LE(BigInt(partition.lastLba), at + 40);
    // attributes (at + 48) stay 0
    entries.write(partition.name.slice(0, 36), at + 56, 'utf16le');
  });
  const entriesCrc = crc32(entries);
  const diskGuid = derivedGuid(`${disk.seed}/disk`);
  const header = (myLba: number, alternateLba: number, entriesLba: number): Buffer => {
    const out = Buffer.alloc(GPT_LBA);
    out.write('EFI PART', 0, 'latin1');
    out.writeUInt32LE(0x0001_0000, 8);
    out.writeUInt32LE(HEADER_BYTES, 12);
    out.writeBigUInt64LE(BigInt(myLba), 24);
    out.writeBigUInt64LE(BigInt(alternateLba), 32);
    out.writeBigUInt64LE(BigInt(firstUsable), 40);
    out.writeBigUInt64LE(BigInt(lastUsable), 48);
    diskGuid.copy(out, 56);
    out.writeBigUInt64LE(BigInt(entriesLba), 72);
    out.writeUInt32LE(ENTRY_COUNT, 80);
    out.writeUInt32LE(ENTRY_BYTES, 84);
    out.writeUInt32LE(entriesCrc, 88);
    out.writeUInt32LE(crc32(out.subarray(0, HEADER_BYTES)), 16);
    return out;
  };
  const mbr = Buffer.alloc(GPT_LBA);
  writePartitionEntry(mbr, 446, { active: false, type: 0xee, start: 1, count: Math.min(last, 0xffff_ffff) });
  mbr[510] = 0x55;
  mbr[511] = 0xaa;
  return {
    primary: Buffer.concat([mbr, header(1, last, 2), entries]),
    backup: Buffer.concat([entries, header(last, 1, last - ENTRIES_LBAS)]),
  };
}

/** "C12A7328-F81F-..." in GPT's mixed-endian byte order (first three fields little-endian). */
export function guidBytes(text: string): Buffer {
  const hex = text.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new BootmendError('INTERNAL', `"${text}" is not a GUID.`);
  const raw = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from(raw.subarray(0, 4)).reverse(), Buffer.from(raw.subarray(4, 6)).reverse(), Buffer.from(raw.subarray(6, 8)).reverse(), raw.subarray(8)]);
}

/** A version-4-shaped GUID from a hash of the seed: random-looking, yet the same every build. */
function derivedGuid(seed: string): Buffer {
  const out = createHash('sha256').update(seed).digest().subarray(0, 16);
  out[7] = (out[7]! & 0x0f) | 0x40; // version 4 (byte 7: high byte of the little-endian third field)
  out[8] = (out[8]! & 0x3f) | 0x80; // RFC 4122 variant
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (IEEE 802.3), as the GPT header and entry array checksums use. */
export function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
