import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import { PlaybookSchema } from '../../../core/playbooks/playbook.js';
import { tempDir } from '../../../test/temp.js';
import { requireTools } from '../../../test/tools.js';
import { buildMedium } from './build-medium.js';

/*
 * The launch chain of a built medium, run under Wine's cmd: the files are taken out of the
 * medium's boot.wim (wimlib), put where WinPE has them (X:\Windows\System32 = Wine's
 * C:\windows\system32), and each [LaunchApps] line of winpeshl.ini is run in turn, as winpeshl.exe
 * does (Microsoft, "Winpeshl.ini reference":
 * https://learn.microsoft.com/windows-hardware/manufacture/desktop/winpeshlini-reference-launching-an-app-when-winpe-starts).
 * Mocked, because only Windows has them: wpeinit and drvload (stand-ins that log their calls;
 * "Drvload command-line options": https://learn.microsoft.com/windows-hardware/manufacture/desktop/drvload-command-line-options),
 * and fix.cmd on the stick (a stub that logs; fix.cmd itself has its own Wine tests in main/payload).
 */
const wine = requireTools(
  [
    { command: 'wine', package: 'wine64' },
    { command: 'x86_64-w64-mingw32-gcc', package: 'gcc-mingw-w64-x86-64' },
    { command: 'wimlib-imagex', package: 'wimtools' },
  ],
  { for: 'running the WinPE launch chain under Wine' },
);

const playbook = PlaybookSchema.parse(JSON.parse(readFileSync(new URL('../../../assets/playbooks/crowdstrike-cf291.json', import.meta.url), 'utf8')));
const standinSource = fileURLToPath(new URL('../testing/standins/logcall.c', import.meta.url));
const CS = ['Windows', 'System32', 'drivers', 'CrowdStrike'];

let root = '';
let env: NodeJS.ProcessEnv = {};
let prefix = '';

function put(base: string, relative: string, content: Buffer | string): void {
  mkdirSync(dirname(join(base, relative)), { recursive: true });
  writeFileSync(join(base, relative), content);
}

/** Runs a command with output in files (Wine's server may keep pipes open). */
function run(command: string, args: string[], timeout = 120_000): { code: number; stdout: string } {
  const out = join(root, `out-${Date.now()}-${Math.random().toString(16).slice(2)}`);
  const fd = openSync(out, 'w');
  const result = spawnSync(command, args, { env, cwd: root, stdio: ['ignore', fd, fd], timeout });
  closeSync(fd);
  const stdout = readFileSync(out, 'utf8');
  rmSync(out);
  return { code: result.status ?? -1, stdout };
}

const winePath = (unix: string): string => `Z:${unix.replace(/\//g, '\\')}`;
const system32 = (): string => join(prefix, 'drive_c', 'windows', 'system32');

function mapDrive(letter: string, target: string | null): void {
  const link = join(prefix, 'dosdevices', `${letter}:`);
  if (existsSync(link) || readdirSync(join(prefix, 'dosdevices')).includes(`${letter}:`)) unlinkSync(link);
  if (target) symlinkSync(target, link);
}

beforeAll(async () => {
  if (!wine.ok) return;
  root = tempDir('wine-launch');
  prefix = join(root, 'prefix');
  env = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', DISPLAY: '', LANG: 'C.UTF-8' };
  run('wineboot', ['-i'], 180_000);
  if (!existsSync(system32())) throw new Error('wineboot did not create a Wine prefix');
  spawnSync('wineserver', ['-p'], { env, stdio: 'ignore' });
  for (const tool of ['drvload', 'wpeinit']) {
    const built = spawnSync('x86_64-w64-mingw32-gcc', ['-O1', '-Wall', '-Werror', '-s', `-DTOOL="${tool}"`, '-o', join(system32(), `${tool}.exe`), standinSource], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`mingw-w64 could not build the ${tool} stand-in: ${built.stderr}`);
  }
}, 240_000);

afterAll(() => {
  if (root) spawnSync('wineserver', ['-k'], { env, stdio: 'ignore' });
});

/** A folder medium on a WinRE-like base (with winpeshl.ini) and two storage drivers; its launch files installed as WinPE has them. */
async function stickWithLaunchChain(): Promise<{ stick: string; log: string; winpeshl: string }> {
  const scenario = tempDir('wine-scenario');
  const tree = join(scenario, 'winre-tree');
  put(tree, 'Windows/System32/winpeshl.ini', '[LaunchApps]\r\n%SYSTEMDRIVE%\\sources\\recovery\\recenv.exe\r\n');
  put(tree, 'Windows/Boot/EFI/bootmgfw.efi', Buffer.alloc(4096, 0x4d));
  const wim = join(scenario, 'Winre.wim');
  spawnSync('wimlib-imagex', ['capture', tree, wim, 'Microsoft Windows Recovery Environment (amd64)', '--boot'], { stdio: 'ignore' });
  const drivers = join(scenario, 'drivers');
  put(drivers, 'vmd/iaStorVD.inf', '[Version]\r\n');
  put(drivers, 'vmd/iaStorVD.sys', 'sys');
  put(drivers, 'raid/x64/megasas.inf', '[Version]\r\n');
  const stick = join(scenario, 'stick');
  const built = await buildMedium({ playbook, format: 'folder', out: stick, base: wim, drivers });
  expect(built.base?.launch).toBe('winpeshl.ini');

  const extracted = join(scenario, 'extracted');
  const files = ['winpeshl.ini', 'startnet.cmd', 'bootmend.cmd'];
  const extract = spawnSync('wimlib-imagex', ['extract', join(stick, 'sources', 'boot.wim'), '1', ...files.map((f) => `/Windows/System32/${f}`), `--dest-dir=${extracted}`, '--no-acls'], { encoding: 'utf8' });
  expect(extract.status, extract.stderr).toBe(0);
  for (const file of files) writeFileSync(join(system32(), file), readFileSync(join(extracted, file)));

  const log = join(scenario, 'standin');
  mkdirSync(log);
  env = { ...env, BOOTMEND_STANDIN_DIR: winePath(log) };
  // The stick's fix.cmd becomes a stub that logs where it ran from.
  writeFileSync(join(stick, 'bootmend', 'fix.cmd'), '@echo off\r\necho fix.cmd %CD%>>%BOOTMEND_STANDIN_DIR%\\launch.log\r\n');
  return { stick, log: join(log, 'launch.log'), winpeshl: readFileSync(join(extracted, 'winpeshl.ini'), 'latin1') };
}

/** winpeshl.exe's part: each [LaunchApps] line "<program>[, <arguments>]" with %SYSTEMROOT% expanded, run in order (/k -> /c so the test's cmd ends). */
function runLaunchApps(winpeshl: string): string {
  const apps = winpeshl.split('\r\n').slice(winpeshl.split('\r\n').indexOf('[LaunchApps]') + 1).filter(Boolean);
  let stdout = '';
  for (const app of apps) {
    const [program, args = ''] = app.replace(/%SYSTEMROOT%/gi, 'C:\\windows').split(/,\s*/, 2) as [string, string?];
    const result = run('wine', [program, ...args.split(' ').filter(Boolean).map((a) => (a === '/k' ? '/c' : a))]);
    stdout += result.stdout;
  }
  return stdout;
}

const logLines = (log: string): string[] => (existsSync(log) ? readFileSync(log, 'utf8').split(/\r?\n/).filter(Boolean) : []);

wine.it(
  "winpeshl.ini's [LaunchApps] run wpeinit, then the launcher: drvload on every .inf under \\bootmend\\drivers, then fix.cmd from the stick; no drive with the folder gives the storage-driver advice",
  async () => {
    const { stick, log, winpeshl } = await stickWithLaunchChain();
    const pc = tempDir('wine-pc'); // the PC's disk as a WinPE without its storage driver would see... nothing of Windows
    mapDrive('d', stick);
    mapDrive('e', pc);
    const stdout = runLaunchApps(winpeshl);
    const lines = logLines(log);
    expect(lines[0]).toBe('wpeinit');
    expect(lines.slice(1, 3).sort()).toEqual(['drvload D:\\bootmend\\drivers\\raid\\x64\\megasas.inf', 'drvload D:\\bootmend\\drivers\\vmd\\iaStorVD.inf']);
    expect(lines[3]).toBe('fix.cmd D:\\bootmend');
    expect(lines).toHaveLength(4);
    expect(stdout).toContain('no drive that this WinPE can read holds \\Windows\\System32\\drivers\\CrowdStrike');
    expect(stdout).toContain('a storage driver may be missing');
    expect(stdout).toContain("PC's own Windows Recovery (WinRE)");

    // The same stick where the PC's Windows drive is visible: startnet.cmd's chain, no advice.
    rmSync(log);
    mkdirSync(join(pc, ...CS), { recursive: true });
    const again = run('wine', ['cmd', '/c', 'C:\\windows\\system32\\startnet.cmd']);
    expect(logLines(log)).toEqual(['wpeinit', expect.stringMatching(/^drvload /), expect.stringMatching(/^drvload /), 'fix.cmd D:\\bootmend']);
    expect(again.stdout).not.toContain('storage driver may be missing');
    mapDrive('d', null);
    mapDrive('e', null);
  },
  300_000,
);
