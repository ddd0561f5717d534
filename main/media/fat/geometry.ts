import { BootmendError } from '../../../core/errors.js';

/**
 * Volume geometry per the Microsoft FAT specification (FAT32 File System Specification
 * 1.03, "FAT Type Determination" and "FAT Volume Initialization"): the FAT type follows
 * from the cluster count alone (< 4085 FAT12, < 65525 FAT16, else FAT32). Cluster sizes
 * follow mkfs.fat: FAT32 512 B up to 260 MB, 4 KiB up to 8 GiB, 8 KiB to 16 GiB, 16 KiB
 * to 32 GiB, 32 KiB above (no 32 GB ceiling: that is a Windows format-dialog limit, not FAT's).
 */

export const SECTOR_BYTES = 512;
export type FatType = 12 | 16 | 32;

export interface FatGeometry {
  readonly type: FatType;
  readonly totalSectors: number;
  readonly sectorsPerCluster: number;
  readonly reservedSectors: number;
  readonly fatCount: number;
  readonly fatSectors: number;
  /** FAT12/16 only: fixed root directory entries (FAT32 keeps its root in clusters). */
  readonly rootEntries: number;
  readonly rootDirSectors: number;
  readonly firstDataSector: number;
  readonly clusterCount: number;
  /** Partition start on the disk (BPB "hidden sectors"); 0 for a bare image. */
  readonly hiddenSectors: number;
}

export const MIN_FAT32_CLUSTERS = 65525;
const MIN_FAT16_CLUSTERS = 4085;
/** Keep clear of the type boundaries: some drivers count clusters slightly differently. */
const BOUNDARY_MARGIN = 16;

export function fat32ClusterSectors(totalSectors: number): number {
  const mib = (totalSectors * SECTOR_BYTES) / (1 << 20);
  if (mib <= 260) return 1;
  if (mib <= 8192) return 8;
  if (mib <= 16384) return 16;
  if (mib <= 32768) return 32;
  return 64;
}

/** FAT32 with 32 reserved sectors (boot, FSInfo, backup at 6), data area aligned to a cluster. */
export function fat32Geometry(totalSectors: number, hiddenSectors: number): FatGeometry {
  const geometry = solve(32, totalSectors, fat32ClusterSectors(totalSectors), 32, 0, hiddenSectors);
  if (geometry.clusterCount < MIN_FAT32_CLUSTERS) {
    throw new BootmendError('INVALID_INPUT', `A FAT32 partition of ${Math.floor((totalSectors * SECTOR_BYTES) / (1 << 20))} MiB is too small; use at least 64 MiB.`);
  }
  return geometry;
}

/** FAT12 or FAT16 for small images such as the El Torito EFI boot image (1.44 MB-style efisys.bin). */
export function smallFatGeometry(totalSectors: number): FatGeometry {
  for (let spc = 1; spc <= 64; spc *= 2) {
    const fat12 = solve(12, totalSectors, spc, 1, 512, 0);
    if (fat12.clusterCount < MIN_FAT16_CLUSTERS - BOUNDARY_MARGIN) return fat12;
    const fat16 = solve(16, totalSectors, spc, 1, 512, 0);
    if (fat16.clusterCount > MIN_FAT16_CLUSTERS + BOUNDARY_MARGIN && fat16.clusterCount < MIN_FAT32_CLUSTERS - BOUNDARY_MARGIN) return fat16;
  }
  throw new BootmendError('INVALID_INPUT', 'That image size does not suit FAT12/FAT16; use a size between 100 KB and 2 GB.');
}

/**
 * Smallest FAT that covers every cluster: iterate, since a bigger FAT leaves fewer clusters.
 * Then pad the reserved area so the data area starts on a cluster boundary (flash-friendly, as mkfs.fat does).
 */
function solve(type: FatType, totalSectors: number, spc: number, minReserved: number, rootEntries: number, hiddenSectors: number): FatGeometry {
  const fatCount = 2;
  const rootDirSectors = Math.ceil((rootEntries * 32) / SECTOR_BYTES);
  let fatSectors = 1;
  let clusterCount = 0;
  for (;;) {
    clusterCount = Math.floor((totalSectors - minReserved - rootDirSectors - fatCount * fatSectors) / spc);
    const needed = Math.ceil(((clusterCount + 2) * type) / 8 / SECTOR_BYTES);
    if (needed <= fatSectors) break;
    fatSectors = needed;
  }
  const misalignment = (hiddenSectors + minReserved + fatCount * fatSectors + rootDirSectors) % spc;
  const reservedSectors = minReserved + (type === 32 && misalignment !== 0 ? spc - misalignment : 0);
  const firstDataSector = reservedSectors + fatCount * fatSectors + rootDirSectors;
  clusterCount = Math.floor((totalSectors - firstDataSector) / spc);
  if (clusterCount < 1) throw new BootmendError('INVALID_INPUT', 'The image is too small to hold a FAT file system.');
  return { type, totalSectors, sectorsPerCluster: spc, reservedSectors, fatCount, fatSectors, rootEntries, rootDirSectors, firstDataSector, clusterCount, hiddenSectors };
}
