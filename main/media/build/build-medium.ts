import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BootmendError } from '../../../core/errors.js';
import type { BuiltMedium, MediumFormat } from '../../../core/media.js';
import type { Playbook } from '../../../core/playbook.js';
import { buildPayload } from '../../payload/build.js';
import { writeBareFatImage, writeUsbImage } from '../fat/write-fat.js';
import { writeIsoFile } from '../iso/write-iso.js';
import { compareSegments, fileSource, treeFromEntries, treeFromFolder, type SourceEntry, type SourceTree } from '../source-tree.js';
import { inspectBase, type MediaBase } from './base.js';
import { injectLauncher } from './inject.js';


export interface BuildMediumOptions {
  playbook: Playbook;
  format: MediumFormat;
  out: string;
  /** A WinPE folder in the ADK Media layout; none = payload-only medium (WinRE command prompt route). */
  base?: string;
  /** Fixed time for every entry and the volume: the same inputs give the same bytes. */
  timestamp?: Date;
  mediumId?: string;
  overwrite?: boolean;
  onProgress?: (event: { phase: 'preparing' | 'writing' | 'hashing'; message: string; done: number; total: number }) => void;
  signal?: AbortSignal;
}

/** Smallest USB image: FAT32 needs 65 MiB; room is left so results and quarantined files fit. */
const MIN_USB_IMAGE = 256 << 20;
const MIB = 1 << 20;

export async function buildMedium(options: BuildMediumOptions): Promise<BuiltMedium> {
  const { signal } = options;
  await refuseExistingOutput(options.out, options.overwrite === true);
  const base = options.base ? await inspectBase(options.base) : null;
  const work = await mkdtemp(join(tmpdir(), 'bootmend-medium-'));
  const cleanups: (() => Promise<void>)[] = [() => rm(work, { recursive: true, force: true })];
  try {
    report(options, 'preparing', 'Writing fix.cmd and the playbook', 0, 1);
    const payload = await buildPayload({ playbook: options.playbook, outDir: join(work, 'payload'), ...(options.mediumId ? { mediumId: options.mediumId } : {}) });
    signal?.throwIfAborted();

    let injected = false;
    const replacements = new Map<string, string>();
    if (base?.bootWim) {
      report(options, 'preparing', 'Making WinPE start Bootmend by itself (boot.wim)', 0, 1);
      const wim = await injectLauncher(join(base.root, base.bootWim), signal);
      cleanups.push(wim.cleanup);
      replacements.set(base.bootWim.toLowerCase(), wim.path);
      injected = true;
    }

    const timestamp = options.timestamp ? { timestamp: options.timestamp } : {};
    const payloadTree = await treeFromFolder(join(work, 'payload'), timestamp);
    const tree = base ? mergeTrees(await withReplacements(await treeFromFolder(base.root, timestamp), replacements), payloadTree) : payloadTree;
    const onProgress = (done: number, total: number): void => report(options, 'writing', `Writing ${options.format === 'iso' ? 'the ISO image' : options.format === 'usb-image' ? 'the USB image' : 'the folder'}`, done, total);
    const control = { onProgress, ...(signal ? { signal } : {}) };

    let bytes: number;
    if (options.format === 'folder') {
      bytes = await copyTree(tree, base, join(work, 'payload'), options.out, replacements, control);
    } else if (options.format === 'usb-image') {
      const sizeBytes = Math.max(MIN_USB_IMAGE, Math.ceil((tree.fileBytes * 1.25 + 64 * MIB) / MIB) * MIB);
      bytes = (await writeUsbImage(tree, options.out, { sizeBytes, label: 'BOOTMEND', ...timestamp, ...control })).bytes;
    } else {
      const efi = base ? await efiBootImage(base, work, timestamp) : null;
      bytes = (
        await writeIsoFile(tree, options.out, {
          volumeId: 'BOOTMEND',
          ...timestamp,
          ...(efi ? { efi } : {}),
          ...(base?.biosLoader ? { bios: { path: base.biosLoader, sectorCount: 8 } } : {}),
          ...control,
        })
      ).bytes;
    }

    const sha256 = options.format === 'folder' ? null : await hashFile(options.out, bytes, options);
    return {
      format: options.format,
      out: options.out,
      bytes,
      sha256,
      mediumId: payload.mediumId,
      playbook: { id: payload.playbookId, version: payload.playbookVersion },
      base: base
        ? { root: base.root, bootable: { uefi: base.efiLoader !== null, bios: base.biosLoader !== null && options.format === 'iso' }, injected, missing: base.missing }
        : null,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

function report(options: BuildMediumOptions, phase: 'preparing' | 'writing' | 'hashing', message: string, done: number, total: number): void {
  options.onProgress?.({ phase, message, done, total });
}

async function refuseExistingOutput(out: string, overwrite: boolean): Promise<void> {
  const info = await stat(out).catch(() => null);
  if (!info) {
    await mkdir(dirname(out), { recursive: true });
    return;
  }
  if (info.isDirectory() && (await readdir(out)).length === 0) return;
  if (!overwrite) {
    throw new BootmendError('INVALID_INPUT', `${out} already exists; choose another name or allow replacing it ("Replace if it exists" in the app, --overwrite on the command line).`, { field: 'out' });
  }
  await rm(out, { recursive: true, force: true });
}

/** The payload wins over a base file of the same path (a base that already had a bootmend folder). */
function mergeTrees(base: SourceTree, payload: SourceTree): SourceTree {
  const key = (e: SourceEntry): string => e.segments.join('/').toLowerCase();
  const payloadFiles = new Set(payload.entries.filter((e) => !e.isDir).map(key));
  const baseDirs = new Set(base.entries.filter((e) => e.isDir).map(key));
  const entries = [
    ...base.entries.filter((e) => e.isDir || !payloadFiles.has(key(e))),
    ...payload.entries.filter((e) => !e.isDir || !baseDirs.has(key(e))),
  ].sort((a, b) => compareSegments(a.segments, b.segments));
  return { entries, fileBytes: entries.reduce((sum, e) => sum + (e.isDir ? 0 : e.size), 0) };
}

async function withReplacements(tree: SourceTree, replacements: Map<string, string>): Promise<SourceTree> {
  if (replacements.size === 0) return tree;
  const entries: SourceEntry[] = [];
  for (const entry of tree.entries) {
    const replacement = replacements.get(entry.segments.join('/').toLowerCase());
    if (!replacement) {
      entries.push(entry);
      continue;
    }
    const source = await fileSource(replacement);
    entries.push({ ...entry, size: source.size, open: source.open });
  }
  return { entries, fileBytes: entries.reduce((sum, e) => sum + (e.isDir ? 0 : e.size), 0) };
}

/** The El Torito UEFI image: the base's efisys.bin, or one made from its EFI/Boot files. */
async function efiBootImage(base: MediaBase, work: string, timestamp: { timestamp?: Date }): Promise<{ path: string } | { hidden: Awaited<ReturnType<typeof fileSource>> } | null> {
  if (base.efiBootImage) return { path: base.efiBootImage };
  if (!base.efiLoader) return null;
  const loader = await fileSource(join(base.root, base.efiLoader));
  const image = join(work, 'efiboot.img');
  await writeBareFatImage(treeFromEntries([{ path: 'EFI/BOOT/BOOTX64.EFI', source: loader }], timestamp), image, { label: 'EFIBOOT', ...timestamp });
  return { hidden: await fileSource(image) };
}

async function copyTree(
  tree: SourceTree,
  base: MediaBase | null,
  payloadDir: string,
  out: string,
  replacements: Map<string, string>,
  control: { onProgress: (done: number, total: number) => void; signal?: AbortSignal },
): Promise<number> {
  await mkdir(out, { recursive: true });
  if (base) await cp(base.root, out, { recursive: true });
  for (const [relative, replacement] of replacements) {
    const target = base ? tree.entries.find((e) => e.segments.join('/').toLowerCase() === relative) : undefined;
    if (target) await cp(replacement, join(out, ...target.segments));
  }
  control.signal?.throwIfAborted();
  await cp(payloadDir, out, { recursive: true });
  control.onProgress(tree.fileBytes, tree.fileBytes);
  return tree.fileBytes;
}

async function hashFile(path: string, total: number, options: BuildMediumOptions): Promise<string> {
  const hash = createHash('sha256');
  let done = 0;
  let reported = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * MIB })) {
    options.signal?.throwIfAborted();
    hash.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    if (done - reported >= 32 * MIB || done === total) {
      reported = done;
      report(options, 'hashing', 'Checking the image (SHA-256)', done, total);
    }
  }
  return hash.digest('hex');
}
