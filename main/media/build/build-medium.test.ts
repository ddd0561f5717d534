import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir as temp } from '../../../test/temp.js';
import { requireCommands } from '../../../test/tools.js';
import { PlaybookSchema } from '../../../core/playbooks/playbook.js';
import { buildMedium } from './build-medium.js';

const playbook = PlaybookSchema.parse(JSON.parse(readFileSync(new URL('../../../assets/playbooks/crowdstrike-cf291.json', import.meta.url), 'utf8')));
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A WinPE-like base in the ADK Media layout; boot.wim is a real WIM made with wimlib (Windows itself cannot exist here). */
function winpeLikeBase(): { root: string; wimHash: string } {
  const root = temp('base');
  mkdirSync(join(root, 'EFI', 'Boot'), { recursive: true });
  mkdirSync(join(root, 'Boot'), { recursive: true });
  mkdirSync(join(root, 'sources'), { recursive: true });
  writeFileSync(join(root, 'EFI', 'Boot', 'bootx64.efi'), Buffer.alloc(64 * 1024, 0x4d));
  writeFileSync(join(root, 'Boot', 'etfsboot.com'), Buffer.alloc(4096, 0xeb));
  const pe = temp('pe');
  mkdirSync(join(pe, 'Windows', 'System32'), { recursive: true });
  writeFileSync(join(pe, 'Windows', 'System32', 'startnet.cmd'), 'wpeinit\r\n');
  execFileSync('wimlib-imagex', ['capture', pe, join(root, 'sources', 'boot.wim'), 'Microsoft Windows PE (amd64)', '--boot'], { stdio: 'ignore' });
  return { root, wimHash: sha256(join(root, 'sources', 'boot.wim')) };
}

describe('bootmend media build', () => {
  requireCommands(['xorriso'], { for: 'checking a payload-only ISO' }).it('builds a payload-only ISO holding fix.cmd, the playbook and a README, with its SHA-256', async () => {
    const out = join(temp('media'), 'payload.iso');
    const built = await buildMedium({ playbook, format: 'iso', out });
    expect(built).toMatchObject({ format: 'iso', base: null, playbook: { id: 'crowdstrike-cf291', version: '1.0.0' } });
    expect(built.sha256).toBe(sha256(out));
    const listing = execFileSync('xorriso', ['-indev', out, '-find', '/', '-type', 'f'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(listing).toContain("'/bootmend/fix.cmd'");
    expect(listing).toContain("'/bootmend/playbook.json'");
    expect(listing).toContain("'/bootmend/README.txt'");
  });

  requireCommands(['wimlib-imagex', 'xorriso'], { for: 'building an ISO on a WinPE base' }).it(
    'on a WinPE base: boots UEFI and BIOS entries, and boot.wim (a copy) runs \\bootmend\\fix.cmd by itself',
    async () => {
      const base = winpeLikeBase();
      const work = temp('media');
      const out = join(work, 'winpe.iso');
      const built = await buildMedium({ playbook, format: 'iso', out, base: base.root });
      // The synthetic boot.wim has no manage-bde: the build says so, in the technician's words.
      expect(built.base).toMatchObject({ kind: 'adk-media', injected: true, bootable: { uefi: true, bios: true }, missing: [expect.stringContaining('no BitLocker support')] });
      // Nor PowerShell, certutil, fc or wmic: the report says which of the playbook's checks this base can make.
      expect(built.base?.tools).toEqual({ powershell: 'no', certutil: 'no', fc: 'no', wmic: 'no' });
      expect(built.base?.checks?.map((c) => [c.check, c.status])).toEqual([
        ['name', 'can'],
        ['time-window', 'can'],
        ['leading-bytes', 'cannot'],
        ['zero-filled', 'cannot'],
      ]);

      const report = execFileSync('xorriso', ['-indev', out, '-report_el_torito', 'plain'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      expect(report).toMatch(/El Torito boot img :\s+1\s+BIOS\s+y\s+none\s+0x07c0\s+0x00\s+8/);
      expect(report).toMatch(/El Torito boot img :\s+2\s+UEFI/);

      const extracted = join(work, 'extracted');
      execFileSync('xorriso', ['-osirrox', 'on', '-indev', out, '-extract', '/sources/boot.wim', join(extracted, 'boot.wim')], { stdio: 'ignore' });
      execFileSync('wimlib-imagex', ['extract', join(extracted, 'boot.wim'), '1', '/Windows/System32/startnet.cmd', '/Windows/System32/bootmend.cmd', `--dest-dir=${extracted}`], { stdio: 'ignore' });
      const startnet = readFileSync(join(extracted, 'startnet.cmd'), 'latin1');
      expect(startnet).toMatch(/^@echo off\r\nwpeinit\r\ncall %SystemRoot%\\System32\\bootmend\.cmd\r\n$/);
      const launcher = readFileSync(join(extracted, 'bootmend.cmd'), 'latin1');
      expect(launcher).toContain('if exist %%D:\\bootmend\\fix.cmd set BM_STICK=%%D:');
      expect(launcher).toContain('call %BM_STICK%\\bootmend\\fix.cmd');
      expect(built.base?.launch).toBe('startnet.cmd');
      expect(sha256(join(base.root, 'sources', 'boot.wim'))).toBe(base.wimHash);
    },
    60_000,
  );

  requireCommands(['wimlib-imagex', 'fsck.fat', 'mdir'], { for: 'building a USB image on a WinPE base' }).it('on a WinPE base: a FAT32 USB image with the loader and the payload passes fsck.fat', async () => {
    const base = winpeLikeBase();
    const work = temp('media');
    const out = join(work, 'usb.img');
    const built = await buildMedium({ playbook, format: 'usb-image', out, base: base.root });
    expect(built.bytes).toBeGreaterThanOrEqual(256 << 20);
    const listing = execFileSync('mdir', ['-i', `${out}@@1M`, '-/', '-b', '::'], { encoding: 'utf8' });
    expect(listing).toMatch(/::\/EFI\/Boot\/bootx64\.efi/i);
    expect(listing).toContain('::/bootmend/fix.cmd');
    expect(listing).toContain('::/sources/boot.wim');
    const partition = join(work, 'part.img');
    execFileSync('dd', [`if=${out}`, `of=${partition}`, 'bs=1M', 'skip=1', 'status=none']);
    expect(execFileSync('fsck.fat', ['-n', partition], { encoding: 'utf8' })).not.toMatch(/differ|invalid|error|lost/i);
  }, 60_000);

  it('copies base and payload into a folder for sticks made by hand', async () => {
    const out = join(temp('media'), 'stick');
    const built = await buildMedium({ playbook, format: 'folder', out });
    expect(built.sha256).toBeNull();
    expect(readFileSync(join(out, 'bootmend', 'fix.cmd'), 'latin1')).toContain('\r\n');
    expect(existsSync(join(out, 'bootmend', 'playbook.json'))).toBe(true);
  });

  it('gives the same bytes for the same inputs with --timestamp', async () => {
    const dir = temp('media');
    const options = { playbook, format: 'iso' as const, timestamp: new Date('2024-07-19T06:00:00Z'), mediumId: 'bm-test0001' };
    const a = await buildMedium({ ...options, out: join(dir, 'a.iso') });
    const b = await buildMedium({ ...options, out: join(dir, 'b.iso') });
    expect(a.sha256).toBe(b.sha256);
  });

  it('never overwrites an existing image unless asked', async () => {
    const out = join(temp('media'), 'x.iso');
    const first = await buildMedium({ playbook, format: 'iso', out });
    await expect(buildMedium({ playbook, format: 'iso', out })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('already exists') });
    expect(sha256(out)).toBe(first.sha256);
    await expect(buildMedium({ playbook, format: 'iso', out, overwrite: true })).resolves.toMatchObject({ format: 'iso' });
  });

  it('says what a base lacks, and refuses one nothing could start', async () => {
    const empty = temp('base');
    mkdirSync(join(empty, 'sources'));
    await expect(buildMedium({ playbook, format: 'iso', out: join(temp('media'), 'x.iso'), base: empty })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('neither EFI/Boot/bootx64.efi nor Boot/etfsboot.com'),
    });
    const file = join(temp('base'), 'winpe.iso');
    writeFileSync(file, 'x');
    await expect(buildMedium({ playbook, format: 'iso', out: join(temp('media'), 'y.iso'), base: file })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('stops when cancelled and leaves no half-written image', async () => {
    const out = join(temp('media'), 'cancelled.img');
    const controller = new AbortController();
    const run = buildMedium({
      playbook,
      format: 'usb-image',
      out,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.phase === 'writing') controller.abort();
      },
    });
    await expect(run).rejects.toBeDefined();
    expect(existsSync(out)).toBe(false);
  });
});
