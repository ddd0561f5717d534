import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { requireTools } from '../../test/tools.js';
import type { MachineResult } from '../../core/playbooks/machine-result.js';
import type { PlaybookInput } from '../../core/playbooks/playbook.js';
import { loadCrowdStrikePlaybook, WINE_TOOLS, type FakeFile } from './testing/wine-harness.js';
import { wineBoxPerFile } from '../../test/wine-box.js';

/*
 * fix.cmd proven under Wine's cmd.exe: Windows is emulated, and manage-bde, bcdedit and
 * certutil are stand-ins built from main/payload/testing/standins/*.c. Wine shows file times
 * in UTC whatever TZ says, so these runs have a UTC offset of 0 (TZ=UTC for wmic); the
 * local-time conversion itself is tested through `fix.cmd /selftest-utc` below.
 */
const wine = requireTools(WINE_TOOLS, { for: 'fix.cmd under Wine' });

const CS = 'Windows\\System32\\drivers\\CrowdStrike';
const MAGIC = Buffer.from('AAAAAAAA01002301', 'hex');
const channelFile = (name: string, modified: string, body = name): FakeFile => ({
  path: `${CS}\\${name}`,
  content: Buffer.concat([MAGIC, Buffer.from(body)]),
  modified,
});
const BAD = 'C-00000291-00000000-00000032.sys';
const GOOD = 'C-00000291-00000000-00000033.sys';

function fileEntry(result: MachineResult, name: string) {
  const entry = result.files.find((f) => f.path.endsWith(`\\${name}`));
  if (!entry) throw new Error(`no file entry for ${name} in ${JSON.stringify(result.files)}`);
  return entry;
}

/** The CrowdStrike playbook with its leading bytes "required" (it ships them "whenAvailable"). */
function leadingBytesRequired(): PlaybookInput {
  const playbook = loadCrowdStrikePlaybook();
  return { ...playbook, targets: playbook.targets.map((t) => ({ ...t, conditions: { ...t.conditions, requirement: { modifiedUtc: 'required', leadingBytesHex: 'required' } } })) };
}

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0]!;
}

/** <medium>\bootmend\quarantine\<machine>\<run> */
function quarantineRun(mediumDir: string, machine: string): string {
  const base = join(mediumDir, 'bootmend', 'quarantine', machine);
  return join(base, only(readdirSync(base)));
}

wine.describe('fix.cmd under Wine (Windows emulated, tools are stand-ins): files and conditions', () => {
  const box = wineBoxPerFile();

  it('quarantines only the bad channel file beside a good one on C:, with a manifest and a result that parses', async () => {
    const playbook = loadCrowdStrikePlaybook() as PlaybookInput & { title: string };
    playbook.title = "Channel file 291 & co | <test> ^caret (Wine) 'quoted'";
    const run = await box().runFix({
      playbook,
      args: ['/unattended'],
      cFiles: [
        channelFile('C-00000291-00000000-00000031.sys', '2024-07-19T04:08:59Z'),
        channelFile(BAD, '2024-07-19T04:09:00Z'),
        channelFile(GOOD, '2024-07-19T05:27:00Z'),
      ],
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain(`"Channel file 291 & co | <test> ^caret (Wine) 'quoted'"`);

    const result = only(run.results);
    expect(result.outcome).toBe('fixed');
    expect(result.playbook).toEqual({ id: 'crowdstrike-cf291', version: '1.0.0' });
    expect(result.mediumId).toBe('wine-test-1');
    expect(result.utcOffsetMinutes).toBe(0);
    expect(result.volumes).toEqual([{ volume: 'C:', bitlocker: 'not-protected', keyId: null, keyIds: [], role: 'os', skipped: false, outcome: 'fixed' }]);
    expect(result.files).toHaveLength(3);
    const bad = fileEntry(result, BAD);
    expect(bad).toMatchObject({
      volume: 'C:',
      path: `C:\\${CS}\\${BAD}`,
      targetId: 'channel-file-291',
      modifiedUtc: '2024-07-19T04:09:00Z',
      checks: { modifiedUtc: 'pass', sizeBytes: 'not-required', leadingBytes: 'pass', sha256: 'not-required' },
      action: 'quarantined',
    });
    expect(fileEntry(result, GOOD)).toMatchObject({ modifiedUtc: '2024-07-19T05:27:00Z', checks: { modifiedUtc: 'fail' }, action: 'left-alone', quarantinePath: null });
    expect(fileEntry(result, 'C-00000291-00000000-00000031.sys')).toMatchObject({ checks: { modifiedUtc: 'fail' }, action: 'left-alone' });
    expect(Date.parse(result.endedAt)).toBeGreaterThanOrEqual(Date.parse(result.startedAt));

    // Wine's C: is the prefix's drive_c; fix.cmd ran after the harness put the files there.
    const runDir = quarantineRun(run.mediumDir, result.machine.name);
    const moved = join(runDir, 'C', ...CS.split('\\'), BAD);
    expect(readFileSync(moved)).toEqual(Buffer.concat([MAGIC, Buffer.from(BAD)]));
    expect(bad.quarantinePath).toBe(`E:\\bootmend\\quarantine\\${result.machine.name}\\${runDir.split('/').at(-1)}\\C\\${CS}\\${BAD}`);
    const manifest = readFileSync(join(runDir, 'manifest.txt'), 'utf8').split('\r\n').filter((l) => l && !l.startsWith('#'));
    expect(manifest).toEqual([`"C:\\${CS}\\${BAD}" "${bad.quarantinePath}" ${bad.sizeBytes} 2024-07-19T04:09:00Z -`]);
    expect(readFileSync(join(runDir, 'restore.cmd'), 'utf8')).toContain(`move /y "${bad.quarantinePath}" "C:\\${CS}\\${BAD}"`);
  }, 90_000);

  it('leaves a lone good file alone: nothing to do, exit 0', async () => {
    const run = await box().runFix({ args: ['/unattended'], volumes: { D: { files: [channelFile(GOOD, '2024-07-19T05:27:00Z')] } } });
    expect(run.exitCode, run.stdout).toBe(0);
    const result = only(run.results);
    expect(result.outcome).toBe('nothing_to_do');
    expect(result.volumes).toEqual([{ volume: 'D:', bitlocker: 'not-protected', keyId: null, keyIds: [], role: 'os', skipped: false, outcome: 'nothing_to_do' }]);
    expect(only(result.files)).toMatchObject({ action: 'left-alone', checks: { modifiedUtc: 'fail', leadingBytes: 'pass' } });
    expect(existsSync(join(run.volumeDirs.D!, ...CS.split('\\'), GOOD))).toBe(true);
    expect(existsSync(join(run.mediumDir, 'bootmend', 'quarantine', result.machine.name))).toBe(false);
    expect(run.stdout).toContain('The bad file is not on this PC');
  }, 90_000);

  it('finds the target folder on D: when C: has none', async () => {
    const run = await box().runFix({ args: ['/unattended'], volumes: { D: { files: [channelFile(BAD, '2024-07-19T04:30:00Z')] } } });
    expect(run.exitCode, run.stdout).toBe(0);
    const result = only(run.results);
    expect(result.volumes.map((v) => v.volume)).toEqual(['D:']);
    expect(result.outcome).toBe('fixed');
    expect(only(result.files)).toMatchObject({ volume: 'D:', path: `D:\\${CS}\\${BAD}`, action: 'quarantined' });
    expect(existsSync(join(run.volumeDirs.D!, ...CS.split('\\'), BAD))).toBe(false);
    expect(existsSync(join(quarantineRun(run.mediumDir, result.machine.name), 'D', ...CS.split('\\'), BAD))).toBe(true);
  }, 90_000);

  it('handles a file name with spaces, ignores look-alikes elsewhere in the tree and 8.3 extension matches', async () => {
    const spaced = 'C-00000291-00000000-00000032 (1).sys';
    const run = await box().runFix({
      args: ['/unattended'],
      volumes: {
        D: {
          files: [
            channelFile(spaced, '2024-07-19T04:10:00Z'),
            channelFile('C-00000291-00000000-00000032.sysx', '2024-07-19T04:10:00Z'),
            { path: `Program Files\\CrowdStrike Copy\\${BAD}`, content: Buffer.concat([MAGIC, Buffer.from('x')]), modified: '2024-07-19T04:10:00Z' },
            { path: `Users\\Some One\\Desktop\\${spaced}`, content: Buffer.concat([MAGIC, Buffer.from('x')]), modified: '2024-07-19T04:10:00Z' },
          ],
        },
      },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const result = only(run.results);
    const entry = only(result.files);
    expect(entry).toMatchObject({ path: `D:\\${CS}\\${spaced}`, action: 'quarantined' });
    expect(entry.quarantinePath).toMatch(/\\D\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291-00000000-00000032 \(1\)\.sys$/);
    const d = run.volumeDirs.D!;
    expect(existsSync(join(d, ...CS.split('\\'), spaced))).toBe(false);
    expect(existsSync(join(d, ...CS.split('\\'), 'C-00000291-00000000-00000032.sysx'))).toBe(true);
    expect(existsSync(join(d, 'Program Files', 'CrowdStrike Copy', BAD))).toBe(true);
    expect(existsSync(join(d, 'Users', 'Some One', 'Desktop', spaced))).toBe(true);
  }, 90_000);

  it('fixes two volumes in one run', async () => {
    const run = await box().runFix({
      args: ['/unattended'],
      volumes: {
        D: { files: [channelFile(BAD, '2024-07-19T04:09:00Z'), channelFile(GOOD, '2024-07-19T06:00:00Z')] },
        F: { files: [channelFile(BAD, '2024-07-19T05:26:00Z')] },
      },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const result = only(run.results);
    expect(result.outcome).toBe('fixed');
    expect(result.volumes.map((v) => [v.volume, v.outcome])).toEqual([
      ['D:', 'fixed'],
      ['F:', 'fixed'],
    ]);
    expect(result.files.map((f) => [f.volume, f.action])).toEqual([
      ['D:', 'quarantined'],
      ['D:', 'left-alone'],
      ['F:', 'quarantined'],
    ]);
    const runDir = quarantineRun(run.mediumDir, result.machine.name);
    expect(existsSync(join(runDir, 'D', ...CS.split('\\'), BAD))).toBe(true);
    expect(existsSync(join(runDir, 'F', ...CS.split('\\'), BAD))).toBe(true);
    expect(readFileSync(join(runDir, 'manifest.txt'), 'utf8').match(/^"/gm)).toHaveLength(2);
  }, 90_000);

  it('reports a file it cannot verify and leaves it in place in /unattended (no certutil, no PowerShell)', async () => {
    const run = await box().runFix({ playbook: leadingBytesRequired(), args: ['/unattended'], certutil: false, volumes: { D: { files: [channelFile(BAD, '2024-07-19T04:09:00Z')] } } });
    expect(run.exitCode, run.stdout).toBe(2);
    const result = only(run.results);
    expect(result.outcome).toBe('needs_attention');
    expect(only(result.files)).toMatchObject({ action: 'skipped-unverified', checks: { modifiedUtc: 'pass', leadingBytes: 'unknown' }, quarantinePath: null });
    expect(existsSync(join(run.volumeDirs.D!, ...CS.split('\\'), BAD))).toBe(true);
  }, 90_000);

  it('quarantines an unverifiable file when the technician types YES', async () => {
    const run = await box().runFix({ playbook: leadingBytesRequired(), certutil: false, answers: [{ after: 'Type YES to quarantine it anyway', type: 'YES' }], volumes: { D: { files: [channelFile(BAD, '2024-07-19T04:09:00Z')] } } });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain('Type YES to quarantine it anyway');
    const entry = only(only(run.results).files);
    expect(entry).toMatchObject({ action: 'quarantined', checks: { leadingBytes: 'unknown' }, note: 'not every condition could be checked; confirmed by the technician' });
    expect(existsSync(join(run.volumeDirs.D!, ...CS.split('\\'), BAD))).toBe(false);
  }, 90_000);

  it('checks size and SHA-256 allow/deny lists and deletes only the known-bad file (certutil stand-in)', async () => {
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const bad = Buffer.from('known bad content!!!');
    const good = Buffer.from('known good content!!');
    const big = Buffer.alloc(2000, 1);
    const playbook: PlaybookInput = {
      ...loadCrowdStrikePlaybook(),
      id: 'vendor-cache',
      targets: [
        {
          id: 'cache',
          description: 'Corrupt cache files',
          folder: '%ProgramData%\\Vendor_Co 2.0\\Cache',
          glob: '*.bin',
          conditions: { sizeBytes: { min: 10, max: 1000 }, sha256: { deny: [sha(bad).toUpperCase(), sha(big)], allow: [sha(good)] } },
          action: 'delete',
        },
      ],
    };
    const folder = 'ProgramData\\Vendor_Co 2.0\\Cache';
    const t = '2024-07-19T04:09:00Z';
    const run = await box().runFix({
      playbook,
      args: ['/unattended'],
      volumes: {
        D: {
          files: [
            { path: `${folder}\\bad.bin`, content: bad, modified: t },
            { path: `${folder}\\good.bin`, content: good, modified: t },
            { path: `${folder}\\other.bin`, content: Buffer.from('something else entirely'), modified: t },
            { path: `${folder}\\big.bin`, content: big, modified: t },
          ],
        },
      },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const result = only(run.results);
    expect(result.outcome).toBe('fixed');
    const byName = (n: string) => fileEntry(result, n);
    expect(byName('bad.bin')).toMatchObject({ action: 'deleted', checks: { sizeBytes: 'pass', sha256: 'pass', modifiedUtc: 'not-required', leadingBytes: 'not-required' } });
    expect(byName('good.bin')).toMatchObject({ action: 'left-alone', checks: { sha256: 'fail' } });
    expect(byName('other.bin')).toMatchObject({ action: 'left-alone', checks: { sha256: 'fail' } });
    expect(byName('big.bin')).toMatchObject({ action: 'left-alone', checks: { sizeBytes: 'fail', sha256: 'pass' } });
    const dir = join(run.volumeDirs.D!, 'ProgramData', 'Vendor_Co 2.0', 'Cache');
    expect(readdirSync(dir).sort()).toEqual(['big.bin', 'good.bin', 'other.bin']);
    expect(run.calls.certutil.filter((c) => c.includes('-hashfile'))).toHaveLength(4);
  }, 90_000);

  it('converts the displayed time with the session offset (/utcoffset): a file shown at 05:40 local, UTC+1, is in the window', async () => {
    // Wine prints file times in UTC, so the file below is *shown* as 05:40. In a session one hour
    // east of UTC that display means 04:40 UTC: inside the bad window. Without the offset it is not.
    const files = [channelFile(BAD, '2024-07-19T05:40:00Z')];
    const plain = await box().runFix({ args: ['/unattended'], volumes: { D: { files } } });
    expect(only(only(plain.results).files)).toMatchObject({ modifiedUtc: '2024-07-19T05:40:00Z', checks: { modifiedUtc: 'fail' }, action: 'left-alone' });

    const shifted = await box().runFix({ args: ['/unattended', '/utcoffset', '60'], volumes: { D: { files } } });
    expect(shifted.exitCode, shifted.stdout).toBe(0);
    const result = only(shifted.results);
    expect(result.utcOffsetMinutes).toBe(60);
    expect(only(result.files)).toMatchObject({ modifiedUtc: '2024-07-19T04:40:00Z', checks: { modifiedUtc: 'pass' }, action: 'quarantined' });
  }, 120_000);

  it("converts cmd's local file-time text to UTC in cmd itself (/selftest-utc): Pacific, +120, +330, midnight and year rollover", async () => {
    const expected = (y: number, mo: number, d: number, h: number, mi: number, offset: number) =>
      new Date(Date.UTC(y, mo - 1, d, h, mi) - offset * 60_000).toISOString().replace('.000Z', 'Z');
    const cases = [
      // WinPE's default: Pacific daylight time, US date order, 12-hour clock.
      { local: '07/18/2024 09:09 PM', offset: -420, order: 'mdy', utc: expected(2024, 7, 18, 21, 9, -420) },
      { local: '07/18/2024 10:26 PM', offset: -420, order: 'mdy', utc: expected(2024, 7, 18, 22, 26, -420) },
      // Central Europe in summer (+120), German format.
      { local: '19.07.2024 06:09', offset: 120, order: 'dmy', utc: expected(2024, 7, 19, 6, 9, 120) },
      // India (+330), ISO-like format.
      { local: '2024-07-19 09:39', offset: 330, order: 'ymd', utc: expected(2024, 7, 19, 9, 39, 330) },
      // Midnight rollovers both ways, a year rollover, a leap day, 12 AM / 12 PM.
      { local: '07/18/2024 11:30 PM', offset: -420, order: 'mdy', utc: expected(2024, 7, 18, 23, 30, -420) },
      { local: '2024-07-19 02:00', offset: 330, order: 'ymd', utc: expected(2024, 7, 19, 2, 0, 330) },
      { local: '12/31/2023 08:00 PM', offset: -480, order: 'mdy', utc: expected(2023, 12, 31, 20, 0, -480) },
      { local: '2/29/2024 11:59 PM', offset: -60, order: 'mdy', utc: expected(2024, 2, 29, 23, 59, -60) },
      { local: '3/1/2024 12:00 AM', offset: 60, order: 'mdy', utc: expected(2024, 3, 1, 0, 0, 60) },
      { local: '7/19/2024 12:05 PM', offset: 0, order: 'mdy', utc: expected(2024, 7, 19, 12, 5, 0) },
      // Wine's own %~t text, date order read from the registry (sShortDate M/d/yyyy).
      { local: '7/19/2024 4:09 AM', offset: 0, order: 'auto', utc: expected(2024, 7, 19, 4, 9, 0) },
      // No order known: a day above 12 decides; an ambiguous date is refused.
      { local: '13/12/2024 10:00', offset: 0, order: 'guess', utc: expected(2024, 12, 13, 10, 0, 0) },
      { local: '05/06/2024 10:00', offset: 0, order: 'guess', utc: null },
      { local: '2024-07-19 04:09 x', offset: 0, order: 'ymd', utc: null },
    ];
    const lines = await box().selftestUtc(cases);
    expect(lines).toEqual(
      cases.map((c) => {
        const minutes = c.utc === null ? null : Date.parse(c.utc) / 60_000;
        return c.utc === null ? `SELFTEST "${c.local}" unparsed` : `SELFTEST "${c.local}" ${c.utc} ${minutes}`;
      }),
    );
    // The playbook's window: 04:09 is in, 05:27 is the first minute out.
    expect(cases[0]!.utc).toBe('2024-07-19T04:09:00Z');
    expect(cases[1]!.utc).toBe('2024-07-19T05:26:00Z');
  }, 60_000);
});
