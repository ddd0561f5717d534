import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BootmendError } from '../../../core/errors.js';
import { DRIVERS_NEED_WINDOWS, injectWithDism } from './dism.js';
import { LAUNCHER_NAME, STARTNET_CMD, WINPESHL_INI, launcherCmd } from './launcher.js';
import { firstLine, wimBootIndex, wimPaths } from './wim.js';

const WINPESHL_PATH = '/windows/system32/winpeshl.ini';

const run = promisify(execFile);

export interface InjectedWim {
  /** A temp copy of boot.wim with our startnet.cmd: the user's base is never modified. */
  path: string;
  bootIndex: number;
  cleanup: () => Promise<void>;
  /** Drivers were added (DISM). */
  drivers: boolean;
  /** How WinPE reaches the launcher: startnet.cmd, or winpeshl.ini where the image has one (WinRE). */
  launch: 'startnet.cmd' | 'winpeshl.ini';
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
  /** The playbook's folders relative to a volume (\\Windows\\...), for the launcher's "no drive holds it" advice. */
  targetDirs?: readonly string[];
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
    const files = { startnet: join(work, 'startnet.cmd'), launcher: join(work, LAUNCHER_NAME), winpeshl: join(work, 'winpeshl.ini') };
    await writeFile(files.startnet, STARTNET_CMD, 'latin1');
    await writeFile(files.launcher, launcherCmd(options.targetDirs ?? []), 'latin1');
    await writeFile(files.winpeshl, WINPESHL_INI, 'latin1');
    let launch: InjectedWim['launch'];
    if (dism) {
      const replaced = await injectWithDism({ wim: copy, index: bootIndex, ...files, ...(options.drivers ? { drivers: options.drivers } : {}) }, options.onStep ?? (() => undefined), signal);
      launch = replaced ? 'winpeshl.ini' : 'startnet.cmd';
    } else {
      launch = (await wimPaths(copy, bootIndex, signal)).has(WINPESHL_PATH) ? 'winpeshl.ini' : 'startnet.cmd';
      const adds: [string, string][] = [
        [files.startnet, '/Windows/System32/startnet.cmd'],
        [files.launcher, `/Windows/System32/${LAUNCHER_NAME}`],
        ...(launch === 'winpeshl.ini' ? ([[files.winpeshl, '/Windows/System32/winpeshl.ini']] as [string, string][]) : []),
      ];
      await wimlibUpdate(copy, bootIndex, adds.map(([from, to]) => `add "${from}" "${to}"`), signal);
    }
    return { path: copy, bootIndex, cleanup, drivers: dism && options.drivers !== undefined, launch };
  } catch (error) {
    await cleanup();
    if (error instanceof BootmendError) throw error;
    throw new BootmendError('IO_ERROR', `wimlib-imagex could not update ${bootWim}: ${firstLine(error)}`, { cause: error });
  }
}

/** `wimlib-imagex update` with several commands, read from stdin (its --command takes one). */
function wimlibUpdate(wim: string, index: number, commands: readonly string[], signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('wimlib-imagex', ['update', wim, String(index)], { stdio: ['pipe', 'ignore', 'pipe'], ...(signal ? { signal } : {}) });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(Object.assign(new Error(`wimlib-imagex update exited ${code}`), { stderr }))));
    child.stdin.end(`${commands.join('\n')}\n`);
  });
}
