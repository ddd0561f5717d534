import { open, rm } from 'node:fs/promises';
import { PassThrough, type Writable } from 'node:stream';
import { BootmendError } from '../../../core/errors.js';
import { FileSink, SequentialSink, type SequentialOutput, type StreamControl } from '../progress-sink.js';
import type { FileSource, SourceTree } from '../source-tree.js';
import { SECTOR, sectorsFor } from './encoding.js';
import { bootCatalog, bootRecordDescriptor, patchBootInfoTable, type BiosBootSettings } from './el-torito.js';
import { hybridGpt } from './hybrid.js';
import { planIso, type BootImageRef, type FileNode, type IsoLayout } from './layout.js';
import { directoryExtent, pathTable, terminatorDescriptor, volumeDescriptor, type VolumeLabels } from './structures.js';
import { prewarmCopyThread } from '../copy-worker.js';

export interface BiosBootOptions extends BootImageRef, Partial<BiosBootSettings> {
  /** Patch bytes 8..63 of the loader with the boot info table (isolinux needs it; etfsboot.com does not). */
  bootInfoTable?: boolean;
}

export interface IsoOptions extends StreamControl {
  /** Up to 32 characters (16 in Joliet); default "BOOTMEND". */
  volumeId?: string;
  publisher?: string;
  /** Volume and root times; with a tree made with the same timestamp the output is byte-for-byte reproducible. */
  timestamp?: Date;
  bios?: BiosBootOptions;
  efi?: BootImageRef;
  /** Add a GPT whose EFI System Partition is the El Torito FAT image, so the ISO written raw to a stick boots under UEFI (default: true when `efi` is set). */
  hybrid?: boolean;
}

export interface IsoResult {
  bytes: number;
  sectors: number;
}

export const DEFAULT_BIOS: BiosBootSettings = { loadSegment: 0x07c0, sectorCount: 4 };
const MAX_BOOT_INFO_IMAGE = 32 << 20;

/** Layout only: the ISO's exact size before writing (for progress totals and free-space checks). */
export function planIsoImage(tree: SourceTree, options: IsoOptions = {}): IsoLayout {
  const gpt = options.hybrid ?? options.efi !== undefined;
  return planIso({ tree, rootTime: options.timestamp ?? new Date(), gpt, ...(options.bios ? { bios: options.bios } : {}), ...(options.efi ? { efi: options.efi } : {}) });
}

/** Streams an ISO 9660 level 3 + Joliet + El Torito image to `out`, reading one source file at a time. */
export async function writeIso(tree: SourceTree, out: Writable, options: IsoOptions = {}): Promise<IsoResult> {
  options = { ...options, timestamp: options.timestamp ?? new Date() };
  const layout = planIsoImage(tree, options);
  return writeIsoTo(layout, new SequentialSink(out, layout.totalSectors * SECTOR, options), options);
}

async function writeIsoTo(layout: IsoLayout, sink: SequentialOutput, options: IsoOptions): Promise<IsoResult> {
  const created = options.timestamp ?? new Date();
  const bios = biosSettings(options.bios);
  const bytes = layout.totalSectors * SECTOR;
  const labels: VolumeLabels = { volumeId: options.volumeId ?? 'BOOTMEND', publisher: options.publisher ?? '', application: 'BOOTMEND', created };
  let sector = 0;
  const put = async (at: number, chunk: Buffer): Promise<void> => {
    // The layout promised this position; a mismatch would make every later pointer wrong.
    if (at !== sector) throw new BootmendError('INTERNAL', `ISO writer expected sector ${sector} but the layout says ${at}.`);
    await sink.write(chunk);
    sector += sectorsFor(chunk.length);
  };

  if (options.hybrid === true && !layout.efi) throw new BootmendError('INVALID_INPUT', 'A hybrid ISO needs a UEFI boot image; add one or turn hybrid off.');
  // GUIDs come from the time, label and size: the same inputs give the same bytes.
  const gpt = layout.gptTailSectors > 0 ? hybridGpt(layout, `${created.toISOString()}/${labels.volumeId}/${layout.totalSectors}`) : null;
  const systemArea = Buffer.alloc(16 * SECTOR);
  gpt?.primary.copy(systemArea, 0);
  await put(0, systemArea);
  const vd = layout.descriptorSectors;
  await put(vd.primary, volumeDescriptor(layout, 'primary', labels));
  if (vd.bootRecord !== null && layout.catalogSector !== null) await put(vd.bootRecord, bootRecordDescriptor(layout.catalogSector));
  await put(vd.joliet, volumeDescriptor(layout, 'joliet', labels));
  await put(vd.terminator, terminatorDescriptor());
  if (layout.catalogSector !== null) await put(layout.catalogSector, bootCatalog(layout, bios));
  for (const kind of ['primary', 'joliet'] as const) {
    const tables = layout.pathTables[kind];
    await put(tables.lSector, pathTable(layout, kind, false));
    await put(tables.mSector, pathTable(layout, kind, true));
  }
  for (const kind of ['primary', 'joliet'] as const) {
    for (const dir of layout.dirs[kind]) await put(dir[kind].sector, directoryExtent(dir, kind));
  }
  // Files in layout order, each at its sector; the BIOS loader with a boot info table is patched in memory.
  const placed = layout.files
    .filter((file) => file.source.size > 0)
    .map((file) => ({
      position: file.sector * SECTOR,
      name: file.path,
      source: file === layout.bios && options.bios?.bootInfoTable ? patchedSource(file) : file.source,
    }));
  await sink.copyFiles(placed);
  const dataEnd = layout.files.reduce((end, file) => Math.max(end, file.sector + sectorsFor(file.source.size)), sector);
  await sink.zeros(dataEnd * SECTOR - sink.bytesDone);
  sector = dataEnd;
  if (gpt) {
    const tail = Buffer.alloc(layout.gptTailSectors * SECTOR);
    gpt.backup.copy(tail, tail.length - gpt.backup.length);
    await put(layout.totalSectors - layout.gptTailSectors, tail);
  }
  return { bytes, sectors: layout.totalSectors };
}

/** writeIso to a file; a failed or cancelled build leaves no half-written ISO behind. */
export async function writeIsoFile(tree: SourceTree, filePath: string, options: IsoOptions = {}): Promise<IsoResult> {
  prewarmCopyThread(); // starts while the layout is planned
  // One time for the layout (root records) and the descriptors.
  options = { ...options, timestamp: options.timestamp ?? new Date() };
  const layout = planIsoImage(tree, options);
  const file = await open(filePath, 'w');
  try {
    // Full size first: the sink leaves zero ranges (padding, sparse sources) as holes.
    await file.truncate(layout.totalSectors * SECTOR);
    const sink = new FileSink(file, layout.totalSectors * SECTOR, options);
    const result = await writeIsoTo(layout, sink, options);
    await sink.close();
    await file.close();
    return result;
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(filePath, { force: true });
    throw error;
  }
}

function biosSettings(options: BiosBootOptions | undefined): BiosBootSettings {
  const settings = { loadSegment: options?.loadSegment ?? DEFAULT_BIOS.loadSegment, sectorCount: options?.sectorCount ?? DEFAULT_BIOS.sectorCount };
  if (!Number.isInteger(settings.loadSegment) || settings.loadSegment < 0 || settings.loadSegment > 0xffff) {
    throw new BootmendError('INVALID_INPUT', 'The BIOS load segment must be a 16-bit number such as 0x07C0.', { field: 'loadSegment' });
  }
  if (!Number.isInteger(settings.sectorCount) || settings.sectorCount < 1 || settings.sectorCount > 0xffff) {
    throw new BootmendError('INVALID_INPUT', 'The BIOS sector count must be between 1 and 65535 (etfsboot.com uses 8).', { field: 'sectorCount' });
  }
  return settings;
}

/** The BIOS loader with the boot info table, read and patched only when the writer gets to it. */
function patchedSource(file: FileNode): FileSource {
  let patched: Promise<Buffer> | null = null;
  return {
    size: file.source.size,
    open: () => {
      patched ??= readSmall(file).then((image) => patchBootInfoTable(image, file.sector));
      const out = new PassThrough();
      patched.then((image) => out.end(image), (error: unknown) => out.destroy(error as Error));
      return out;
    },
  };
}

async function readSmall(file: FileNode): Promise<Buffer> {
  if (file.source.size > MAX_BOOT_INFO_IMAGE) throw new BootmendError('INVALID_INPUT', `The BIOS loader ${file.path} is larger than 32 MiB; a boot info table is only for small loaders such as isolinux.bin.`);
  const chunks: Buffer[] = [];
  for await (const chunk of file.source.open()) chunks.push(chunk as Buffer);
  const image = Buffer.concat(chunks);
  if (image.length !== file.source.size) throw new BootmendError('IO_ERROR', `${file.path} changed size while the image was being written; build again.`);
  return image;
}
