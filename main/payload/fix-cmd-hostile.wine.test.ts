import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { requireTools } from '../../test/tools.js';
import { WINE_TOOLS, type FakeFile } from './testing/wine-harness.js';
import { wineBoxPerFile } from '../../test/wine-box.js';

/*
 * fix.cmd against hostile names, under Wine's cmd.exe (Windows emulated, manage-bde, bcdedit and
 * certutil are stand-ins). Every name below would run `md bmcanary-…` if cmd ever parsed it as
 * part of a command line; the proof is that no such folder appears, while the bad file is still
 * found, checked and quarantined, and restore.cmd puts it back.
 *
 * Wine's cmd expands % more eagerly than real cmd (MACHINE-NOTES): it turns even a single % in
 * a file name into a variable reference when the name is printed or used, so a file that fix.cmd
 * must act on cannot hold a % here (real cmd expands a variable's value once and keeps it). The
 * % names below are ones the glob does not match: dir must not list them and fix.cmd must leave
 * them alone. fix-cmd-text.test.ts proves on the script's text that no name reaches a place
 * where real cmd expands it twice.
 */
const wine = requireTools(WINE_TOOLS, { for: 'fix.cmd under Wine' });

const CS = 'Windows\\System32\\drivers\\CrowdStrike';
const MAGIC = Buffer.from('AAAAAAAA01002301', 'hex');
const IN_WINDOW = '2024-07-19T04:09:00Z';
const AFTER_WINDOW = '2024-07-19T05:27:00Z';

/** Matches the playbook's C-00000291*.sys, is in the window and starts with the bad bytes. */
const BAD = "C-00000291-00000000-00000032 & md bmcanary-bad & rem (1) ^x! 'a';.sys";
/** Matches the glob but was written after the window: a good file. */
const GOOD = "C-00000291-00000000-00000033 & md bmcanary-good & rem ^!();'.sys";
/** Do not match the glob at all. */
const OTHER = "notes & md bmcanary-other & rem (x) ^!;' 100%.txt";
const NEAR = "C-00000290 50% & md bmcanary-near & rem %TEMP% ^!();'.sys";
/** ";" separates words for cmd (and Wine's) like a space does; fix.cmd turns spaces in a name into dashes. */
const MACHINE = 'PC&md;bmcanary-machine';

const file = (name: string, modified: string): FakeFile => ({ path: `${CS}\\${name}`, content: Buffer.concat([MAGIC, Buffer.from(name)]), modified });

/** Every folder or file below `dir` whose name starts with bmcanary (the planted names do not). */
function canaries(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((path) => /(^|\/)bmcanary/.test(path));
}

wine.describe('fix.cmd under Wine (Windows emulated, tools are stand-ins): hostile file and machine names', () => {
  const box = wineBoxPerFile();

  it("runs no command hidden in file names with % & ^ ! ( ) ' ; or in a machine name with &, still quarantines the bad file, and restore.cmd puts it back", async () => {
    const run = await box().runFix({
      args: ['/unattended'],
      computerName: MACHINE,
      volumes: { D: { files: [file(BAD, IN_WINDOW), file(GOOD, AFTER_WINDOW), file(OTHER, IN_WINDOW), file(NEAR, IN_WINDOW)] } },
    });
    expect(canaries(run.scenarioDir), run.stdout).toEqual([]);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain(`Machine: "${MACHINE}"`);

    const result = run.results[0]!;
    expect(run.results).toHaveLength(1);
    expect(result.machine.name).toBe(MACHINE);
    expect(result.outcome).toBe('fixed');
    const byName = (name: string) => result.files.find((f) => f.path === `D:\\${CS}\\${name}`);
    expect(byName(BAD)).toMatchObject({ action: 'quarantined', checks: { modifiedUtc: 'pass', leadingBytes: 'pass' } });
    expect(byName(GOOD)).toMatchObject({ action: 'left-alone', checks: { modifiedUtc: 'fail' } });
    expect(result.files).toHaveLength(2);

    const folder = join(run.volumeDirs.D!, ...CS.split('\\'));
    expect(readdirSync(folder).sort()).toEqual([GOOD, OTHER, NEAR].sort());
    const runDir = join(run.mediumDir, 'bootmend', 'quarantine', MACHINE, readdirSync(join(run.mediumDir, 'bootmend', 'quarantine', MACHINE))[0]!);
    const quarantined = join(runDir, 'D', ...CS.split('\\'), BAD);
    expect(readFileSync(quarantined)).toEqual(Buffer.concat([MAGIC, Buffer.from(BAD)]));

    // restore.cmd is a batch file too: its % are doubled, so it names the real paths.
    const restoreText = readFileSync(join(runDir, 'restore.cmd'), 'ascii');
    expect(restoreText).toContain(`move /y "${byName(BAD)!.quarantinePath!.replace(/%/g, '%%')}" "D:\\${CS}\\${BAD.replace(/%/g, '%%')}"`);
    const restored = await box().runBatch(join(runDir, 'restore.cmd'));
    expect(restored.code, restored.stdout).toBe(0);
    expect(canaries(run.scenarioDir)).toEqual([]);
    expect(existsSync(quarantined)).toBe(false);
    expect(readFileSync(join(folder, BAD))).toEqual(Buffer.concat([MAGIC, Buffer.from(BAD)]));
    expect(readdirSync(folder).sort()).toEqual([BAD, GOOD, OTHER, NEAR].sort());
  }, 120_000);

  it("runs no command hidden in the name the PC's own offline SYSTEM hive gives (a disk repaired in a dock), and files the PC under it", async () => {
    // The name is read from `reg query` output (stand-in reg.exe), not from COMPUTERNAME: a second way in for a PC's value.
    const hiveName = "PC&md;bmcanary-hive&rem;(x)^!'";
    const run = await box().runFix({
      args: ['/unattended'],
      volumes: { D: { files: [file(BAD, IN_WINDOW)], hive: { computerName: hiveName, activeTimeBias: 0 } } },
    });
    expect(canaries(run.scenarioDir), run.stdout).toEqual([]);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain(`Machine: "${hiveName}"`);
    const result = run.results[0]!;
    expect(result.machine.name).toBe(hiveName);
    expect(result.outcome).toBe('fixed');
    expect(existsSync(join(run.mediumDir, 'bootmend', 'quarantine', hiveName))).toBe(true);
  }, 120_000);
});
