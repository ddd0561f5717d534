import type { Playbook } from '../playbooks/playbook.js';

/**
 * Which of a playbook's checks fix.cmd can make on a given boot base, from the tools the base's
 * image holds (the build looks for them as it looks for manage-bde). It mirrors fix.cmd's own
 * order of tools (assets/payload/fix.cmd.template): leading bytes by PowerShell, else
 * `certutil -encodehex`, else `fc /b` against the reference file on the medium; the all-zero
 * copy by PowerShell, else `fc /b`; SHA-256 by certutil, else PowerShell. The name and the
 * size need only cmd; the time window needs the session's offset from UTC, which fix.cmd reads
 * with wmic, PowerShell or, in every image, `reg query` (ActiveTimeBias).
 */

export type ToolPresence = 'yes' | 'no' | 'unknown';
export interface BaseTools {
  powershell: ToolPresence;
  certutil: ToolPresence;
  fc: ToolPresence;
  wmic: ToolPresence;
}

export type CheckName = 'name' | 'time-window' | 'size' | 'leading-bytes' | 'zero-filled' | 'sha256';

export interface PlaybookCheck {
  targetId: string;
  check: CheckName;
  /** What the playbook says: a required check holds the file back when it cannot be made; whenAvailable does not. */
  requirement: 'required' | 'whenAvailable';
  /** can: the base has a tool for it; cannot: it has none; unknown: the image could not be looked into. */
  status: 'can' | 'cannot' | 'unknown';
  /** The tool that makes it, or what is missing, in words. */
  how: string;
  /** What that means at the PC, in words (only where it is not simply "checked"). */
  meaning: string | null;
}

export const CHECK_LABELS: Record<CheckName, string> = {
  name: 'File name',
  'time-window': 'Time window',
  size: 'Size',
  'leading-bytes': 'Leading bytes (header)',
  'zero-filled': 'All-zero copy',
  sha256: 'SHA-256',
};

const TOOL_NAMES = { powershell: 'PowerShell', certutil: 'certutil', fc: 'fc /b' } as const;

/** The first tool in `order` the base has; otherwise unknown when any is unknown, else cannot. */
function firstTool(tools: BaseTools, order: readonly (keyof typeof TOOL_NAMES)[], what: Record<string, string>): Pick<PlaybookCheck, 'status' | 'how'> {
  const present = order.find((tool) => tools[tool] === 'yes');
  if (present) return { status: 'can', how: what[present]! };
  const names = order.map((tool) => TOOL_NAMES[tool]).join(', ');
  if (order.some((tool) => tools[tool] === 'unknown')) return { status: 'unknown', how: `needs one of ${names}; Bootmend could not look into this image for them` };
  return { status: 'cannot', how: `this image has none of ${names}` };
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function meaningOf(status: PlaybookCheck['status'], requirement: PlaybookCheck['requirement'], check: CheckName): string | null {
  if (status === 'can') return null;
  const when = status === 'unknown' ? 'where it cannot be made at the PC, ' : '';
  if (check === 'zero-filled') return capitalized(`${when}an all-zero copy (left by a crash during the write) is not recognised and stays in place.`);
  if (requirement === 'whenAvailable') return capitalized(`${when}it is skipped: the file is judged by its required checks (this one is "whenAvailable").`);
  return capitalized(`${when}the check is "unknown": an interactive run asks the technician to confirm (type YES), an unattended run leaves the file and ends as needs attention.`);
}

export function playbookChecks(playbook: Pick<Playbook, 'targets'>, tools: BaseTools): PlaybookCheck[] {
  const checks: PlaybookCheck[] = [];
  for (const target of playbook.targets) {
    const { conditions } = target;
    const requirementOf = (key: 'modifiedUtc' | 'sizeBytes' | 'leadingBytesHex' | 'sha256'): PlaybookCheck['requirement'] => conditions.requirement?.[key] ?? 'required';
    const add = (check: CheckName, requirement: PlaybookCheck['requirement'], found: Pick<PlaybookCheck, 'status' | 'how'>): void => {
      checks.push({ targetId: target.id, check, requirement, ...found, meaning: meaningOf(found.status, requirement, check) });
    };
    add('name', 'required', { status: 'can', how: `cmd (dir "${target.glob}")` });
    if (conditions.modifiedUtc) {
      add('time-window', requirementOf('modifiedUtc'), { status: 'can', how: tools.wmic === 'yes' ? 'cmd, with the offset from UTC by wmic' : 'cmd, with the offset from UTC from the registry (reg query ActiveTimeBias)' });
    }
    if (conditions.sizeBytes && (conditions.sizeBytes.min !== undefined || conditions.sizeBytes.max !== undefined)) add('size', requirementOf('sizeBytes'), { status: 'can', how: 'cmd' });
    if (conditions.leadingBytesHex !== undefined) {
      add('leading-bytes', requirementOf('leadingBytesHex'), firstTool(tools, ['powershell', 'certutil', 'fc'], { powershell: 'PowerShell', certutil: 'certutil -encodehex', fc: 'fc /b against the reference file on the medium (ref\\lead-N.bin)' }));
    }
    if (conditions.modifiedUtc) {
      add('zero-filled', 'whenAvailable', firstTool(tools, ['powershell', 'fc'], { powershell: 'PowerShell', fc: 'fc /b against ref\\zero.bin on the medium' }));
    }
    if ((conditions.sha256?.allow?.length ?? 0) + (conditions.sha256?.deny?.length ?? 0) > 0) {
      add('sha256', requirementOf('sha256'), firstTool(tools, ['certutil', 'powershell'], { certutil: 'certutil -hashfile', powershell: 'PowerShell Get-FileHash' }));
    }
  }
  return checks;
}

/** The build report's lines (CLI): the checks this base can make, then those it cannot, with what that means. */
export function playbookChecksLines(checks: readonly PlaybookCheck[]): string[] {
  const can = checks.filter((check) => check.status === 'can');
  const cannot = checks.filter((check) => check.status !== 'can');
  const lines: string[] = [];
  if (can.length > 0) lines.push(`Checks this base can make: ${can.map((check) => `${CHECK_LABELS[check.check]} (${check.how})`).join('; ')}.`);
  for (const check of cannot) {
    const state = check.status === 'cannot' ? 'cannot be made' : 'unknown';
    lines.push(`${CHECK_LABELS[check.check]} ${state} (${check.requirement === 'required' ? 'required' : 'when available'}): ${check.how}. ${check.meaning ?? ''}`.trim());
  }
  return lines;
}
