import { BootmendError } from '../../../core/errors.js';
import { SECTOR_BYTES, type FatGeometry } from './geometry.js';
import { directoryBytes, type FatDirNode, type FatLayout } from './layout.js';
import { writeLongNameEntries } from './names.js';

/**
 * On-disk FAT structures (Microsoft FAT spec 1.03): boot sector with BPB (common part at
 * 11..35, FAT12/16 extension at 36, FAT32 extension at 36..89), FSInfo (FAT32 sector 1,
 * backed up with the boot sector at 6 and 7), FAT entries, 32-byte directory entries.
 */

const ATTR_DIRECTORY = 0x10;
const ATTR_ARCHIVE = 0x20;
const ATTR_VOLUME_ID = 0x08;
const MEDIA_FIXED = 0xf8;

export interface VolumeIdentity {
  /** Up to 11 characters, upper-cased. */
  label: string;
  serial: number;
}

export function labelBytes(label: string): Buffer {
  const out = Buffer.alloc(11, 0x20);
  out.write(label.toUpperCase().slice(0, 11), 0, 'latin1');
  return out;
}

export function bootSector(geometry: FatGeometry, identity: VolumeIdentity): Buffer {
  const out = Buffer.alloc(SECTOR_BYTES);
  const fat32 = geometry.type === 32;
  out.set([0xeb, fat32 ? 0x58 : 0x3c, 0x90]);
  out.write('MSWIN4.1', 3, 'latin1'); // the OEM name the spec recommends for widest compatibility
  out.writeUInt16LE(SECTOR_BYTES, 11);
  out[13] = geometry.sectorsPerCluster;
  out.writeUInt16LE(geometry.reservedSectors, 14);
  out[16] = geometry.fatCount;
  out.writeUInt16LE(geometry.rootEntries, 17);
  out.writeUInt16LE(!fat32 && geometry.totalSectors < 0x10000 ? geometry.totalSectors : 0, 19);
  out[21] = MEDIA_FIXED;
  out.writeUInt16LE(fat32 ? 0 : geometry.fatSectors, 22);
  out.writeUInt16LE(63, 24); // sectors per track and heads: only for CHS-era BIOSes
  out.writeUInt16LE(255, 26);
  out.writeUInt32LE(geometry.hiddenSectors, 28);
  out.writeUInt32LE(fat32 || geometry.totalSectors >= 0x10000 ? geometry.totalSectors : 0, 32);
  let ext = 36;
  if (fat32) {
    out.writeUInt32LE(geometry.fatSectors, 36);
    out.writeUInt16LE(0, 40); // FAT mirroring on
    out.writeUInt16LE(0, 42); // version 0.0
    out.writeUInt32LE(2, 44); // root cluster
    out.writeUInt16LE(1, 48); // FSInfo sector
    out.writeUInt16LE(6, 50); // backup boot sector
    ext = 64;
  }
  out[ext] = 0x80; // drive number
  out[ext + 2] = 0x29; // extended boot signature: serial, label and type follow
  out.writeUInt32LE(identity.serial >>> 0, ext + 3);
  labelBytes(identity.label).copy(out, ext + 7);
  out.write(fat32 ? 'FAT32   ' : geometry.type === 16 ? 'FAT16   ' : 'FAT12   ', ext + 18, 'latin1');
  // Boot code: not bootable by BIOS (Microsoft's loader is not ours to ship), so say so the BIOS way.
  out.set([0xcd, 0x18, 0xf4, 0xeb, 0xfd], ext + 26);
  out[510] = 0x55;
  out[511] = 0xaa;
  return out;
}

export function fsInfoSector(freeClusters: number, nextFree: number): Buffer {
  const out = Buffer.alloc(SECTOR_BYTES);
  out.writeUInt32LE(0x41615252, 0);
  out.writeUInt32LE(0x61417272, 484);
  out.writeUInt32LE(freeClusters, 488);
  out.writeUInt32LE(nextFree, 492);
  out.writeUInt32LE(0xaa550000, 508);
  return out;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function endOfChain(type: FatGeometry['type']): number {
  return type === 32 ? 0x0fffffff : type === 16 ? 0xffff : 0xfff;
}

function fatEntry(cluster: number, layout: FatLayout, type: FatGeometry['type']): number {
  if (cluster === 0) return (endOfChain(type) & ~0xff) | MEDIA_FIXED;
  if (cluster === 1) return endOfChain(type);
  return layout.chainEnds.has(cluster) ? endOfChain(type) : cluster + 1;
}

/** Bytes of the FAT that hold anything (entries 0..last used cluster); the rest stays zero = free. */
export function usedFatBytes(geometry: FatGeometry, layout: FatLayout): number {
  return Math.ceil(((layout.lastUsedCluster + 1) * geometry.type) / 8);
}

/** FAT bytes [from, from+length) of the used part; FAT12 packs two entries in three bytes. */
export function fatChunk(geometry: FatGeometry, layout: FatLayout, from: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  if (geometry.type === 12) {
    const firstCluster = Math.floor((from * 2) / 3);
    for (let cluster = firstCluster; cluster <= layout.lastUsedCluster; cluster += 1) {
      const byte = Math.floor((cluster * 3) / 2);
      if (byte >= from + length) break;
      const value = fatEntry(cluster, layout, 12);
      const pair = cluster % 2 === 0 ? value : value << 4;
      const mask = cluster % 2 === 0 ? 0x0fff : 0xfff0;
      for (let k = 0; k < 2; k += 1) {
        const at = byte + k - from;
        if (at < 0 || at >= length) continue;
        const shift = k * 8;
        out[at] = (out[at]! & ~((mask >> shift) & 0xff)) | ((pair >> shift) & 0xff);
      }
    }
    return out;
  }
  // FAT16/32: runs are contiguous, so every used entry points at the next cluster except the
  // chain ends. Filled in one pass (FAT32 through a 32-bit view on little-endian hosts, which
  // FAT's byte order is), then the ends patched: per-entry Set lookups and writeUInt32LE calls
  // cost ~10 ms for a WinPE tree's 150,000 clusters.
  const width = geometry.type / 8;
  const firstCluster = Math.floor(from / width);
  const lastCluster = Math.min(layout.lastUsedCluster, Math.floor((from + length) / width) - 1);
  const put = (cluster: number, value: number): void => {
    const at = cluster * width - from;
    out[at] = value & 0xff;
    out[at + 1] = (value >>> 8) & 0xff;
    if (width === 4) {
      out[at + 2] = (value >>> 16) & 0xff;
      out[at + 3] = (value >>> 24) & 0xff;
    }
  };
  if (width === 4 && LITTLE_ENDIAN_HOST && out.byteOffset % 4 === 0 && length % 4 === 0) {
    const entries = new Uint32Array(out.buffer, out.byteOffset, length / 4);
    for (let cluster = firstCluster; cluster <= lastCluster; cluster += 1) entries[cluster - firstCluster] = cluster + 1;
  } else {
    for (let cluster = firstCluster; cluster <= lastCluster; cluster += 1) put(cluster, cluster + 1);
  }
  for (const cluster of [0, 1, ...layout.chainEnds]) {
    if (cluster >= firstCluster && cluster <= lastCluster) put(cluster, fatEntry(cluster, layout, geometry.type));
  }
  return out;
}

export function dosDate(date: Date): number {
  const year = Math.min(2107, Math.max(1980, date.getUTCFullYear()));
  return ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
}

export function dosTime(date: Date): number {
  return (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2);
}

let lastStamp = { ms: NaN, dosT: 0, dosD: 0 };

/** DOS time and date of `time`; every entry of a tree built with --timestamp has the same one, so the last is kept. */
function dosStamp(time: Date): { dosT: number; dosD: number } {
  const ms = time.getTime();
  if (ms !== lastStamp.ms) lastStamp = { ms, dosT: dosTime(time), dosD: dosDate(time) };
  return lastStamp;
}

export function shortEntry(name: Buffer, attributes: number, cluster: number, size: number, time: Date): Buffer {
  const out = Buffer.alloc(32);
  writeShortEntry(out, 0, name, attributes, cluster, size, time);
  return out;
}

function writeShortEntry(out: Buffer, at: number, name: Buffer, attributes: number, cluster: number, size: number, time: Date): void {
  name.copy(out, at);
  out[at + 11] = attributes;
  const { dosT, dosD } = dosStamp(time);
  out.writeUInt16LE(dosT, at + 14);
  out.writeUInt16LE(dosD, at + 16);
  out.writeUInt16LE(dosD, at + 18);
  out.writeUInt16LE((cluster >>> 16) & 0xffff, at + 20);
  out.writeUInt16LE(dosT, at + 22);
  out.writeUInt16LE(dosD, at + 24);
  out.writeUInt16LE(cluster & 0xffff, at + 26);
  out.writeUInt32LE(size, at + 28);
}

const DOT = Buffer.from('.          ', 'latin1');
const DOTDOT = Buffer.from('..         ', 'latin1');

/** A folder's entries, zero-padded to its clusters (a zero first byte ends the listing); built in one buffer. */
export function directoryContent(dir: FatDirNode, identity: VolumeIdentity | null, byteLength: number): Buffer {
  const expected = directoryBytes(dir, identity !== null);
  if (expected > byteLength) throw new BootmendError('INTERNAL', `FAT folder ${dir.path} does not fit its clusters.`);
  const out = Buffer.alloc(byteLength);
  let at = 0;
  if (dir.parent === null) {
    if (identity) {
      writeShortEntry(out, at, labelBytes(identity.label), ATTR_VOLUME_ID, 0, 0, dir.mtime);
      at += 32;
    }
  } else {
    writeShortEntry(out, at, DOT, ATTR_DIRECTORY, dir.firstCluster, 0, dir.mtime);
    // ".." of a top-level folder says cluster 0, meaning the root, whatever cluster the FAT32 root has.
    const parentCluster = dir.parent.parent === null ? 0 : dir.parent.firstCluster;
    writeShortEntry(out, at + 32, DOTDOT, ATTR_DIRECTORY, parentCluster, 0, dir.parent.mtime);
    at += 64;
  }
  for (const child of dir.children) {
    if (child.name.long !== null) at += writeLongNameEntries(out, at, child.name.long, child.name.short);
    const node = child.node;
    if (node.kind === 'dir') writeShortEntry(out, at, child.name.short, ATTR_DIRECTORY, node.firstCluster, 0, node.mtime);
    else writeShortEntry(out, at, child.name.short, ATTR_ARCHIVE, node.firstCluster, node.source.size, node.mtime);
    at += 32;
  }
  if (at !== expected) throw new BootmendError('INTERNAL', `FAT folder ${dir.path} came out a different size than planned.`);
  return out;
}
