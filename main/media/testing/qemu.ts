import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Test-only boot harness: a standalone GRUB EFI loader and an isolinux BIOS stand-in that
 * print markers on the serial console, and a QEMU runner that watches that console.
 * Used by main/media/boot.test.ts; nothing in the product imports it.
 */

export const MARKERS = {
  uefi: 'BOOTMEND-UEFI-OK',
  payload: 'BOOTMEND-PAYLOAD-FOUND',
  payloadMissing: 'BOOTMEND-PAYLOAD-MISSING',
  bios: 'BOOTMEND-BIOS-OK',
} as const;

export const OVMF = '/usr/share/ovmf/OVMF.fd';
const GRUB_MODULES_DIR = '/usr/lib/grub/x86_64-efi';
const ISOLINUX_BIN = '/usr/lib/ISOLINUX/isolinux.bin';
const SYSLINUX_MODULES = '/usr/lib/syslinux/modules/bios';
const GRUB_MODULES = 'part_gpt part_msdos fat iso9660 serial terminal echo halt search search_fs_file test';

/**
 * What the boot proofs run on (Debian packages), for test/tools.ts's one rule: run where they
 * are installed, skipped outside CI, failing in CI.
 */
export const BOOT_TOOLS = [
  { command: 'qemu-system-x86_64', package: 'qemu-system-x86' },
  { file: OVMF, package: 'ovmf' },
  { command: 'grub-mkstandalone', package: 'grub-common' },
  { file: GRUB_MODULES_DIR, package: 'grub-efi-amd64-bin' },
  { file: ISOLINUX_BIN, package: 'isolinux' },
  { file: path.join(SYSLINUX_MODULES, 'ldlinux.c32'), package: 'syslinux-common' },
  { file: path.join(SYSLINUX_MODULES, 'poweroff.c32'), package: 'syslinux-common' },
] as const;

/** grub.cfg: serial console, look for the payload on any device (only the boot medium is attached), print the markers, power off. */
export const GRUB_CFG = [
  'serial --unit=0 --speed=115200',
  'terminal_input serial console',
  'terminal_output serial console',
  'search --no-floppy --file /bootmend/fix.cmd --set=root',
  `if [ -f ($root)/bootmend/fix.cmd ]; then echo ${MARKERS.payload}; else echo ${MARKERS.payloadMissing}; fi`,
  `echo ${MARKERS.uefi}`,
  'halt',
  '',
].join('\n');

/** Builds BOOTX64.EFI (a standalone GRUB with GRUB_CFG embedded) into `workDir`; returns its path. */
export async function buildGrubLoader(workDir: string): Promise<string> {
  await mkdir(workDir, { recursive: true });
  await writeFile(path.join(workDir, 'grub.cfg'), GRUB_CFG);
  const output = path.join(workDir, 'BOOTX64.EFI');
  const result = spawnSync(
    'grub-mkstandalone',
    ['-O', 'x86_64-efi', `--modules=${GRUB_MODULES}`, '--locales=', '--fonts=', '--themes=', '-o', output, 'boot/grub/grub.cfg=./grub.cfg'],
    { cwd: workDir, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`grub-mkstandalone failed: ${result.stderr}`);
  return output;
}

/** The second SAY pads the serial FIFO: poweroff.c32 can cut the UART before the marker's last byte leaves. */
export const ISOLINUX_CFG = ['SERIAL 0 115200', `SAY ${MARKERS.bios}`, 'SAY powering off', 'DEFAULT off', 'LABEL off', '  COM32 poweroff.c32', 'PROMPT 0', 'TIMEOUT 1', ''].join('\r\n');

/** Copies isolinux.bin, ldlinux.c32, poweroff.c32 (+ libcom32/libutil when the module needs them) and isolinux.cfg into `dir`. */
export async function stageIsolinux(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await copyFile(ISOLINUX_BIN, path.join(dir, 'isolinux.bin'));
  for (const module of ['ldlinux.c32', 'poweroff.c32', 'libcom32.c32', 'libutil.c32']) {
    const from = path.join(SYSLINUX_MODULES, module);
    if (existsSync(from)) await copyFile(from, path.join(dir, module));
  }
  await writeFile(path.join(dir, 'isolinux.cfg'), ISOLINUX_CFG);
}

export type Medium = { kind: 'cdrom'; file: string } | { kind: 'disk'; file: string } | { kind: 'usb'; file: string };

export interface BootRun {
  firmware: 'uefi' | 'bios';
  medium: Medium;
  /** Stop (pass) when the serial stream contains this. */
  marker: string;
  /** Default 120 s: TCG boots take 5–30 s on 2 cores, more when both cores are busy. */
  timeoutMs?: number;
}

export interface BootResult {
  outcome: 'marker' | 'shell' | 'boot-failed' | 'timeout' | 'exited';
  transcript: string;
  ms: number;
}

/** Failure signs: OVMF's shell (nothing bootable), OVMF/SeaBIOS giving up. */
const FAILURES: readonly [RegExp, BootResult['outcome']][] = [
  [/Shell>/, 'shell'],
  [/Boot Failed|No bootable device/, 'boot-failed'],
];

function mediumArgs(medium: Medium): string[] {
  switch (medium.kind) {
    case 'cdrom':
      return ['-cdrom', medium.file];
    case 'disk':
      return ['-drive', `file=${medium.file},format=raw,snapshot=on`];
    case 'usb':
      return ['-device', 'qemu-xhci', '-drive', `if=none,id=u,file=${medium.file},format=raw,snapshot=on`, '-device', 'usb-storage,drive=u'];
  }
}

/** Boots the medium in QEMU (TCG), watches the serial console and kills QEMU on the marker, a failure sign or the timeout. */
export function bootInQemu(run: BootRun): Promise<BootResult> {
  const args = ['-nographic', '-serial', 'mon:stdio', '-m', '256', '-net', 'none', '-nodefaults', '-machine', 'q35,accel=tcg', '-no-reboot'];
  if (run.firmware === 'uefi') args.push('-bios', OVMF);
  args.push(...mediumArgs(run.medium));
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let transcript = '';
    let settled = false;
    const finish = (outcome: BootResult['outcome']): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      resolve({ outcome, transcript, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish('timeout'), run.timeoutMs ?? 120_000);
    const watch = (chunk: Buffer): void => {
      transcript += chunk.toString('latin1');
      // The console interleaves escape sequences and carriage returns with the text: match on plain text.
      if (plainTranscript(transcript).includes(run.marker)) return finish('marker');
      for (const [pattern, outcome] of FAILURES) if (pattern.test(transcript)) return finish(outcome);
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    child.on('error', (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', () => finish(plainTranscript(transcript).includes(run.marker) ? 'marker' : 'exited'));
  });
}

/** Serial output without ANSI escapes, for readable assertion messages. */
export function plainTranscript(transcript: string): string {
  // eslint-disable-next-line no-control-regex
  return transcript.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}
