import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BootmendError } from '../../../core/errors.js';
import type { BaseTools } from '../../../core/media/playbook-checks.js';

const run = promisify(execFile);

/**
 * What Bootmend reads inside a WinPE/WinRE image with wimlib-imagex: the file list of the boot
 * image (to say whether BitLocker can be unlocked there) and, for a WinRE base, the boot files
 * that make the medium's loaders.
 */

/** WinPE's boot.wim has one image; a Windows setup boot.wim marks image 2 bootable. */
export async function wimBootIndex(wim: string, signal?: AbortSignal): Promise<number> {
  const { stdout } = await run('wimlib-imagex', ['info', wim], { signal, maxBuffer: 16 << 20 });
  const boot = Number(/Boot Index:\s*(\d+)/i.exec(stdout)?.[1] ?? '0');
  return boot > 0 ? boot : 1;
}

/** Every path in one image of the WIM, lower-cased, "/"-separated from the image root. */
export async function wimPaths(wim: string, index: number, signal?: AbortSignal): Promise<Set<string>> {
  const { stdout } = await run('wimlib-imagex', ['dir', wim, String(index)], { signal, maxBuffer: 256 << 20 });
  return new Set(stdout.split(/\r?\n/).filter(Boolean).map((line) => line.trim().replace(/\\/g, '/').toLowerCase()));
}

export type BitLockerSupport = { status: 'yes' | 'no' | 'unknown'; missing: string | null };

/** The BitLocker pieces fix.cmd needs inside WinPE: the tool, its API and the WMI provider (WinPE-SecureStartup adds all three; WinRE has them). */
const BITLOCKER_FILES = {
  manageBde: '/windows/system32/manage-bde.exe',
  api: '/windows/system32/fveapi.dll',
} as const;
const WMI_PROVIDER = /^\/windows\/system32\/wbem\/win32_encryptablevolume\.(dll|mof)$/;
const SECURE_STARTUP_PACKAGE = /^\/windows\/servicing\/packages\/winpe-securestartup-package~.*\.mum$/;

export const NO_BITLOCKER =
  'this WinPE has no BitLocker support (manage-bde): add WinPE-SecureStartup with DISM, or use WinRE (Winre.wim) as base; until then BitLocker-locked PCs cannot be fixed with it';

/** Pure: decides from a WIM's file list whether fix.cmd can unlock BitLocker there. */
export function bitLockerFromPaths(paths: ReadonlySet<string>): BitLockerSupport {
  const hasTool = paths.has(BITLOCKER_FILES.manageBde);
  const hasApi = paths.has(BITLOCKER_FILES.api);
  const list = [...paths];
  const hasWmi = list.some((path) => WMI_PROVIDER.test(path) || SECURE_STARTUP_PACKAGE.test(path));
  if (hasTool && hasApi && hasWmi) return { status: 'yes', missing: null };
  if (!hasTool && !hasApi) return { status: 'no', missing: NO_BITLOCKER };
  const absent = [hasTool ? '' : 'manage-bde.exe', hasApi ? '' : 'fveapi.dll', hasWmi ? '' : 'the BitLocker WMI provider (wbem/win32_encryptablevolume)'].filter(Boolean);
  return { status: 'no', missing: `this WinPE's BitLocker support is incomplete (no ${absent.join(', ')}): add WinPE-SecureStartup with DISM, or use WinRE (Winre.wim) as base` };
}

/** Where each tool fix.cmd's checks use lives in a WinPE/WinRE image (WinPE-PowerShell adds PowerShell; WinPE-WMI adds wmic). */
const CHECK_TOOL_FILES: Record<keyof BaseTools, string> = {
  powershell: '/windows/system32/windowspowershell/v1.0/powershell.exe',
  certutil: '/windows/system32/certutil.exe',
  fc: '/windows/system32/fc.exe',
  wmic: '/windows/system32/wbem/wmic.exe',
};

export const UNKNOWN_TOOLS: BaseTools = { powershell: 'unknown', certutil: 'unknown', fc: 'unknown', wmic: 'unknown' };

/** Pure: which of the tools fix.cmd's checks use a WIM's file list holds. */
export function checkToolsFromPaths(paths: ReadonlySet<string>): BaseTools {
  const has = (tool: keyof BaseTools): 'yes' | 'no' => (paths.has(CHECK_TOOL_FILES[tool]) ? 'yes' : 'no');
  return { powershell: has('powershell'), certutil: has('certutil'), fc: has('fc'), wmic: has('wmic') };
}

export async function wimBitLocker(wim: string, wimlib: boolean, signal?: AbortSignal): Promise<BitLockerSupport> {
  return (await wimSupport(wim, wimlib, signal)).bitlocker;
}

/** BitLocker support and the check tools, from one listing of the boot image. */
export async function wimSupport(wim: string, wimlib: boolean, signal?: AbortSignal): Promise<{ bitlocker: BitLockerSupport; tools: BaseTools }> {
  if (!wimlib) {
    return {
      bitlocker: { status: 'unknown', missing: 'Bootmend cannot check whether this WinPE has BitLocker support (manage-bde) because wimlib-imagex is not installed ("wimtools" on Linux)' },
      tools: UNKNOWN_TOOLS,
    };
  }
  try {
    const paths = await wimPaths(wim, await wimBootIndex(wim, signal), signal);
    return { bitlocker: bitLockerFromPaths(paths), tools: checkToolsFromPaths(paths) };
  } catch (error) {
    return { bitlocker: { status: 'unknown', missing: `Bootmend could not read ${wim} to check for BitLocker support: ${firstLine(error)}` }, tools: UNKNOWN_TOOLS };
  }
}

/**
 * Where a WinRE (or WinPE) image keeps the files a bootable medium needs, and where they go on
 * the medium (the ADK Media layout). The DVD BCD stores refer to \sources\boot.wim and
 * \boot\boot.sdi, so those two names are fixed; the image itself becomes sources/boot.wim.
 * The first candidate found wins.
 */
export const WINRE_BOOT_FILES: readonly { medium: string; from: readonly string[]; role: string }[] = [
  { medium: 'EFI/Boot/bootx64.efi', from: ['Windows/Boot/EFI/bootmgfw.efi'], role: 'UEFI loader' },
  { medium: 'EFI/Microsoft/Boot/BCD', from: ['Windows/Boot/DVD/EFI/BCD'], role: 'UEFI boot configuration' },
  { medium: 'EFI/Microsoft/Boot/efisys.bin', from: ['Windows/Boot/DVD/EFI/en-US/efisys.bin', 'Windows/Boot/DVD/EFI/efisys.bin'], role: 'El Torito UEFI image' },
  { medium: 'EFI/Microsoft/Boot/efisys_noprompt.bin', from: ['Windows/Boot/DVD/EFI/en-US/efisys_noprompt.bin', 'Windows/Boot/DVD/EFI/efisys_noprompt.bin'], role: 'El Torito UEFI image without the key prompt' },
  { medium: 'Boot/boot.sdi', from: ['Windows/Boot/DVD/EFI/boot.sdi', 'Windows/Boot/DVD/PCAT/boot.sdi', 'Windows/System32/boot.sdi'], role: 'RAM disk (boot.sdi)' },
  { medium: 'Boot/BCD', from: ['Windows/Boot/DVD/PCAT/BCD'], role: 'BIOS boot configuration' },
  { medium: 'Boot/etfsboot.com', from: ['Windows/Boot/DVD/PCAT/etfsboot.com'], role: 'BIOS loader (El Torito)' },
  { medium: 'bootmgr', from: ['Windows/Boot/PCAT/bootmgr'], role: 'BIOS boot manager' },
];

export interface WinreExtraction {
  /** Medium path -> extracted file on disk. */
  files: Map<string, string>;
  /** Medium paths of WINRE_BOOT_FILES that the image lacks. */
  absent: string[];
  /** "UEFI loader from Windows/Boot/EFI/bootmgfw.efi", ... */
  taken: string[];
}

/** Picks, for each boot file, the first candidate the image has (pure, from a `wimPaths` list). */
export function planWinreFiles(paths: ReadonlySet<string>): { medium: string; from: string; role: string }[] {
  const out: { medium: string; from: string; role: string }[] = [];
  for (const file of WINRE_BOOT_FILES) {
    const from = file.from.find((candidate) => paths.has(`/${candidate.toLowerCase()}`));
    if (from) out.push({ medium: file.medium, from, role: file.role });
  }
  return out;
}

/** Extracts the boot files of a WinRE/WinPE image into `dir` with `wimlib-imagex extract`. */
export async function extractWinreBootFiles(wim: string, dir: string, signal?: AbortSignal): Promise<WinreExtraction> {
  const index = await wimBootIndex(wim, signal);
  const plan = planWinreFiles(await wimPaths(wim, index, signal));
  const files = new Map<string, string>();
  for (const [n, item] of plan.entries()) {
    // One folder per file: several share a name (BCD, boot.sdi) and extract flattens paths.
    const dest = join(dir, String(n));
    await mkdir(dest, { recursive: true });
    await run('wimlib-imagex', ['extract', wim, String(index), `/${item.from}`, `--dest-dir=${dest}`, '--no-acls'], { signal }).catch((error: unknown) => {
      throw new BootmendError('IO_ERROR', `wimlib-imagex could not take ${item.from} out of ${wim}: ${firstLine(error)}`, { cause: error });
    });
    files.set(item.medium, join(dest, item.from.split('/').pop()!));
  }
  const found = new Set(plan.map((item) => item.medium));
  return {
    files,
    absent: WINRE_BOOT_FILES.filter((file) => !found.has(file.medium)).map((file) => file.medium),
    taken: plan.map((item) => `${item.role} from ${item.from} in the image`),
  };
}

export function firstLine(error: unknown): string {
  const text = error && typeof error === 'object' && 'stderr' in error ? String((error as { stderr: unknown }).stderr) : String(error);
  return text.trim().split('\n')[0] || 'unknown error';
}
