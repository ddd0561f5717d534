import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { requireCapability, requireRoot, requireTools } from '../../test/tools.js';
import {
  RECORDED_DATA_LOCKED_ALL,
  RECORDED_DATA_LOCKED_RECOVERY,
  RECORDED_DATA_PASSWORD_IDS,
  RECORDED_OS_LOCKED_ALL,
  RECORDED_OS_LOCKED_RECOVERY,
  RECORDED_OS_NO_TPM_KEY_ID,
  RECORDED_OS_NO_TPM_LOCKED_ALL,
  RECORDED_OS_NO_TPM_LOCKED_RECOVERY,
  RECORDED_OS_PASSWORD_ID,
} from '../../core/playbooks/manage-bde-recorded.js';
import { ReadOnlyMediumUnavailable, WINE_TOOLS, type FakeFile, type RunResult } from './testing/wine-harness.js';
import { wineBoxPerFile } from '../../test/wine-box.js';

/*
 * fix.cmd proven under Wine's cmd.exe: Windows is emulated; manage-bde.exe (English and German
 * output, lock state and accepted password from files the test writes), bcdedit.exe and
 * certutil.exe are stand-ins built from main/payload/testing/standins/*.c.
 */
const wine = requireTools(WINE_TOOLS, { for: 'fix.cmd under Wine' });
const readOnlyMount = requireRoot({ for: 'fix.cmd on a read-only medium (a read-only bind mount)' });

const CS = 'Windows\\System32\\drivers\\CrowdStrike';
const BAD = 'C-00000291-00000000-00000032.sys';
const badFile: FakeFile = {
  path: `${CS}\\${BAD}`,
  content: Buffer.concat([Buffer.from('AAAAAAAA01002301', 'hex'), Buffer.from('bad channel file')]),
  modified: '2024-07-19T04:20:00Z',
};
const KEY_ID = '6a5c3b2d-1e0f-4a9b-8c7d-112233445566';

/** A valid recovery password: 8 blocks, each 11 * k with k < 65536. */
function recoveryPassword(seed: number): string[] {
  return Array.from({ length: 8 }, (_, i) => String(11 * ((seed * 7919 + i * 104729) % 65536)).padStart(6, '0'));
}
const RIGHT = recoveryPassword(3);
const WRONG = recoveryPassword(5);

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0]!;
}

/** No form of the password in what fix.cmd printed or left on the medium or volumes. */
function expectNoSecret(run: RunResult, blocks: string[]): void {
  const forms = [blocks.join('-'), blocks.join(' '), blocks.join(''), ...blocks.filter((b) => b !== '000000')];
  const texts = [run.stdout, run.stderr, ...run.calls.manageBde, ...run.resultPaths.map((p) => readFileSync(p, 'utf8'))];
  const walk = (dir: string): string[] =>
    existsSync(dir) ? readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)])) : [];
  texts.push(...walk(run.mediumDir).map((p) => readFileSync(p, 'latin1')));
  for (const text of texts) for (const form of forms) expect(text).not.toContain(form);
}

wine.describe('fix.cmd under Wine (Windows emulated, manage-bde/bcdedit are stand-ins): BitLocker, read-only medium, safe boot', () => {
  const box = wineBoxPerFile();

  const lockedD = () => ({ D: { files: [badFile], locked: { password: RIGHT.join('-'), keyId: KEY_ID } } });

  it('unlocks a locked volume with the right password (German manage-bde, spaces between blocks) and fixes it', async () => {
    const run = await box().runFix({ language: 'de', volumes: lockedD(), args: ['/unattended', '/recoverypassword', RIGHT.join(' ')] });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain('Recovery key ID: 6A5C3B2D-1E0F-4A9B-8C7D-112233445566');
    const result = only(run.results);
    expect(result.volumes).toEqual([{ volume: 'D:', bitlocker: 'unlocked-by-bootmend', keyId: '6A5C3B2D-1E0F-4A9B-8C7D-112233445566', keyIds: ['6A5C3B2D-1E0F-4A9B-8C7D-112233445566'], role: 'os', skipped: false, outcome: 'fixed' }]);
    expect(only(result.files)).toMatchObject({ action: 'quarantined', checks: { modifiedUtc: 'pass', leadingBytes: 'pass' } });
    expect(run.calls.manageBde.filter((c) => c.includes('-unlock'))).toEqual(['manage-bde -unlock D: -RecoveryPassword <redacted>']);
    expect(existsSync(join(run.volumeDirs.D!, ...CS.split('\\'), BAD))).toBe(false);
    expectNoSecret(run, RIGHT);
  }, 90_000);

  it('says which block is mistyped and does not call manage-bde -unlock', async () => {
    const typo = [...RIGHT];
    typo[2] = String(Number(typo[2]) + 1).padStart(6, '0');
    const run = await box().runFix({ volumes: lockedD(), args: ['/unattended', '/recoverypassword', typo.join('-')] });
    expect(run.exitCode, run.stdout).toBe(2);
    expect(run.stdout).toContain('Block 3 of the recovery password is wrong');
    expect(run.stdout).toContain('Nothing was sent to BitLocker');
    expect(run.calls.manageBde.some((c) => c.includes('-unlock'))).toBe(false);
    const result = only(run.results);
    expect(result.outcome).toBe('needs_attention');
    expect(result.volumes).toEqual([{ volume: 'D:', bitlocker: 'locked', keyId: '6A5C3B2D-1E0F-4A9B-8C7D-112233445566', keyIds: ['6A5C3B2D-1E0F-4A9B-8C7D-112233445566'], role: 'os', skipped: false, outcome: 'needs_attention' }]);
    expect(result.files).toEqual([]);
    expect(existsSync(join(`${run.volumeDirs.D!}.locked`, ...CS.split('\\'), BAD))).toBe(true);
    expectNoSecret(run, typo);
  }, 90_000);

  it('reports a valid but wrong password that BitLocker refuses (English manage-bde): needs attention, exit 2', async () => {
    const run = await box().runFix({ language: 'en', volumes: lockedD(), args: ['/unattended', '/recoverypassword', WRONG.join('-')] });
    expect(run.exitCode, run.stdout).toBe(2);
    expect(run.stdout).toContain('BitLocker refused this recovery password for D:');
    expect(run.calls.manageBde.filter((c) => c.includes('-unlock'))).toHaveLength(1);
    const result = only(run.results);
    expect(result.outcome).toBe('needs_attention');
    expect(only(result.volumes)).toMatchObject({ bitlocker: 'locked', outcome: 'needs_attention' });
    expect(existsSync(join(`${run.volumeDirs.D!}.locked`, ...CS.split('\\'), BAD))).toBe(true);
    expectNoSecret(run, WRONG);
  }, 90_000);

  it('asks again at the prompt after a mistyped block, then unlocks with the password typed with dashes', async () => {
    const typo = [...RIGHT];
    typo[6] = '720896';
    const prompt = 'Type the 48-digit recovery password for D:';
    const run = await box().runFix({
      language: 'de',
      volumes: lockedD(),
      answers: [
        { after: prompt, type: typo.join('-') },
        { after: prompt, type: RIGHT.join('-') },
      ],
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain('Block 7 of the recovery password is wrong');
    expect(run.calls.manageBde.filter((c) => c.includes('-unlock'))).toHaveLength(1);
    expect(only(only(run.results).volumes)).toMatchObject({ bitlocker: 'unlocked-by-bootmend', outcome: 'fixed' });
    expectNoSecret(run, RIGHT);
  }, 90_000);

  // A read-only medium is a read-only bind mount: root, and a kernel that lets this process mount.
  readOnlyMount.it('keeps removed files and the result on the Windows volume when the medium is read-only', async (ctx) => {
    let run: RunResult;
    try {
      run = await box().runFix({ readOnlyMedium: true, args: ['/unattended'], volumes: { D: { files: [badFile] } } });
    } catch (error) {
      if (!(error instanceof ReadOnlyMediumUnavailable)) throw error;
      return requireCapability('a read-only bind mount', { for: 'fix.cmd on a read-only medium', present: false, howTo: `run as root where mounts are allowed: ${error.message}` }).check(ctx);
    }
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain('This stick is read-only');
    const resultPath = only(run.resultPaths);
    expect(resultPath.startsWith(join(run.volumeDirs.D!, 'bootmend-quarantine', 'results'))).toBe(true);
    const result = only(run.results);
    const entry = only(result.files);
    expect(entry.action).toBe('quarantined');
    expect(entry.quarantinePath).toMatch(/^D:\\bootmend-quarantine\\[^\\]+\\[0-9-]+\\D\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291-00000000-00000032\.sys$/);
    const onVolume = join(run.volumeDirs.D!, ...entry.quarantinePath!.slice(3).split('\\'));
    expect(existsSync(onVolume)).toBe(true);
    expect(existsSync(join(onVolume, '..', '..', '..', '..', '..', '..', 'manifest.txt'))).toBe(true);
    expect(readdirSync(join(run.mediumDir, 'bootmend', 'results'))).toEqual([]);
    expect(readdirSync(join(run.mediumDir, 'bootmend', 'quarantine'))).toEqual([]);
  }, 90_000);

  it('sets safe boot with bcdedit and records it', async () => {
    const run = await box().runFix({ args: ['/unattended', '/safeboot', 'set'], volumes: { D: { files: [{ ...badFile, modified: '2024-07-20T00:00:00Z' }] } } });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.calls.bcdedit).toEqual(['bcdedit /set {default} safeboot network']);
    const result = only(run.results);
    expect(result.safeBoot).toMatchObject({ requested: 'set', result: 'done', automatic: false });
    expect(result.outcome).toBe('nothing_to_do');
    expect(run.stdout).toContain('fix.cmd /safeboot clear');
  }, 90_000);

  it('clears safe boot, and a bcdedit failure is not reported as success', async () => {
    const run = await box().runFix({ args: ['/unattended', '/safeboot', 'clear'], bcdeditFails: true, volumes: { D: { files: [], folders: [CS] } } });
    // The entry cannot be listed (bcdedit fails): it is deleted anyway, and only success counts.
    expect(run.calls.bcdedit).toEqual(['bcdedit /enum {default}', 'bcdedit /deletevalue {default} safeboot']);
    expect(run.exitCode, run.stdout).toBe(2);
    const result = only(run.results);
    expect(result.safeBoot).toMatchObject({ requested: 'clear', result: 'failed', automatic: false });
    expect(result.outcome).toBe('needs_attention');
    expect(only(result.volumes)).toMatchObject({ volume: 'D:', outcome: 'nothing_to_do' });
  }, 90_000);

  it('in WinPE (MiniNT key) skips the system drive, reports winpe and falls back to %COMPUTERNAME% when the hive cannot be loaded', async () => {
    // Wine's reg has no "load", so the offline SYSTEM hive path ends in its fallback here.
    const hive: FakeFile = { path: 'Windows\\System32\\config\\SYSTEM', content: Buffer.from('regf'), modified: '2024-07-01T00:00:00Z' };
    const run = await box().runFix({ winpe: true, args: ['/unattended'], cFiles: [badFile], volumes: { D: { files: [badFile, hive] } } });
    expect(run.exitCode, run.stdout).toBe(0);
    const result = only(run.results);
    expect(result.environment).toBe('winpe');
    expect(result.volumes.map((v) => v.volume)).toEqual(['D:']);
    expect(result.machine.name).toMatch(/^[A-Z0-9-]+$/);
    // Without the PC's own time zone the result says its times are by this session's clock.
    expect(result).toMatchObject({ timesFrom: 'session', pcUtcOffsetMinutes: null });
    expect(run.stdout).toContain("The PC's own time zone could not be read from its registry");
    expect(only(result.files)).toMatchObject({ checks: { modifiedUtc: 'pass' }, action: 'quarantined' });
  }, 90_000);

  // manage-bde prints recorded real outputs here (core/playbooks/manage-bde-recorded.ts: Microsoft's
  // example of `manage-bde -protectors -get` for the OS volume, a recorded locked data volume), as
  // Microsoft's manage-bde documentation describes -get and -Type RecoveryPassword.
  it('several locked volumes: unlocks the OS volume (TPM protector) first, shows every recovery key ID, and a data drive left locked does not hold back the fixed PC', async () => {
    const run = await box().runFix({
      winpe: true,
      args: ['/unattended', '/recoverypassword', RIGHT.join('-')],
      volumes: {
        // The data drive has the earlier letter: the OS volume is still asked for first.
        D: {
          files: [{ path: 'Projects\\plan.txt', content: Buffer.from('data'), modified: '2024-07-01T00:00:00Z' }],
          locked: { password: WRONG.join('-'), keyId: RECORDED_DATA_PASSWORD_IDS[0], data: true, recorded: { all: RECORDED_DATA_LOCKED_ALL.replaceAll('F:', 'D:'), recoveryPassword: RECORDED_DATA_LOCKED_RECOVERY.replaceAll('F:', 'D:') } },
        },
        F: { files: [badFile], locked: { password: RIGHT.join('-'), keyId: RECORDED_OS_PASSWORD_ID, recorded: { all: RECORDED_OS_LOCKED_ALL.replaceAll('D:', 'F:'), recoveryPassword: RECORDED_OS_LOCKED_RECOVERY.replaceAll('D:', 'F:') } } },
      },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain('D: is locked by BitLocker [the OS volume or a data drive: no TPM protector tells which; known once it is unlocked]');
    expect(run.stdout).toContain('F: is locked by BitLocker [the OS volume]');
    expect(run.stdout).toContain(`any of these key IDs unlocks it: ${RECORDED_DATA_PASSWORD_IDS.join(' ')}`);
    expect(run.stdout).toContain(`look up any of its recovery key IDs: ${RECORDED_DATA_PASSWORD_IDS.join(' ')}`);
    expect(run.calls.manageBde.filter((c) => c.includes('-unlock'))).toEqual(['manage-bde -unlock F: -RecoveryPassword <redacted>', 'manage-bde -unlock D: -RecoveryPassword <redacted>']);
    const result = only(run.results);
    expect(result.outcome).toBe('fixed');
    expect(result.volumes).toEqual([
      { volume: 'F:', bitlocker: 'unlocked-by-bootmend', keyId: RECORDED_OS_PASSWORD_ID, keyIds: [RECORDED_OS_PASSWORD_ID], role: 'os', skipped: false, outcome: 'fixed' },
      { volume: 'D:', bitlocker: 'locked', keyId: RECORDED_DATA_PASSWORD_IDS[0], keyIds: [...RECORDED_DATA_PASSWORD_IDS], role: 'unknown', skipped: true, outcome: 'needs_attention' },
    ]);
    expect(existsSync(join(run.volumeDirs.F!, ...CS.split('\\'), BAD))).toBe(false);
    expectNoSecret(run, RIGHT);
  }, 90_000);

  // An OS volume of a PC without a TPM (password protector + recovery password, in the layout of
  // Microsoft's example output: core/playbooks/manage-bde-recorded.ts) lists no TPM protector,
  // like a data drive: it must still be unlocked and fixed, and told apart once it is unlocked.
  it('a locked OS volume protected without a TPM is not read as a data drive: unlocked, found to hold Windows, fixed; the data drive left locked is skipped', async () => {
    const osNoTpm = { password: RIGHT.join('-'), keyId: RECORDED_OS_NO_TPM_KEY_ID, recorded: { all: RECORDED_OS_NO_TPM_LOCKED_ALL, recoveryPassword: RECORDED_OS_NO_TPM_LOCKED_RECOVERY } };
    const dataDrive = { password: WRONG.join('-'), keyId: RECORDED_DATA_PASSWORD_IDS[0], data: true, recorded: { all: RECORDED_DATA_LOCKED_ALL.replaceAll('F:', 'D:'), recoveryPassword: RECORDED_DATA_LOCKED_RECOVERY.replaceAll('F:', 'D:') } };
    const windows: FakeFile = { path: 'Windows\\System32\\kernel32.dll', content: Buffer.from('MZ'), modified: '2024-07-01T00:00:00Z' };
    const run = await box().runFix({
      winpe: true,
      args: ['/unattended', '/recoverypassword', RIGHT.join('-')],
      volumes: { D: { files: [{ path: 'Projects\\plan.txt', content: Buffer.from('data'), modified: '2024-07-01T00:00:00Z' }], locked: dataDrive }, F: { files: [badFile, windows], locked: osNoTpm } },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain('F: is locked by BitLocker [the OS volume or a data drive: no TPM protector tells which; known once it is unlocked]');
    expect(run.stdout).not.toMatch(/F: is locked by BitLocker \[a data drive/);
    expect(run.calls.manageBde.filter((c) => c.includes('-unlock'))).toEqual(['manage-bde -unlock D: -RecoveryPassword <redacted>', 'manage-bde -unlock F: -RecoveryPassword <redacted>']);
    const result = only(run.results);
    expect(result.outcome).toBe('fixed');
    expect(result.volumes).toEqual([
      { volume: 'F:', bitlocker: 'unlocked-by-bootmend', keyId: RECORDED_OS_NO_TPM_KEY_ID, keyIds: [RECORDED_OS_NO_TPM_KEY_ID], role: 'os', skipped: false, outcome: 'fixed' },
      { volume: 'D:', bitlocker: 'locked', keyId: RECORDED_DATA_PASSWORD_IDS[0], keyIds: [...RECORDED_DATA_PASSWORD_IDS], role: 'unknown', skipped: true, outcome: 'needs_attention' },
    ]);
    expect(existsSync(join(run.volumeDirs.F!, ...CS.split('\\'), BAD))).toBe(false);
    expectNoSecret(run, RIGHT);
  }, 90_000);

  it('a locked OS volume without a TPM left locked (no password given) holds the PC back: needs attention, not a skipped data drive', async () => {
    const osNoTpm = { password: RIGHT.join('-'), keyId: RECORDED_OS_NO_TPM_KEY_ID, recorded: { all: RECORDED_OS_NO_TPM_LOCKED_ALL, recoveryPassword: RECORDED_OS_NO_TPM_LOCKED_RECOVERY } };
    const run = await box().runFix({ winpe: true, args: ['/unattended'], volumes: { F: { files: [badFile], locked: osNoTpm } } });
    expect(run.exitCode, run.stdout).toBe(2);
    const result = only(run.results);
    expect(result.outcome).toBe('needs_attention');
    expect(result.volumes).toEqual([{ volume: 'F:', bitlocker: 'locked', keyId: RECORDED_OS_NO_TPM_KEY_ID, keyIds: [RECORDED_OS_NO_TPM_KEY_ID], role: 'unknown', skipped: false, outcome: 'needs_attention' }]);
  }, 90_000);

  it('works on the /volume given and leaves other volumes alone', async () => {
    const run = await box().runFix({ args: ['/unattended', '/volume', 'f:'], volumes: { D: { files: [badFile] }, F: { files: [badFile] } } });
    expect(run.exitCode, run.stdout).toBe(0);
    const result = only(run.results);
    expect(result.volumes.map((v) => [v.volume, v.outcome])).toEqual([['F:', 'fixed']]);
    expect(existsSync(join(run.volumeDirs.D!, ...CS.split('\\'), BAD))).toBe(true);
    expect(existsSync(join(run.volumeDirs.F!, ...CS.split('\\'), BAD))).toBe(false);
  }, 90_000);

  it('refuses wrong usage with exit code 64', async () => {
    const run = await box().runFix({ args: ['/safeboot', 'maybe'] });
    expect(run.exitCode).toBe(64);
    expect(run.stdout).toContain('/safeboot takes "set" or "clear"');
    expect(run.results).toEqual([]);
  }, 60_000);
});
