/** Byte-level helpers for ECMA-119 fields: both-endian numbers (7.2.3, 7.3.3), dates (8.4.26.1, 9.1.5), padded strings. */

export const SECTOR = 2048;

export function sectorsFor(bytes: number): number {
  return Math.ceil(bytes / SECTOR);
}

export function putBoth16(buf: Buffer, offset: number, value: number): void {
  buf.writeUInt16LE(value, offset);
  buf.writeUInt16BE(value, offset + 2);
}

export function putBoth32(buf: Buffer, offset: number, value: number): void {
  buf.writeUInt32LE(value, offset);
  buf.writeUInt32BE(value, offset + 4);
}

/** 7-byte directory-record date, in UTC (offset 0). */
export function recordDate(date: Date): Buffer {
  const out = Buffer.alloc(7);
  out[0] = Math.min(255, Math.max(0, date.getUTCFullYear() - 1900));
  out[1] = date.getUTCMonth() + 1;
  out[2] = date.getUTCDate();
  out[3] = date.getUTCHours();
  out[4] = date.getUTCMinutes();
  out[5] = date.getUTCSeconds();
  out[6] = 0;
  return out;
}

/** 17-byte volume-descriptor date "YYYYMMDDHHMMSScc" + offset; null means "not specified". */
export function volumeDate(date: Date | null): Buffer {
  const out = Buffer.alloc(17, 0x30);
  out[16] = 0;
  if (date === null) return out;
  const pad = (value: number, width: number): string => String(value).padStart(width, '0');
  const text =
    pad(date.getUTCFullYear(), 4) +
    pad(date.getUTCMonth() + 1, 2) +
    pad(date.getUTCDate(), 2) +
    pad(date.getUTCHours(), 2) +
    pad(date.getUTCMinutes(), 2) +
    pad(date.getUTCSeconds(), 2) +
    pad(Math.floor(date.getUTCMilliseconds() / 10), 2);
  out.write(text, 0, 'latin1');
  return out;
}

/** An a-/d-character field, space-padded as ECMA-119 requires. */
export function asciiField(text: string, length: number): Buffer {
  const out = Buffer.alloc(length, 0x20);
  out.write(text.slice(0, length), 0, 'latin1');
  return out;
}

/** A Joliet field: UCS-2 big-endian, padded with UCS-2 spaces (0x0020). */
export function ucs2Field(text: string, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i + 1 < length; i += 2) out.writeUInt16BE(0x20, i);
  const encoded = ucs2(text);
  encoded.copy(out, 0, 0, Math.min(encoded.length, length - (length % 2)));
  return out;
}

/** UTF-16 big-endian (Joliet calls it UCS-2; surrogate pairs pass through as readers expect). */
export function ucs2(text: string): Buffer {
  const out = Buffer.alloc(text.length * 2);
  for (let i = 0; i < text.length; i += 1) out.writeUInt16BE(text.charCodeAt(i), i * 2);
  return out;
}
