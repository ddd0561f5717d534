import { open, rm } from 'node:fs/promises';
import { BootmendError } from '../../../core/errors.js';
import { prewarmCopyThread } from '../copy-worker.js';
import { NO_BOOT_CODE, writePartitionEntry } from '../mbr.js';
import { PositionalSink, type StreamControl } from '../progress-sink.js';
import type { SourceTree } from '../source-tree.js';
import { SECTOR_BYTES, fat32Geometry, smallFatGeometry, type FatGeometry } from './geometry.js';
import { planFat, type FatLayout } from './layout.js';
import { bootSector, directoryContent, fatChunk, fsInfoSector, usedFatBytes, type VolumeIdentity } from './structures.js';

/**
 * Two outputs. USB image: MBR (one active partition, type 0x0C FAT32-LBA, starting at
 * 1 MiB) + a FAT32 volume of any size from 64 MiB, UEFI-bootable from \EFI\BOOT\BOOTX64.EFI.
 * Bare image: FAT12/16 without a partition table, the El Torito UEFI boot image (efiboot.img).
 * The file is first set to its full size (sparse: unwritten ranges are holes that read as
 * zeros), then only the structures and the files' bytes are written, one file at a time.
 */

export const PARTITION_START_SECTOR = 2048;
const MBR_PARTITION_LIMIT = 0xffff_ffff;
const FAT_WRITE_CHUNK = 1 << 20;

export interface FatImageOptions extends StreamControl {
  /** Volume label, up to 11 characters; default "BOOTMEND". */
  label?: string;
  /** Root and volume times and the volume serial; with a tree made with the same timestamp the image is reproducible. */
  timestamp?: Date;
}

export interface UsbImageOptions extends FatImageOptions {
  /** Whole image (= USB drive) size in bytes, at least 65 MiB; rounded down to a 512-byte sector. */
  sizeBytes: number;
}

export interface BareFatOptions extends FatImageOptions {
  /** Default: just big enough for the tree (see bareFatImageSize). */
  sizeBytes?: number;
}

export interface FatImageResult {
  bytes: number;
  fatType: 12 | 16 | 32;
  clusterBytes: number;
  /** Where the file system starts in the image: 1 MiB for the USB image, 0 for a bare image. */
  partitionOffset: number;
  freeBytes: number;
}

export async function writeUsbImage(tree: SourceTree, filePath: string, options: UsbImageOptions): Promise<FatImageResult> {
  const diskSectors = Math.floor(options.sizeBytes / SECTOR_BYTES);
  const partitionSectors = diskSectors - PARTITION_START_SECTOR;
  if (diskSectors > MBR_PARTITION_LIMIT) throw new BootmendError('INVALID_INPUT', 'An MBR disk cannot be larger than 2 TiB; choose a smaller image size.', { field: 'sizeBytes' });
  if (partitionSectors * SECTOR_BYTES < 64 << 20) throw new BootmendError('INVALID_INPUT', 'A USB image must be at least 65 MiB (1 MiB partition gap + 64 MiB FAT32).', { field: 'sizeBytes' });
  const geometry = fat32Geometry(partitionSectors, PARTITION_START_SECTOR);
  const mbr = Buffer.alloc(SECTOR_BYTES);
  NO_BOOT_CODE.copy(mbr, 0);
  mbr.writeUInt32LE(identity(options).serial, 440);
  writePartitionEntry(mbr, 446, { active: true, type: 0x0c, start: PARTITION_START_SECTOR, count: partitionSectors });
  mbr[510] = 0x55;
  mbr[511] = 0xaa;
  return writeImage(tree, filePath, geometry, PARTITION_START_SECTOR * SECTOR_BYTES, mbr, options);
}

export async function writeBareFatImage(tree: SourceTree, filePath: string, options: BareFatOptions = {}): Promise<FatImageResult> {
  const sizeBytes = options.sizeBytes ?? bareFatImageSize(tree, options);
  return writeImage(tree, filePath, smallFatGeometry(Math.floor(sizeBytes / SECTOR_BYTES)), 0, null, options);
}

/** Smallest bare FAT12/16 image (in whole 64 KiB steps, at least 1.44 MB like efisys.bin) that holds the tree. */
export function bareFatImageSize(tree: SourceTree, options: FatImageOptions = {}): number {
  const step = 64 << 10;
  let size = Math.max(1_474_560, Math.ceil((tree.fileBytes * 1.05 + 256 * 1024) / step) * step);
  for (let attempt = 0; attempt < 64; attempt += 1) {
    const geometry = smallFatGeometry(size / SECTOR_BYTES);
    try {
      planFat(tree, geometry, options.timestamp ?? new Date(0), true);
      return size;
    } catch (error) {
      if (!(error instanceof BootmendError) || !/choose a larger image/.test(error.message)) throw error;
      size = Math.ceil((size * 1.1) / step) * step;
    }
  }
  throw new BootmendError('INVALID_INPUT', 'The EFI boot files are too large for a FAT12/16 boot image; keep only EFI/BOOT in it.');
}

function identity(options: FatImageOptions): VolumeIdentity {
  const time = options.timestamp ?? new Date();
  // Serial from the time, as DOS did: a fixed --timestamp gives a fixed serial.
  return { label: (options.label ?? 'BOOTMEND').toUpperCase(), serial: Math.floor(time.getTime() / 1000) >>> 0 };
}

async function writeImage(tree: SourceTree, filePath: string, geometry: FatGeometry, offset: number, mbr: Buffer | null, options: FatImageOptions): Promise<FatImageResult> {
  prewarmCopyThread(); // starts while the layout is planned
  const volume = identity(options);
  if (!/^[A-Z0-9 !#$%&'()\-@^_`{}~]{1,11}$/.test(volume.label)) {
    throw new BootmendError('INVALID_INPUT', 'The volume label may have up to 11 letters, digits, spaces and _ - ( ) characters.', { field: 'label' });
  }
  const layout = planFat(tree, geometry, options.timestamp ?? new Date(), true);
  const clusterBytes = geometry.sectorsPerCluster * SECTOR_BYTES;
  const imageBytes = offset + geometry.totalSectors * SECTOR_BYTES;
  const fatBytes = usedFatBytes(geometry, layout);
  const dirBytes = (dir: FatLayout['root']): number => (dir.parent === null && geometry.type !== 32 ? geometry.rootDirSectors * SECTOR_BYTES : dir.clusters * clusterBytes);
  const metadata = (mbr ? SECTOR_BYTES : 0) + (geometry.type === 32 ? 4 : 1) * SECTOR_BYTES + geometry.fatCount * fatBytes;
  const directories = [...layout.dirs, ...(geometry.type === 32 ? [] : [layout.root])].reduce((sum, dir) => sum + dirBytes(dir), 0);
  const file = await open(filePath, 'w');
  try {
    await file.truncate(imageBytes);
    const sink = new PositionalSink(file, metadata + directories + tree.fileBytes, options);
    const sectorAt = (sector: number): number => offset + sector * SECTOR_BYTES;
    const clusterAt = (cluster: number): number => sectorAt(geometry.firstDataSector + (cluster - 2) * geometry.sectorsPerCluster);
    // The files' bytes are copied while the structures below are written: folders are allocated
    // before files, so every structure lies before the first file's cluster.
    const copies = sink.startDiskCopies(layout.files.filter((node) => node.source.size > 0).map((node) => ({ position: clusterAt(node.firstCluster), source: node.source, name: node.path })));
    try {
      await writeStructures(sink, geometry, layout, volume, { mbr, sectorAt, clusterAt, dirBytes, fatBytes });
      await sink.copyStreamedFiles(copies.rest);
    } catch (error) {
      copies.stop();
      await copies.done.catch(() => undefined);
      throw error;
    }
    await copies.done;
    await sink.close();
    await file.close();
    return { bytes: imageBytes, fatType: geometry.type, clusterBytes, partitionOffset: offset, freeBytes: (geometry.clusterCount - layout.usedClusters) * clusterBytes };
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(filePath, { force: true });
    throw error;
  }
}

interface Placement {
  mbr: Buffer | null;
  sectorAt: (sector: number) => number;
  clusterAt: (cluster: number) => number;
  dirBytes: (dir: FatLayout['root']) => number;
  fatBytes: number;
}

/** MBR, boot sector(s), FSInfo, every FAT copy and every folder. */
async function writeStructures(sink: PositionalSink, geometry: FatGeometry, layout: FatLayout, volume: VolumeIdentity, place: Placement): Promise<void> {
  const { mbr, sectorAt, clusterAt, dirBytes, fatBytes } = place;
  if (mbr) await sink.writeAt(0, mbr);
  const boot = bootSector(geometry, volume);
  await sink.writeAt(sectorAt(0), boot);
  if (geometry.type === 32) {
    const info = fsInfoSector(geometry.clusterCount - layout.usedClusters, layout.lastUsedCluster + 1);
    await sink.writeAt(sectorAt(1), info);
    await sink.writeAt(sectorAt(6), boot);
    await sink.writeAt(sectorAt(7), info);
  }
  // The used part of the FAT is computed once per 1 MiB piece and written to every copy.
  for (let from = 0; from < fatBytes; from += FAT_WRITE_CHUNK) {
    const piece = fatChunk(geometry, layout, from, Math.min(FAT_WRITE_CHUNK, fatBytes - from));
    for (let copy = 0; copy < geometry.fatCount; copy += 1) await sink.writeAt(sectorAt(geometry.reservedSectors + copy * geometry.fatSectors) + from, piece);
  }
  if (geometry.type !== 32) {
    const rootSector = geometry.reservedSectors + geometry.fatCount * geometry.fatSectors;
    await sink.writeAt(sectorAt(rootSector), directoryContent(layout.root, volume, dirBytes(layout.root)));
  }
  for (const dir of layout.dirs) {
    await sink.writeAt(clusterAt(dir.firstCluster), directoryContent(dir, volume, dirBytes(dir)));
  }
}
