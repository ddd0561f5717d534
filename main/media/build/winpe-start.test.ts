import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlaybookSchema } from '../../../core/playbooks/playbook.js';
import { tempDir as temp } from '../../../test/temp.js';
import { requireCommands } from '../../../test/tools.js';
import { ISSUER_2011, ISSUER_2023, efiImage, pkcs7SignedBy } from '../testing/pe-fixture.js';
import { sha256File } from '../test-support.js';
import { buildMedium } from './build-medium.js';
import { analyseBatch } from '../../payload/testing/cmd-taint.js';
import { LAUNCHER_NAME, STARTNET_CMD, WINPESHL_INI, launcherCmd } from './launcher.js';
import { signatureOf } from './secure-boot.js';

/*
 * How WinPE reaches Bootmend, on the generated files (the Wine run is launcher.wine.test.ts).
 * Microsoft: "Winpeshl.ini reference" — when X:\Windows\System32\winpeshl.ini exists, winpeshl.exe
 * runs its [LaunchApps] in order and does not run startnet.cmd (nor wpeinit by itself);
 * https://learn.microsoft.com/windows-hardware/manufacture/desktop/winpeshlini-reference-launching-an-app-when-winpe-starts
 * "Drvload command-line options": drvload <inf> adds a driver to the running WinPE;
 * https://learn.microsoft.com/windows-hardware/manufacture/desktop/drvload-command-line-options
 * "Create bootable WinPE media" / oscdimg: efisys_noprompt.bin boots the ISO without "Press any key";
 * https://learn.microsoft.com/windows-hardware/manufacture/desktop/oscdimg-command-line-options
 * KB5025885: boot managers signed by the "Windows UEFI CA 2023" vs the "Microsoft Windows Production PCA 2011";
 * https://support.microsoft.com/topic/kb5025885-how-to-manage-the-windows-boot-manager-revocations-for-secure-boot-changes-associated-with-cve-2023-24932-41a975df-beb2-40c1-99a3-b3ff139f832d
 */

const playbook = PlaybookSchema.parse(JSON.parse(readFileSync(new URL('../../../assets/playbooks/crowdstrike-cf291.json', import.meta.url), 'utf8')));
const wimAndIso = requireCommands(['wimlib-imagex', 'xorriso'], { for: 'checking what WinPE starts in a built medium' });
const xorriso = requireCommands(['xorriso'], { for: 'reading the El Torito catalog' });

function put(root: string, relative: string, content: Buffer | string): void {
  mkdirSync(dirname(join(root, relative)), { recursive: true });
  writeFileSync(join(root, relative), content);
}

/** A WIM from a fake tree (Windows itself cannot exist here); `images` > 1 makes a setup-style boot.wim with image 2 bootable. */
function wimFrom(file: string, files: Record<string, Buffer | string>, options: { images?: number } = {}): void {
  const tree = temp('wimtree');
  for (const [path, content] of Object.entries(files)) put(tree, path, content);
  mkdirSync(dirname(file), { recursive: true });
  const images = options.images ?? 1;
  for (let index = 1; index <= images; index += 1) {
    const name = images === 1 ? 'Microsoft Windows PE (amd64)' : index === 1 ? 'Microsoft Windows PE (amd64)' : 'Microsoft Windows Setup (amd64)';
    execFileSync('wimlib-imagex', [index === 1 ? 'capture' : 'append', tree, file, name, ...(index === images ? ['--boot'] : [])], { stdio: 'ignore' });
  }
}

function extractFromIso(iso: string, path: string, dest: string): string {
  execFileSync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', path, dest], { stdio: 'ignore' });
  return dest;
}

function wimDir(wim: string, index: number): string[] {
  return execFileSync('wimlib-imagex', ['dir', wim, String(index)], { encoding: 'utf8' }).split('\n').map((l) => l.trim().toLowerCase());
}

function wimFile(wim: string, index: number, path: string): string | null {
  const dir = temp('wimfile');
  try {
    execFileSync('wimlib-imagex', ['extract', wim, String(index), path, `--dest-dir=${dir}`, '--no-acls'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return readFileSync(join(dir, path.split('/').pop()!), 'latin1');
}

const WINRE_WINPESHL = '[LaunchApps]\r\n%SYSTEMDRIVE%\\sources\\recovery\\recenv.exe\r\n';

describe('how WinPE starts Bootmend', () => {
  wimAndIso.it('a WinRE base (Winre.wim ships winpeshl.ini): ours replaces it and runs wpeinit, then the launcher; startnet.cmd is kept for stock WinPE', async () => {
    const wim = join(temp('winre'), 'Winre.wim');
    wimFrom(wim, {
      'Windows/System32/winpeshl.ini': WINRE_WINPESHL,
      'Windows/System32/startnet.cmd': 'wpeinit\r\n',
      'Windows/Boot/EFI/bootmgfw.efi': efiImage(pkcs7SignedBy(ISSUER_2011)),
      'Windows/Boot/DVD/EFI/BCD': 'bcd',
      'Windows/Boot/DVD/EFI/boot.sdi': 'sdi',
    });
    const out = join(temp('media'), 'winre.iso');
    const before = await sha256File(wim);
    const built = await buildMedium({ playbook, format: 'iso', out, base: wim });
    expect(built.base).toMatchObject({ kind: 'winre-wim', injected: true, launch: 'winpeshl.ini' });
    const bootWim = extractFromIso(out, '/sources/boot.wim', join(temp('x'), 'boot.wim'));
    // Winre.wim has one image: index 1.
    const winpeshl = wimFile(bootWim, 1, '/Windows/System32/winpeshl.ini');
    expect(winpeshl).toBe(WINPESHL_INI);
    const apps = winpeshl!.split('\r\n').slice(1).filter(Boolean);
    expect(apps).toEqual(['%SYSTEMROOT%\\System32\\wpeinit.exe', '%SYSTEMROOT%\\System32\\cmd.exe, /k %SYSTEMROOT%\\System32\\bootmend.cmd']);
    // The launcher that line names is in the image, and it is the one that runs fix.cmd.
    expect(wimFile(bootWim, 1, `/Windows/System32/${LAUNCHER_NAME}`)).toContain('call %BM_STICK%\\bootmend\\fix.cmd');
    expect(wimFile(bootWim, 1, '/Windows/System32/startnet.cmd')).toContain(`call %SystemRoot%\\System32\\${LAUNCHER_NAME}`);
    expect(await sha256File(wim)).toBe(before); // the user's Winre.wim is read, never written
  }, 60_000);

  wimAndIso.it('a stock WinPE base has no winpeshl.ini and gets none: startnet.cmd runs wpeinit and the launcher', async () => {
    const root = temp('base');
    put(root, 'EFI/Boot/bootx64.efi', efiImage(null));
    wimFrom(join(root, 'sources', 'boot.wim'), { 'Windows/System32/startnet.cmd': 'wpeinit\r\n' });
    const out = join(temp('media'), 'pe.iso');
    const built = await buildMedium({ playbook, format: 'iso', out, base: root });
    expect(built.base).toMatchObject({ launch: 'startnet.cmd' });
    const bootWim = extractFromIso(out, '/sources/boot.wim', join(temp('x'), 'boot.wim'));
    expect(wimDir(bootWim, 1)).not.toContain('/windows/system32/winpeshl.ini');
    expect(wimFile(bootWim, 1, '/Windows/System32/startnet.cmd')).toBe('@echo off\r\nwpeinit\r\ncall %SystemRoot%\\System32\\bootmend.cmd\r\n');
  }, 60_000);

  wimAndIso.it('a Windows install boot.wim (image 1 = Windows PE, image 2 = Setup, marked bootable): the launcher goes into index 2 only', async () => {
    const root = temp('base');
    put(root, 'EFI/Boot/bootx64.efi', efiImage(null));
    wimFrom(join(root, 'sources', 'boot.wim'), { 'Windows/System32/startnet.cmd': 'wpeinit\r\n' }, { images: 2 });
    const out = join(temp('media'), 'setup.iso');
    await buildMedium({ playbook, format: 'iso', out, base: root });
    const bootWim = extractFromIso(out, '/sources/boot.wim', join(temp('x'), 'boot.wim'));
    expect(execFileSync('wimlib-imagex', ['info', bootWim], { encoding: 'utf8' })).toMatch(/Boot Index:\s+2/);
    expect(wimDir(bootWim, 2)).toContain('/windows/system32/bootmend.cmd');
    expect(wimDir(bootWim, 1)).not.toContain('/windows/system32/bootmend.cmd');
  }, 60_000);
});

describe('storage drivers at the PC', () => {
  it('media build --drivers copies the driver folders onto the medium on any OS, as bootmend/drivers', async () => {
    const drivers = temp('drivers');
    put(drivers, 'vmd/iaStorVD.inf', '[Version]\r\nSignature="$WINDOWS NT$"\r\n');
    put(drivers, 'vmd/iaStorVD.sys', Buffer.alloc(9000, 0x11));
    put(drivers, 'vmd/iastorvd.cat', Buffer.alloc(300, 0x22));
    put(drivers, 'raid/x64/megasas.inf', '[Version]\r\n');
    const out = join(temp('media'), 'stick');
    const built = await buildMedium({ playbook, format: 'folder', out, drivers });
    expect(built.driversOnMedium).toEqual({ folder: 'bootmend/drivers', infs: 2 });
    for (const path of ['vmd/iaStorVD.inf', 'vmd/iaStorVD.sys', 'vmd/iastorvd.cat', 'raid/x64/megasas.inf']) {
      expect(readFileSync(join(out, 'bootmend', 'drivers', ...path.split('/')))).toEqual(readFileSync(join(drivers, ...path.split('/'))));
    }
    // The walkthrough on the stick tells the technician the same, and not to switch Secure Boot off.
    const readme = readFileSync(join(out, 'bootmend', 'README.txt'), 'latin1').replace(/\r\n\s*/g, ' ');
    expect(readme).toContain('copy the PC maker\'s storage driver folder into \\bootmend\\drivers on the stick');
    expect(readme).toContain('Leave Secure Boot on: on a BitLocker PC, switching it off makes BitLocker ask for the recovery key');
  });

  it('the launcher loads every .inf under \\bootmend\\drivers before fix.cmd, and names what to do when no drive holds the folder', () => {
    const text = launcherCmd(['\\Windows\\System32\\drivers\\CrowdStrike']);
    const lines = text.split('\r\n');
    expect(lines.indexOf('if exist %BM_STICK%\\bootmend\\drivers\\ call :bm_drivers')).toBeLessThan(lines.indexOf('call %BM_STICK%\\bootmend\\fix.cmd'));
    expect(lines).toContain('for /r %BM_STICK%\\bootmend\\drivers %%I in (*.inf) do drvload "%%I"');
    expect(lines).toContain('for %%D in (C D E F G H I J K L M N O P Q R S T U V W Y Z) do if exist "%%D:\\Windows\\System32\\drivers\\CrowdStrike\\" set BM_SEEN=1');
    expect(text).toMatch(/a storage driver may be missing/);
    expect(text).toMatch(/\\bootmend\\drivers on this stick/);
    expect(text).toMatch(/PC's own Windows Recovery \(WinRE\)/);
    // Playbook text that could be a command in cmd never reaches the launcher.
    expect(launcherCmd(['\\Vendor\\x%PATH%&calc', '\\A"B'])).not.toMatch(/calc|%PATH%|A"B/);
    expect(launcherCmd(['\\Vendor\\x%PATH%&calc'])).not.toContain(':bm_check_volumes');
  });

  // The rule fix.cmd is held to (main/payload/fix-cmd-text.test.ts, sources there: Microsoft's `for`,
  // `cmd` and `call` docs): no value from the PC or the playbook where cmd expands it a second time.
  it('the launcher and startnet.cmd hold no PC or playbook value in a for /f command, a call argument or a PowerShell -Command', () => {
    const launcher = launcherCmd(['\\Windows\\System32\\drivers\\CrowdStrike', '\\ProgramData\\Vendor Co 2.0\\Cache']);
    expect(analyseBatch(launcher).violations).toEqual([]);
    // The check can fail: a drive listing run through for /f, as the earlier fix.cmd did, is found.
    const poisoned = launcher.replace(':bm_drivers\r\n', `:bm_drivers\r\nfor /f "delims=" %%a in ('dir /b "%BM_STICK%\\bootmend\\drivers\\%COMPUTERNAME%"') do echo %%a\r\n`);
    expect(analyseBatch(poisoned).violations).toContainEqual(expect.objectContaining({ context: 'for /f command', ref: '%COMPUTERNAME%' }));
    // startnet.cmd's only variable is WinPE's own %SystemRoot% (X:\Windows, set by WinPE, not by the PC or the playbook).
    expect(analyseBatch(STARTNET_CMD).violations.map((v) => v.ref)).toEqual(['%SystemRoot%']);
  });
});

describe('ISO boot prompt and Secure Boot', () => {
  xorriso.it('prefers efisys_noprompt.bin for the ISO when the base has it, and says whether the ISO will wait for a key', async () => {
    const root = temp('base');
    put(root, 'EFI/Boot/bootx64.efi', efiImage(pkcs7SignedBy(ISSUER_2023)));
    put(root, 'EFI/Microsoft/Boot/efisys.bin', Buffer.alloc(1_474_560, 0xf6));
    const withPrompt = await buildMedium({ playbook, format: 'iso', out: join(temp('media'), 'prompt.iso'), base: root });
    expect(withPrompt.base?.bootPrompt).toBe('press-a-key');
    put(root, 'EFI/Microsoft/Boot/efisys_noprompt.bin', Buffer.alloc(1_474_560, 0xf7));
    const out = join(temp('media'), 'noprompt.iso');
    const built = await buildMedium({ playbook, format: 'iso', out, base: root });
    expect(built.base?.bootPrompt).toBe('none');
    const report = execFileSync('xorriso', ['-indev', out, '-report_el_torito', 'plain'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(report).toMatch(/El Torito img path :\s+\d+\s+\/EFI\/Microsoft\/Boot\/efisys_noprompt\.bin/);
    expect(built.base?.secureBoot).toEqual({ signer: 'windows-uefi-ca-2023', issuers: [ISSUER_2023] });
  }, 60_000);

  it('reads the boot manager signer from the Authenticode signature (fixture PEs: only Microsoft can sign the real ones)', () => {
    expect(signatureOf(efiImage(pkcs7SignedBy(ISSUER_2023)))).toEqual({ signer: 'windows-uefi-ca-2023', issuers: [ISSUER_2023] });
    expect(signatureOf(efiImage(pkcs7SignedBy(ISSUER_2011)))).toEqual({ signer: 'production-pca-2011', issuers: [ISSUER_2011] });
    expect(signatureOf(efiImage(pkcs7SignedBy('Contoso Test Root')))).toEqual({ signer: 'other', issuers: ['Contoso Test Root'] });
    expect(signatureOf(efiImage(null))).toEqual({ signer: 'unsigned', issuers: [] });
    expect(signatureOf(Buffer.from('not a PE at all'))).toBeNull();
    // A damaged certificate table is "unsigned", never a crash.
    const broken = efiImage(pkcs7SignedBy(ISSUER_2011));
    broken.fill(0xff, broken.length - 200);
    expect(signatureOf(broken)?.signer).not.toBe('windows-uefi-ca-2023');
  });

  it('a folder build on a 2011-signed base reports the signer in the result (no ISO, so no boot prompt)', async () => {
    const root = temp('base');
    put(root, 'EFI/Boot/bootx64.efi', efiImage(pkcs7SignedBy(ISSUER_2011)));
    const built = await buildMedium({ playbook, format: 'folder', out: join(temp('media'), 'stick'), base: root });
    expect(built.base?.secureBoot?.signer).toBe('production-pca-2011');
    expect(built.base?.bootPrompt).toBeNull();
  });
});
