import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BootmendError } from '../../../core/errors.js';

const run = promisify(execFile);

/**
 * WinPE runs X:\Windows\System32\startnet.cmd after boot. Ours starts WinPE's networking
 * and storage (wpeinit), then looks for \bootmend\fix.cmd on every drive letter, because
 * the stick's letter differs from PC to PC.
 */
export const STARTNET_CMD = [
  '@echo off',
  'wpeinit',
  'echo Bootmend: looking for the recovery stick...',
  'for %%D in (C D E F G H I J K L M N O P Q R S T U V W Y Z) do if exist %%D:\\bootmend\\fix.cmd goto found_%%D',
  'echo Bootmend could not find \\bootmend\\fix.cmd on any drive. Plug the stick in and type: startnet',
  'goto :eof',
  ...'CDEFGHIJKLMNOPQRSTUVWYZ'.split('').flatMap((d) => [`:found_${d}`, `${d}:`, 'cd \\bootmend', `call ${d}:\\bootmend\\fix.cmd`, 'goto :eof']),
  '',
].join('\r\n');

export interface InjectedWim {
  /** A temp copy of boot.wim with our startnet.cmd: the user's base is never modified. */
  path: string;
  bootIndex: number;
  cleanup: () => Promise<void>;
}

/** Finds wimlib-imagex, or says what to install. */
export async function wimlibVersion(): Promise<string | null> {
  try {
    const { stdout } = await run('wimlib-imagex', ['--version']);
    return /(\d+\.\d+(?:\.\d+)?)/.exec(stdout)?.[1] ?? 'unknown';
  } catch {
    return null;
  }
}

export async function injectLauncher(bootWim: string, signal?: AbortSignal): Promise<InjectedWim> {
  if ((await wimlibVersion()) === null) {
    throw new BootmendError(
      'UNAVAILABLE',
      'Making WinPE start Bootmend by itself needs wimlib-imagex (Linux: install the "wimtools" package; macOS: brew install wimlib) or DISM on Windows. Without it, build a payload-only medium.',
    );
  }
  const work = await mkdtemp(join(tmpdir(), 'bootmend-wim-'));
  const cleanup = (): Promise<void> => rm(work, { recursive: true, force: true });
  try {
    const copy = join(work, 'boot.wim');
    await copyFile(bootWim, copy);
    const bootIndex = await readBootIndex(copy, signal);
    const startnet = join(work, 'startnet.cmd');
    await writeFile(startnet, STARTNET_CMD, 'latin1');
    await run('wimlib-imagex', ['update', copy, String(bootIndex), `--command=add ${startnet} /Windows/System32/startnet.cmd`], { signal });
    return { path: copy, bootIndex, cleanup };
  } catch (error) {
    await cleanup();
    if (error instanceof BootmendError) throw error;
    throw new BootmendError('IO_ERROR', `wimlib-imagex could not update ${bootWim}: ${firstLine(error)}`, { cause: error });
  }
}

/** WinPE's boot.wim has one image; a Windows setup boot.wim marks image 2 bootable. */
async function readBootIndex(wim: string, signal?: AbortSignal): Promise<number> {
  const { stdout } = await run('wimlib-imagex', ['info', wim], { signal });
  const boot = Number(/Boot Index:\s*(\d+)/i.exec(stdout)?.[1] ?? '0');
  return boot > 0 ? boot : 1;
}

function firstLine(error: unknown): string {
  const text = error && typeof error === 'object' && 'stderr' in error ? String((error as { stderr: unknown }).stderr) : String(error);
  return text.trim().split('\n')[0] ?? 'unknown error';
}
