import { join } from 'node:path';
import { BootmendError } from '../../../core/errors.js';
import type { BootImageRef } from '../iso/layout.js';
import { IsoImage, extractIsoFile, isoSourceTree } from '../iso/read-iso.js';
import { fileSource, overlayTree, treeFromEntries, treeFromFolder, type FileSource, type SourceTree } from '../source-tree.js';
import { MEDIA_PATHS, findPath, withBitLockerCheck, type MediaBase } from './base.js';
import { sevenZipExtract } from './seven-zip.js';
import { extractWinreBootFiles } from './wim.js';

/**
 * A base's files in the ADK Media layout, ready to be merged with the payload and written, plus
 * the pieces the build handles itself: boot.wim on disk (for injection; the user's file is never
 * changed), the UEFI loader (for a generated El Torito image) and the El Torito boot images.
 *   adk-media    the folder as is
 *   adk-install  Media\*, en-us\winpe.wim as sources/boot.wim, Oscdimg's etfsboot.com and efisys.bin (+ efisys_noprompt.bin)
 *   winpe-iso    streamed from the ISO; boot.wim copied out; El Torito images by file or by LBA
 *   udf-iso      extracted with 7-Zip into the work folder, then as adk-media
 *   winre-wim    Windows/Boot files taken out of the image with wimlib (see wim.ts), the image as boot.wim
 */
export interface BaseContent {
  base: MediaBase;
  tree: SourceTree;
  /** "/"-separated path of boot.wim on the medium, and the file on disk that holds it. */
  bootWim: { path: string; file: string } | null;
  efiLoader: FileSource | null;
  efiBootImage: BootImageRef | null;
  biosLoader: (BootImageRef & { sectorCount: number }) | null;
  close: () => Promise<void>;
}

interface LoadOptions {
  timestamp?: Date;
  wimlib: boolean;
  signal?: AbortSignal;
}

/** etfsboot.com is 4 CD sectors loaded as 8 virtual 512-byte sectors at 0x07C0 (what oscdimg writes). */
const ETFSBOOT_SECTORS = 8;

export async function loadBaseContent(base: MediaBase, work: string, options: LoadOptions): Promise<BaseContent> {
  const tree = options.timestamp ? { timestamp: options.timestamp } : {};
  switch (base.kind) {
    case 'adk-media':
      return folderContent(base, base.root, tree);
    case 'udf-iso': {
      const dir = join(work, 'udf');
      await sevenZipExtract(base.root, dir, options.signal);
      const content = await folderContent(base, dir, tree);
      const checked = content.bootWim ? await withBitLockerCheck(base, content.bootWim.file, options.wimlib, options.signal) : base;
      return { ...content, base: checked };
    }
    case 'adk-install': {
      const adk = base.adk;
      if (!adk) throw new BootmendError('INTERNAL', 'An ADK base was inspected without its layout.');
      const media = await folderContent(base, adk.media, tree);
      const extras: { path: string; source: FileSource }[] = [{ path: MEDIA_PATHS.bootWim, source: await fileSource(adk.winpeWim) }];
      if (!media.biosLoader && adk.etfsboot) extras.push({ path: MEDIA_PATHS.biosLoader, source: await fileSource(adk.etfsboot) });
      if (!media.efiBootImage && adk.efisys) extras.push({ path: MEDIA_PATHS.efiBootImage, source: await fileSource(adk.efisys) });
      const noPrompt = !isNoPrompt(media.efiBootImage) && adk.efisysNoPrompt !== null;
      if (noPrompt && adk.efisysNoPrompt) extras.push({ path: MEDIA_PATHS.efiBootImageNoPrompt, source: await fileSource(adk.efisysNoPrompt) });
      return {
        ...media,
        tree: overlayTree(media.tree, treeFromEntries(extras, tree)),
        bootWim: { path: MEDIA_PATHS.bootWim, file: adk.winpeWim },
        biosLoader: media.biosLoader ?? (adk.etfsboot ? { path: MEDIA_PATHS.biosLoader, sectorCount: ETFSBOOT_SECTORS } : null),
        efiBootImage: noPrompt ? { path: MEDIA_PATHS.efiBootImageNoPrompt } : (media.efiBootImage ?? (adk.efisys ? { path: MEDIA_PATHS.efiBootImage } : null)),
      };
    }
    case 'winre-wim':
      return winreContent(base, work, options);
    case 'winpe-iso':
      return isoContent(base, work, options);
  }
}

function isNoPrompt(image: BootImageRef | null): boolean {
  return image?.path !== undefined && /efisys_noprompt\.bin$/i.test(image.path);
}

async function folderContent(base: MediaBase, root: string, options: { timestamp?: Date }): Promise<BaseContent> {
  const efiLoader = await findPath(root, MEDIA_PATHS.efiLoader);
  const efiBootImage = (await findPath(root, MEDIA_PATHS.efiBootImageNoPrompt)) ?? (await findPath(root, MEDIA_PATHS.efiBootImage));
  const biosLoader = await findPath(root, MEDIA_PATHS.biosLoader);
  const bootWim = await findPath(root, MEDIA_PATHS.bootWim);
  return {
    base,
    tree: await treeFromFolder(root, options),
    bootWim: bootWim ? { path: bootWim, file: join(root, bootWim) } : null,
    efiLoader: efiLoader ? await fileSource(join(root, efiLoader)) : null,
    efiBootImage: efiBootImage ? { path: efiBootImage } : null,
    biosLoader: biosLoader ? { path: biosLoader, sectorCount: ETFSBOOT_SECTORS } : null,
    close: async () => undefined,
  };
}

async function winreContent(base: MediaBase, work: string, options: LoadOptions): Promise<BaseContent> {
  const extracted = await extractWinreBootFiles(base.root, join(work, 'winre'), options.signal);
  const entries: { path: string; source: FileSource }[] = [{ path: MEDIA_PATHS.bootWim, source: await fileSource(base.root) }];
  for (const [medium, file] of extracted.files) entries.push({ path: medium, source: await fileSource(file) });
  const has = (path: string): boolean => extracted.files.has(path);
  return {
    base,
    tree: treeFromEntries(entries, options.timestamp ? { timestamp: options.timestamp } : {}),
    bootWim: { path: MEDIA_PATHS.bootWim, file: base.root },
    efiLoader: has(MEDIA_PATHS.efiLoader) ? await fileSource(extracted.files.get(MEDIA_PATHS.efiLoader)!) : null,
    efiBootImage: has(MEDIA_PATHS.efiBootImageNoPrompt) ? { path: MEDIA_PATHS.efiBootImageNoPrompt } : has(MEDIA_PATHS.efiBootImage) ? { path: MEDIA_PATHS.efiBootImage } : null,
    biosLoader: has(MEDIA_PATHS.biosLoader) ? { path: MEDIA_PATHS.biosLoader, sectorCount: ETFSBOOT_SECTORS } : null,
    close: async () => undefined,
  };
}

async function isoContent(base: MediaBase, work: string, options: LoadOptions): Promise<BaseContent> {
  const image = await IsoImage.open(base.root);
  try {
    const entries = await image.list();
    const find = (wanted: string) => entries.find((entry) => !entry.isDir && entry.path.toLowerCase() === wanted.toLowerCase());
    const boot = await image.bootEntries(entries);
    const wimEntry = find(MEDIA_PATHS.bootWim);
    let bootWim: BaseContent['bootWim'] = null;
    let checked = base;
    if (wimEntry) {
      // wimlib and DISM need boot.wim as a file: copy it out (the copy is what gets the launcher).
      const file = join(work, 'iso-boot.wim');
      await extractIsoFile(image.source(wimEntry), file);
      bootWim = { path: wimEntry.path, file };
      checked = await withBitLockerCheck(base, file, options.wimlib, options.signal);
    }
    const loader = find(MEDIA_PATHS.efiLoader);
    const efisys = find(MEDIA_PATHS.efiBootImageNoPrompt) ?? find(MEDIA_PATHS.efiBootImage);
    const uefi = boot.find((entry) => entry.platform === 'uefi');
    const bios = boot.find((entry) => entry.platform === 'bios');
    const etfsboot = find(MEDIA_PATHS.biosLoader);
    // Boot images without a name are carried over by their bytes (LBA + size from the catalog or the FAT BPB).
    const byLba = (lba: number, bytes: number): FileSource => image.source({ size: bytes, extents: [{ sector: lba, size: bytes }] });
    const efiBootImage: BootImageRef | null = efisys ? { path: efisys.path } : uefi ? (uefi.file ? { path: uefi.file } : { hidden: byLba(uefi.lba, uefi.bytes) }) : null;
    const biosLoader = etfsboot
      ? { path: etfsboot.path, sectorCount: bios?.sectorCount || ETFSBOOT_SECTORS }
      : bios
        ? { ...(bios.file ? { path: bios.file } : { hidden: byLba(bios.lba, bios.bytes) }), sectorCount: bios.sectorCount || ETFSBOOT_SECTORS }
        : null;
    return {
      base: checked,
      tree: isoSourceTree(image, entries, options.timestamp ? { timestamp: options.timestamp } : {}),
      bootWim,
      efiLoader: loader ? image.source(loader) : null,
      efiBootImage,
      biosLoader,
      close: () => image.close(),
    };
  } catch (error) {
    await image.close();
    throw error;
  }
}
