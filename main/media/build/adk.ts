import { readdir, stat } from 'node:fs/promises';
import { join, win32 } from 'node:path';

/**
 * The Windows ADK's own WinPE folder as a base, without running copype: ADK 10 installs
 *   <Kits>\Assessment and Deployment Kit\Windows Preinstallation Environment\amd64\Media\...  (bootmgr, Boot, EFI)
 *   <Kits>\Assessment and Deployment Kit\Windows Preinstallation Environment\amd64\en-us\winpe.wim
 *   <Kits>\Assessment and Deployment Kit\Deployment Tools\amd64\Oscdimg\etfsboot.com, efisys.bin
 * copype makes the Media layout from exactly these: Media\* as is, en-us\winpe.wim as
 * sources\boot.wim, and the Oscdimg boot images for MakeWinPEMedia. We map them the same way.
 */

export const ADK_WINPE_AMD64 = win32.join(
  process.env['ProgramFiles(x86)'] ?? 'C:\\Program Files (x86)',
  'Windows Kits',
  '10',
  'Assessment and Deployment Kit',
  'Windows Preinstallation Environment',
  'amd64',
);

export interface AdkInstallLayout {
  /** The Media folder (becomes the medium's root). */
  media: string;
  /** <lang>\winpe.wim (becomes sources/boot.wim); en-us first. */
  winpeWim: string;
  /** Deployment Tools\amd64\Oscdimg\etfsboot.com and efisys.bin, when installed. */
  etfsboot: string | null;
  efisys: string | null;
  efisysNoPrompt: string | null;
}

/** The ADK layout under `root` (an "...\amd64" folder), or null when `root` is not one. */
export async function adkInstallLayout(root: string): Promise<AdkInstallLayout | null> {
  const names = await readdir(root).catch(() => [] as string[]);
  const mediaName = names.find((name) => name.toLowerCase() === 'media');
  if (!mediaName || !(await isDir(join(root, mediaName)))) return null;
  const languages = names.filter((name) => /^[a-z]{2}-[a-z]{2,4}$/i.test(name)).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
  let winpeWim: string | null = null;
  for (const language of languages) {
    const files = await readdir(join(root, language)).catch(() => [] as string[]);
    const wim = files.find((name) => name.toLowerCase() === 'winpe.wim');
    if (wim) {
      winpeWim = join(root, language, wim);
      break;
    }
  }
  if (!winpeWim) return null;
  // ...\Windows Preinstallation Environment\amd64 -> ...\Deployment Tools\amd64\Oscdimg
  const oscdimg = join(root, '..', '..', 'Deployment Tools', basenameOf(root), 'Oscdimg');
  return { media: join(root, mediaName), winpeWim, etfsboot: await fileIn(oscdimg, 'etfsboot.com'), efisys: await fileIn(oscdimg, 'efisys.bin'), efisysNoPrompt: await fileIn(oscdimg, 'efisys_noprompt.bin') };
}

/** The ADK WinPE folder at its default place on this PC (Windows only), or null. */
export async function detectAdkInstall(platform: NodeJS.Platform = process.platform, path: string = ADK_WINPE_AMD64): Promise<string | null> {
  if (platform !== 'win32') return null;
  return (await adkInstallLayout(path)) ? path : null;
}

function rank(language: string): number {
  return language.toLowerCase() === 'en-us' ? 0 : 1;
}

function basenameOf(path: string): string {
  return path.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? 'amd64';
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() === true;
}

async function fileIn(dir: string, wanted: string): Promise<string | null> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const name = names.find((n) => n.toLowerCase() === wanted);
  return name ? join(dir, name) : null;
}
