import { describe, expect, it } from 'vitest';
import type { Playbook } from '../playbooks/playbook.js';
import { playbookChecks, playbookChecksLines, type BaseTools } from './playbook-checks.js';

/** The target of assets/playbooks/crowdstrike-cf291.json: name and time window required, leading bytes "whenAvailable". */
const crowdstrike: Pick<Playbook, 'targets'> = {
  targets: [
    {
      id: 'channel-file-291',
      description: 'The faulty channel file 291',
      folder: '%SystemRoot%\\System32\\drivers\\CrowdStrike',
      glob: 'C-00000291*.sys',
      conditions: {
        modifiedUtc: { from: '2024-07-19T04:09:00Z', before: '2024-07-19T05:27:00Z' },
        leadingBytesHex: 'AAAAAAAA01002301',
        requirement: { modifiedUtc: 'required', leadingBytesHex: 'whenAvailable' },
      },
      action: 'quarantine',
    },
  ],
};
const tools = (t: Partial<BaseTools>): BaseTools => ({ powershell: 'no', certutil: 'no', fc: 'no', wmic: 'no', ...t });
const byCheck = (checks: ReturnType<typeof playbookChecks>) => Object.fromEntries(checks.map((c) => [c.check, c]));

describe("which of the playbook's checks a base can make", () => {
  it('WinRE-like (fc, certutil, wmic, no PowerShell): the header by certutil, the all-zero copy by fc /b', () => {
    const checks = byCheck(playbookChecks(crowdstrike, tools({ certutil: 'yes', fc: 'yes', wmic: 'yes' })));
    expect(Object.keys(checks)).toEqual(['name', 'time-window', 'leading-bytes', 'zero-filled']);
    expect(checks['time-window']).toMatchObject({ status: 'can', requirement: 'required', how: 'cmd, with the offset from UTC by wmic' });
    expect(checks['leading-bytes']).toMatchObject({ status: 'can', requirement: 'whenAvailable', how: 'certutil -encodehex', meaning: null });
    expect(checks['zero-filled']).toMatchObject({ status: 'can', how: 'fc /b against ref\\zero.bin on the medium' });
  });

  it('a default WinPE with only fc: the header check runs by fc /b against the reference file on the medium', () => {
    const checks = byCheck(playbookChecks(crowdstrike, tools({ fc: 'yes' })));
    expect(checks['leading-bytes']).toMatchObject({ status: 'can', how: 'fc /b against the reference file on the medium (ref\\lead-N.bin)' });
    expect(checks['time-window']!.how).toContain('reg query ActiveTimeBias');
  });

  it('no tool at all: a whenAvailable header check is skipped, a required one is "unknown" and asks the technician to confirm', () => {
    const bare = byCheck(playbookChecks(crowdstrike, tools({})));
    expect(bare['leading-bytes']).toMatchObject({ status: 'cannot', how: 'this image has none of PowerShell, certutil, fc /b' });
    expect(bare['leading-bytes']!.meaning).toMatch(/^It is skipped: the file is judged by its required checks/);
    expect(bare['zero-filled']!.meaning).toMatch(/all-zero copy .* stays in place/);

    const required = { targets: crowdstrike.targets.map((t) => ({ ...t, conditions: { ...t.conditions, requirement: { modifiedUtc: 'required' as const, leadingBytesHex: 'required' as const } } })) };
    const strict = byCheck(playbookChecks(required, tools({})));
    expect(strict['leading-bytes']!.meaning).toMatch(/^The check is "unknown": an interactive run asks the technician to confirm \(type YES\), an unattended run leaves the file/);
    expect(playbookChecksLines(playbookChecks(required, tools({})))).toEqual([
      'Checks this base can make: File name (cmd (dir "C-00000291*.sys")); Time window (cmd, with the offset from UTC from the registry (reg query ActiveTimeBias)).',
      `Leading bytes (header) cannot be made (required): this image has none of PowerShell, certutil, fc /b. ${strict['leading-bytes']!.meaning}`,
      `All-zero copy cannot be made (when available): this image has none of PowerShell, fc /b. ${strict['zero-filled']!.meaning}`,
    ]);
  });

  it('an image that could not be looked into: unknown, and what happens where the tool is missing at the PC', () => {
    const blind = byCheck(playbookChecks(crowdstrike, { powershell: 'unknown', certutil: 'unknown', fc: 'unknown', wmic: 'unknown' }));
    expect(blind['leading-bytes']).toMatchObject({ status: 'unknown', how: 'needs one of PowerShell, certutil, fc /b; Bootmend could not look into this image for them' });
    expect(blind['leading-bytes']!.meaning).toMatch(/^Where it cannot be made at the PC, it is skipped/);
  });

  it('SHA-256 lists need certutil or PowerShell; size needs only cmd', () => {
    const playbook = { targets: [{ ...crowdstrike.targets[0]!, conditions: { sizeBytes: { min: 1 }, sha256: { allow: [], deny: ['a'.repeat(64)] } } }] };
    expect(byCheck(playbookChecks(playbook, tools({ powershell: 'yes' })))).toMatchObject({ size: { status: 'can', how: 'cmd' }, sha256: { status: 'can', how: 'PowerShell Get-FileHash' } });
    expect(byCheck(playbookChecks(playbook, tools({ fc: 'yes' }))).sha256).toMatchObject({ status: 'cannot', requirement: 'required' });
  });
});
