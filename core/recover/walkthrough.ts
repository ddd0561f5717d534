import { PLAYBOOK_WALKTHROUGH_KEY, type RecoveryPath } from '../journal/schemas.js';
import type { Playbook } from '../playbooks/playbook.js';

/**
 * The walkthrough for one machine (the PC being recovered): the playbook's texts for the
 * chosen path, with Bootmend's BitLocker step first and the exact commands filled in for this
 * machine — its Windows volume and the stick's letter. A recovery password never stands in a
 * command: the technician reads it from the reveal view, so nothing made here (and nothing
 * the journal keeps of it) can hold one.
 */

export const RECOVERY_PATHS = ['winpe', 'winre', 'safe_mode'] as const satisfies readonly RecoveryPath[];

/** Stands where the 48-digit password goes in a command; the reveal view shows the real one. */
export const PASSWORD_PLACEHOLDER = '<48-digit recovery password>';
/** Stands where the stick's letter goes until the technician has found it. */
export const STICK_PLACEHOLDER = '<stick>:';

export interface PathInfo {
  path: RecoveryPath;
  label: string;
  /** One line: "Use this when…". */
  useWhen: string;
}

export const PATH_INFO: Readonly<Record<RecoveryPath, PathInfo>> = {
  winpe: {
    path: 'winpe',
    label: 'Bootmend stick (WinPE)',
    useWhen: 'Use this when the PC can start from USB: the fix runs by itself and unlocks BitLocker with the recovery password.',
  },
  winre: {
    path: 'winre',
    label: 'WinRE command prompt',
    useWhen: "Use this when the PC will not start from USB (boot menu locked) but shows the blue recovery screen: run the fix from the stick in Windows' own recovery prompt.",
  },
  safe_mode: {
    path: 'safe_mode',
    label: 'Safe Mode',
    useWhen: 'Use this on TPM-only PCs to avoid the recovery key: Windows unlocks its own drive, but you need a local administrator account.',
  },
};

export interface WalkthroughContext {
  /** The Windows volume as this path sees it (Safe Mode: always C:). */
  windowsVolume?: string | null;
  /** The Bootmend stick's letter, once found ("F" or "F:"). */
  stickLetter?: string | null;
  /** The key ID the BitLocker recovery screen showed (never the password). */
  keyId?: string | null;
}

export interface Command {
  /** What running it does, in a few words. */
  label: string;
  text: string;
  /** The command still holds a placeholder the technician must replace (a letter not yet found, the password). */
  needs: 'stick-letter' | 'password' | null;
}

export interface WalkthroughStep {
  /** Its number in `machine.step_confirmed` (0 is the BitLocker step). */
  index: number;
  kind: 'bitlocker' | 'playbook';
  title: string;
  detail: string;
  commands: Command[];
  /** What Bootmend adds to the playbook's text for this path (field-tested corrections). */
  notes: string[];
}

export interface Walkthrough {
  path: RecoveryPath;
  info: PathInfo;
  playbook: { id: string; version: string };
  steps: WalkthroughStep[];
}

/** "f", "F:", " F: " → "F:"; anything else → null. */
export function driveLetter(value: string | null | undefined): string | null {
  const match = /^\s*([A-Za-z]):?\s*$/.exec(value ?? '');
  return match ? `${match[1]!.toUpperCase()}:` : null;
}

const FIND_STICK = /for %d in \([A-Z ]+\) do @?if exist %d:\\bootmend\\fix\.cmd echo %d:/i;
const FIX_CMD_PATH = /\b[A-Z]:\\bootmend\\fix\.cmd/g;

/** Issue-tested texts that go with a path, whatever the playbook says. */
export const NOTES = {
  winreSkipDrive:
    'At the BitLocker question choose "Skip this drive". Typing the recovery password there leads on to a prompt for a local administrator\'s password; fix.cmd unlocks the drive itself and asks for the recovery password.',
  severalVolumes:
    'Several locked drives: the fix shows the key ID of each. The Windows drive is the one that matters — look up its key ID; a data drive you skip does not stop the fix.',
  safeModeElevation:
    'If the fix says to run it as administrator, it was started without elevation: close it, right-click fix.cmd and choose Run as administrator. The first command below tells you (it says "Access is denied" without elevation).',
  safeBootCleared:
    'fix.cmd switches safe boot off after a fix and shows what it changed. Only if the PC still starts in Safe Mode, run the commands below; "The element was not found" means safe boot was not set — that is fine.',
  noBitLocker: 'No BitLocker screen and no key ID? Skip this step: the PC is not asking for a recovery password.',
} as const;

function stickOf(context: WalkthroughContext): string | null {
  return driveLetter(context.stickLetter);
}

function volumeOf(path: RecoveryPath, context: WalkthroughContext): string {
  return path === 'safe_mode' ? 'C:' : (driveLetter(context.windowsVolume) ?? 'C:');
}

function fixCommand(context: WalkthroughContext): Command {
  const stick = stickOf(context);
  return { label: 'Run the fix from the stick', text: `${stick ?? STICK_PLACEHOLDER}\\bootmend\\fix.cmd`, needs: stick ? null : 'stick-letter' };
}

function bitlockerStep(path: RecoveryPath, context: WalkthroughContext): WalkthroughStep {
  const volume = volumeOf(path, context);
  const keyId = context.keyId?.trim().toUpperCase() || null;
  const where =
    path === 'safe_mode'
      ? 'Safe Mode asks for the recovery password before Windows starts; a TPM-only PC may not ask at all.'
      : path === 'winre'
        ? 'The fix asks for it in the recovery command prompt.'
        : 'The fix asks for it when it finds the locked drive.';
  const commands: Command[] =
    path === 'safe_mode'
      ? []
      : [
          { label: "List this drive's key IDs (when no blue screen shows one)", text: `manage-bde -protectors -get ${volume} -Type RecoveryPassword`, needs: null },
          { label: 'Unlock by hand (type the password from the reveal view)', text: `manage-bde -unlock ${volume} -RecoveryPassword ${PASSWORD_PLACEHOLDER}`, needs: 'password' },
        ];
  const notes: string[] = [NOTES.noBitLocker, NOTES.severalVolumes];
  if (path === 'winre') notes.unshift(NOTES.winreSkipDrive);
  return {
    index: 0,
    kind: 'bitlocker',
    title: 'BitLocker: find the recovery password',
    detail: `${keyId ? `The recovery screen showed key ID ${keyId}. ` : 'Type or scan the key ID from the blue BitLocker recovery screen. '}Bootmend looks it up and shows the password to type or scan. ${where}`,
    commands,
    notes,
  };
}

/** Commands and notes a playbook step gets from what it says, for this path. */
function decorate(path: RecoveryPath, step: { title: string; detail: string }, isLast: boolean, context: WalkthroughContext): { detail: string; commands: Command[]; notes: string[] } {
  const stick = stickOf(context);
  const volume = volumeOf(path, context);
  const text = `${step.title}\n${step.detail}`;
  const commands: Command[] = [];
  const notes: string[] = [];
  let detail = step.detail;

  const find = FIND_STICK.exec(step.detail);
  if (find) commands.push({ label: "Print the stick's letter", text: find[0], needs: null });
  if (/\bfix\.cmd\b/i.test(text) && path !== 'winpe') {
    if (path === 'safe_mode') commands.push({ label: 'Check this window runs as administrator', text: `fsutil dirty query ${volume}`, needs: null });
    if (!find) commands.push(fixCommand(context));
    if (path === 'safe_mode') notes.push(NOTES.safeModeElevation);
  }
  if (stick) detail = detail.replace(FIX_CMD_PATH, `${stick}\\bootmend\\fix.cmd`);
  if (path === 'winre' && /bitlocker/i.test(text)) notes.push(NOTES.winreSkipDrive);
  if (isLast && path !== 'winpe') {
    notes.push(NOTES.safeBootCleared);
    if (path === 'safe_mode') commands.push({ label: 'Switch safe boot off (this start)', text: 'bcdedit /deletevalue {current} safeboot', needs: null });
    commands.push({ label: 'Switch safe boot off (the default start)', text: 'bcdedit /deletevalue {default} safeboot', needs: null });
  }
  return { detail, commands, notes };
}

/** The walkthrough for one machine on one path, from the playbook's texts. */
export function buildWalkthrough(playbook: Pick<Playbook, 'id' | 'version' | 'walkthrough'>, path: RecoveryPath, context: WalkthroughContext = {}): Walkthrough {
  const texts = playbook.walkthrough[PLAYBOOK_WALKTHROUGH_KEY[path]];
  const steps: WalkthroughStep[] = [bitlockerStep(path, context)];
  texts.forEach((step, position) => {
    steps.push({ index: position + 1, kind: 'playbook', title: step.title, ...decorate(path, step, position === texts.length - 1, context) });
  });
  return { path, info: PATH_INFO[path], playbook: { id: playbook.id, version: playbook.version }, steps };
}

/** The first step not yet confirmed, or null when every step is: the walkthrough resumes there. */
export function resumeStep(walkthrough: Walkthrough, stepsConfirmed: readonly number[]): number | null {
  const done = new Set(stepsConfirmed);
  return walkthrough.steps.find((step) => !done.has(step.index))?.index ?? null;
}
