import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BootmendError } from '../../../core/errors.js';
import type { MediaBaseKind } from '../../../core/media/schemas.js';
import { IsoImage, type IsoEntry } from '../iso/read-iso.js';
import { adkInstallLayout, type AdkInstallLayout } from './adk.js';
import { wimlibVersion } from './inject.js';
import { sevenZipList } from './seven-zip.js';
import type { BaseTools } from '../../../core/media/playbook-checks.js';
import { NO_BITLOCKER, UNKNOWN_TOOLS, WINRE_BOOT_FILES, bitLockerFromPaths, checkToolsFromPaths, planWinreFiles, wimBootIndex, wimPaths, wimSupport, type BitLockerSupport } from './wim.js';

/**
 * What a boot base is, what it holds and what it lacks. Five kinds (core/media/schemas.ts MediaBaseKind):
 * an ADK "Media" folder, the ADK's own WinPE folder, a WinPE ISO (read directly), a UDF-only
 * ISO (Windows install media, through 7-Zip), and a WinRE/WinPE image (Winre.wim). Every path
 * reported is where the file lands on the medium, in the ADK Media layout; paths are matched
 * case-insensitively (ADK trees say `EFI/Boot`, ISOs `EFI/BOOT`).
 */
export interface MediaBase {
  root: string;
  kind: MediaBaseKind;
  efiLoader: string | null;
  efiBootImage: string | null;
  biosLoader: string | null;
  bootWim: string | null;
  /** What the base lacks, in words for the technician. */
  missing: string[];
  /** What the base brings and where from, in words. */
  capabilities: string[];
  bitlocker: BitLockerSupport['status'];
  /** The tools fix.cmd's checks use (PowerShell, certutil, fc, wmic) in the boot image; unknown until it can be read. */
  tools: BaseTools;
  /** adk-install only: where the Media folder, winpe.wim and the El Torito images are. */
  adk?: AdkInstallLayout;
}

export interface InspectOptions {
  signal?: AbortSignal;
  /** Whether wimlib-imagex is installed (looked up when not given). */
  wimlib?: boolean;
}

export const MEDIA_PATHS = {
  efiLoader: 'EFI/Boot/bootx64.efi',
  efiBootImage: 'EFI/Microsoft/Boot/efisys.bin',
  /** The same El Torito image without "Press any key to boot from CD or DVD" (virtual media and Hyper-V never press one): preferred. */
  efiBootImageNoPrompt: 'EFI/Microsoft/Boot/efisys_noprompt.bin',
  biosLoader: 'Boot/etfsboot.com',
  bootWim: 'sources/boot.wim',
} as const;

const WIM_MAGIC = 'MSWIM\0\0\0';

export async function inspectBase(root: string, options: InspectOptions = {}): Promise<MediaBase> {
  const info = await stat(root).catch((cause: unknown) => {
    throw new BootmendError('NOT_FOUND', `The base ${root} cannot be read; check that the folder or file exists.`, { cause, field: 'base' });
  });
  const wimlib = options.wimlib ?? (await wimlibVersion()) !== null;
  if (info.isDirectory()) {
    const adk = await adkInstallLayout(root);
    return adk ? inspectAdkInstall(root, adk, wimlib, options.signal) : inspectMediaFolder(root, wimlib, options.signal);
  }
  const head = await readHead(root);
  if (head.toString('latin1', 0, 8) === WIM_MAGIC) return inspectWim(root, wimlib, options.signal);
  const image = await IsoImage.open(root);
  try {
    return await inspectIso(image, wimlib);
  } finally {
    await image.close();
  }
}

async function inspectMediaFolder(root: string, wimlib: boolean, signal?: AbortSignal): Promise<MediaBase> {
  const found = {
    efiLoader: await findPath(root, MEDIA_PATHS.efiLoader),
    efiBootImage: await findPath(root, MEDIA_PATHS.efiBootImage),
    biosLoader: await findPath(root, MEDIA_PATHS.biosLoader),
    bootWim: await findPath(root, MEDIA_PATHS.bootWim),
  };
  refuseUnbootable(root, found, 'Choose the "media" folder that copype made.');
  const support = found.bootWim ? await wimSupport(join(root, found.bootWim), wimlib, signal) : null;
  return finish(root, 'adk-media', found, ['a WinPE folder in the Windows ADK "Media" layout'], support?.bitlocker ?? null, support?.tools);
}

async function inspectAdkInstall(root: string, adk: AdkInstallLayout, wimlib: boolean, signal?: AbortSignal): Promise<MediaBase> {
  const found = {
    efiLoader: (await findPath(adk.media, MEDIA_PATHS.efiLoader)) ? MEDIA_PATHS.efiLoader : null,
    efiBootImage: (await findPath(adk.media, MEDIA_PATHS.efiBootImage)) || adk.efisys ? MEDIA_PATHS.efiBootImage : null,
    biosLoader: (await findPath(adk.media, MEDIA_PATHS.biosLoader)) || adk.etfsboot ? MEDIA_PATHS.biosLoader : null,
    bootWim: MEDIA_PATHS.bootWim,
  };
  refuseUnbootable(root, found, 'Reinstall the Windows PE add-on of the ADK.');
  const capabilities = [
    `the Windows ADK's WinPE folder: Media from ${adk.media}`,
    `sources/boot.wim from ${adk.winpeWim}`,
    ...(adk.etfsboot ? [`Boot/etfsboot.com from ${adk.etfsboot}`] : []),
    ...(adk.efisys ? [`EFI/Microsoft/Boot/efisys.bin from ${adk.efisys}`] : []),
  ];
  const support = await wimSupport(adk.winpeWim, wimlib, signal);
  const base = finish(root, 'adk-install', found, capabilities, support.bitlocker, support.tools);
  return { ...base, adk };
}

async function inspectWim(root: string, wimlib: boolean, signal?: AbortSignal): Promise<MediaBase> {
  if (!wimlib) {
    throw new BootmendError(
      'UNAVAILABLE',
      `${root} is a WIM image (such as Winre.wim). Using it as a base needs wimlib-imagex (Linux: the "wimtools" package; macOS: brew install wimlib) to take its boot files out.`,
      { field: 'base' },
    );
  }
  const paths = await wimPaths(root, await wimBootIndex(root, signal), signal).catch((cause: unknown) => {
    throw new BootmendError('INVALID_INPUT', `${root} looks like a WIM image but wimlib-imagex cannot read it; check the file (copy Winre.wim again).`, { cause, field: 'base' });
  });
  const plan = planWinreFiles(paths);
  const has = (medium: string): string | null => (plan.some((item) => item.medium === medium) ? medium : null);
  const found = { efiLoader: has(MEDIA_PATHS.efiLoader), efiBootImage: has(MEDIA_PATHS.efiBootImage), biosLoader: has(MEDIA_PATHS.biosLoader), bootWim: MEDIA_PATHS.bootWim };
  refuseUnbootable(root, found, 'A WinRE image carries Windows/Boot/EFI/bootmgfw.efi; this one does not, so take Winre.wim from a working Windows 10/11 PC.');
  const base = finish(root, 'winre-wim', found, ['a WinRE/WinPE image: the image becomes sources/boot.wim', ...plan.map((item) => `${item.medium}: ${item.role} from ${item.from} in the image`)], bitLockerFromPaths(paths), checkToolsFromPaths(paths));
  for (const file of WINRE_BOOT_FILES) {
    if (!plan.some((item) => item.medium === file.medium) && (file.medium.endsWith('BCD') || file.medium.endsWith('boot.sdi'))) {
      base.missing.push(`${file.medium} (${file.role}): the image has none of ${file.from.join(', ')}, so Windows Boot Manager may not find WinPE`);
    }
  }
  return base;
}

async function inspectIso(image: IsoImage, wimlib: boolean): Promise<MediaBase> {
  const root = image.path;
  if (!image.volume.iso9660 && !image.volume.udf) {
    throw new BootmendError('INVALID_INPUT', `${root} is neither a folder, an ISO image nor a WIM image. Choose the WinPE "media" folder, a WinPE or Windows ISO, or Winre.wim.`, { field: 'base' });
  }
  const entries = image.volume.iso9660 ? await image.list() : [];
  const find = (wanted: string): IsoEntry | undefined => entries.find((entry) => !entry.isDir && entry.path.toLowerCase() === wanted.toLowerCase());
  const boot = image.volume.iso9660 ? await image.bootEntries(entries) : [];
  const found = {
    efiLoader: find(MEDIA_PATHS.efiLoader)?.path ?? null,
    efiBootImage: find(MEDIA_PATHS.efiBootImage)?.path ?? (boot.some((entry) => entry.platform === 'uefi') ? '(El Torito UEFI image)' : null),
    biosLoader: find(MEDIA_PATHS.biosLoader)?.path ?? (boot.some((entry) => entry.platform === 'bios') ? '(El Torito BIOS image)' : null),
    bootWim: find(MEDIA_PATHS.bootWim)?.path ?? null,
  };
  if (!found.efiLoader && !found.bootWim && image.volume.udf) return inspectUdf(root, wimlib);
  refuseUnbootable(root, found, 'Choose a WinPE ISO (made by MakeWinPEMedia or a vendor recovery builder).');
  // boot.wim is inside the ISO: BitLocker support is checked when the build takes it out (withBitLockerCheck).
  const bitlocker: BitLockerSupport = wimlib
    ? { status: 'unknown', missing: null }
    : { status: 'unknown', missing: 'Bootmend cannot check whether this WinPE has BitLocker support (manage-bde) because wimlib-imagex is not installed ("wimtools" on Linux)' };
  return finish(root, 'winpe-iso', found, [`a WinPE ISO (${image.volume.joliet ? 'ISO 9660 + Joliet' : 'ISO 9660'}), read directly`], bitlocker);
}

async function inspectUdf(root: string, wimlib: boolean): Promise<MediaBase> {
  const listing = await sevenZipList(root);
  if (listing === null) {
    throw new BootmendError(
      'UNAVAILABLE',
      `${root} is a UDF-only image (like a Windows install ISO), which Bootmend reads through 7-Zip. Install 7-Zip (Linux: the "p7zip-full" package; Windows: 7-zip.org) or extract the ISO into a folder and choose that folder.`,
      { field: 'base' },
    );
  }
  const find = (wanted: string): string | null => listing.find((path) => path.toLowerCase() === wanted.toLowerCase()) ?? null;
  const found = { efiLoader: find(MEDIA_PATHS.efiLoader), efiBootImage: find(MEDIA_PATHS.efiBootImage), biosLoader: find(MEDIA_PATHS.biosLoader), bootWim: find(MEDIA_PATHS.bootWim) };
  refuseUnbootable(root, found, 'Choose a Windows install or WinPE ISO.');
  const bitlocker: BitLockerSupport = { status: 'unknown', missing: wimlib ? null : 'Bootmend cannot check for BitLocker support (manage-bde) without wimlib-imagex' };
  return finish(root, 'udf-iso', found, ['a UDF-only ISO (Windows install media), extracted with 7-Zip when the medium is built'], bitlocker);
}

type Found = Pick<MediaBase, 'efiLoader' | 'efiBootImage' | 'biosLoader' | 'bootWim'>;

function refuseUnbootable(root: string, found: Found, hint: string): void {
  if (!found.efiLoader && !found.biosLoader) {
    throw new BootmendError('INVALID_INPUT', `${root} has neither EFI/Boot/bootx64.efi nor Boot/etfsboot.com, so nothing could start it. ${hint}`, { field: 'base' });
  }
}

function finish(root: string, kind: MediaBaseKind, found: Found, capabilities: string[], bitlocker: BitLockerSupport | null, tools: BaseTools = UNKNOWN_TOOLS): MediaBase {
  const missing: string[] = [];
  if (!found.efiLoader) missing.push('EFI/Boot/bootx64.efi: UEFI PCs cannot start this medium');
  if (!found.biosLoader) missing.push('Boot/etfsboot.com: older BIOS-only PCs cannot start the ISO');
  if (!found.bootWim) missing.push('sources/boot.wim: there is no WinPE to run fix.cmd by itself; start it by hand from the command prompt');
  if (bitlocker?.missing) missing.push(bitlocker.missing);
  if (bitlocker?.status === 'yes') capabilities.push('BitLocker: manage-bde and the BitLocker WMI provider are in the image');
  return { root, kind, ...found, missing, capabilities, bitlocker: bitlocker?.status ?? 'unknown', tools };
}

/** Re-checks BitLocker support and the check tools once a boot.wim is on disk (ISO bases), replacing the "unknown" answers. */
export async function withBitLockerCheck(base: MediaBase, bootWimFile: string, wimlib: boolean, signal?: AbortSignal): Promise<MediaBase> {
  const toolsUnknown = Object.values(base.tools).includes('unknown');
  if (base.bitlocker !== 'unknown' && !toolsUnknown) return base;
  const checked = await wimSupport(bootWimFile, wimlib, signal);
  if (base.bitlocker !== 'unknown') return { ...base, tools: checked.tools };
  const missing = base.missing.filter((line) => !line.includes('BitLocker support'));
  if (checked.bitlocker.missing) missing.push(checked.bitlocker.missing);
  return { ...base, bitlocker: checked.bitlocker.status, missing, tools: checked.tools };
}

export { NO_BITLOCKER };

async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(8);
    await handle.read(head, 0, 8, 0);
    return head;
  } finally {
    await handle.close();
  }
}

/** Finds a "/"-separated path case-insensitively, returning it with the case it has on disk. */
export async function findPath(root: string, wanted: string): Promise<string | null> {
  const segments = wanted.split('/');
  let dir = root;
  const actual: string[] = [];
  for (const [index, part] of segments.entries()) {
    const names = await readdir(dir).catch(() => [] as string[]);
    const name = names.find((n) => n.toLowerCase() === part.toLowerCase());
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
