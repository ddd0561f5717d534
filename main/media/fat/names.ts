/**
 * VFAT names (Microsoft FAT spec, "FAT Long Directory Entries"): every name that is
 * not already a plain upper-case 8.3 name gets long-name entries (13 UTF-16 units
 * each, stored last-first, each carrying the checksum of the short name) and a
 * generated short name "BASENA~1.EXT", numbered in source order so the same tree
 * always gives the same names.
 */

const SHORT_ALLOWED = /[A-Z0-9!#$%&'()\-@^_`{}~]/;
export const LFN_CHARS_PER_ENTRY = 13;
export const MAX_LONG_NAME = 255;

export interface FatName {
  /** 11 bytes, base padded to 8 and extension to 3 with spaces. */
  readonly short: Buffer;
  /** null when the short name says it all. */
  readonly long: string | null;
}

function shortChars(text: string): string {
  let out = '';
  for (const char of text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase()) {
    if (char === ' ' || char === '.') continue; // dropped, as Windows does
    out += SHORT_ALLOWED.test(char) ? char : '_';
  }
  return out;
}

function pack(base: string, ext: string): Buffer {
  const out = Buffer.alloc(11, 0x20);
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
  const units: number[] = [];
  for (let i = 0; i < longName.length; i += 1) units.push(longName.charCodeAt(i));
  if (units.length % LFN_CHARS_PER_ENTRY !== 0) units.push(0x0000);
  while (units.length % LFN_CHARS_PER_ENTRY !== 0) units.push(0xffff);
  const count = units.length / LFN_CHARS_PER_ENTRY;
  const checksum = shortNameChecksum(short);
  const entries: Buffer[] = [];
  for (let ordinal = count; ordinal >= 1; ordinal -= 1) {
    const entry = Buffer.alloc(32);
    entry[0] = ordinal | (ordinal === count ? 0x40 : 0);
    entry[11] = 0x0f;
    entry[13] = checksum;
    const part = units.slice((ordinal - 1) * LFN_CHARS_PER_ENTRY, ordinal * LFN_CHARS_PER_ENTRY);
    const offsets = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];
    offsets.forEach((offset, index) => entry.writeUInt16LE(part[index]!, offset));
    entries.push(entry);
  }
  return entries;
}
