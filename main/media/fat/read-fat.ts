import { open, type FileHandle } from 'node:fs/promises';

/**
 * Just enough FAT reading to find one small file by path in a USB image (MBR + FAT32, as
 * write-fat.ts makes it, or a bare FAT32 volume): the rebuild uses it to recognise its own
 * earlier image by the marker file before replacing it. Long names are matched
 * case-insensitively, like Windows does. Bounded so a damaged image cannot make it read forever.
 */
const MAX_CHAIN = 1 << 16;
const MAX_FILE = 1 << 20;

interface Volume {
  file: FileHandle;
  /** Byte offset of the volume's first sector. */
  start: number;
  bytesPerSector: number;
  clusterBytes: number;
  fatOffset: number;
  dataOffset: number;
  rootCluster: number;
}

export async function readFatFile(image: string, path: string): Promise<Buffer | null> {
  const file = await open(image, 'r');
  try {
    const volume = await findVolume(file);
    if (!volume) return null;
    let cluster = volume.rootCluster;
    const parts = path.split('/');
    for (const [index, part] of parts.entries()) {
      const entry = (await listDirectory(volume, cluster)).find((e) => e.name.toLowerCase() === part.toLowerCase());
      if (!entry) return null;
      const last = index === parts.length - 1;
      if (last) {
        if (entry.isDir || entry.size > MAX_FILE) return null;
        return (await readChain(volume, entry.cluster)).subarray(0, entry.size);
      }
      if (!entry.isDir) return null;
      cluster = entry.cluster;
    }
    return null;
  } catch {
    return null;
  } finally {
    await file.close();
  }
}

async function readAt(file: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, offset);
  return buffer.subarray(0, bytesRead);
}

async function findVolume(file: FileHandle): Promise<Volume | null> {
  const first = await readAt(file, 0, 512);
  if (first.length < 512 || first.readUInt16LE(510) !== 0xaa55) return null;
  const starts = [first.readUInt32LE(0x1be + 8) * 512, 0];
  for (const start of starts) {
    const boot = await readAt(file, start, 512);
    if (boot.length < 512 || boot.toString('latin1', 82, 87) !== 'FAT32') continue;
    const bytesPerSector = boot.readUInt16LE(11);
    const sectorsPerCluster = boot[13] ?? 0;
    const reserved = boot.readUInt16LE(14);
    const fats = boot[16] ?? 0;
    const fatSectors = boot.readUInt32LE(36);
    if (![512, 1024, 2048, 4096].includes(bytesPerSector) || sectorsPerCluster === 0 || fats === 0) continue;
    return {
      file,
      start,
      bytesPerSector,
      clusterBytes: bytesPerSector * sectorsPerCluster,
      fatOffset: start + reserved * bytesPerSector,
      dataOffset: start + (reserved + fats * fatSectors) * bytesPerSector,
      rootCluster: boot.readUInt32LE(44),
    };
  }
  return null;
}

async function readChain(volume: Volume, first: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let cluster = first;
  for (let n = 0; cluster >= 2 && cluster < 0x0ffffff8; n += 1) {
    if (n >= MAX_CHAIN) throw new Error('cluster chain too long');
    parts.push(await readAt(volume.file, volume.dataOffset + (cluster - 2) * volume.clusterBytes, volume.clusterBytes));
    cluster = (await readAt(volume.file, volume.fatOffset + cluster * 4, 4)).readUInt32LE(0) & 0x0fffffff;
  }
  return Buffer.concat(parts);
}

interface DirEntry {
  name: string;
  isDir: boolean;
  cluster: number;
  size: number;
}

async function listDirectory(volume: Volume, cluster: number): Promise<DirEntry[]> {
  const bytes = await readChain(volume, cluster);
  const out: DirEntry[] = [];
  let long: string[] = [];
  for (let at = 0; at + 32 <= bytes.length; at += 32) {
    const first = bytes[at] ?? 0;
    if (first === 0) break;
    const attr = bytes[at + 11] ?? 0;
    if (first === 0xe5) {
      long = [];
      continue;
    }
    if (attr === 0x0f) {
      const sequence = first & 0x1f;
      const chars = Buffer.concat([bytes.subarray(at + 1, at + 11), bytes.subarray(at + 14, at + 26), bytes.subarray(at + 28, at + 32)]);
      long[sequence - 1] = chars.toString('utf16le');
      continue;
    }
    if (attr & 0x08) {
      long = []; // the volume label
      continue;
    }
    const short = `${bytes.toString('latin1', at, at + 8).trimEnd()}${bytes.toString('latin1', at + 8, at + 11).trim() ? `.${bytes.toString('latin1', at + 8, at + 11).trim()}` : ''}`;
    const name = long.length > 0 ? long.join('').split('\0')[0]! : short;
    long = [];
    out.push({ name, isDir: (attr & 0x10) !== 0, cluster: (bytes.readUInt16LE(at + 20) << 16) | bytes.readUInt16LE(at + 26), size: bytes.readUInt32LE(at + 28) });
  }
  return out;
}
