/**
 * Runs the generated fix.cmd under Wine's cmd against fake Windows volumes (folders mapped as
 * drive letters), with stand-in manage-bde.exe / bcdedit.exe / certutil.exe built from the C
 * sources next to this file by mingw-w64 at test time (never committed as binaries).
 *
 * One Wine prefix per test file (wineboot takes seconds); a persistent wineserver keeps each
 * fix.cmd run fast. The tests require WINE_TOOLS through test/tools.ts: skipped outside CI
 * where Wine or mingw-w64 is missing, failing in CI (which installs both: see .ci/run).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, openSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MachineResultSchema, type MachineResult } from '../../../core/playbooks/machine-result.js';
import type { PlaybookInput } from '../../../core/playbooks/playbook.js';
import { buildPayload } from '../build.js';

const here = dirname(fileURLToPath(import.meta.url));
const STANDINS = ['manage-bde', 'bcdedit', 'certutil', 'fsutil'] as const;
/** Stand-ins swapped in for one run only (Wine's own reg.exe and fc.exe are used otherwise). */
const PER_RUN = ['fc', 'reg'] as const;
export const CROWDSTRIKE_PLAYBOOK_PATH = join(here, '..', '..', '..', 'assets', 'playbooks', 'crowdstrike-cf291.json');

export function loadCrowdStrikePlaybook(): PlaybookInput {
  return JSON.parse(readFileSync(CROWDSTRIKE_PLAYBOOK_PATH, 'utf8')) as PlaybookInput;
}

/**
 * What the Wine proofs run on (Debian packages), for test/tools.ts's one rule: run where they
 * are installed, skipped outside CI, failing in CI. `readOnlyMedium` also needs root.
 */
export const WINE_TOOLS = [
  { command: 'wine', package: 'wine64' },
  { command: 'x86_64-w64-mingw32-gcc', package: 'gcc-mingw-w64-x86-64' },
] as const;

export interface FakeFile {
  /** Path below the volume root, Windows style, e.g. Windows\System32\drivers\CrowdStrike\C-00000291-1.sys */
  path: string;
  content: Buffer;
  /** Last-modified time (UTC instant). */
  modified: string;
}

export interface FakeVolume {
  files: FakeFile[];
  /** Extra empty folders below the volume root. */
  folders?: string[];
  /**
   * BitLocker: locked until the stand-in manage-bde gets this password. `data`: a data volume
   * (protected by an auto-unlock key, no TPM protector); `moreKeyIds`: further numerical passwords.
   */
  locked?: {
    password: string;
    keyId: string;
    data?: boolean;
    moreKeyIds?: string[];
    /** Recorded real manage-bde outputs the stand-in prints as they are: `-protectors -get L:` and `... -Type RecoveryPassword`. */
    recorded?: { all?: string; recoveryPassword?: string };
  };
  /**
   * An offline SYSTEM hive at Windows\System32\config\SYSTEM, read by the stand-in reg.exe
   * (which is then used for the whole run): the PC's name and its time zone biases (minutes,
   * UTC = local time + bias, as in ControlSet001\Control\TimeZoneInformation).
   */
  hive?: { computerName?: string; activeTimeBias?: number; bias?: number; realTimeIsUniversal?: boolean };
}

export interface RunOptions {
  /** Drive letters (D..Y, not E) to fake volumes. C: is Wine's own drive: use `cFiles` for it. */
  volumes?: Record<string, FakeVolume>;
  /** Files put into Wine's C: (removed again after the run). */
  cFiles?: FakeFile[];
  args?: string[];
  /**
   * Answers typed at prompts, each only once its prompt text has appeared on the screen (as a
   * person would: Wine's `set /p` takes everything waiting on standard input at once).
   */
  answers?: { after: string; type: string }[];
  /** Language of the stand-in manage-bde. */
  language?: 'en' | 'de';
  /** false: Wine's own certutil (a stub that prints nothing), as where certutil is missing. */
  certutil?: boolean;
  /** Mount the medium read-only (needs root and a kernel that allows bind mounts here; ReadOnlyMediumUnavailable otherwise). */
  readOnlyMedium?: boolean;
  playbook?: PlaybookInput;
  /** Make the stand-in bcdedit fail. */
  bcdeditFails?: boolean;
  /**
   * Emulate WinPE: the MiniNT registry key exists (removed again after the run). Wine's
   * %SystemDrive% stays C:, so fix.cmd treats C: as the RAM disk and skips it.
   */
  winpe?: boolean;
  /**
   * The PC's name as fix.cmd sees it outside WinPE (%COMPUTERNAME%). Wine sets COMPUTERNAME from
   * the host name whatever the environment says, so a wrapper batch file sets it and then hands
   * over to fix.cmd (without CALL, so %~dp0 and the exit code stay fix.cmd's own).
   */
  computerName?: string;
  /** Environment variables for the run, e.g. SAFEBOOT_OPTION=NETWORK as Safe Mode sets it. */
  env?: Record<string, string>;
  /** The stand-in fc.exe (binary compare) instead of Wine's stub. */
  fc?: boolean;
  /** false: no manage-bde.exe in the image (as in a WinPE built without it). */
  manageBde?: boolean;
  /** The stand-in fsutil answers "Access is denied", as for a user who is not elevated. */
  notElevated?: boolean;
  /** Safe boot already set in the stand-in BCD store, per entry (e.g. { default: 'Minimal' }). */
  safeBootSet?: { default?: string; current?: string };
  /** Use the stand-in reg.exe even without a hive on any volume. */
  reg?: boolean;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Results found on the medium (or, for a read-only medium, on the volumes). */
  results: MachineResult[];
  resultPaths: string[];
  mediumDir: string;
  /** Unix folder of each fake volume (after any unlock). */
  volumeDirs: Record<string, string>;
  cDir: string;
  calls: { manageBde: string[]; bcdedit: string[]; certutil: string[]; fc: string[]; reg: string[]; fsutil: string[] };
  standinDir: string;
  scenarioDir: string;
}

export class WineBox {
  readonly root: string;
  readonly prefix: string;
  private scenario = 0;
  private readonly env: NodeJS.ProcessEnv;

  private constructor(root: string) {
    this.root = root;
    this.prefix = join(root, 'prefix');
    this.env = { ...process.env, WINEPREFIX: this.prefix, WINEDEBUG: '-all', TZ: 'UTC', LANG: 'C.UTF-8', DISPLAY: '' };
  }

  /** Creates the prefix, starts a persistent wineserver and installs the stand-ins. */
  static async create(): Promise<WineBox> {
    const box = new WineBox(mkdtempSync(join(tmpdir(), 'bootmend-wine-')));
    try {
      await box.setUp();
    } catch (error) {
      await box.dispose();
      throw error;
    }
    return box;
  }

  private async setUp(): Promise<void> {
    // The stand-ins need no prefix: mingw-w64 builds them while wineboot makes it.
    const bin = join(this.root, 'standins');
    mkdirSync(bin);
    // allSettled: a failed wineboot is reported only once gcc is done, so dispose() never removes a folder it still writes into.
    const compiling = Promise.allSettled(
      [...STANDINS, ...PER_RUN].map((name) =>
        run('x86_64-w64-mingw32-gcc', ['-O1', '-Wall', '-Werror', '-s', '-o', join(bin, `${name}.exe`), join(here, 'standins', `${name}.c`)], process.env, bin, 60_000),
      ),
    );
    try {
      // wineboot may exit non-zero for missing 32-bit parts; the prefix is what counts.
      await run('wineboot', ['-i'], { ...this.env, WINEDLLOVERRIDES: 'mscoree,mshtml=' }, this.root, 120_000, [], true);
      if (!existsSync(join(this.prefix, 'drive_c', 'windows', 'system32'))) throw new Error('wineboot did not create a Wine prefix');
      spawnSync('wineserver', ['-p'], { env: this.env, stdio: 'ignore' });
      // The first wmic call starts Wine's WMI service; do it here, not in the first test.
      await run('wine', ['cmd', '/c', 'wmic os get currenttimezone'], this.env, this.root, 120_000);
    } finally {
      await compiling;
    }
    const failed = (await compiling).find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    const system32 = this.system32();
    for (const name of STANDINS) copyFileSync(join(bin, `${name}.exe`), join(system32, `${name}.exe`));
    for (const name of PER_RUN) copyFileSync(join(system32, `${name}.exe`), join(bin, `wine-${name}.exe`));
  }

  private system32(): string {
    return join(this.prefix, 'drive_c', 'windows', 'system32');
  }

  /** Puts a per-run stand-in (or Wine's own file back) into system32. */
  private swapTool(name: (typeof PER_RUN)[number], standin: boolean): void {
    const bin = join(this.root, 'standins');
    copyFileSync(join(bin, standin ? `${name}.exe` : `wine-${name}.exe`), join(this.system32(), `${name}.exe`));
  }


  async dispose(): Promise<void> {
    spawnSync('wineserver', ['-k'], { env: this.env, stdio: 'ignore' });
    rmSync(this.root, { recursive: true, force: true });
  }

  /** Builds a fresh medium, maps the volumes, runs E:\bootmend\fix.cmd and collects what it left. */
  async runFix(options: RunOptions = {}): Promise<RunResult> {
    this.scenario += 1;
    const scenarioDir = join(this.root, `scenario-${this.scenario}`);
    const mediumDir = join(scenarioDir, 'medium');
    const standinDir = join(scenarioDir, 'standin');
    mkdirSync(standinDir, { recursive: true });
    await buildPayload({ playbook: options.playbook ?? loadCrowdStrikePlaybook(), outDir: mediumDir, mediumId: `wine-test-${this.scenario}` });

    this.clearDrives();
    const volumeDirs: Record<string, string> = {};
    writeFileSync(join(standinDir, 'lang'), `${options.language ?? 'en'}\n`);
    if (options.bcdeditFails) writeFileSync(join(standinDir, 'bcdedit.fail'), '');
    if (options.notElevated) writeFileSync(join(standinDir, 'fsutil.denied'), '');
    if (options.safeBootSet?.default) writeFileSync(join(standinDir, 'safeboot-default'), `${options.safeBootSet.default}\n`);
    if (options.safeBootSet?.current) writeFileSync(join(standinDir, 'safeboot-current'), `${options.safeBootSet.current}\n`);
    const useReg = options.reg === true || Object.values(options.volumes ?? {}).some((v) => v.hive !== undefined);
    for (const [letter, volume] of Object.entries(options.volumes ?? {})) {
      if (!/^[D-Y]$/.test(letter) || letter === 'E') throw new Error(`volume letter ${letter} is not usable in the Wine box`);
      const dir = join(scenarioDir, `vol-${letter}`);
      volumeDirs[letter] = dir;
      const treeDir = volume.locked ? `${dir}.locked` : dir;
      mkdirSync(treeDir, { recursive: true });
      for (const folder of volume.folders ?? []) mkdirSync(join(treeDir, ...folder.split('\\')), { recursive: true });
      writeFakeFiles(treeDir, volume.files);
      if (volume.hive) writeFakeFiles(treeDir, [{ path: 'Windows\\System32\\config\\SYSTEM', content: fakeHive(volume.hive), modified: '2024-07-18T12:00:00Z' }]);
      if (volume.locked) {
        writeFileSync(join(standinDir, `${letter}.keyid`), `${volume.locked.keyId}\n`);
        if (volume.locked.data) writeFileSync(join(standinDir, `${letter}.data`), '');
        if (volume.locked.moreKeyIds?.length) writeFileSync(join(standinDir, `${letter}.morekeys`), `${volume.locked.moreKeyIds.join('\n')}\n`);
        if (volume.locked.recorded?.all !== undefined) writeFileSync(join(standinDir, `${letter}.protectors-all`), volume.locked.recorded.all);
        if (volume.locked.recorded?.recoveryPassword !== undefined) writeFileSync(join(standinDir, `${letter}.protectors-rp`), volume.locked.recorded.recoveryPassword);
        writeFileSync(join(standinDir, `${letter}.locked`), '');
        writeFileSync(join(standinDir, `${letter}.password`), `${volume.locked.password}\n`);
        writeFileSync(join(standinDir, `${letter}.unlock-from`), `${toWinePath(treeDir)}\n`);
        writeFileSync(join(standinDir, `${letter}.unlock-to`), `${toWinePath(dir)}\n`);
      }
      symlinkSync(dir, this.drive(letter));
    }
    const cDir = join(this.prefix, 'drive_c');
    const cCreated = writeFakeFiles(cDir, options.cFiles ?? []);

    let mounted = false;
    let mediumMapped = mediumDir;
    if (options.readOnlyMedium) {
      mediumMapped = join(scenarioDir, 'medium-ro');
      mkdirSync(mediumMapped);
      const bind = spawnSync('mount', ['--bind', mediumDir, mediumMapped]);
      const ro = bind.status === 0 ? spawnSync('mount', ['-o', 'remount,bind,ro', mediumMapped]) : bind;
      if (ro.status !== 0) {
        if (bind.status === 0) spawnSync('umount', [mediumMapped]);
        throw new ReadOnlyMediumUnavailable(`cannot mount a read-only folder here (${(ro.stderr?.toString() ?? '').trim() || 'mount failed'})`);
      }
      mounted = true;
    }
    symlinkSync(mediumMapped, this.drive('E'));

    const env = {
      ...this.env,
      ...options.env,
      BOOTMEND_STANDIN_DIR: toWinePath(standinDir),
      WINEDLLOVERRIDES: [
        options.certutil === false ? 'certutil.exe=b' : 'certutil.exe=n',
        'fsutil.exe=n',
        options.fc ? 'fc.exe=n' : 'fc.exe=b',
        useReg ? 'reg.exe=n' : 'reg.exe=b',
      ].join(';'),
    };
    const miniNt = 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\MiniNT';
    const wineRegEnv = { ...this.env, WINEDLLOVERRIDES: 'reg.exe=b' };
    if (options.winpe) await run('wine', ['reg', 'add', miniNt, '/f'], wineRegEnv, this.root, 60_000);
    if (options.winpe && useReg) writeFileSync(join(standinDir, 'minint'), '');
    if (options.fc) this.swapTool('fc', true);
    if (useReg) this.swapTool('reg', true);
    const manageBde = join(this.system32(), 'manage-bde.exe');
    if (options.manageBde === false) rmSync(manageBde, { force: true });
    let script = 'E:\\bootmend\\fix.cmd';
    if (options.computerName !== undefined) {
      if (/["\r\n%]/.test(options.computerName)) throw new Error('the Wine box sets a computer name without " % or line breaks');
      writeFileSync(join(scenarioDir, 'as-pc.cmd'), `@set "COMPUTERNAME=${options.computerName}"\r\n@E:\\bootmend\\fix.cmd %*\r\n`, 'ascii');
      script = 'as-pc.cmd';
    }
    let outcome: { code: number; stdout: string; stderr: string };
    try {
      outcome = await run('wine', ['cmd', '/c', script, ...(options.args ?? [])], env, scenarioDir, 90_000, options.answers ?? []);
    } finally {
      if (mounted) spawnSync('umount', [mediumMapped]);
      if (options.fc) this.swapTool('fc', false);
      if (useReg) this.swapTool('reg', false);
      if (options.manageBde === false) copyFileSync(join(this.root, 'standins', 'manage-bde.exe'), manageBde);
      if (options.winpe) await run('wine', ['reg', 'delete', miniNt, '/f'], wineRegEnv, this.root, 60_000);
      for (const path of cCreated.reverse()) rmSync(path, { recursive: true, force: true });
    }

    const resultPaths = [join(mediumDir, 'bootmend', 'results'), ...Object.values(volumeDirs).map((d) => join(d, 'bootmend-quarantine', 'results'))]
      .filter((d) => existsSync(d))
      .flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.json')).map((f) => join(d, f)));
    const results = resultPaths.map((p) => MachineResultSchema.parse(JSON.parse(readFileSync(p, 'utf8'))));
    const log = (name: string) => (existsSync(join(standinDir, name)) ? readFileSync(join(standinDir, name), 'utf8').split('\n').filter(Boolean) : []);
    return {
      exitCode: outcome.code,
      stdout: outcome.stdout,
      stderr: outcome.stderr,
      results,
      resultPaths,
      mediumDir,
      volumeDirs,
      cDir,
      calls: { manageBde: log('manage-bde.log'), bcdedit: log('bcdedit.log'), certutil: log('certutil.log'), fc: log('fc.log'), reg: log('reg.log'), fsutil: log('fsutil.log') },
      standinDir,
      scenarioDir,
    };
  }

  /**
   * Runs a batch file (e.g. a quarantine's restore.cmd) by its name in its own folder, so no
   * path with cmd metacharacters goes through a command line. The medium stays mapped as E:.
   */
  async runBatch(unixPath: string): Promise<{ code: number; stdout: string }> {
    const { code, stdout } = await run('wine', ['cmd', '/c', basename(unixPath)], this.env, dirname(unixPath), 60_000);
    return { code, stdout };
  }

  /** Runs `fix.cmd /selftest-utc ...` on a medium built from the CrowdStrike playbook. */
  async selftestUtc(cases: { local: string; offset: number; order: string }[]): Promise<string[]> {
    const dir = join(this.root, 'selftest');
    if (!existsSync(dir)) await buildPayload({ playbook: loadCrowdStrikePlaybook(), outDir: dir, mediumId: 'selftest' });
    this.clearDrives();
    symlinkSync(dir, this.drive('E'));
    const args = cases.flatMap((c) => [c.local, String(c.offset), c.order]);
    const { code, stdout } = await run('wine', ['cmd', '/c', 'E:\\bootmend\\fix.cmd', '/selftest-utc', ...args], this.env, this.root, 60_000);
    if (code !== 0) throw new Error(`fix.cmd /selftest-utc exited ${code}: ${stdout}`);
    return stdout.split(/\r?\n/).filter((l) => l.startsWith('SELFTEST '));
  }

  private drive(letter: string): string {
    return join(this.prefix, 'dosdevices', `${letter.toLowerCase()}:`);
  }

  /** Removes every mapped letter except Wine's own C: and Z: (Z: = /, which the stand-ins use). */
  private clearDrives(): void {
    const dosdevices = join(this.prefix, 'dosdevices');
    for (const name of readdirSync(dosdevices)) {
      if (/^[d-y]:$/.test(name)) unlinkSync(join(dosdevices, name));
    }
  }
}

export class ReadOnlyMediumUnavailable extends Error {}

/** The stand-in reg.exe's text form of an offline SYSTEM hive (see testing/standins/reg.c). */
function fakeHive(hive: NonNullable<FakeVolume['hive']>): Buffer {
  const lines = ['BOOTMEND-FAKE-HIVE', 'Select|Current|REG_DWORD|0x1'];
  const dword = (n: number) => `0x${(n >>> 0).toString(16)}`;
  if (hive.computerName !== undefined) lines.push(`ControlSet001\\Control\\ComputerName\\ComputerName|ComputerName|REG_SZ|${hive.computerName}`);
  if (hive.bias !== undefined) lines.push(`ControlSet001\\Control\\TimeZoneInformation|Bias|REG_DWORD|${dword(hive.bias)}`);
  if (hive.activeTimeBias !== undefined) lines.push(`ControlSet001\\Control\\TimeZoneInformation|ActiveTimeBias|REG_DWORD|${dword(hive.activeTimeBias)}`);
  if (hive.realTimeIsUniversal !== undefined) lines.push(`ControlSet001\\Control\\TimeZoneInformation|RealTimeIsUniversal|REG_DWORD|${dword(hive.realTimeIsUniversal ? 1 : 0)}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
}

/** Z:\path\with\backslashes for a Unix path (Wine maps Z: to /). */
export function toWinePath(unixPath: string): string {
  return `Z:${unixPath.replace(/\//g, '\\')}`;
}

/** Writes files below root; returns the top-most paths it created (for cleanup). */
function writeFakeFiles(root: string, files: FakeFile[]): string[] {
  const created: string[] = [];
  for (const file of files) {
    const parts = file.path.split('\\');
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      const existing = existsSync(dir) ? readdirSync(dir).find((n) => n.toLowerCase() === part.toLowerCase()) : undefined;
      dir = join(dir, existing ?? part);
      if (existing === undefined) {
        mkdirSync(dir, { recursive: true });
        if (!created.some((c) => dir.startsWith(`${c}/`))) created.push(dir);
      }
    }
    const path = join(dir, parts.at(-1)!);
    writeFileSync(path, file.content);
    const time = new Date(file.modified);
    utimesSync(path, time, time);
    if (!created.some((c) => path.startsWith(`${c}/`))) created.push(path);
  }
  return created;
}

/**
 * Runs a command with stdout/stderr going to files, and waits for the process to exit (not for
 * its pipes to close: Wine services started on demand, e.g. by wmic, inherit them and live on).
 */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number, answers: { after: string; type: string }[] = [], anyExit = false): Promise<{ code: number; stdout: string; stderr: string }> {
  const outDir = mkdtempSync(join(tmpdir(), 'bootmend-run-'));
  const outPath = join(outDir, 'stdout');
  const errPath = join(outDir, 'stderr');
  const out = openSync(outPath, 'w');
  const err = openSync(errPath, 'w');
  const collect = () => {
    const stdout = readFileSync(outPath, 'utf8');
    const stderr = readFileSync(errPath, 'utf8');
    rmSync(outDir, { recursive: true, force: true });
    return { stdout, stderr };
  };
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['pipe', out, err] });
    const stdin = child.stdin!;
    closeSync(out);
    closeSync(err);
    let seen = 0;
    let step = 0;
    const typer = setInterval(() => {
      const answer = answers[step];
      if (answer === undefined) return;
      const text = readFileSync(outPath, 'utf8');
      const at = text.indexOf(answer.after, seen);
      if (at < 0) return;
      seen = at + answer.after.length;
      step += 1;
      stdin.write(`${answer.type}\r\n`);
      if (step === answers.length) stdin.end();
    }, 100);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      clearInterval(typer);
      child.kill('SIGKILL');
      const { stdout, stderr } = collect();
      reject(new Error(`${command} ${args.join(' ')} timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearInterval(typer);
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      clearInterval(typer);
      clearTimeout(timer);
      // The killed child still exits: its output was already collected (and removed) for the timeout's error.
      if (timedOut) return;
      const { stdout, stderr } = collect();
      if (command !== 'wine' && !anyExit && code !== 0) reject(new Error(`${command} exited ${code}: ${stderr}`));
      else resolve({ code: code ?? -1, stdout, stderr });
    });
    stdin.on('error', () => undefined);
    if (answers.length === 0) stdin.end();
  });
}
