import { describe, expect, it } from 'vitest';
import type { Playbook } from '../playbooks/playbook.js';
import { buildWalkthrough, driveLetter, NOTES, PASSWORD_PLACEHOLDER, PATH_INFO, RECOVERY_PATHS, resumeStep, STICK_PLACEHOLDER } from './walkthrough.js';

/** The built-in playbook's walkthrough texts (assets/playbooks/crowdstrike-cf291.json), shortened where only the gist matters. */
const PLAYBOOK: Pick<Playbook, 'id' | 'version' | 'walkthrough'> = {
  id: 'crowdstrike-cf291',
  version: '1.0.0',
  walkthrough: {
    winpe: [
      { title: 'Start the PC from the Bootmend stick', detail: 'Plug the Bootmend USB stick into the PC and choose it in the boot menu.' },
      { title: 'Let it run', detail: 'A black window opens and the fix starts by itself.' },
      { title: 'Give the recovery password if asked', detail: 'If the drive is protected by BitLocker, the screen shows a key ID. Type the 48-digit recovery password.' },
      { title: 'Read the summary', detail: 'At the end the screen says FIXED, NOTHING TO DO, NEEDS ATTENTION or FAILED.' },
      { title: 'Remove the stick and restart', detail: 'Take the USB stick out, then press any key.' },
    ],
    winre: [
      { title: 'Open the recovery command prompt', detail: 'Choose Advanced options, Troubleshoot, Advanced options, Command Prompt.' },
      { title: 'Deal with the BitLocker question', detail: 'If the screen asks for a BitLocker recovery key, you can type the 48-digit recovery password there.' },
      {
        title: 'Find the letter of the USB stick',
        detail:
          'Plug in the Bootmend stick. Type this line exactly and press Enter: for %d in (C D E F G H I J K L M N) do @if exist %d:\\bootmend\\fix.cmd echo %d: . It prints the letter of the stick, for example F:.',
      },
      { title: 'Run the fix from the stick', detail: 'Type the letter you found followed by \\bootmend\\fix.cmd and press Enter, for example F:\\bootmend\\fix.cmd .' },
      { title: 'Read the summary and restart', detail: 'When it says FIXED or NOTHING TO DO, close the command prompt, remove the stick and choose Continue.' },
    ],
    safemode: [
      { title: 'Start Windows in Safe Mode with Networking', detail: 'Troubleshoot, Advanced options, Startup Settings, Restart, then 5.' },
      { title: 'Sign in with an administrator account', detail: 'Sign in with an account that is allowed to administer this PC.' },
      { title: 'Run the fix as administrator', detail: 'Open the bootmend folder, right-click fix.cmd and choose Run as administrator.' },
      { title: 'Remove the stick and restart', detail: 'Take the stick out and restart the PC from the Start menu.' },
    ],
  },
};

const commandsOf = (walkthrough: ReturnType<typeof buildWalkthrough>): string[] => walkthrough.steps.flatMap((step) => step.commands.map((command) => command.text));

describe('the walkthrough built from a playbook', () => {
  it('starts every path with the BitLocker step, then the playbook steps in order, numbered for step_confirmed', () => {
    for (const path of RECOVERY_PATHS) {
      const walkthrough = buildWalkthrough(PLAYBOOK, path);
      const texts = PLAYBOOK.walkthrough[path === 'safe_mode' ? 'safemode' : path];
      expect(walkthrough.steps.map((step) => step.kind)).toEqual(['bitlocker', ...texts.map(() => 'playbook')]);
      expect(walkthrough.steps.map((step) => step.index)).toEqual(walkthrough.steps.map((_, index) => index));
      expect(walkthrough.steps.slice(1).map((step) => step.title)).toEqual(texts.map((step) => step.title));
      expect(walkthrough.playbook).toEqual({ id: 'crowdstrike-cf291', version: '1.0.0' });
    }
  });

  it('gives each path a one-line "use this when", Safe Mode naming the recovery key it avoids and the administrator it needs', () => {
    for (const path of RECOVERY_PATHS) expect(PATH_INFO[path].useWhen).toMatch(/^Use this (when|on)/);
    expect(PATH_INFO.safe_mode.useWhen).toContain('TPM-only');
    expect(PATH_INFO.safe_mode.useWhen).toContain('recovery key');
    expect(PATH_INFO.safe_mode.useWhen).toContain('local administrator');
    expect(PATH_INFO.winpe.label).toBe('Bootmend stick (WinPE)');
  });

  it('tells WinRE technicians to choose "Skip this drive" at the BitLocker question (and why)', () => {
    const walkthrough = buildWalkthrough(PLAYBOOK, 'winre');
    const bitlockerQuestion = walkthrough.steps.find((step) => step.title === 'Deal with the BitLocker question')!;
    expect(bitlockerQuestion.notes).toContain(NOTES.winreSkipDrive);
    expect(walkthrough.steps[0]!.notes).toContain(NOTES.winreSkipDrive);
    expect(NOTES.winreSkipDrive).toContain('Skip this drive');
    expect(NOTES.winreSkipDrive).toContain('local administrator');
    expect(buildWalkthrough(PLAYBOOK, 'winpe').steps.flatMap((step) => step.notes)).not.toContain(NOTES.winreSkipDrive);
  });

  it("fills the stick's letter into the fix command once found, and marks it as needing the letter before", () => {
    const before = buildWalkthrough(PLAYBOOK, 'winre');
    const run = before.steps.find((step) => step.title === 'Run the fix from the stick')!;
    expect(run.commands).toEqual([{ label: 'Run the fix from the stick', text: `${STICK_PLACEHOLDER}\\bootmend\\fix.cmd`, needs: 'stick-letter' }]);

    const after = buildWalkthrough(PLAYBOOK, 'winre', { stickLetter: 'g' });
    const runAfter = after.steps.find((step) => step.title === 'Run the fix from the stick')!;
    expect(runAfter.commands).toEqual([{ label: 'Run the fix from the stick', text: 'G:\\bootmend\\fix.cmd', needs: null }]);
    expect(runAfter.detail).toContain('for example G:\\bootmend\\fix.cmd');
  });

  it("keeps the playbook's own find-the-stick line as a command, exactly as written", () => {
    const find = buildWalkthrough(PLAYBOOK, 'winre').steps.find((step) => step.title === 'Find the letter of the USB stick')!;
    expect(find.commands.map((command) => command.text)).toEqual(['for %d in (C D E F G H I J K L M N) do @if exist %d:\\bootmend\\fix.cmd echo %d:']);
  });

  it('fills the Windows volume letter into the BitLocker commands, and puts only a placeholder where the password goes', () => {
    const walkthrough = buildWalkthrough(PLAYBOOK, 'winre', { windowsVolume: 'd', keyId: '8a1c3e5f' });
    expect(walkthrough.steps[0]!.commands).toEqual([
      { label: "List this drive's key IDs (when no blue screen shows one)", text: 'manage-bde -protectors -get D: -Type RecoveryPassword', needs: null },
      { label: 'Unlock by hand (type the password from the reveal view)', text: `manage-bde -unlock D: -RecoveryPassword ${PASSWORD_PLACEHOLDER}`, needs: 'password' },
    ]);
    expect(walkthrough.steps[0]!.detail).toContain('key ID 8A1C3E5F');
    for (const path of RECOVERY_PATHS) {
      for (const text of commandsOf(buildWalkthrough(PLAYBOOK, path, { windowsVolume: 'D:', stickLetter: 'F:', keyId: '8A1C3E5F' }))) expect(text).not.toMatch(/\d{6}-\d{6}/);
    }
  });

  it('says a skipped data drive does not stop the fix, on every path', () => {
    for (const path of RECOVERY_PATHS) expect(buildWalkthrough(PLAYBOOK, path).steps[0]!.notes).toContain(NOTES.severalVolumes);
  });

  it('in Safe Mode checks elevation first and always uses C:, whatever volume was typed', () => {
    const walkthrough = buildWalkthrough(PLAYBOOK, 'safe_mode', { windowsVolume: 'E:', stickLetter: 'F' });
    const run = walkthrough.steps.find((step) => step.title === 'Run the fix as administrator')!;
    expect(run.commands.map((command) => command.text)).toEqual(['fsutil dirty query C:', 'F:\\bootmend\\fix.cmd']);
    expect(run.notes).toContain(NOTES.safeModeElevation);
    expect(walkthrough.steps[0]!.commands).toEqual([]);
  });

  it('ends WinRE and Safe Mode with the safe-boot commands (Safe Mode also for {current}); WinPE never sets safe boot', () => {
    const last = (path: 'winre' | 'safe_mode') => buildWalkthrough(PLAYBOOK, path).steps.at(-1)!;
    expect(last('safe_mode').commands.map((command) => command.text)).toEqual(['bcdedit /deletevalue {current} safeboot', 'bcdedit /deletevalue {default} safeboot']);
    expect(last('winre').commands.map((command) => command.text)).toEqual(['bcdedit /deletevalue {default} safeboot']);
    expect(last('winre').notes).toContain(NOTES.safeBootCleared);
    expect(commandsOf(buildWalkthrough(PLAYBOOK, 'winpe')).filter((text) => text.includes('safeboot'))).toEqual([]);
  });

  it('resumes at the first step not yet confirmed, and at the outcome when all are', () => {
    const walkthrough = buildWalkthrough(PLAYBOOK, 'winpe');
    expect(resumeStep(walkthrough, [])).toBe(0);
    expect(resumeStep(walkthrough, [0, 1])).toBe(2);
    expect(resumeStep(walkthrough, [0, 2])).toBe(1);
    expect(resumeStep(walkthrough, walkthrough.steps.map((step) => step.index))).toBeNull();
  });

  it('reads drive letters the way technicians type them', () => {
    expect(driveLetter('f')).toBe('F:');
    expect(driveLetter(' F: ')).toBe('F:');
    expect(driveLetter('FF')).toBeNull();
    expect(driveLetter('')).toBeNull();
    expect(driveLetter(null)).toBeNull();
  });
});
