import { SECTOR, asciiField, putBoth16, putBoth32, recordDate, ucs2, ucs2Field, volumeDate } from './encoding.js';
import { packRecords, recordLength, sortedChildren, type DirNode, type IsoLayout, type TreeKind } from './layout.js';

/** Encoders for ECMA-119 structures: directory records (9.1), path tables (9.4), volume descriptors (8.4, 8.5, 8.3). */

const FLAG_DIRECTORY = 0x02;
const FLAG_MULTI_EXTENT = 0x80;

export function directoryRecord(identifier: Buffer, sector: number, size: number, date: Date, flags: number): Buffer {
  const out = Buffer.alloc(recordLength(identifier.length));
  out[0] = out.length;
  putBoth32(out, 2, sector);
  putBoth32(out, 10, size);
  recordDate(date).copy(out, 18);
  out[25] = flags;
  putBoth16(out, 28, 1); // volume sequence number
  out[32] = identifier.length;
  identifier.copy(out, 33);
  return out;
}

function ownIdentifier(dir: DirNode, kind: TreeKind): Buffer {
  const own = dir.parent?.children.find((child) => child.node === dir);
  if (!own) return Buffer.from([0]);
  return kind === 'primary' ? Buffer.from(own.primary.identifier, 'latin1') : ucs2(own.joliet);
}

/** One folder's extent: ".", "..", then children in this tree's sort order; big files get one record per extent. */
export function directoryExtent(dir: DirNode, kind: TreeKind): Buffer {
  const parent = dir.parent ?? dir;
  const records = [
    directoryRecord(Buffer.from([0]), dir[kind].sector, dir[kind].size, dir.mtime, FLAG_DIRECTORY),
    directoryRecord(Buffer.from([1]), parent[kind].sector, parent[kind].size, parent.mtime, FLAG_DIRECTORY),
  ];
  for (const child of sortedChildren(dir, kind)) {
    const id = kind === 'primary' ? Buffer.from(child.primary.identifier, 'latin1') : ucs2(child.joliet);
    const node = child.node;
    if (node.kind === 'dir') {
      records.push(directoryRecord(id, node[kind].sector, node[kind].size, node.mtime, FLAG_DIRECTORY));
      continue;
    }
    node.extents.forEach((extent, index) => {
      const last = index === node.extents.length - 1;
      records.push(directoryRecord(id, extent.sector, extent.size, node.mtime, last ? 0 : FLAG_MULTI_EXTENT));
    });
  }
  const { offsets, size } = packRecords(records.map((record) => record.length));
  const out = Buffer.alloc(size);
  records.forEach((record, index) => record.copy(out, offsets[index]!));
  return out;
}

/** The L (little-endian) or M (big-endian) path table, padded to whole sectors. */
export function pathTable(layout: IsoLayout, kind: TreeKind, bigEndian: boolean): Buffer {
  const parts: Buffer[] = [];
  for (const dir of layout.dirs[kind]) {
    const id = ownIdentifier(dir, kind);
    const record = Buffer.alloc(8 + id.length + (id.length % 2));
    record[0] = id.length;
    const parentNumber = (dir.parent ?? dir)[kind].number;
    if (bigEndian) {
      record.writeUInt32BE(dir[kind].sector, 2);
      record.writeUInt16BE(parentNumber, 6);
    } else {
      record.writeUInt32LE(dir[kind].sector, 2);
      record.writeUInt16LE(parentNumber, 6);
    }
    id.copy(record, 8);
    parts.push(record);
  }
  const table = Buffer.concat(parts);
  return Buffer.concat([table, Buffer.alloc(Math.ceil(table.length / SECTOR) * SECTOR - table.length)]);
}

export interface VolumeLabels {
  volumeId: string;
  publisher: string;
  application: string;
  created: Date;
}

/** Primary (type 1) or Joliet supplementary (type 2, escape "%/E" = UCS-2 level 3) volume descriptor. */
export function volumeDescriptor(layout: IsoLayout, kind: TreeKind, labels: VolumeLabels): Buffer {
  const joliet = kind === 'joliet';
  const text = (value: string, length: number): Buffer => (joliet ? ucs2Field(value, length) : asciiField(value, length));
  const out = Buffer.alloc(SECTOR);
  out[0] = joliet ? 2 : 1;
  out.write('CD001', 1, 'latin1');
  out[6] = 1;
  text('', 32).copy(out, 8); // system identifier
  (joliet ? ucs2Field(labels.volumeId.slice(0, 16), 32) : asciiField(labels.volumeId.toUpperCase().replace(/[^A-Z0-9_]/g, '_'), 32)).copy(out, 40);
  putBoth32(out, 80, layout.totalSectors);
  if (joliet) out.write('%/E', 88, 'latin1');
  putBoth16(out, 120, 1); // volume set size
  putBoth16(out, 124, 1); // volume sequence number
  putBoth16(out, 128, SECTOR);
  const tables = layout.pathTables[kind];
  putBoth32(out, 132, tables.size);
  out.writeUInt32LE(tables.lSector, 140);
  out.writeUInt32BE(tables.mSector, 148);
  directoryRecord(Buffer.from([0]), layout.root[kind].sector, layout.root[kind].size, layout.root.mtime, FLAG_DIRECTORY).copy(out, 156);
  text('', 128).copy(out, 190); // volume set identifier
  text(labels.publisher, 128).copy(out, 318);
  text('', 128).copy(out, 446); // data preparer
  text(labels.application, 128).copy(out, 574);
  text('', 37).copy(out, 702);
  text('', 37).copy(out, 739);
  text('', 37).copy(out, 776);
  volumeDate(labels.created).copy(out, 813);
  volumeDate(labels.created).copy(out, 830);
  volumeDate(null).copy(out, 847);
  volumeDate(null).copy(out, 864);
  out[881] = 1; // file structure version
  return out;
}

export function terminatorDescriptor(): Buffer {
  const out = Buffer.alloc(SECTOR);
  out[0] = 255;
  out.write('CD001', 1, 'latin1');
  out[6] = 1;
  return out;
}
