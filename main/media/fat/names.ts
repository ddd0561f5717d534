/**
 * VFAT names (Microsoft FAT spec, "FAT Long Directory Entries"): every name that is
 * not already a plain upper-case 8.3 name gets long-name entries (13 UTF-16 units
 * each, stored last-first, each carrying the checksum of the short name) and a
 * generated short name "BASENA~1.EXT", numbered in source order so the same tree
 * always gives the same names.
 */

export const LFN_CHARS_PER_ENTRY = 13;
export const MAX_LONG_NAME = 255;

export interface FatName {
  /** 11 bytes, base padded to 8 and extension to 3 with spaces. */
  readonly short: Buffer;
  /** null when the short name says it all. */
  readonly long: string | null;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const NOT_SHORT = /[^A-Z0-9!#$%&'()\-@^_`{}~]/gu;

function shortChars(text: string): string {
  // Accents are dropped (é -> E); plain ASCII names, nearly all of a WinPE tree, skip the Unicode pass.
  const folded = PRINTABLE_ASCII.test(text) ? text : text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  // Spaces and dots are dropped, as Windows does; any other character a short name cannot hold becomes "_".
  return folded.toUpperCase().replace(/[ .]/g, '').replace(NOT_SHORT, '_');
}

function pack(base: string, ext: string): Buffer {
  // From Node's shared pool, like other small buffers: Buffer.alloc would give every 11-byte name an allocation of its own.
  const out = Buffer.allocUnsafe(11).fill(0x20);
  out.write(base, 0, 'latin1');
  out.write(ext, 8, 'latin1');
  if (out[0] === 0xe5) out[0] = 0x05; // 0xE5 would mark the entry deleted
  return out;
}

/** Hands out unique short names in one folder (case-insensitive, like FAT itself). */
export class FolderShortNames {
  private readonly taken = new Set<string>();

  name(longName: string): FatName {
    const dot = longName.lastIndexOf('.');
    const rawBase = dot > 0 ? longName.slice(0, dot) : longName;
    const rawExt = dot > 0 ? longName.slice(dot + 1) : '';
    if (/^[A-Z0-9!#$%&'()\-@^_`{}~]{1,8}$/.test(rawBase) && (rawExt === '' || /^[A-Z0-9!#$%&'()\-@^_`{}~]{1,3}$/.test(rawExt))) {
      const short = pack(rawBase, rawExt);
      if (this.claim(short)) return { short, long: null };
    }
    const base = shortChars(rawBase) || '_';
    const ext = shortChars(rawExt).slice(0, 3);
    for (let n = 1; ; n += 1) {
      const tail = `~${n}`;
      const short = pack(base.slice(0, 8 - tail.length) + tail, ext);
      if (this.claim(short)) return { short, long: longName };
    }
  }

  private claim(short: Buffer): boolean {
    const key = short.toString('latin1');
    if (this.taken.has(key)) return false;
    this.taken.add(key);
    return true;
  }
}

export function shortNameChecksum(short: Buffer): number {
  let sum = 0;
  for (let i = 0; i < 11; i += 1) sum = (((sum & 1) << 7) + (sum >> 1) + short[i]!) & 0xff;
  return sum;
}

/** Long-name entries in on-disk order (highest ordinal first, flagged 0x40). */
export function longNameEntries(longName: string, short: Buffer): Buffer[] {
  const out = Buffer.alloc(longNameEntryCount(longName) * 32);
  writeLongNameEntries(out, 0, longName, short);
  const entries: Buffer[] = [];
  for (let at = 0; at < out.length; at += 32) entries.push(out.subarray(at, at + 32));
  return entries;
}

export function longNameEntryCount(longName: string): number {
  return Math.ceil(longName.length / LFN_CHARS_PER_ENTRY);
}

/** UTF-16 offsets of the 13 name characters inside a long-name entry. */
const LFN_OFFSETS = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30] as const;

/**
 * Writes the long-name entries straight into a zeroed folder buffer at `at`; returns the bytes written.
 * (Folders are built in one buffer: a Buffer per 32-byte entry made WinPE-sized trees slow.)
 */
export function writeLongNameEntries(out: Buffer, at: number, longName: string, short: Buffer): number {
  const count = longNameEntryCount(longName);
  const checksum = shortNameChecksum(short);
  for (let ordinal = count; ordinal >= 1; ordinal -= 1) {
    const entry = at + (count - ordinal) * 32;
    out[entry] = ordinal | (ordinal === count ? 0x40 : 0);
    out[entry + 11] = 0x0f;
    out[entry + 13] = checksum;
    const first = (ordinal - 1) * LFN_CHARS_PER_ENTRY;
    for (let index = 0; index < LFN_CHARS_PER_ENTRY; index += 1) {
      const position = first + index;
      // The name, then one NUL terminator when it does not fill the last entry, then 0xFFFF padding.
      const unit = position < longName.length ? longName.charCodeAt(position) : position === longName.length ? 0x0000 : 0xffff;
      const offset = entry + LFN_OFFSETS[index]!;
      out[offset] = unit & 0xff;
      out[offset + 1] = unit >>> 8;
    }
  }
  return count * 32;
}
