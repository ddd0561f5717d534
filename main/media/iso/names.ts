/**
 * Names on the two ISO trees. Primary (ECMA-119 level 3): d-characters A-Z 0-9 _ only,
 * files "NAME.EXT;1" with name+ext <= 30, folders <= 31 without version. Joliet (Joliet
 * spec 1995): the real name in UCS-2, at most 64 characters, no * / : ; ? \.
 * Collisions (two names mapping to one) are resolved in source order by numbering,
 * so the same tree always gives the same names.
 */

import { replaceChars } from '../names.js';

const MAX_PRIMARY_FILE = 30;
const MAX_PRIMARY_DIR = 31;
const MAX_PRIMARY_EXT = 8;
export const MAX_JOLIET = 64;

/** Sort key of a primary identifier: name and extension compared separately (ECMA-119 9.3). */
export interface PrimaryName {
  readonly base: string;
  readonly ext: string;
  /** As stored: "BOOT.WIM;1" for files, "SOURCES" for folders. */
  readonly identifier: string;
}

function toDChars(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, '_');
}

function splitExtension(name: string): { base: string; ext: string } {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? { base: name.slice(0, dot), ext: name.slice(dot + 1) } : { base: name, ext: '' };
}

/** Hands out unique primary and Joliet names inside one folder. */
export class FolderNamer {
  private readonly primaryTaken = new Set<string>();
  private readonly jolietTaken = new Set<string>();

  primary(name: string, isDir: boolean): PrimaryName {
    if (isDir) {
      const base = toDChars(name).slice(0, MAX_PRIMARY_DIR) || '_';
      const unique = this.claim(this.primaryTaken, base, (n) => numbered(base, n, MAX_PRIMARY_DIR));
      return { base: unique, ext: '', identifier: unique };
    }
    const parts = splitExtension(name);
    const ext = toDChars(parts.ext).slice(0, MAX_PRIMARY_EXT);
    const maxBase = MAX_PRIMARY_FILE - ext.length;
    const base = toDChars(parts.base).slice(0, maxBase) || '_';
    const key = (b: string): string => `${b}.${ext}`;
    const unique = this.claim(this.primaryTaken, key(base), (n) => key(numbered(base, n, maxBase)));
    const uniqueBase = unique.slice(0, unique.length - ext.length - 1);
    return { base: uniqueBase, ext, identifier: `${unique};1` };
  }

  joliet(name: string): string {
    const clean = replaceChars(name, '*/:;?\\');
    if (clean.length <= MAX_JOLIET) return this.claim(this.jolietTaken, clean, (n) => shortenJoliet(clean, `~${n}`));
    return this.claim(this.jolietTaken, shortenJoliet(clean, ''), (n) => shortenJoliet(clean, `~${n}`));
  }

  private claim(taken: Set<string>, wanted: string, variant: (n: number) => string): string {
    let candidate = wanted;
    for (let n = 1; taken.has(candidate); n += 1) candidate = variant(n);
    taken.add(candidate);
    return candidate;
  }
}

function numbered(base: string, n: number, max: number): string {
  const suffix = `_${n}`;
  return base.slice(0, Math.max(1, max - suffix.length)) + suffix;
}

/** Keeps the extension (Windows picks the program by it) and cuts the name before it. */
function shortenJoliet(name: string, suffix: string): string {
  const { base, ext } = splitExtension(name);
  const tail = ext.length > 0 && ext.length < 16 ? `.${ext}` : '';
  const head = tail ? base : name;
  return head.slice(0, MAX_JOLIET - tail.length - suffix.length) + suffix + tail;
}

export function comparePrimary(a: PrimaryName, b: PrimaryName): number {
  return compareText(a.base, b.base) || compareText(a.ext, b.ext);
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
