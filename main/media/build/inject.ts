import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BootmendError } from '../../../core/errors.js';
import { DRIVERS_NEED_WINDOWS, injectWithDism } from './dism.js';
import { firstLine, wimBootIndex } from './wim.js';

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
  /** Drivers were added (DISM). */
  drivers: boolean;
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

export interface InjectOptions {
  /** A driver folder for DISM /Add-Driver /Recurse (Windows only). */
  drivers?: string;
  signal?: AbortSignal;
  onStep?: (what: string) => void;
}

/**
 * Gives a work copy of boot.wim our startnet.cmd (and drivers): wimlib-imagex where it is
 * installed, DISM on Windows when it is not or when drivers are asked for (only DISM adds drivers).
 */
export async function injectLauncher(bootWim: string, options: InjectOptions = {}): Promise<InjectedWim> {
  const { signal } = options;
  const wimlib = (await wimlibVersion()) !== null;
  const dism = process.platform === 'win32' && (options.drivers !== undefined || !wimlib);
  if (options.drivers !== undefined && process.platform !== 'win32') throw new BootmendError('INVALID_INPUT', DRIVERS_NEED_WINDOWS, { field: 'drivers' });
  if (!wimlib && !dism) {
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
    // Without wimlib the index cannot be read: WinPE's boot.wim has one image.
    const bootIndex = wimlib ? await wimBootIndex(copy, signal) : 1;
    const startnet = join(work, 'startnet.cmd');
    await writeFile(startnet, STARTNET_CMD, 'latin1');
    if (dism) {
      await injectWithDism({ wim: copy, index: bootIndex, startnet, ...(options.drivers ? { drivers: options.drivers } : {}) }, options.onStep ?? (() => undefined), signal);
    } else {
      await run('wimlib-imagex', ['update', copy, String(bootIndex), `--command=add ${startnet} /Windows/System32/startnet.cmd`], { signal });
    }
    return { path: copy, bootIndex, cleanup, drivers: dism && options.drivers !== undefined };
  } catch (error) {
    await cleanup();
    if (error instanceof BootmendError) throw error;
    throw new BootmendError('IO_ERROR', `wimlib-imagex could not update ${bootWim}: ${firstLine(error)}`, { cause: error });
  }
}
