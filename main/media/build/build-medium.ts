import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { playbookChecks } from '../../../core/media/playbook-checks.js';
import { BootmendError } from '../../../core/errors.js';
import type { BuiltMedium, MediumFormat } from '../../../core/media/schemas.js';
import type { Playbook } from '../../../core/playbooks/playbook.js';
import { buildPayload, volumeRelativeFolder } from '../../payload/build.js';
import { KEPT_FOLDERS } from '../../payload/medium-marker.js';
import { writeBareFatImage, writeUsbImage } from '../fat/write-fat.js';
import { writeIsoFile } from '../iso/write-iso.js';
import { pipeline } from 'node:stream/promises';
import type { BootImageRef } from '../iso/layout.js';
import { compareSegments, fileSource, overlayTree, treeFromEntries, treeFromFolder, type FileSource, type SourceEntry, type SourceTree } from '../source-tree.js';
import { loadBaseContent, type BaseContent } from './base-content.js';
import { inspectBase } from './base.js';
import { injectLauncher, wimlibVersion } from './inject.js';
import { checkOutput, stageOutput } from './output.js';
import { DRIVERS_FOLDER } from './launcher.js';
import { bootManagerSignature } from './secure-boot.js';
import { prewarmCopyThread } from '../copy-worker.js';


export interface BuildMediumOptions {
  playbook: Playbook;
  format: MediumFormat;
  out: string;
  /** A boot base (ADK Media folder, ADK WinPE folder, WinPE ISO, UDF ISO, Winre.wim; see base.ts); none = payload-only medium (WinRE command prompt route). */
  base?: string;
  /**
   * A folder of drivers (.inf and their files): copied onto the medium as bootmend/drivers on any OS
   * (the launcher loads them with drvload at the PC), and on Windows also added to boot.wim with DISM.
   */
  drivers?: string;
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
  await checkOutput(options.out, options.format, options.overwrite === true);
  const timestamp = options.timestamp ? { timestamp: options.timestamp } : {};
  const drivers = options.drivers === undefined ? null : await driversTree(options.drivers, timestamp);
  // The copy thread starts while the base is read and the payload made.
  if (options.format !== 'folder') prewarmCopyThread();
  const wimlib = (await wimlibVersion()) !== null;
  const inspected = options.base ? await inspectBase(options.base, { wimlib, ...(signal ? { signal } : {}) }) : null;
  // A folder rebuild that brings no drivers keeps those a technician copied into bootmend/drivers by hand.
  const keptDrivers = options.format === 'folder' && !drivers ? await infFilesIn(join(options.out, ...DRIVERS_FOLDER.split('/'))) : 0;
  // Written beside the target and swapped in only after success: a failure leaves the old output as it was.
  const staged = await stageOutput(options.out, options.format, drivers ? KEPT_FOLDERS : [...KEPT_FOLDERS, DRIVERS_FOLDER]);
  let committed = false;
  const work = await mkdtemp(join(tmpdir(), 'bootmend-medium-'));
  const cleanups: (() => Promise<void>)[] = [
    async () => {
      if (!committed) await staged.discard();
    },
    () => rm(work, { recursive: true, force: true }),
  ];
  try {
    report(options, 'preparing', 'Writing fix.cmd and the playbook', 0, 1);
    const payload = await buildPayload({ playbook: options.playbook, outDir: join(work, 'payload'), owns: 'folder', ...(options.mediumId ? { mediumId: options.mediumId } : {}) });
    signal?.throwIfAborted();

    let content: BaseContent | null = null;
    if (inspected) {
      report(options, 'preparing', inspected.kind === 'udf-iso' ? 'Extracting the ISO with 7-Zip' : 'Reading the base', 0, 1);
      content = await loadBaseContent(inspected, join(work, 'base'), { ...timestamp, wimlib, ...(signal ? { signal } : {}) });
      cleanups.push(content.close);
    }

    let injected = false;
    let dismDrivers = false;
    let launch: 'startnet.cmd' | 'winpeshl.ini' | null = null;
    // DISM (Windows only) also puts the drivers into boot.wim; everywhere else the launcher's drvload loads them from the medium.
    const dismDriverFolder = options.drivers !== undefined && process.platform === 'win32' ? options.drivers : undefined;
    const targetDirs = options.playbook.targets.map((target) => volumeRelativeFolder(target.folder));
    const replacements = new Map<string, FileSource>();
    if (content?.bootWim) {
      report(options, 'preparing', dismDriverFolder ? 'Making WinPE start Bootmend by itself and adding drivers (DISM)' : 'Making WinPE start Bootmend by itself (boot.wim)', 0, 1);
      const wim = await injectLauncher(content.bootWim.file, { targetDirs, ...(dismDriverFolder ? { drivers: dismDriverFolder } : {}), ...(signal ? { signal } : {}) });
      cleanups.push(wim.cleanup);
      replacements.set(content.bootWim.path.toLowerCase(), await fileSource(wim.path));
      injected = true;
      dismDrivers = wim.drivers;
      launch = wim.launch;
    }
    const signature = content?.efiLoader ? await bootManagerSignature(content.efiLoader) : null;

    const payloadOnly = await treeFromFolder(join(work, 'payload'), timestamp);
    const payloadTree = drivers ? overlayTree(payloadOnly, drivers.tree) : payloadOnly;
    const tree = content ? overlayTree(withReplacements(content.tree, replacements), payloadTree) : payloadTree;
    const onProgress = (done: number, total: number): void => report(options, 'writing', `Writing ${options.format === 'iso' ? 'the ISO image' : options.format === 'usb-image' ? 'the USB image' : 'the folder'}`, done, total);
    const control = { onProgress, ...(signal ? { signal } : {}) };

    let bytes: number;
    let efi: BootImageRef | null = null;
    if (options.format === 'folder') {
      bytes = await writeTreeToFolder(tree, staged.path, control);
    } else if (options.format === 'usb-image') {
      const sizeBytes = Math.max(MIN_USB_IMAGE, Math.ceil((tree.fileBytes * 1.25 + 64 * MIB) / MIB) * MIB);
      bytes = (await writeUsbImage(tree, staged.path, { sizeBytes, label: 'BOOTMEND', ...timestamp, ...control })).bytes;
    } else {
      efi = content ? await efiBootImage(content, work, timestamp) : null;
      bytes = (
        await writeIsoFile(tree, staged.path, {
          volumeId: 'BOOTMEND',
          ...timestamp,
          ...(efi ? { efi } : {}),
          ...(content?.biosLoader ? { bios: content.biosLoader } : {}),
          ...control,
        })
      ).bytes;
    }

    const sha256 = options.format === 'folder' ? null : await hashFile(staged.path, bytes, options);
    signal?.throwIfAborted();
    await staged.commit();
    committed = true;
    const base = content?.base ?? null;
    return {
      format: options.format,
      out: options.out,
      bytes,
      sha256,
      mediumId: payload.mediumId,
      playbook: { id: payload.playbookId, version: payload.playbookVersion },
      base:
        base && content
          ? {
              root: base.root,
              kind: base.kind,
              bootable: { uefi: content.efiLoader !== null || (options.format === 'iso' && content.efiBootImage !== null), bios: content.biosLoader !== null && options.format === 'iso' },
              injected,
              drivers: dismDrivers,
              missing: base.missing,
              launch,
              bootPrompt: options.format !== 'iso' || !efi ? null : isNoPromptImage(efi, content) ? 'none' : 'press-a-key',
              tools: base.tools,
              checks: playbookChecks(options.playbook, base.tools),
              secureBoot: signature,
            }
          : null,
      driversOnMedium: drivers ? { folder: DRIVERS_FOLDER, infs: drivers.infs } : keptDrivers > 0 ? { folder: DRIVERS_FOLDER, infs: keptDrivers } : null,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

function report(options: BuildMediumOptions, phase: 'preparing' | 'writing' | 'hashing', message: string, done: number, total: number): void {
  options.onProgress?.({ phase, message, done, total });
}

function withReplacements(tree: SourceTree, replacements: Map<string, FileSource>): SourceTree {
  if (replacements.size === 0) return tree;
  const entries: SourceEntry[] = tree.entries.map((entry) => {
    const replacement = replacements.get(entry.segments.join('/').toLowerCase());
    return replacement ? { ...entry, size: replacement.size, open: replacement.open } : entry;
  });
  return { entries, fileBytes: entries.reduce((sum, e) => sum + (e.isDir ? 0 : e.size), 0) };
}

/** The El Torito UEFI image is efisys_noprompt.bin, or one made from the loader (bootmgfw.efi itself never asks for a key). */
function isNoPromptImage(efi: BootImageRef, content: BaseContent | null): boolean {
  if (content?.efiBootImage !== efi) return true;
  return 'path' in efi && typeof efi.path === 'string' && /efisys_noprompt\.bin$/i.test(efi.path);
}

/**
 * The driver folder as bootmend/drivers/... on the medium. Refused unless it holds at least one
 * .inf: drvload and DISM take drivers by their .inf, and a folder without one is a wrong choice.
 */
async function driversTree(folder: string, timestamp: { timestamp?: Date }): Promise<{ tree: SourceTree; infs: number }> {
  const inner = await treeFromFolder(folder, timestamp).catch((cause: unknown) => {
    throw new BootmendError('INVALID_INPUT', `The driver folder ${folder} cannot be read; choose the folder that holds the drivers (.inf files and their .sys/.cat files).`, { field: 'drivers', cause });
  });
  const infs = inner.entries.filter((entry) => !entry.isDir && entry.segments[entry.segments.length - 1]!.toLowerCase().endsWith('.inf')).length;
  if (infs === 0) {
    throw new BootmendError('INVALID_INPUT', `The driver folder ${folder} holds no .inf file. Choose the folder with the storage driver's .inf (extract the PC maker's driver package first).`, { field: 'drivers' });
  }
  const top = treeFromEntries([{ path: DRIVERS_FOLDER, isDir: true }], timestamp);
  const entries = [...top.entries, ...inner.entries.map((entry) => ({ ...entry, segments: [...DRIVERS_FOLDER.split('/'), ...entry.segments] }))].sort((a, b) => compareSegments(a.segments, b.segments));
  return { tree: { entries, fileBytes: inner.fileBytes }, infs };
}

/** How many .inf files a folder holds at any depth; 0 when it does not exist. */
async function infFilesIn(folder: string): Promise<number> {
  const names = await readdir(folder, { recursive: true }).catch(() => [] as string[]);
  return names.filter((name) => name.toLowerCase().endsWith('.inf')).length;
}

/** The El Torito UEFI image: the base's (efisys.bin, or the ISO's own image), or one made from its UEFI loader. */
async function efiBootImage(content: BaseContent, work: string, timestamp: { timestamp?: Date }): Promise<BootImageRef | null> {
  if (content.efiBootImage) return content.efiBootImage;
  if (!content.efiLoader) return null;
  const image = join(work, 'efiboot.img');
  await writeBareFatImage(treeFromEntries([{ path: 'EFI/BOOT/BOOTX64.EFI', source: content.efiLoader }], timestamp), image, { label: 'EFIBOOT', ...timestamp });
  return { hidden: await fileSource(image) };
}

/** The merged tree written out as plain files, for sticks made by hand (any base kind). */
async function writeTreeToFolder(tree: SourceTree, out: string, control: { onProgress: (done: number, total: number) => void; signal?: AbortSignal }): Promise<number> {
  await mkdir(out, { recursive: true });
  let done = 0;
  for (const entry of tree.entries) {
    control.signal?.throwIfAborted();
    const target = join(out, ...entry.segments);
    if (entry.isDir) {
      await mkdir(target, { recursive: true });
      continue;
    }
    await pipeline(entry.open(), createWriteStream(target), ...(control.signal ? [{ signal: control.signal }] : []));
    done += entry.size;
    control.onProgress(done, tree.fileBytes);
  }
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
