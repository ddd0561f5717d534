import { BootmendError } from '../../../core/errors.js';
import { replaceChars } from '../names.js';
import type { FileSource, SourceTree } from '../source-tree.js';
import { SECTOR_BYTES, type FatGeometry } from './geometry.js';
import { FolderShortNames, MAX_LONG_NAME, type FatName } from './names.js';

/**
 * Cluster allocation: every folder and file gets one contiguous run (a fresh image has
 * no fragmentation), FAT32's root first at cluster 2, then folders, then file data in
 * tree order. Because runs are contiguous the FAT is fully described by where each run ends.
 */

/** FAT's own limit: the size field is 32 bits. */
export const MAX_FAT_FILE = 0xffff_ffff;

export interface FatFileNode {
  readonly kind: 'file';
  readonly path: string;
  readonly source: FileSource;
  readonly mtime: Date;
  firstCluster: number;
  clusters: number;
}

export interface FatChild {
  readonly name: FatName;
  readonly node: FatDirNode | FatFileNode;
}

export interface FatDirNode {
  readonly kind: 'dir';
  readonly path: string;
  readonly mtime: Date;
  readonly parent: FatDirNode | null;
  readonly children: FatChild[];
  firstCluster: number;
  clusters: number;
}

export interface FatLayout {
  readonly root: FatDirNode;
  /** Folders with clusters, in allocation order (FAT32 root first; FAT12/16 root lives in its fixed region). */
  readonly dirs: FatDirNode[];
  readonly files: FatFileNode[];
  /** Last cluster of every run: these FAT entries hold end-of-chain. */
  readonly chainEnds: Set<number>;
  readonly lastUsedCluster: number;
  readonly usedClusters: number;
}

export function entryCount(child: FatChild): number {
  return 1 + (child.name.long === null ? 0 : Math.ceil(child.name.long.length / 13));
}

/** Bytes of a folder's entries: ".", ".." (not in the root), long + short entries, the root's volume label. */
export function directoryBytes(dir: FatDirNode, hasLabel: boolean): number {
  const own = dir.parent === null ? (hasLabel ? 1 : 0) : 2;
  return 32 * dir.children.reduce((sum, child) => sum + entryCount(child), own);
}

export function buildTree(tree: SourceTree, rootTime: Date): { root: FatDirNode; dirs: FatDirNode[]; files: FatFileNode[] } {
  const root: FatDirNode = { kind: 'dir', path: '', mtime: rootTime, parent: null, children: [], firstCluster: 0, clusters: 0 };
  const dirsByPath = new Map<string, FatDirNode>([['', root]]);
  const namers = new Map<FatDirNode, FolderShortNames>();
  const dirs: FatDirNode[] = [];
  const files: FatFileNode[] = [];
  for (const entry of tree.entries) {
    const path = entry.segments.join('/');
    const parent = dirsByPath.get(path.slice(0, Math.max(0, path.lastIndexOf('/'))));
    const name = entry.segments[entry.segments.length - 1];
    if (!parent || name === undefined) throw new BootmendError('INTERNAL', `The folder of ${path} was not listed before it.`);
    const longName = replaceChars(name, '"*/:<>?\\|');
    if (longName.length > MAX_LONG_NAME) throw new BootmendError('INVALID_INPUT', `"${path}" has a name longer than 255 characters, which FAT cannot store; rename it.`);
    if (!entry.isDir && entry.size > MAX_FAT_FILE) {
      throw new BootmendError('INVALID_INPUT', `${path} is ${(entry.size / 2 ** 30).toFixed(1)} GiB; FAT32 cannot hold files of 4 GiB or more. Use the ISO output, or split the WIM (DISM /Split-Image).`);
    }
    const namer = namers.get(parent) ?? new FolderShortNames();
    namers.set(parent, namer);
    const node: FatDirNode | FatFileNode = entry.isDir
      ? { kind: 'dir', path, mtime: entry.mtime, parent, children: [], firstCluster: 0, clusters: 0 }
      : { kind: 'file', path, source: { size: entry.size, open: entry.open }, mtime: entry.mtime, firstCluster: 0, clusters: 0 };
    if (node.kind === 'dir') {
      dirsByPath.set(path, node);
      dirs.push(node);
    } else files.push(node);
    parent.children.push({ name: namer.name(longName), node });
  }
  return { root, dirs, files };
}

export function planFat(tree: SourceTree, geometry: FatGeometry, rootTime: Date, hasLabel: boolean): FatLayout {
  const { root, dirs, files } = buildTree(tree, rootTime);
  const clusterBytes = geometry.sectorsPerCluster * SECTOR_BYTES;
  const chainEnds = new Set<number>();
  let next = 2;
  const allocate = (node: FatDirNode | FatFileNode, bytes: number): void => {
    node.clusters = Math.ceil(bytes / clusterBytes);
    if (node.clusters === 0) return; // empty file: first cluster 0
    node.firstCluster = next;
    next += node.clusters;
    chainEnds.add(next - 1);
  };
  const clustered = geometry.type === 32 ? [root, ...dirs] : dirs;
  if (geometry.type !== 32) {
    const rootBytes = directoryBytes(root, hasLabel);
    if (rootBytes > geometry.rootEntries * 32) {
      throw new BootmendError('INVALID_INPUT', `The top folder has too many entries for a FAT12/16 root (${geometry.rootEntries}); move some into a subfolder.`);
    }
  }
  for (const dir of clustered) allocate(dir, Math.max(1, directoryBytes(dir, hasLabel)));
  for (const file of files) allocate(file, file.source.size);
  const usedClusters = next - 2;
  if (usedClusters > geometry.clusterCount) {
    const neededMiB = Math.ceil((usedClusters * clusterBytes) / (1 << 20));
    throw new BootmendError('INVALID_INPUT', `The files need about ${neededMiB} MiB but the FAT volume holds ${Math.floor((geometry.clusterCount * clusterBytes) / (1 << 20))} MiB; choose a larger image or drive.`);
  }
  return { root, dirs: clustered, files, chainEnds, lastUsedCluster: next - 1, usedClusters };
}
