import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync, closeSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir as temp } from '../../../test/temp.js';
import { requireCommands } from '../../../test/tools.js';
import { PlaybookSchema } from '../../../core/playbooks/playbook.js';
import { detectAdkInstall } from './adk.js';
import { NO_BITLOCKER, inspectBase } from './base.js';
import { buildMedium } from './build-medium.js';
import { dismPlan } from './dism.js';
import { bitLockerFromPaths, planWinreFiles } from './wim.js';

const playbook = PlaybookSchema.parse(JSON.parse(readFileSync(new URL('../../../assets/playbooks/crowdstrike-cf291.json', import.meta.url), 'utf8')));
const wimlib = requireCommands(['wimlib-imagex'], { for: 'reading boot.wim' });
const wimAndIso = requireCommands(['wimlib-imagex', 'xorriso'], { for: 'building media from a WinPE or WinRE base' });
const isoBases = requireCommands(['wimlib-imagex', 'xorriso', 'genisoimage', '7z'], { for: 'building media from an ISO base' });

function put(root: string, relative: string, content: Buffer | string): void {
  mkdirSync(dirname(join(root, relative)), { recursive: true });
  writeFileSync(join(root, relative), content);
}

/** A WIM captured from a fake tree; `bitlocker` adds manage-bde, its API and the WMI provider (what WinPE-SecureStartup and WinRE have). */
function syntheticWim(file: string, options: { bitlocker: boolean; winreBoot?: boolean; tools?: string[] }): void {
  const tree = temp('wimtree');
  put(tree, 'Windows/System32/startnet.cmd', 'wpeinit\r\n');
  for (const tool of options.tools ?? []) put(tree, tool, 'MZ tool');
  if (options.bitlocker) {
    put(tree, 'Windows/System32/manage-bde.exe', 'MZ manage-bde');
    put(tree, 'Windows/System32/fveapi.dll', 'MZ fveapi');
    put(tree, 'Windows/System32/wbem/win32_encryptablevolume.dll', 'MZ wmi');
  }
  if (options.winreBoot) {
    put(tree, 'Windows/Boot/EFI/bootmgfw.efi', Buffer.alloc(70_000, 0x42));
    put(tree, 'Windows/Boot/DVD/EFI/BCD', 'uefi bcd');
    put(tree, 'Windows/Boot/DVD/EFI/boot.sdi', Buffer.alloc(3 * 1024, 0x53));
    put(tree, 'Windows/Boot/DVD/EFI/en-US/efisys.bin', Buffer.alloc(1_474_560, 0xf6));
    put(tree, 'Windows/Boot/DVD/PCAT/BCD', 'bios bcd');
    put(tree, 'Windows/Boot/DVD/PCAT/etfsboot.com', Buffer.alloc(4096, 0xeb));
    put(tree, 'Windows/Boot/PCAT/bootmgr', Buffer.alloc(8192, 0x4d));
  }
  mkdirSync(dirname(file), { recursive: true });
  execFileSync('wimlib-imagex', ['capture', tree, file, 'Microsoft Windows Recovery Environment (amd64)', '--boot'], { stdio: 'ignore' });
}

function isoFiles(iso: string): string {
  return execFileSync('xorriso', ['-indev', iso, '-find', '/', '-type', 'f'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

/** startnet.cmd + the launcher it calls, as WinPE finds them in the medium's boot.wim. */
function startnetIn(iso: string, wimPath = '/sources/boot.wim'): string {
  const work = temp('check');
  execFileSync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', wimPath, join(work, 'boot.wim')], { stdio: 'ignore' });
  execFileSync('wimlib-imagex', ['extract', join(work, 'boot.wim'), '1', '/Windows/System32/startnet.cmd', '/Windows/System32/bootmend.cmd', `--dest-dir=${work}`], { stdio: 'ignore' });
  const startnet = readFileSync(join(work, 'startnet.cmd'), 'latin1');
  expect(startnet).toBe('@echo off\r\nwpeinit\r\ncall %SystemRoot%\\System32\\bootmend.cmd\r\n');
  return startnet + readFileSync(join(work, 'bootmend.cmd'), 'latin1');
}

describe('BitLocker support in WinPE', () => {
  it('decides from the image file list: WinRE/SecureStartup has manage-bde, fveapi and the WMI provider; plain WinPE has none', () => {
    const full = new Set(['/windows/system32/manage-bde.exe', '/windows/system32/fveapi.dll', '/windows/system32/wbem/win32_encryptablevolume.dll']);
    expect(bitLockerFromPaths(full)).toEqual({ status: 'yes', missing: null });
    expect(bitLockerFromPaths(new Set(['/windows/system32/startnet.cmd']))).toEqual({ status: 'no', missing: NO_BITLOCKER });
    expect(NO_BITLOCKER).toMatch(/^this WinPE has no BitLocker support .*add WinPE-SecureStartup with DISM, or use WinRE/);
    const partial = bitLockerFromPaths(new Set(['/windows/system32/manage-bde.exe', '/windows/system32/fveapi.dll']));
    expect(partial.status).toBe('no');
    expect(partial.missing).toContain('BitLocker WMI provider');
  });

  wimlib.it('reads boot.wim with wimlib: with and without BitLocker, and says when it cannot check', async () => {
    for (const bitlocker of [true, false]) {
      const root = temp('base');
      put(root, 'EFI/Boot/bootx64.efi', 'loader');
      syntheticWim(join(root, 'sources', 'boot.wim'), { bitlocker });
      const base = await inspectBase(root);
      expect(base).toMatchObject({ kind: 'adk-media', bitlocker: bitlocker ? 'yes' : 'no' });
      expect(base.missing.includes(NO_BITLOCKER)).toBe(!bitlocker);
      const blind = await inspectBase(root, { wimlib: false });
      expect(blind.bitlocker).toBe('unknown');
      expect(blind.missing.join('\n')).toMatch(/cannot check whether this WinPE has BitLocker support .*wimlib-imagex is not installed/);
    }
  });

  wimlib.it("finds the tools the playbook's checks use (PowerShell, certutil, fc, wmic) as it finds manage-bde", async () => {
    const root = temp('base');
    put(root, 'EFI/Boot/bootx64.efi', 'loader');
    syntheticWim(join(root, 'sources', 'boot.wim'), { bitlocker: true, tools: ['Windows/System32/certutil.exe', 'Windows/System32/FC.EXE', 'Windows/System32/wbem/WMIC.exe'] });
    expect((await inspectBase(root)).tools).toEqual({ powershell: 'no', certutil: 'yes', fc: 'yes', wmic: 'yes' });
    expect((await inspectBase(root, { wimlib: false })).tools).toEqual({ powershell: 'unknown', certutil: 'unknown', fc: 'unknown', wmic: 'unknown' });
    const withPs = temp('base');
    put(withPs, 'EFI/Boot/bootx64.efi', 'loader');
    syntheticWim(join(withPs, 'sources', 'boot.wim'), { bitlocker: false, tools: ['Windows/System32/WindowsPowerShell/v1.0/powershell.exe'] });
    expect((await inspectBase(withPs)).tools).toEqual({ powershell: 'yes', certutil: 'no', fc: 'no', wmic: 'no' });
  });
});

describe('the ADK install folder as a base', () => {
  /** <Kits>/Assessment and Deployment Kit/{Windows Preinstallation Environment/amd64, Deployment Tools/amd64/Oscdimg}. */
  function fakeAdk(): string {
    const kit = join(temp('adk'), 'Assessment and Deployment Kit');
    const amd64 = join(kit, 'Windows Preinstallation Environment', 'amd64');
    put(amd64, 'Media/EFI/Boot/bootx64.efi', Buffer.alloc(50_000, 0x45));
    put(amd64, 'Media/Boot/BCD', 'bcd');
    put(amd64, 'Media/Boot/boot.sdi', 'sdi');
    put(amd64, 'Media/bootmgr', 'bootmgr');
    put(kit, 'Deployment Tools/amd64/Oscdimg/etfsboot.com', Buffer.alloc(4096, 0xeb));
    put(kit, 'Deployment Tools/amd64/Oscdimg/efisys.bin', Buffer.alloc(1_474_560, 0xf6));
    if (wimlib.ok) syntheticWim(join(amd64, 'en-us', 'winpe.wim'), { bitlocker: false });
    else put(amd64, 'en-us/winpe.wim', 'MSWIM\0\0\0');
    return amd64;
  }

  it('is auto-detected at its default path on Windows only (the path is a parameter, so Linux can test it)', async () => {
    const amd64 = fakeAdk();
    expect(await detectAdkInstall('win32', amd64)).toBe(amd64);
    expect(await detectAdkInstall('linux', amd64)).toBeNull();
    expect(await detectAdkInstall('win32', join(amd64, 'nowhere'))).toBeNull();
  });

  wimAndIso.it('maps Media + en-us/winpe.wim + Oscdimg boot images to the Media layout and builds a bootable ISO', async () => {
    const amd64 = fakeAdk();
    const base = await inspectBase(amd64);
    expect(base).toMatchObject({ kind: 'adk-install', efiLoader: 'EFI/Boot/bootx64.efi', biosLoader: 'Boot/etfsboot.com', efiBootImage: 'EFI/Microsoft/Boot/efisys.bin', bootWim: 'sources/boot.wim' });
    expect(base.capabilities.join('\n')).toContain('winpe.wim');
    const out = join(temp('media'), 'adk.iso');
    const built = await buildMedium({ playbook, format: 'iso', out, base: amd64 });
    expect(built.base).toMatchObject({ kind: 'adk-install', injected: true, bootable: { uefi: true, bios: true } });
    const files = isoFiles(out);
    for (const path of ['/sources/boot.wim', '/EFI/Boot/bootx64.efi', '/Boot/etfsboot.com', '/EFI/Microsoft/Boot/efisys.bin', '/bootmend/fix.cmd']) expect(files).toContain(`'${path}'`);
    expect(startnetIn(out)).toContain('call %BM_STICK%\\bootmend\\fix.cmd');
    const report = execFileSync('xorriso', ['-indev', out, '-report_el_torito', 'plain'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(report).toMatch(/El Torito img path :\s+1\s+\/Boot\/etfsboot\.com/);
    expect(report).toMatch(/El Torito img path :\s+2\s+\/EFI\/Microsoft\/Boot\/efisys\.bin/);
  }, 60_000);
});

wimAndIso.describe('a WinRE image (Winre.wim) as a base', () => {
  it('takes the loaders and BCD from the image itself and uses the image as sources/boot.wim', async () => {
    const wim = join(temp('winre'), 'Winre.wim');
    syntheticWim(wim, { bitlocker: true, winreBoot: true });
    const base = await inspectBase(wim);
    expect(base).toMatchObject({ kind: 'winre-wim', bitlocker: 'yes', efiLoader: 'EFI/Boot/bootx64.efi', biosLoader: 'Boot/etfsboot.com', bootWim: 'sources/boot.wim', missing: [] });
    expect(base.capabilities).toContain('EFI/Boot/bootx64.efi: UEFI loader from Windows/Boot/EFI/bootmgfw.efi in the image');
    const out = join(temp('media'), 'winre.iso');
    const built = await buildMedium({ playbook, format: 'iso', out, base: wim });
    expect(built.base).toMatchObject({ kind: 'winre-wim', injected: true, bootable: { uefi: true, bios: true } });
    const files = isoFiles(out);
    for (const path of ['/EFI/Boot/bootx64.efi', '/EFI/Microsoft/Boot/BCD', '/EFI/Microsoft/Boot/efisys.bin', '/Boot/BCD', '/Boot/boot.sdi', '/Boot/etfsboot.com', '/bootmgr', '/sources/boot.wim']) {
      expect(files).toContain(`'${path}'`);
    }
    const extracted = temp('x');
    execFileSync('xorriso', ['-osirrox', 'on', '-indev', out, '-extract', '/EFI/Boot/bootx64.efi', join(extracted, 'bootx64.efi')], { stdio: 'ignore' });
    expect(readFileSync(join(extracted, 'bootx64.efi'))).toEqual(Buffer.alloc(70_000, 0x42));
    expect(startnetIn(out)).toContain('if exist %%D:\\bootmend\\fix.cmd set BM_STICK=%%D:');
  }, 60_000);

  it('picks the first candidate for each boot file (pure plan)', () => {
    const plan = planWinreFiles(new Set(['/windows/boot/efi/bootmgfw.efi', '/windows/boot/dvd/pcat/boot.sdi']));
    expect(plan).toEqual([
      { medium: 'EFI/Boot/bootx64.efi', from: 'Windows/Boot/EFI/bootmgfw.efi', role: 'UEFI loader' },
      { medium: 'Boot/boot.sdi', from: 'Windows/Boot/DVD/PCAT/boot.sdi', role: 'RAM disk (boot.sdi)' },
    ]);
  });
});

isoBases.describe('ISO bases', () => {
  function winpeTree(): string {
    const root = temp('pe-tree');
    put(root, 'EFI/Boot/bootx64.efi', Buffer.alloc(64 * 1024, 0x4d));
    put(root, 'Boot/etfsboot.com', Buffer.alloc(4096, 0xeb));
    put(root, 'EFI/Microsoft/Boot/efisys.bin', Buffer.alloc(1_474_560, 0xf6));
    syntheticWim(join(root, 'sources', 'boot.wim'), { bitlocker: false });
    return root;
  }

  it('an existing WinPE ISO: read directly, El Torito images reused, BitLocker checked once boot.wim is out', async () => {
    const tree = winpeTree();
    const iso = join(temp('pe-iso'), 'winpe.iso');
    execFileSync('xorriso', ['-as', 'mkisofs', '-quiet', '-iso-level', '3', '-J', '-joliet-long', '-b', 'Boot/etfsboot.com', '-no-emul-boot', '-boot-load-size', '8', '-eltorito-alt-boot', '-e', 'EFI/Microsoft/Boot/efisys.bin', '-no-emul-boot', '-o', iso, tree], { stdio: 'ignore' });
    const base = await inspectBase(iso);
    expect(base).toMatchObject({ kind: 'winpe-iso', efiLoader: 'EFI/Boot/bootx64.efi', biosLoader: 'Boot/etfsboot.com', bootWim: 'sources/boot.wim', bitlocker: 'unknown' });
    const out = join(temp('media'), 'from-iso.iso');
    const built = await buildMedium({ playbook, format: 'iso', out, base: iso });
    expect(built.base).toMatchObject({ kind: 'winpe-iso', injected: true, bootable: { uefi: true, bios: true }, missing: [NO_BITLOCKER] });
    const report = execFileSync('xorriso', ['-indev', out, '-report_el_torito', 'plain'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(report).toMatch(/El Torito boot img :\s+1\s+BIOS\s+y\s+none\s+0x07c0\s+0x00\s+8/);
    expect(report).toMatch(/El Torito img path :\s+2\s+\/EFI\/Microsoft\/Boot\/efisys\.bin/);
    expect(startnetIn(out)).toContain('call %BM_STICK%\\bootmend\\fix.cmd');
    expect(isoFiles(out)).toContain("'/bootmend/playbook.json'");
  }, 60_000);

  it('a UDF-only ISO (Windows install media): found through 7-Zip and extracted for the build', async () => {
    const tree = winpeTree();
    const iso = join(temp('udf'), 'windows.iso');
    execFileSync('genisoimage', ['-quiet', '-udf', '-o', iso, tree], { stdio: 'ignore' });
    const handle = openSync(iso, 'r+');
    writeSync(handle, Buffer.alloc(2048), 0, 2048, 16 * 2048); // no ISO 9660 descriptor: UDF only
    closeSync(handle);
    const base = await inspectBase(iso);
    expect(base).toMatchObject({ kind: 'udf-iso', efiLoader: 'EFI/Boot/bootx64.efi', bootWim: 'sources/boot.wim' });
    const out = join(temp('media'), 'from-udf.iso');
    const built = await buildMedium({ playbook, format: 'iso', out, base: iso });
    expect(built.base).toMatchObject({ kind: 'udf-iso', injected: true, missing: [NO_BITLOCKER] });
    expect(startnetIn(out)).toContain('call %BM_STICK%\\bootmend\\fix.cmd');
  }, 60_000);
});

describe('drivers and DISM', () => {
  it('builds the DISM commands: mount, startnet.cmd, add drivers recursively, commit; discard on failure', () => {
    const files = { startnet: 'C:\\T\\startnet.cmd', launcher: 'C:\\T\\bootmend.cmd', winpeshl: 'C:\\T\\winpeshl.ini' };
    const plan = dismPlan({ wim: 'C:\\T\\boot.wim', index: 1, mountDir: 'C:\\T\\mount', ...files, drivers: 'D:\\drivers' });
    expect(plan.steps.map((step) => (step.kind === 'dism' ? step.args.join(' ') : `copy ${step.from} ${step.to}`))).toEqual([
      '/English /Mount-Image /ImageFile:C:\\T\\boot.wim /Index:1 /MountDir:C:\\T\\mount',
      'copy C:\\T\\startnet.cmd C:\\T\\mount\\Windows\\System32\\startnet.cmd',
      'copy C:\\T\\bootmend.cmd C:\\T\\mount\\Windows\\System32\\bootmend.cmd',
      'copy C:\\T\\winpeshl.ini C:\\T\\mount\\Windows\\System32\\winpeshl.ini',
      '/English /Image:C:\\T\\mount /Add-Driver /Driver:D:\\drivers /Recurse',
      '/English /Unmount-Image /MountDir:C:\\T\\mount /Commit',
    ]);
    expect(plan.discard).toMatchObject({ args: ['/English', '/Unmount-Image', '/MountDir:C:\\T\\mount', '/Discard'] });
    expect(plan.steps.find((step) => step.kind === 'copy' && step.to.endsWith('winpeshl.ini'))).toMatchObject({ ifPresent: true });
    expect(dismPlan({ wim: 'w', index: 2, mountDir: 'm', ...files }).steps.some((step) => step.kind === 'dism' && step.args.includes('/Add-Driver'))).toBe(false);
  });

  it('refuses a driver folder without any .inf, naming the field, before writing anything', async () => {
    const out = join(temp('media'), 'd.iso');
    await expect(buildMedium({ playbook, format: 'iso', out, drivers: temp('drivers') })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      field: 'drivers',
      message: expect.stringContaining('holds no .inf file'),
    });
    expect(existsSync(out)).toBe(false);
  });
});
