import { BootmendError } from '../../../core/errors.js';
import type { FileSource, SourceTree } from '../source-tree.js';
import { SECTOR, sectorsFor } from './encoding.js';
import { FolderNamer, comparePrimary, compareText, type PrimaryName } from './names.js';

/**
 * Where everything goes, computed from names and sizes alone before a byte is written,
 * so the writer can stream sequentially. Sector map (ECMA-119 6.2, El Torito 1.0 2.0):
 *   0-15 system area (zeros, or the hybrid MBR) | 16 primary VD | 17 El Torito boot
 *   record (only when booting) | Joliet supplementary VD | terminator | boot catalog |
 *   path tables L, M (primary), L, M (Joliet) | primary folders | Joliet folders | file data
 *   (the EFI image last when there is a GPT) | backup GPT (hybrid ISOs only).
 */

/** Largest extent a level-3 multi-extent file uses: 4 GiB minus one sector, sector aligned. */
export const MAX_EXTENT = 0xffff_f800;

export interface Extent {
  readonly sector: number;
  readonly size: number;
}

export interface FileNode {
  readonly kind: 'file';
  readonly path: string;
  readonly source: FileSource;
  readonly mtime: Date;
  sector: number;
  extents: Extent[];
}

export interface Placement {
  sector: number;
  size: number;
  /** 1-based index in this tree's path table. */
  number: number;
}

export interface DirChild {
  readonly primary: PrimaryName;
  readonly joliet: string;
  readonly node: DirNode | FileNode;
}

export interface DirNode {
  readonly kind: 'dir';
  readonly path: string;
  readonly mtime: Date;
  readonly parent: DirNode | null;
  readonly children: DirChild[];
  readonly primary: Placement;
  readonly joliet: Placement;
}

export type TreeKind = 'primary' | 'joliet';

export interface BootImageRef {
  /** "/"-separated path of a file in the tree, e.g. "boot/etfsboot.com"... */
  path?: string;
  /** ...or bytes stored in the ISO without any name (e.g. a generated efiboot.img). */
  hidden?: FileSource;
}

export interface IsoLayout {
  readonly root: DirNode;
  readonly dirs: Record<TreeKind, DirNode[]>;
  readonly pathTables: Record<TreeKind, { size: number; lSector: number; mSector: number }>;
  /** Every file with data, in the order (and at the sectors) it is written. */
  readonly files: FileNode[];
  readonly descriptorSectors: { primary: number; bootRecord: number | null; joliet: number; terminator: number };
  readonly catalogSector: number | null;
  readonly bios: FileNode | null;
  readonly efi: FileNode | null;
  /** Zero sectors after the data that hold the backup GPT (0 without a GPT). */
  readonly gptTailSectors: number;
  readonly totalSectors: number;
}

export interface LayoutInput {
  tree: SourceTree;
  rootTime: Date;
  bios?: BootImageRef;
  efi?: BootImageRef;
  /** Hybrid GPT: the EFI image goes last (so the ESP and the basic-data partition do not overlap) and room is left for the backup GPT. */
  gpt?: boolean;
}

/** ISO sectors after the data for the backup GPT (33 LBAs of 512 bytes). */
export const GPT_TAIL_SECTORS = Math.ceil((33 * 512) / SECTOR);

/** Bytes a directory record takes (ECMA-119 9.1): 33 + identifier, padded to even. */
export function recordLength(identifierBytes: number): number {
  return 33 + identifierBytes + (identifierBytes % 2 === 0 ? 1 : 0);
}

/** Offsets of records in a directory extent: a record never crosses a sector (ECMA-119 6.8.1.1). */
export function packRecords(lengths: readonly number[]): { offsets: number[]; size: number } {
  const offsets: number[] = [];
  let position = 0;
  for (const length of lengths) {
    if ((position % SECTOR) + length > SECTOR) position = Math.ceil(position / SECTOR) * SECTOR;
    offsets.push(position);
    position += length;
  }
  return { offsets, size: sectorsFor(position) * SECTOR };
}

export function splitExtents(size: number): number[] {
  if (size === 0) return [0];
  const parts: number[] = [];
  for (let left = size; left > 0; left -= MAX_EXTENT) parts.push(Math.min(left, MAX_EXTENT));
  return parts;
}

export function sortedChildren(dir: DirNode, kind: TreeKind): DirChild[] {
  return [...dir.children].sort(kind === 'primary' ? (a, b) => comparePrimary(a.primary, b.primary) : (a, b) => compareText(a.joliet, b.joliet));
}

/** Record lengths of one directory: ".", "..", then one record per extent of each child. */
export function directoryRecordLengths(dir: DirNode, kind: TreeKind): number[] {
  const lengths = [recordLength(1), recordLength(1)];
  for (const child of sortedChildren(dir, kind)) {
    const idBytes = kind === 'primary' ? child.primary.identifier.length : child.joliet.length * 2;
    const count = child.node.kind === 'file' ? splitExtents(child.node.source.size).length : 1;
    for (let i = 0; i < count; i += 1) lengths.push(recordLength(idBytes));
  }
  return lengths;
}

export function pathTableRecordLength(identifierBytes: number): number {
  return 8 + identifierBytes + (identifierBytes % 2);
}

export function planIso(input: LayoutInput): IsoLayout {
  const root = newDir('', input.rootTime, null);
  const files: FileNode[] = [];
  const dirsByPath = new Map<string, DirNode>([['', root]]);
  const namers = new Map<DirNode, FolderNamer>();

  for (const entry of input.tree.entries) {
    const parentPath = entry.segments.slice(0, -1).join('/');
    const parent = dirsByPath.get(parentPath);
    const name = entry.segments[entry.segments.length - 1];
    if (!parent || name === undefined) throw new BootmendError('INTERNAL', `The folder of ${entry.segments.join('/')} was not listed before it.`);
    const namer = namers.get(parent) ?? new FolderNamer();
    namers.set(parent, namer);
    const path = entry.segments.join('/');
    const node: DirNode | FileNode = entry.isDir ? newDir(path, entry.mtime, parent) : newFile(path, { size: entry.size, open: entry.open }, entry.mtime);
    if (node.kind === 'dir') dirsByPath.set(path, node);
    else files.push(node);
    parent.children.push({ primary: namer.primary(name, entry.isDir), joliet: namer.joliet(name), node });
  }

  const bios = input.bios ? resolveBootImage(input.bios, files, 'BIOS') : null;
  const efi = input.efi ? resolveBootImage(input.efi, files, 'UEFI') : null;
  const booting = bios !== null || efi !== null;

  let next = 16;
  const descriptorSectors = { primary: next++, bootRecord: booting ? next++ : null, joliet: next++, terminator: next++ };
  const catalogSector = booting ? next++ : null;

  const dirs = { primary: breadthFirst(root, 'primary'), joliet: breadthFirst(root, 'joliet') };
  const pathTables = {} as IsoLayout['pathTables'];
  for (const kind of ['primary', 'joliet'] as const) {
    dirs[kind].forEach((dir, index) => (dir[kind].number = index + 1));
    const size = dirs[kind].reduce((sum, dir) => sum + pathTableRecordLength(dir === root ? 1 : identifierBytes(dir, kind)), 0);
    const lSector = next;
    next += sectorsFor(size);
    const mSector = next;
    next += sectorsFor(size);
    pathTables[kind] = { size, lSector, mSector };
  }
  for (const kind of ['primary', 'joliet'] as const) {
    for (const dir of dirs[kind]) {
      dir[kind].size = packRecords(directoryRecordLengths(dir, kind)).size;
      dir[kind].sector = next;
      next += dir[kind].size / SECTOR;
    }
  }
  const gpt = input.gpt === true && efi !== null;
  if (gpt && efi) files.push(...files.splice(files.indexOf(efi), 1));
  for (const file of files) next = placeFile(file, next);
  const gptTailSectors = gpt ? GPT_TAIL_SECTORS : 0;
  return { root, dirs, pathTables, files, descriptorSectors, catalogSector, bios, efi, gptTailSectors, totalSectors: next + gptTailSectors };
}

function placeFile(file: FileNode, next: number): number {
  const size = file.source.size;
  // Empty files own no sector; location 0 is what mkisofs and xorriso write too.
  file.sector = size === 0 ? 0 : next;
  let sector = file.sector;
  file.extents = splitExtents(size).map((part) => {
    const extent = { sector: size === 0 ? 0 : sector, size: part };
    sector += sectorsFor(part);
    return extent;
  });
  return next + sectorsFor(size);
}

function resolveBootImage(ref: BootImageRef, files: FileNode[], what: string): FileNode {
  if (ref.hidden) {
    const node = newFile(`(hidden ${what} boot image)`, ref.hidden, new Date(0));
    files.push(node);
    return node;
  }
  const wanted = (ref.path ?? '').split('/').filter(Boolean).join('/');
  const found = files.find((file) => file.path === wanted);
  if (!found) throw new BootmendError('NOT_FOUND', `The ${what} boot image "${ref.path ?? ''}" is not in the source tree; check the base's boot files.`);
  if (found.source.size === 0) throw new BootmendError('INVALID_INPUT', `The ${what} boot image "${wanted}" is empty; the base's boot files look damaged.`);
  return found;
}

function breadthFirst(root: DirNode, kind: TreeKind): DirNode[] {
  const order: DirNode[] = [root];
  // for-of sees the folders pushed while it runs, which is what makes this breadth-first.
  for (const dir of order) {
    for (const child of sortedChildren(dir, kind)) if (child.node.kind === 'dir') order.push(child.node);
  }
  return order;
}

/** Bytes of a folder's own identifier in a tree (its entry in the parent). */
export function identifierBytes(dir: DirNode, kind: TreeKind): number {
  const own = dir.parent?.children.find((child) => child.node === dir);
  if (!own) return 1;
  return kind === 'primary' ? own.primary.identifier.length : own.joliet.length * 2;
}

function newDir(path: string, mtime: Date, parent: DirNode | null): DirNode {
  return { kind: 'dir', path, mtime, parent, children: [], primary: { sector: 0, size: 0, number: 0 }, joliet: { sector: 0, size: 0, number: 0 } };
}

function newFile(path: string, source: FileSource, mtime: Date): FileNode {
  return { kind: 'file', path, source, mtime, sector: 0, extents: [] };
}
