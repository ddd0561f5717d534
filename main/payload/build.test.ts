import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/temp.js';
import { BootmendError } from '../../core/errors.js';
import { PlaybookSchema, type PlaybookInput } from '../../core/playbooks/playbook.js';
import { buildPayload, cmdSet, minuteBound, renderFixCmd, volumeRelativeFolder } from './build.js';
import { loadCrowdStrikePlaybook } from './testing/wine-harness.js';

const fresh = () => join(tempDir('payload'), 'out');

function setLines(fixCmd: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of fixCmd.split('\r\n')) {
    const m = /^set "([A-Z0-9_]+)=(.*)"$/.exec(line);
    if (m) map.set(m[1]!, m[2]!);
  }
  return map;
}

describe('buildPayload', () => {
  it('writes fix.cmd, README.txt, playbook.json and empty results/ and quarantine/ folders', async () => {
    const out = fresh();
    const built = await buildPayload({ playbook: loadCrowdStrikePlaybook(), outDir: out, mediumId: 'stick-42' });
    expect(built).toMatchObject({ mediumId: 'stick-42', playbookId: 'crowdstrike-cf291', playbookVersion: '1.0.0', payloadDir: join(out, 'bootmend') });
    expect(readdirSync(join(out, 'bootmend')).sort()).toEqual(['README.txt', 'fix.cmd', 'medium.json', 'playbook.json', 'quarantine', 'ref', 'results']);
    // What fix.cmd compares with by `fc /b` where PowerShell and certutil are missing: the
    // target's leading bytes, and 1 MiB of zeros for the zero-filled check (issue 13, items 3-4).
    expect(readFileSync(join(out, 'bootmend', 'ref', 'lead-1.bin')).toString('hex').toUpperCase()).toBe('AAAAAAAA01002301');
    const zero = readFileSync(join(out, 'bootmend', 'ref', 'zero.bin'));
    expect(zero.length).toBe(1024 * 1024);
    expect(zero.every((b) => b === 0)).toBe(true);
    expect(readdirSync(join(out, 'bootmend', 'results'))).toEqual([]);
    expect(readdirSync(join(out, 'bootmend', 'quarantine'))).toEqual([]);
    const playbook = JSON.parse(readFileSync(join(out, 'bootmend', 'playbook.json'), 'utf8')) as unknown;
    expect(playbook).toEqual(PlaybookSchema.parse(loadCrowdStrikePlaybook()));
  });

  it('uses CRLF line endings in fix.cmd and README.txt, and only ASCII', async () => {
    const out = fresh();
    const playbook = loadCrowdStrikePlaybook() as PlaybookInput & { title: string };
    playbook.title = 'Fichier de canal 291 \u2014 \u00e9t\u00e9 \u201c2024\u201d';
    await buildPayload({ playbook, outDir: out });
    for (const name of ['fix.cmd', 'README.txt']) {
      const bytes = readFileSync(join(out, 'bootmend', name));
      expect(bytes.every((b) => b < 0x80), `${name} is ASCII`).toBe(true);
      const text = bytes.toString('ascii');
      expect(text.endsWith('\r\n')).toBe(true);
      expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    }
    const fixCmd = readFileSync(join(out, 'bootmend', 'fix.cmd'), 'ascii');
    expect(setLines(fixCmd).get('BM_PLAYBOOK_TITLE')).toBe("Fichier de canal 291 - ete '2024'");
  });

  it("renders the playbook's targets as set lines: volume-relative folder, UTC minute window, leading bytes", async () => {
    const out = fresh();
    const built = await buildPayload({ playbook: loadCrowdStrikePlaybook(), outDir: out, mediumId: 'm1' });
    const fixCmd = readFileSync(join(built.payloadDir, 'fix.cmd'), 'ascii');
    const vars = setLines(fixCmd);
    expect(Object.fromEntries(vars)).toMatchObject({
      BM_PLAYBOOK_ID: 'crowdstrike-cf291',
      BM_PLAYBOOK_VERSION: '1.0.0',
      BM_MEDIUM_ID: 'm1',
      BM_TARGET_COUNT: '1',
      BM_CUR_ID: 'channel-file-291',
      BM_CUR_FOLDER: '%%SystemRoot%%\\System32\\drivers\\CrowdStrike',
      BM_CUR_DIR: '\\Windows\\System32\\drivers\\CrowdStrike',
      BM_CUR_GLOB: 'C-00000291*.sys',
      BM_CUR_EXT: '.sys',
      BM_CUR_ACTION: 'quarantine',
      BM_CUR_TIME: '1',
      BM_CUR_FROM: String(Date.parse('2024-07-19T04:09:00Z') / 60_000),
      BM_CUR_FROMEXACT: '1',
      BM_CUR_BEFORE: String(Date.parse('2024-07-19T05:27:00Z') / 60_000),
      BM_CUR_BEFOREEXACT: '1',
      BM_CUR_SIZEMIN: '',
      BM_CUR_LEAD: 'AAAAAAAA01002301',
      BM_CUR_LEADLEN: '16',
      BM_CUR_ALLOW: '',
      BM_CUR_DENY: '',
    });
    expect(fixCmd).not.toContain('@@BOOTMEND_PLAYBOOK@@');
    expect(fixCmd).toContain('\r\n:bm_target_1\r\n');
    expect(fixCmd.indexOf(':bm_target_1')).toBeLessThan(fixCmd.indexOf(':bm_start'));
  });

  it('escapes cmd metacharacters % ^ & | < > " in every rendered value', async () => {
    const base = loadCrowdStrikePlaybook() as PlaybookInput & { title: string };
    const playbook: PlaybookInput = {
      ...base,
      title: 'A & B | C <D> ^E 100% "F"',
      targets: [
        {
          id: 'odd',
          description: 'odd names & 100% "sure"',
          folder: '%ProgramFiles(x86)%\\Vendor Co\\50 off',
          glob: 'x-y_z ?.sys',
          conditions: { sha256: { deny: ['A'.repeat(64)], allow: ['b'.repeat(64)] }, sizeBytes: { min: 1, max: 2 } },
          action: 'delete',
        },
      ],
    };
    const text = renderFixCmd(readFileSync(new URL('../../assets/payload/fix.cmd.template', import.meta.url), 'utf8'), PlaybookSchema.parse(playbook), 'm');
    const lines = text.split('\r\n');
    expect(lines).toContain(`set "BM_PLAYBOOK_TITLE=A & B | C <D> ^E 100%% 'F'"`);
    expect(lines).toContain('set "BM_CUR_FOLDER=%%ProgramFiles(x86)%%\\Vendor Co\\50 off"');
    expect(lines).toContain('set "BM_CUR_DIR=\\Program Files (x86)\\Vendor Co\\50 off"');
    expect(lines).toContain('set "BM_CUR_GLOB=x-y_z ?.sys"');
    expect(lines).toContain(`set "BM_CUR_DENY=${'a'.repeat(64)}"`);
    expect(lines).toContain(`set "BM_CUR_ALLOW=${'b'.repeat(64)}"`);
    expect(lines).toContain('set "BM_CUR_ACTION=delete"');
    // Every generated set line keeps exactly its two quotes, so & | < > ^ stay inside them;
    // every % is doubled (a batch file reads %% as one literal %).
    const generated = lines.slice(lines.indexOf('rem ----- playbook (generated by Bootmend; do not edit by hand) -----'), lines.indexOf('rem ----- end of playbook -----'));
    expect(generated.filter((l) => l.startsWith('set "')).length).toBeGreaterThan(20);
    for (const line of generated.filter((l) => l.startsWith('set "'))) {
      expect(line.match(/"/g), line).toHaveLength(2);
      expect(line.replace(/%%/g, ''), line).not.toContain('%');
    }
    expect(cmdSet('BM_X', 'line\r\nbreak\ttab')).toBe('set "BM_X=line  break tab"');
  });

  it('refuses a hostile folder or glob with its field, even when the caller skipped validation', async () => {
    const playbook = loadCrowdStrikePlaybook() as PlaybookInput;
    const target = playbook.targets[0]!;
    const withTarget = (t: Partial<typeof target>) => ({ ...playbook, targets: [{ ...target, ...t }] });
    const injection = 'x%BM_TRQ% & mkdir pwned & rem %BM_TRQ%';
    await expect(buildPayload({ playbook: withTarget({ glob: injection }), outDir: fresh() })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'targets.0.glob' });
    await expect(buildPayload({ playbook: withTarget({ folder: `%SystemRoot%\\${injection}` }), outDir: fresh() })).rejects.toMatchObject({ field: 'targets.0.folder' });
    // renderFixCmd takes an already-parsed playbook; a caller that forged one is still refused.
    const template = readFileSync(new URL('../../assets/payload/fix.cmd.template', import.meta.url), 'utf8');
    const parsed = PlaybookSchema.parse(playbook);
    const forged = { ...parsed, targets: [{ ...parsed.targets[0]!, glob: injection }] };
    expect(() => renderFixCmd(template, forged, 'm')).toThrow(/"targets\.0\.glob" must not contain "%" and "&"/);
    const forgedFolder = { ...parsed, targets: [{ ...parsed.targets[0]!, folder: '\\a & b' }] };
    expect(() => renderFixCmd(template, forgedFolder, 'm')).toThrow(/"targets\.0\.folder" must not contain "&"/);
  });

  it('refuses an output folder that exists and is not empty, unless told to overwrite its bootmend folder (whose results stay)', async () => {
    const out = fresh();
    await buildPayload({ playbook: loadCrowdStrikePlaybook(), outDir: out, mediumId: 'bm-first001' });
    writeFileSync(join(out, 'bootmend', 'results', 'old.json'), '{}');
    writeFileSync(join(out, 'startnet.cmd'), 'keep me');
    const attempt = buildPayload({ playbook: loadCrowdStrikePlaybook(), outDir: out });
    await expect(attempt).rejects.toBeInstanceOf(BootmendError);
    await expect(attempt).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'outDir' });
    await buildPayload({ playbook: loadCrowdStrikePlaybook(), outDir: out, overwrite: true, mediumId: 'bm-second01' });
    expect(readFileSync(join(out, 'bootmend', 'results', 'old.json'), 'utf8')).toBe('{}');
    expect(readFileSync(join(out, 'startnet.cmd'), 'utf8')).toBe('keep me');
    expect(readFileSync(join(out, 'bootmend', 'medium.json'), 'utf8')).toContain('bm-second01');
  });

  it('builds into an existing empty folder and refuses a file as the output folder', async () => {
    const out = fresh();
    mkdirSync(out);
    await buildPayload({ playbook: loadCrowdStrikePlaybook(), outDir: out });
    writeFileSync(`${out}.file`, 'x');
    await expect(buildPayload({ playbook: loadCrowdStrikePlaybook(), outDir: `${out}.file` })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'outDir' });
  });

  it('refuses an invalid playbook with the field and reason, and writes nothing', async () => {
    const out = fresh();
    const playbook = loadCrowdStrikePlaybook() as PlaybookInput;
    const broken = { ...playbook, targets: [{ ...playbook.targets[0]!, glob: 'drivers\\C-*.sys' }] };
    await expect(buildPayload({ playbook: broken, outDir: out })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'targets.0.glob' });
    expect(existsSync(out)).toBe(false);
  });

  it('refuses what fix.cmd cannot do safely: non-ASCII folders, unknown variables, sizes beyond 32 bits, bad medium ids', async () => {
    const playbook = loadCrowdStrikePlaybook() as PlaybookInput;
    const target = playbook.targets[0]!;
    const withTarget = (t: Partial<typeof target>) => ({ ...playbook, targets: [{ ...target, ...t }] });
    await expect(buildPayload({ playbook: withTarget({ folder: '%SystemRoot%\\Tr\u00e4ger' }), outDir: fresh() })).rejects.toMatchObject({ field: 'targets.0.folder' });
    await expect(buildPayload({ playbook: withTarget({ conditions: { sizeBytes: { max: 3_000_000_000 } } }), outDir: fresh() })).rejects.toMatchObject({
      field: 'targets.0.conditions.sizeBytes.max',
    });
    await expect(buildPayload({ playbook, outDir: fresh(), mediumId: 'bad id!' })).rejects.toMatchObject({ field: 'mediumId' });
    const built = await buildPayload({ playbook, outDir: fresh() });
    expect(built.mediumId).toMatch(/^bm-[0-9a-f]{8}$/);
  });

  it('maps folder variables to paths on the volume, as WinPE sees the PC', () => {
    expect(volumeRelativeFolder('%SystemRoot%\\System32\\drivers\\CrowdStrike')).toBe('\\Windows\\System32\\drivers\\CrowdStrike');
    expect(volumeRelativeFolder('%windir%\\Temp\\')).toBe('\\Windows\\Temp');
    expect(volumeRelativeFolder('%SYSTEMDRIVE%\\Vendor')).toBe('\\Vendor');
    expect(volumeRelativeFolder('%ProgramData%\\X')).toBe('\\ProgramData\\X');
    expect(volumeRelativeFolder('%ProgramFiles%\\X')).toBe('\\Program Files\\X');
    expect(volumeRelativeFolder('%ProgramFiles(x86)%\\X')).toBe('\\Program Files (x86)\\X');
    expect(volumeRelativeFolder('\\Vendor\\Data')).toBe('\\Vendor\\Data');
    expect(() => volumeRelativeFolder('%SystemDrive%')).toThrow(/below the volume root/);
    expect(() => volumeRelativeFolder('%AppData%\\X')).toThrow(/does not know/);
    expect(() => volumeRelativeFolder('%SystemRoot%X')).toThrow(/continue with/);
  });

  it('renders window bounds as UTC minutes and says when a bound is not on a whole minute', () => {
    expect(minuteBound('2024-07-19T04:09:00Z')).toEqual({ minute: 28_689_369, exact: true });
    expect(minuteBound('2024-07-19T06:09:00+02:00')).toEqual({ minute: 28_689_369, exact: true });
    expect(minuteBound('2024-07-19T04:09:30Z')).toEqual({ minute: 28_689_369, exact: false });
  });

  it('writes a README for the person at the PC with the three routes and what to do next', async () => {
    const out = fresh();
    await buildPayload({ playbook: loadCrowdStrikePlaybook(), outDir: out, mediumId: 'stick-7' });
    const readme = readFileSync(join(out, 'bootmend', 'README.txt'), 'ascii');
    const lines = readme.split('\r\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    for (const text of ['(WinPE)', '(WinRE)', 'Safe Mode', 'WHEN IT HAS FINISHED', 'stick-7', 'C-00000291*.sys', 'restore.cmd', 'never written']) {
      expect(readme).toContain(text);
    }
    const playbook = PlaybookSchema.parse(loadCrowdStrikePlaybook());
    for (const step of [...playbook.walkthrough.winpe, ...playbook.walkthrough.winre, ...playbook.walkthrough.safemode]) {
      expect(readme.replace(/\r\n\s*/g, ' ')).toContain(step.title);
    }
    // fix.cmd also removes an all-zero copy inside the time window (issue 13, item 4): the person at the PC reads why.
    expect(readme.replace(/\r\n\s*/g, ' ')).toContain('An all-zero copy of such a file changed inside that time (left by a crash while it was written) is moved to the quarantine folder too');
  });
});
