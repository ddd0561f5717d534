import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BootmendError } from '../../../core/errors.js';
import { rangeOpener, treeFromEntries, type FileSource, type SourceTree, type TreeOptions } from '../source-tree.js';
import { SECTOR } from './encoding.js';
import { PLATFORM_BIOS, PLATFORM_EFI } from './el-torito.js';

/**
 * A small streaming reader for ISO 9660 (ECMA-119) + Joliet + El Torito, so an existing
 * WinPE ISO can be a base. It reads the volume descriptors, walks the Joliet tree when a
 * Joliet SVD is there (long Unicode names) or the primary one otherwise, joins multi-extent
 * records (level 3 files over 4 GiB), and reads the boot catalog. File bytes are read only
 * when asked, straight from the image: nothing is extracted up front.
 */

export interface IsoExtent {
  sector: number;
  size: number;
}

export interface IsoEntry {
  /** "/"-separated, as named in the tree that was read (Joliet when present). */
  path: string;
  isDir: boolean;
  size: number;
  /** Files: where the bytes are, in order (several for a multi-extent file). */
  extents: IsoExtent[];
  mtime: Date;
}

export interface BootEntry {
  platform: 'bios' | 'uefi' | 'other';
  platformId: number;
  bootable: boolean;
  /** 0 = no emulation; 1-3 floppy; 4 hard disk. */
  mediaType: number;
  loadSegment: number;
  /** Virtual 512-byte sectors from the catalog (often 0 or 1 for a UEFI image in WinPE ISOs). */
  sectorCount: number;
  lba: number;
  /** The file whose data starts at `lba`, when the image is also a named file (e.g. efi/microsoft/boot/efisys.bin). */
  file: string | null;
  /** The image's size: the matching file's, the FAT BPB's for a UEFI image, else sectorCount x 512. */
  bytes: number;
}

export interface IsoVolume {
  volumeId: string;
  joliet: boolean;
  /** Volume space size in 2048-byte sectors. */
  sectors: number;
  /** A UDF volume recognition sequence (BEA01 + NSR02/NSR03) follows the ISO descriptors. */
  udf: boolean;
  /** There is an ISO 9660 primary descriptor at all (a UDF-only image has none). */
  iso9660: boolean;
}

const FLAG_DIRECTORY = 0x02;
const FLAG_MULTI_EXTENT = 0x80;
/** Bounds that keep a damaged or hostile image from making us read forever. */
const MAX_DESCRIPTORS = 64;
const MAX_DIR_BYTES = 64 << 20;
const MAX_ENTRIES = 1_000_000;

export class IsoImage {
  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
    readonly volume: IsoVolume,
    private readonly rootRecord: IsoExtent | null,
    private readonly bootCatalogSector: number | null,
    private readonly jolietTree: boolean,
  ) {}

  static async open(path: string): Promise<IsoImage> {
    const file = await open(path, 'r').catch((cause: unknown) => {
      throw new BootmendError('NOT_FOUND', `The image ${path} cannot be read; check that it exists and that Bootmend may read it.`, { cause });
    });
    try {
      let primary: Buffer | null = null;
      let joliet: Buffer | null = null;
      let catalog: number | null = null;
      let udf = false;
      let terminated = false;
      for (let index = 0; index < MAX_DESCRIPTORS; index += 1) {
        const sector = await readAt(file, (16 + index) * SECTOR, SECTOR);
        if (sector.length < SECTOR) break;
        const id = sector.toString('latin1', 1, 6);
        if (id === 'BEA01' || id === 'NSR02' || id === 'NSR03' || id === 'TEA01') {
          if (id.startsWith('NSR')) udf = true;
          continue;
        }
        if (id !== 'CD001') {
          if (terminated) break;
          continue; // e.g. a UDF-only image's "BOOT2"/empty sectors
        }
        const type = sector[0];
        if (type === 255) {
          terminated = true;
          continue;
        }
        if (type === 1 && !primary) primary = sector;
        if (type === 2 && !joliet && isJolietEscape(sector)) joliet = sector;
        if (type === 0 && sector.toString('latin1', 7, 30) === 'EL TORITO SPECIFICATION') catalog = sector.readUInt32LE(71);
      }
      const descriptor = joliet ?? primary;
      const volume: IsoVolume = {
        volumeId: primary ? primary.toString('latin1', 40, 72).trim() : '',
        joliet: joliet !== null,
        sectors: primary ? primary.readUInt32LE(80) : 0,
        udf,
        iso9660: primary !== null,
      };
      const root = descriptor ? { sector: descriptor.readUInt32LE(156 + 2), size: descriptor.readUInt32LE(156 + 10) } : null;
      return new IsoImage(path, file, volume, root, catalog, joliet !== null);
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  close(): Promise<void> {
    return this.file.close();
  }

  /** Every folder and file, each folder before its contents. */
  async list(): Promise<IsoEntry[]> {
    if (!this.rootRecord) throw new BootmendError('INVALID_INPUT', `${this.path} has no ISO 9660 file system${this.volume.udf ? ' (it is UDF only, like a Windows install ISO)' : ''}.`);
    const out: IsoEntry[] = [];
    const seen = new Set<number>();
    const walk = async (extent: IsoExtent, prefix: string): Promise<void> => {
      // A loop in the folder records would otherwise never end.
      if (seen.has(extent.sector)) throw damaged(this.path, `folder ${prefix || '/'} is listed twice`);
      seen.add(extent.sector);
      for (const entry of await this.readDirectory(extent, prefix)) {
        out.push(entry);
        if (out.length > MAX_ENTRIES) throw damaged(this.path, 'it lists more than a million entries');
        if (entry.isDir) await walk(entry.extents[0]!, entry.path);
      }
    };
    await walk(this.rootRecord, '');
    return out;
  }

  /** The bytes of a file entry (or any extents), streamed from the image one extent after another. */
  source(entry: Pick<IsoEntry, 'size' | 'extents'>): FileSource {
    const extents = entry.extents.filter((extent) => extent.size > 0);
    // One extent (every file under 4 GiB): a range the writers' copy thread reads directly.
    if (extents.length === 1) return { size: entry.size, open: rangeOpener(this.path, extents[0]!.sector * SECTOR, extents[0]!.size) };
    const open = (): Readable => {
      const out = new PassThrough({ highWaterMark: 1 << 20 });
      void (async () => {
        for (const extent of extents) {
          for await (const chunk of rangeStream(this.path, extent)) {
            if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
          }
        }
        out.end();
      })().catch((error: unknown) => out.destroy(error as Error));
      return out;
    };
    return { size: entry.size, open: extents.length === 0 ? () => Readable.from([]) : open };
  }

  async readBytes(offset: number, length: number): Promise<Buffer> {
    return readAt(this.file, offset, length);
  }

  /** El Torito entries, each with its image located and sized; [] when the ISO does not boot. */
  async bootEntries(files?: readonly IsoEntry[]): Promise<BootEntry[]> {
    if (this.bootCatalogSector === null) return [];
    const catalog = await readAt(this.file, this.bootCatalogSector * SECTOR, SECTOR);
    if (catalog[0] !== 1 || catalog[30] !== 0x55 || catalog[31] !== 0xaa) throw damaged(this.path, 'its El Torito boot catalog has no valid validation entry');
    const raw: Omit<BootEntry, 'file' | 'bytes'>[] = [];
    const parse = (at: number, platformId: number): void => {
      raw.push({
        platformId,
        platform: platformId === PLATFORM_BIOS ? 'bios' : platformId === PLATFORM_EFI ? 'uefi' : 'other',
        bootable: catalog[at] === 0x88,
        mediaType: catalog[at + 1]! & 0x0f,
        loadSegment: catalog.readUInt16LE(at + 2),
        sectorCount: catalog.readUInt16LE(at + 6),
        lba: catalog.readUInt32LE(at + 8),
      });
    };
    parse(32, catalog[1]!);
    // Section headers (0x90, last one 0x91), each followed by its entries; 0x44 extension entries are skipped.
    for (let at = 64; at + 32 <= SECTOR; ) {
      const header = catalog[at];
      if (header !== 0x90 && header !== 0x91) break;
      const platformId = catalog[at + 1]!;
      const count = catalog.readUInt16LE(at + 2);
      at += 32;
      for (let i = 0; i < count && at + 32 <= SECTOR; at += 32) {
        if (catalog[at] === 0x44) continue;
        parse(at, platformId);
        i += 1;
      }
      if (header === 0x91) break;
    }
    const list = files ?? (this.rootRecord ? await this.list() : []);
    const byStart = new Map(list.filter((e) => !e.isDir && e.size > 0).map((e) => [e.extents[0]!.sector, e]));
    const out: BootEntry[] = [];
    for (const entry of raw) {
      const file = byStart.get(entry.lba) ?? null;
      let bytes = file?.size ?? entry.sectorCount * 512;
      if (!file && entry.platform === 'uefi' && entry.sectorCount <= 1) bytes = (await this.fatImageBytes(entry.lba)) ?? bytes;
      out.push({ ...entry, file: file?.path ?? null, bytes });
    }
    return out;
  }

  /** A FAT image's size from its BPB (bytes per sector x total sectors), or null when the sector holds no FAT boot sector. */
  private async fatImageBytes(lba: number): Promise<number | null> {
    const boot = await readAt(this.file, lba * SECTOR, 512);
    if (boot.length < 512 || boot[510] !== 0x55 || boot[511] !== 0xaa) return null;
    const bytesPerSector = boot.readUInt16LE(11);
    const total = boot.readUInt16LE(19) || boot.readUInt32LE(32);
    if (![512, 1024, 2048, 4096].includes(bytesPerSector) || total === 0) return null;
    return bytesPerSector * total;
  }

  private async readDirectory(extent: IsoExtent, prefix: string): Promise<IsoEntry[]> {
    if (extent.size > MAX_DIR_BYTES) throw damaged(this.path, `folder ${prefix || '/'} claims ${extent.size} bytes`);
    const data = await readAt(this.file, extent.sector * SECTOR, extent.size);
    if (data.length < extent.size) throw damaged(this.path, `folder ${prefix || '/'} lies beyond the end of the file`);
    const entries: IsoEntry[] = [];
    let pending: IsoEntry | null = null;
    let pendingName = '';
    for (let at = 0; at < data.length; ) {
      const length = data[at]!;
      if (length === 0) {
        // Records never cross a sector: the rest of this sector is padding.
        at = (Math.floor(at / SECTOR) + 1) * SECTOR;
        continue;
      }
      if (length < 34 || at + length > data.length) throw damaged(this.path, `a record in folder ${prefix || '/'} is cut short`);
      const record = data.subarray(at, at + length);
      at += length;
      const idLength = record[32]!;
      const id = record.subarray(33, 33 + idLength);
      if (idLength === 1 && (id[0] === 0 || id[0] === 1)) continue; // "." and ".."
      const flags = record[25]!;
      const name = this.jolietTree ? decodeJoliet(id) : decodePrimary(id);
      const piece = { sector: record.readUInt32LE(2), size: record.readUInt32LE(10) };
      if (pending && name !== pendingName) throw damaged(this.path, `multi-extent file ${pending.path} is not continued`);
      const entry: IsoEntry = pending ?? { path: prefix ? `${prefix}/${name}` : name, isDir: (flags & FLAG_DIRECTORY) !== 0, size: 0, extents: [], mtime: recordDate(record) };
      entry.extents.push(piece);
      entry.size += piece.size;
      if (flags & FLAG_MULTI_EXTENT) {
        pending = entry;
        pendingName = name;
        continue;
      }
      pending = null;
      if (name === '' || name.includes('/') || name === '.' || name === '..') throw damaged(this.path, `folder ${prefix || '/'} has an entry named "${name}"`);
      entries.push(entry);
    }
    if (pending) throw damaged(this.path, `multi-extent file ${pending.path} has no last extent`);
    return entries;
  }
}

/** The ISO's tree as a build source: file bytes stream from the image when the writer gets to them. */
export function isoSourceTree(image: IsoImage, entries: readonly IsoEntry[], options: TreeOptions = {}): SourceTree {
  return treeFromEntries(
    entries.map((entry) => (entry.isDir ? { path: entry.path, isDir: true, mtime: entry.mtime } : { path: entry.path, source: image.source(entry), mtime: entry.mtime })),
    options,
  );
}

/** Copies one file (or boot image) out of the image, e.g. boot.wim for wimlib to update. */
export async function extractIsoFile(source: FileSource, destination: string): Promise<void> {
  await mkdir(dirname(destination), { recursive: true });
  await pipeline(source.open(), createWriteStream(destination));
}

/** Joliet SVDs carry escape sequence %/@, %/C or %/E (UCS-2 levels 1-3) at byte 88. */
function isJolietEscape(sector: Buffer): boolean {
  const escape = sector.toString('latin1', 88, 91);
  return escape === '%/@' || escape === '%/C' || escape === '%/E';
}

function decodeJoliet(id: Buffer): string {
  let text = '';
  for (let i = 0; i + 1 < id.length; i += 2) text += String.fromCharCode(id.readUInt16BE(i));
  return text.replace(/;\d+$/, '');
}

/** "README.TXT;1" -> "README.TXT"; "NOEXT.;1" -> "NOEXT". */
function decodePrimary(id: Buffer): string {
  return id.toString('latin1').replace(/;\d+$/, '').replace(/\.$/, '');
}

function recordDate(record: Buffer): Date {
  const [year, month, day, hour, minute, second] = [record[18]!, record[19]!, record[20]!, record[21]!, record[22]!, record[23]!];
  const offsetMinutes = (record.readInt8(24) * 15) | 0;
  const utc = Date.UTC(1900 + year, Math.max(0, month - 1), Math.max(1, day), hour, minute, second) - offsetMinutes * 60_000;
  return new Date(utc);
}

function rangeStream(path: string, extent: IsoExtent): Readable {
  const start = extent.sector * SECTOR;
  return createReadStream(path, { start, end: start + extent.size - 1, highWaterMark: 1 << 20 });
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const out = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await file.read(out, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? out : out.subarray(0, done);
}

function damaged(path: string, what: string): BootmendError {
  return new BootmendError('INVALID_INPUT', `${path} is not a readable ISO image: ${what}. Check the download or make the ISO again.`);
}
