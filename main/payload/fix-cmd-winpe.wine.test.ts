import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { requireTools } from '../../test/tools.js';
import { WINE_TOOLS, type FakeFile } from './testing/wine-harness.js';
import { wineBoxPerFile } from '../../test/wine-box.js';

/*
 * fix.cmd as real WinPE, WinRE and Safe Mode behave (issue 13), under Wine's cmd. Windows is
 * emulated: fc, fsutil, bcdedit and manage-bde are stand-ins built from testing/standins/*.c,
 * answering as Microsoft documents them:
 *   - fc /b (learn.microsoft.com/windows-server/administration/windows-commands/fc): one
 *     "offset: byte byte" line per differing byte, "FC: x longer than y" for the longer file;
 *   - fsutil (…/windows-commands/fsutil): "You must be logged on as an administrator … to use
 *     fsutil", so `fsutil dirty query %SystemDrive%` fails in a window that is not elevated.
 * Wine's own fc and PowerShell are stubs that print nothing, so a run without the fc
 * stand-in is a default WinPE without PowerShell or certutil.
 */
const wine = requireTools(WINE_TOOLS, { for: 'fix.cmd under Wine' });

const CS = 'Windows\\System32\\drivers\\CrowdStrike';
const MAGIC = Buffer.from('AAAAAAAA01002301', 'hex');
const file = (name: string, modified: string, content: Buffer): FakeFile => ({ path: `${CS}\\${name}`, content, modified });
const IN_WINDOW = '2024-07-19T04:20:00Z';

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0]!;
}

wine.describe('fix.cmd under Wine as in real WinPE, WinRE and Safe Mode (Windows emulated; fc, fsutil, bcdedit, manage-bde are stand-ins)', () => {
  const box = wineBoxPerFile(240_000);

  it('quarantines an all-zero copy inside the time window with its own reason, and names the one check that failed for a file it leaves', async () => {
    const zero = 'C-00000291-00000000-00000032.sys';
    const late = 'C-00000291-00000000-00000033.sys';
    const run = await box().runFix({
      args: ['/unattended'],
      certutil: false,
      fc: true,
      volumes: { D: { files: [file(zero, IN_WINDOW, Buffer.alloc(4096)), file(late, '2024-07-19T05:40:00Z', Buffer.concat([MAGIC, Buffer.from('fixed')]))] } },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const result = only(run.results);
    expect(result.outcome).toBe('fixed');
    const byName = (n: string) => result.files.find((f) => f.path.endsWith(n))!;
    expect(byName(zero)).toMatchObject({ action: 'quarantined', reason: 'zero-filled', checks: { modifiedUtc: 'pass', leadingBytes: 'fail' } });
    expect(byName(zero).note).toContain('all bytes are zero');
    expect(existsSync(join(run.volumeDirs.D!, ...CS.split('\\'), zero))).toBe(false);
    // Only the time window failed: the file is left and the check is named, not "not the bad file".
    expect(byName(late)).toMatchObject({ action: 'left-alone', reason: 'check-failed', note: 'the time window check failed', checks: { modifiedUtc: 'fail', leadingBytes: 'pass' } });
    expect(run.stdout).toContain('left alone: the time window check failed.');
    expect(run.stdout).not.toContain('not the bad file');
    expect(run.calls.fc.some((c) => c.endsWith('\\bootmend\\ref\\zero.bin'))).toBe(true);
  }, 120_000);

  it('reads the leading bytes with fc /b against the medium where certutil and PowerShell are missing, and "whenAvailable" lets a file through where fc is missing too', async () => {
    const bad = 'C-00000291-00000000-00000032.sys';
    const other = 'C-00000291-00000000-00000034.sys';
    const withFc = await box().runFix({
      args: ['/unattended'],
      certutil: false,
      fc: true,
      volumes: { D: { files: [file(bad, IN_WINDOW, Buffer.concat([MAGIC, Buffer.from('bad')])), file(other, IN_WINDOW, Buffer.from('0123456789abcdef'))] } },
    });
    expect(withFc.exitCode, withFc.stdout).toBe(0);
    const files = only(withFc.results).files;
    expect(files.find((f) => f.path.endsWith(bad))).toMatchObject({ action: 'quarantined', reason: 'conditions-met', checks: { leadingBytes: 'pass' } });
    expect(files.find((f) => f.path.endsWith(other))).toMatchObject({ action: 'left-alone', note: 'the leading bytes check failed', checks: { leadingBytes: 'fail' } });
    expect(withFc.calls.fc.some((c) => c.endsWith('\\bootmend\\ref\\lead-1.bin'))).toBe(true);

    // Default WinPE: no PowerShell, certutil or fc. The name and the time window are required,
    // the leading bytes only "whenAvailable" (crowdstrike-cf291), so the file is still removed.
    const bare = await box().runFix({ args: ['/unattended'], certutil: false, volumes: { D: { files: [file(bad, IN_WINDOW, Buffer.concat([MAGIC, Buffer.from('bad')]))] } } });
    expect(bare.exitCode, bare.stdout).toBe(0);
    expect(only(only(bare.results).files)).toMatchObject({ action: 'quarantined', checks: { leadingBytes: 'unknown' }, note: 'could not be checked here, and not required: leading bytes' });
  }, 180_000);

  it('in Safe Mode without elevation says to run as administrator and changes nothing (fsutil dirty query fails)', async () => {
    const bad = 'C-00000291-00000000-00000032.sys';
    const run = await box().runFix({ args: ['/unattended'], env: { SAFEBOOT_OPTION: 'NETWORK' }, notElevated: true, volumes: { D: { files: [file(bad, IN_WINDOW, Buffer.concat([MAGIC, Buffer.from('bad')]))] } } });
    expect(run.exitCode, run.stdout).toBe(2);
    expect(run.stdout).toContain('Running in: safemode');
    expect(run.stdout).toContain('not running as administrator');
    expect(run.stdout).toContain('"Run as administrator"');
    expect(run.stdout).not.toContain('not-protected');
    expect(run.calls.fsutil).toEqual(['fsutil dirty query C:']);
    expect(run.calls.manageBde).toEqual([]);
    expect(run.results).toEqual([]);
    expect(existsSync(join(run.volumeDirs.D!, ...CS.split('\\'), bad))).toBe(true);
    expect(readdirSync(join(run.mediumDir, 'bootmend', 'quarantine'))).toEqual([]);
  }, 120_000);

  // bcdedit /deletevalue (learn.microsoft.com/windows-hardware/manufacture/desktop/bcdedit-command-line-options):
  // removes an element; for one that is not set it reports "Element not found" (exit 1), which
  // fix.cmd must not count as a failure: it lists the entry (bcdedit /enum) first.
  it('after a successful fix in Safe Mode clears safe boot on {default} and {current}, shows what changed and records it', async () => {
    const bad = 'C-00000291-00000000-00000032.sys';
    const run = await box().runFix({
      args: ['/unattended'],
      env: { SAFEBOOT_OPTION: 'NETWORK' },
      safeBootSet: { default: 'Network', current: 'Network' },
      volumes: { D: { files: [file(bad, IN_WINDOW, Buffer.concat([MAGIC, Buffer.from('bad')]))] } },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.calls.fsutil).toEqual(['fsutil dirty query C:']);
    expect(run.calls.bcdedit).toEqual([
      'bcdedit /enum {default}',
      'bcdedit /deletevalue {default} safeboot',
      'bcdedit /enum {default}',
      'bcdedit /enum {current}',
      'bcdedit /deletevalue {current} safeboot',
      'bcdedit /enum {current}',
    ]);
    expect(run.stdout).toContain('{default}: safeboot Network -> removed.');
    expect(run.stdout).toContain('{current}: safeboot Network -> removed.');
    const result = only(run.results);
    expect(result.outcome).toBe('fixed');
    expect(result.safeBoot).toEqual({
      requested: 'clear',
      result: 'done',
      automatic: true,
      entries: [
        { entry: '{default}', before: 'Network', after: null },
        { entry: '{current}', before: 'Network', after: null },
      ],
    });
    expect(existsSync(join(run.standinDir, 'safeboot-default'))).toBe(false);
  }, 120_000);

  it('in WinRE files the PC under its offline hive\'s name, counts safe boot that was not set as success, and /safeboot clear when nothing is set is not a failure', async () => {
    const bad = 'C-00000291-00000000-00000032.sys';
    // Wine's C: stands for WinRE's X: with \sources\recovery (how fix.cmd tells WinRE from WinPE).
    // The PC's offline hive says Central European summer time (ActiveTimeBias -120): WinRE's own
    // zone is this session's (UTC under Wine), so the PC's hardware clock reads two hours ahead.
    const before = Date.now();
    const winre = await box().runFix({
      args: ['/unattended'],
      winpe: true,
      cFiles: [{ path: 'sources\\recovery\\marker.txt', content: Buffer.from('x'), modified: IN_WINDOW }],
      volumes: { D: { files: [file(bad, IN_WINDOW, Buffer.concat([MAGIC, Buffer.from('bad')]))], hive: { computerName: 'PC-BERLIN-1', activeTimeBias: -120, bias: -60 } } },
    });
    const after = Date.now();
    expect(winre.exitCode, winre.stdout).toBe(0);
    // Times in the result: UTC by the PC's own zone (the session's clock minus two hours here)…
    const twoHours = 120 * 60_000;
    const result = only(winre.results);
    expect(result).toMatchObject({ timesFrom: 'pc-time-zone', pcUtcOffsetMinutes: 120, utcOffsetMinutes: 0 });
    expect(Date.parse(result.startedAt)).toBeGreaterThanOrEqual(before - twoHours - 2000);
    expect(Date.parse(result.endedAt)).toBeLessThanOrEqual(after - twoHours + 2000);
    expect(winre.stdout).toContain("Clock: the PC's own time zone is 120 minutes from UTC");
    // …while the channel file's time window stays on the session's zone, in which cmd shows file times.
    expect(only(result.files)).toMatchObject({ modifiedUtc: '2024-07-19T04:20:00Z', checks: { modifiedUtc: 'pass' }, action: 'quarantined' });
    expect(winre.stdout).toContain('Running in: winre');
    // WinRE's own name is a random MININT-…: the PC is filed under the name in its offline SYSTEM hive.
    expect(result.machine.name).toBe('PC-BERLIN-1');
    expect(winre.stdout).toContain('Machine: "PC-BERLIN-1"');
    expect(existsSync(join(winre.mediumDir, 'bootmend', 'quarantine', 'PC-BERLIN-1'))).toBe(true);
    expect(winre.calls.bcdedit).toEqual(['bcdedit /enum {default}']);
    expect(winre.stdout).toContain('{default}: safeboot was not set.');
    expect(only(winre.results).safeBoot).toEqual({ requested: 'clear', result: 'not-set', automatic: true, entries: [{ entry: '{default}', before: null, after: null }] });
    expect(only(winre.results).outcome).toBe('fixed');

    const asked = await box().runFix({ args: ['/unattended', '/safeboot', 'clear'], volumes: { D: { files: [], folders: [CS] } } });
    expect(asked.exitCode, asked.stdout).toBe(0);
    expect(only(asked.results)).toMatchObject({ outcome: 'nothing_to_do', safeBoot: { requested: 'clear', result: 'not-set', automatic: false } });
  }, 180_000);

  it('without manage-bde in the image lists the drives it could not read and says this WinPE cannot unlock BitLocker', async () => {
    const bad = 'C-00000291-00000000-00000032.sys';
    const run = await box().runFix({
      args: ['/unattended'],
      winpe: true,
      manageBde: false,
      volumes: { D: { files: [file(bad, IN_WINDOW, MAGIC)], locked: { password: '0', keyId: '6a5c3b2d-1e0f-4a9b-8c7d-112233445566' } } },
    });
    expect(run.exitCode, run.stdout).toBe(2);
    expect(run.calls.manageBde).toEqual([]);
    expect(run.stdout).toContain('These drives could not be read: D:');
    expect(run.stdout).toContain('This WinPE has no manage-bde, so it cannot unlock BitLocker');
    const result = only(run.results);
    expect(result.outcome).toBe('needs_attention');
    expect(result.unreadableDrives).toEqual(['D:']);
    // The drive is there, only locked: no storage-driver advice.
    expect(run.stdout).not.toContain('A storage driver may be missing');
  }, 120_000);

  it('no Windows drive at all is "could not see the disk" with the storage-driver advice; Windows without the folder is nothing to do', async () => {
    // WinPE with no drive but its own RAM disk (Wine's C:, skipped as X: would be).
    const blind = await box().runFix({ args: ['/unattended'], winpe: true });
    expect(blind.exitCode, blind.stdout).toBe(2);
    const result = only(blind.results);
    expect(result).toMatchObject({ outcome: 'needs_attention', volumes: [], files: [] });
    expect(blind.stdout).toContain('No Windows drive was found at all');
    expect(blind.stdout).toContain('A storage driver may be missing');
    expect(blind.stdout).toContain('\\bootmend\\drivers');
    expect(blind.stdout).toContain("the PC's own Windows Recovery [WinRE]");

    // Plain Windows: C: holds Windows (Wine's own) but not the CrowdStrike folder.
    const clean = await box().runFix({ args: ['/unattended'] });
    expect(clean.exitCode, clean.stdout).toBe(0);
    expect(only(clean.results)).toMatchObject({ outcome: 'nothing_to_do', volumes: [] });
    expect(clean.stdout).toContain("Windows is on C: but no volume holds the playbook's folder");
    expect(clean.stdout).not.toContain('A storage driver may be missing');
  }, 120_000);

  // reg load / reg unload (learn.microsoft.com/windows-server/administration/windows-commands/reg-load):
  // an offline hive is loaded under HKLM, read, and unloaded again.
  it('files a disk repaired in a dock (plain Windows) under the name in its own offline SYSTEM hive, and unloads the hive', async () => {
    const bad = 'C-00000291-00000000-00000032.sys';
    const run = await box().runFix({
      args: ['/unattended'],
      volumes: { D: { files: [file(bad, IN_WINDOW, Buffer.concat([MAGIC, Buffer.from('bad')]))], hive: { computerName: 'PC-DOCKED-7', activeTimeBias: 300 } } },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const result = only(run.results);
    expect(result.environment).toBe('windows');
    expect(result.machine.name).toBe('PC-DOCKED-7');
    expect(run.stdout).toContain('Machine: "PC-DOCKED-7"');
    expect(existsSync(join(run.mediumDir, 'bootmend', 'quarantine', 'PC-DOCKED-7'))).toBe(true);
    expect(run.calls.reg.filter((c) => c.includes('BM_SYS'))).toEqual([
      'reg load HKLM\\BM_SYS D:\\Windows\\System32\\config\\SYSTEM',
      'reg query HKLM\\BM_SYS\\Select /v Current',
      'reg query HKLM\\BM_SYS\\ControlSet001\\Control\\ComputerName\\ComputerName /v ComputerName',
      'reg query HKLM\\BM_SYS\\ControlSet001\\Control\\TimeZoneInformation',
      'reg unload HKLM\\BM_SYS',
    ]);
    // Windows keeps its own clock right: times stay the session's; the PC's zone is recorded.
    expect(result).toMatchObject({ timesFrom: 'session', pcUtcOffsetMinutes: -300 });
    expect(existsSync(join(run.standinDir, 'bm_sys.loaded'))).toBe(false);
  }, 120_000);
});
