import { createReadStream, readdirSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { BootmendError } from '../../core/errors.js';

/** A file's bytes, opened lazily so a writer only ever holds one file's stream at a time. */
export interface FileSource {
  readonly size: number;
  readonly open: () => Readable;
}

export interface SourceEntry {
  /** Path inside the medium, one name per folder level, e.g. ["EFI", "BOOT", "BOOTX64.EFI"]. */
  readonly segments: readonly string[];
  readonly isDir: boolean;
  /** 0 for folders. */
  readonly size: number;
  readonly mtime: Date;
  /** Folders throw: only files have bytes. */
  readonly open: () => Readable;
}

/**
 * Where on disk the bytes behind an `open` lie, so writers can read them straight into their
 * own buffers (no stream, no per-chunk allocation): a whole file (made by this module) or a
 * byte range of one (a file inside an ISO base). Keyed by the function itself: an entry copied
 * with another `open` (e.g. a modified boot.wim) has no location and is streamed.
 */
export interface DiskRange {
  path: string;
  /** Where the source's first byte is in the file. */
  offset: number;
  /** The source is the whole file: a copy can then also notice the file growing meanwhile. */
  whole: boolean;
}

const diskRanges = new WeakMap<() => Readable, DiskRange>();

function diskOpener(filePath: string): () => Readable {
  const open = (): Readable => createReadStream(filePath, { highWaterMark: 1 << 20 });
  diskRanges.set(open, { path: filePath, offset: 0, whole: true });
  return open;
}

/** Records that `open` streams `size` bytes of `filePath` from `offset` on (e.g. a file inside an ISO). */
export function rangeOpener(filePath: string, offset: number, size: number): () => Readable {
  const open = (): Readable => createReadStream(filePath, { start: offset, end: offset + size - 1, highWaterMark: 1 << 20 });
  diskRanges.set(open, { path: filePath, offset, whole: false });
  return open;
}

/** Where on disk the bytes `source.open()` streams lie, when they are one range of one file. */
export function diskRangeOf(source: { readonly open: () => Readable }): DiskRange | undefined {
  return diskRanges.get(source.open);
}

/** Entries in depth-first order, each folder before its contents, siblings by name: the same input gives the same image. */
export interface SourceTree {
  readonly entries: readonly SourceEntry[];
  readonly fileBytes: number;
}

export interface TreeOptions {
  /** Replaces every entry's time, for reproducible images (the CLI's --timestamp). */
  timestamp?: Date;
}

export interface InMemoryEntry {
  /** "/"-separated path inside the medium, e.g. "EFI/BOOT/BOOTX64.EFI". */
  path: string;
  isDir?: boolean;
  /** Content held in memory (small files, tests), or `source` for streamed bytes. */
  content?: Buffer | string;
  source?: FileSource;
  mtime?: Date;
}

const EPOCH = new Date(Date.UTC(1980, 0, 1));

/** Walks a folder (following symbolic links, as a copy would) into a tree. */
export async function treeFromFolder(root: string, options: TreeOptions = {}): Promise<SourceTree> {
  const rootStat = await stat(root).catch((cause: unknown) => {
    throw new BootmendError('NOT_FOUND', `The source folder ${root} cannot be read; check that it exists and that Bootmend may read it.`, { cause });
  });
  if (!rootStat.isDirectory()) throw new BootmendError('INVALID_INPUT', `${root} is a file, not a folder; choose the folder whose contents go on the medium.`);
  return finish(await walkFolder(root, options));
}

/** How long the folder walk runs before it lets the event loop turn. */
const SLICE_MS = 10;

/**
 * Depth-first, each folder before its contents, siblings by name. Plain synchronous
 * readdir/stat in slices of ~10 ms, between which the event loop runs: for a WinPE tree
 * (2,000 files) the promise API spent more on thread-pool round trips, promises and their
 * garbage than on the calls themselves (about 130 ms against 40 ms), and the slices keep
 * the app's API and progress answering while a much larger tree is walked.
 */
async function walkFolder(root: string, options: TreeOptions): Promise<SourceEntry[]> {
  const entries: SourceEntry[] = [];
  let sliceStart = performance.now();
  const walk = async (dir: string, segments: readonly string[]): Promise<void> => {
    // Joined by hand: path.join normalises every one of thousands of paths that are already normal.
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    for (const name of readdirSync(dir).sort(compareNames)) {
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
      const full = prefix + name;
      const info = statSync(full);
      const here = [...segments, name];
      if (info.isDirectory()) {
        entries.push(folderEntry(here, options.timestamp ?? info.mtime));
        await walk(full, here);
      } else if (info.isFile()) {
        entries.push({ segments: here, isDir: false, size: info.size, mtime: options.timestamp ?? info.mtime, open: diskOpener(full) });
      } // Sockets, devices and FIFOs have no place on a boot medium: skipped.
    }
  };
  await walk(path.resolve(root), []);
  return entries;
}

/** Builds a tree from a list (payload files made in memory, tests); missing parent folders are added. */
export function treeFromEntries(list: readonly InMemoryEntry[], options: TreeOptions = {}): SourceTree {
  const byKey = new Map<string, SourceEntry>();
  for (const item of list) {
    const segments = splitPath(item.path);
    const mtime = options.timestamp ?? item.mtime ?? EPOCH;
    for (let depth = 1; depth < segments.length; depth += 1) {
      const parent = segments.slice(0, depth);
      const key = parent.join('/');
      if (!byKey.has(key)) byKey.set(key, folderEntry(parent, options.timestamp ?? EPOCH));
    }
    const key = segments.join('/');
    if (byKey.has(key) && !(item.isDir && byKey.get(key)!.isDir)) {
      throw new BootmendError('INVALID_INPUT', `"${item.path}" is listed twice; each path on the medium must be unique.`);
    }
    byKey.set(key, item.isDir ? folderEntry(segments, mtime) : fileEntry(segments, mtime, item));
  }
  return finish([...byKey.values()].sort((a, b) => compareSegments(a.segments, b.segments)));
}

/** A file on disk as a FileSource, e.g. a boot image that is stored in the ISO without a name. */
export async function fileSource(filePath: string): Promise<FileSource> {
  const info = await stat(filePath).catch((cause: unknown) => {
    throw new BootmendError('NOT_FOUND', `The file ${filePath} cannot be read; check that it exists.`, { cause });
  });
  return { size: info.size, open: diskOpener(filePath) };
}

export function bufferSource(content: Buffer): FileSource {
  return { size: content.length, open: () => Readable.from([content]) };
}

export function compareSegments(a: readonly string[], b: readonly string[]): number {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i += 1) {
    const order = compareNames(a[i]!, b[i]!);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** UTF-16 code-unit order: locale-free, so every host sorts the same way. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function splitPath(raw: string): string[] {
  const segments = raw.split('/').filter((part) => part.length > 0);
  if (segments.length === 0) throw new BootmendError('INVALID_INPUT', 'An entry has an empty path; give every file a name.');
  for (const part of segments) {
    if (part === '.' || part === '..' || part.includes('\\') || part.includes('\0')) {
      throw new BootmendError('INVALID_INPUT', `"${raw}" is not a plain path inside the medium; use names without "..", "\\" or NUL.`);
    }
  }
  return segments;
}

function folderEntry(segments: readonly string[], mtime: Date): SourceEntry {
  return {
    segments,
    isDir: true,
    size: 0,
    mtime,
    open: () => {
      throw new BootmendError('INTERNAL', `${segments.join('/')} is a folder and has no bytes to read.`);
    },
  };
}

function fileEntry(segments: readonly string[], mtime: Date, item: InMemoryEntry): SourceEntry {
  const source = item.source ?? bufferSource(typeof item.content === 'string' ? Buffer.from(item.content, 'utf8') : (item.content ?? Buffer.alloc(0)));
  return { segments, isDir: false, size: source.size, mtime, open: source.open };
}

function finish(entries: SourceEntry[]): SourceTree {
  return { entries, fileBytes: entries.reduce((sum, entry) => sum + entry.size, 0) };
}

/** `base` with `top` laid over it: a file of `top` replaces a base file of the same path (compared case-insensitively, as Windows and FAT do). */
export function overlayTree(base: SourceTree, top: SourceTree): SourceTree {
  const key = (e: SourceEntry): string => e.segments.join('/').toLowerCase();
  const topFiles = new Set(top.entries.filter((e) => !e.isDir).map(key));
  const baseDirs = new Set(base.entries.filter((e) => e.isDir).map(key));
  const entries = [...base.entries.filter((e) => e.isDir || !topFiles.has(key(e))), ...top.entries.filter((e) => !e.isDir || !baseDirs.has(key(e)))].sort((a, b) =>
    compareSegments(a.segments, b.segments),
  );
  return finish(entries);
}
