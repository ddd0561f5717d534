import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BootmendError } from '../../../core/errors.js';

/**
 * A boot base in the Windows ADK `Media` layout (what `copype` makes, and what a WinPE ISO
 * holds). Paths are matched case-insensitively: ADK trees say `EFI/Boot`, ISOs `EFI/BOOT`.
 */
export interface MediaBase {
  root: string;
  /** "/"-separated paths inside the base, as found (original case). */
  efiLoader: string | null;
  efiBootImage: string | null;
  biosLoader: string | null;
  bootWim: string | null;
  /** What the base lacks, in words for the technician. */
  missing: string[];
}

const WANTED = {
  efiLoader: ['efi', 'boot', 'bootx64.efi'],
  efiBootImage: ['efi', 'microsoft', 'boot', 'efisys.bin'],
  biosLoader: ['boot', 'etfsboot.com'],
  bootWim: ['sources', 'boot.wim'],
} as const;

export async function inspectBase(root: string): Promise<MediaBase> {
  const info = await stat(root).catch((cause: unknown) => {
    throw new BootmendError('NOT_FOUND', `The base ${root} cannot be read; check that the folder exists.`, { cause, field: 'base' });
  });
  if (!info.isDirectory()) {
    throw new BootmendError(
      'INVALID_INPUT',
      `${root} is a file. Bootmend can use a WinPE folder in the Windows ADK "Media" layout (made by copype) as a base; ISO and WIM bases arrive in a later version.`,
      { field: 'base' },
    );
  }
  const found = {
    efiLoader: await findPath(root, WANTED.efiLoader),
    efiBootImage: await findPath(root, WANTED.efiBootImage),
    biosLoader: await findPath(root, WANTED.biosLoader),
    bootWim: await findPath(root, WANTED.bootWim),
  };
  const missing: string[] = [];
  if (!found.efiLoader) missing.push('EFI/Boot/bootx64.efi: UEFI PCs cannot start this medium');
  if (!found.biosLoader) missing.push('Boot/etfsboot.com: older BIOS-only PCs cannot start the ISO');
  if (!found.bootWim) missing.push('sources/boot.wim: there is no WinPE to run fix.cmd by itself; start it by hand from the command prompt');
  if (!found.efiLoader && !found.biosLoader) {
    throw new BootmendError('INVALID_INPUT', `${root} has neither EFI/Boot/bootx64.efi nor Boot/etfsboot.com, so nothing could start it. Choose the "media" folder that copype made.`, {
      field: 'base',
    });
  }
  return { root, ...found, missing };
}

/** Finds a path case-insensitively, returning it with the case it has on disk. */
async function findPath(root: string, segments: readonly string[]): Promise<string | null> {
  let dir = root;
  const actual: string[] = [];
  for (const [index, wanted] of segments.entries()) {
    const names = await readdir(dir).catch(() => [] as string[]);
    const name = names.find((n) => n.toLowerCase() === wanted);
    if (!name) return null;
    const full = join(dir, name);
    const isLast = index === segments.length - 1;
    const info = await stat(full).catch(() => null);
    if (!info || (isLast ? !info.isFile() : !info.isDirectory())) return null;
    actual.push(name);
    dir = full;
  }
  return actual.join('/');
}
