import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, win32 } from 'node:path';
import { promisify } from 'node:util';
import { BootmendError } from '../../../core/errors.js';
import { firstLine } from './wim.js';

const run = promisify(execFile);

/**
 * boot.wim changes through DISM on Windows: mount the boot image, put our startnet.cmd in
 * Windows\System32, add a driver folder (every .inf below it), commit. The steps are built by a
 * pure function (tested on any OS); the runner only exists on Windows, as does DISM.
 */

/** `ifPresent`: copied only over a file the image already has (winpeshl.ini, which WinRE ships and WinPE does not). */
export type DismStep = { kind: 'dism'; args: string[]; what: string } | { kind: 'copy'; from: string; to: string; what: string; ifPresent?: boolean };

export interface DismPlanInput {
  /** The work copy of boot.wim (never the user's file). */
  wim: string;
  index: number;
  mountDir: string;
  /** Our startnet.cmd, launcher (bootmend.cmd) and winpeshl.ini on disk. */
  startnet: string;
  launcher: string;
  winpeshl: string;
  drivers?: string;
}

export const DRIVERS_NEED_WINDOWS = 'Adding drivers needs DISM, which runs only on Windows; build on a Windows PC or add them to the base first.';

/** The DISM commands, in order, and the one to run if any fails (unmount without saving). */
export function dismPlan(input: DismPlanInput): { steps: DismStep[]; discard: DismStep } {
  const steps: DismStep[] = [
    { kind: 'dism', what: 'Mounting boot.wim', args: ['/English', '/Mount-Image', `/ImageFile:${input.wim}`, `/Index:${input.index}`, `/MountDir:${input.mountDir}`] },
    { kind: 'copy', what: 'Adding startnet.cmd', from: input.startnet, to: win32.join(input.mountDir, 'Windows', 'System32', 'startnet.cmd') },
    { kind: 'copy', what: 'Adding the Bootmend launcher', from: input.launcher, to: win32.join(input.mountDir, 'Windows', 'System32', win32.basename(input.launcher)) },
    { kind: 'copy', what: 'Replacing winpeshl.ini', from: input.winpeshl, to: win32.join(input.mountDir, 'Windows', 'System32', 'winpeshl.ini'), ifPresent: true },
  ];
  if (input.drivers) {
    steps.push({ kind: 'dism', what: 'Adding drivers', args: ['/English', `/Image:${input.mountDir}`, '/Add-Driver', `/Driver:${input.drivers}`, '/Recurse'] });
  }
  steps.push({ kind: 'dism', what: 'Saving boot.wim', args: ['/English', '/Unmount-Image', `/MountDir:${input.mountDir}`, '/Commit'] });
  return { steps, discard: { kind: 'dism', what: 'Discarding changes', args: ['/English', '/Unmount-Image', `/MountDir:${input.mountDir}`, '/Discard'] } };
}

/** Runs the plan with dism.exe (needs an elevated process). Windows only. Says whether the image had a winpeshl.ini (now ours). */
export async function injectWithDism(input: Omit<DismPlanInput, 'mountDir'>, onStep: (what: string) => void, signal?: AbortSignal): Promise<boolean> {
  if (process.platform !== 'win32') throw new BootmendError('UNAVAILABLE', input.drivers ? DRIVERS_NEED_WINDOWS : 'DISM runs only on Windows.');
  const mountDir = await mkdtemp(join(tmpdir(), 'bootmend-mount-'));
  const { steps, discard } = dismPlan({ ...input, mountDir });
  let mounted = false;
  let replacedWinpeshl = false;
  try {
    for (const step of steps) {
      signal?.throwIfAborted();
      onStep(step.what);
      if (step.kind === 'copy') {
        if (step.ifPresent) {
          if (!(await stat(step.to).catch(() => null))) continue;
          replacedWinpeshl = true;
        }
        await mkdir(win32.dirname(step.to), { recursive: true });
        await copyFile(step.from, step.to);
        continue;
      }
      await run('dism.exe', step.args, { windowsHide: true, maxBuffer: 16 << 20 }).catch((error: unknown) => {
        const elevated = /740|elevat|administrator/i.test(String((error as { stdout?: unknown }).stdout ?? '') + firstLine(error));
        throw new BootmendError(
          'IO_ERROR',
          elevated ? 'DISM needs administrator rights: start Bootmend as administrator and build again.' : `DISM failed while ${step.what.toLowerCase()}: ${firstLine(error)}`,
          { cause: error },
        );
      });
      if (step.args.includes('/Mount-Image')) mounted = true;
      if (step.args.includes('/Commit')) mounted = false;
    }
  } finally {
    if (mounted) await run('dism.exe', discard.kind === 'dism' ? discard.args : [], { windowsHide: true }).catch(() => undefined);
    await rm(mountDir, { recursive: true, force: true }).catch(() => undefined);
  }
  return replacedWinpeshl;
}
