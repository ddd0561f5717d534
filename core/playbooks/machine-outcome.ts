import type { MachineResult } from './machine-result.js';

/**
 * fix.cmd's rules for a volume's role and the machine's outcome, written so the batch file
 * can mirror them line for line (assets/payload/fix.cmd.template :bm_role and :bm_outcome).
 * They are tested here on their own; the Wine runs prove that fix.cmd follows them.
 */

export type VolumeRole = 'os' | 'data' | 'unknown';
type Outcome = MachineResult['outcome'];
type Volume = Pick<MachineResult['volumes'][number], 'outcome' | 'bitlocker' | 'role' | 'skipped'>;

/**
 * The Windows folder marks the OS volume. A volume that cannot be read (BitLocker-locked) is
 * the OS volume when `manage-bde -protectors -get X:` lists a TPM protector (TPM, TPM And PIN,
 * TPM And Startup Key…: BitLocker puts one only on the volume of the Windows that runs on the
 * PC). Without one its role is unknown until it is unlocked: an OS volume protected by a
 * password or a startup key lists the same protectors as a data drive, and `manage-bde -status`
 * says "[OS Volume]" only of the running Windows (WinPE or WinRE at the PC). "TPM" heads the
 * protector's block in every language manage-bde prints.
 */
export function volumeRole(input: { hasWindowsFolder: boolean; protectorsOutput: string | null }): VolumeRole {
  if (input.hasWindowsFolder) return 'os';
  if (input.protectorsOutput === null) return 'unknown';
  // cmd: for /f "tokens=1 delims=: " … if /i "%%a"=="TPM".
  return input.protectorsOutput.split(/\r?\n/).some((line) => (line.split(/[: ]+/).find(Boolean) ?? '').toUpperCase() === 'TPM') ? 'os' : 'unknown';
}

/** The role of a volume fix.cmd unlocked: its Windows folder decides now that it can be read. */
export function unlockedVolumeRole(hasWindowsFolder: boolean): VolumeRole {
  return hasWindowsFolder ? 'os' : 'data';
}

/**
 * A volume left locked is skipped (it does not hold the PC back) when it is a data drive, or
 * when its role is unknown and another volume proved to be the OS volume by being looked into:
 * a data drive by elimination.
 */
export function lockedVolumeSkipped(role: VolumeRole, osVolumesLookedInto: number): boolean {
  return role === 'data' || (role === 'unknown' && osVolumesLookedInto > 0);
}

export interface OutcomeFacts {
  volumes: readonly Volume[];
  /** Drive letters holding Windows but not the playbook's folder (the bad file is not there). */
  windowsWithoutTarget: readonly string[];
  /** Drives that could not be read in an image without manage-bde. */
  unreadableDrives: readonly string[];
  safeBoot: MachineResult['safeBoot']['result'];
}

export interface MachineOutcome {
  outcome: Outcome;
  exitCode: 0 | 1 | 2;
  /** Not a single volume, not even a Windows one without the folder: the disk is not visible here (a storage driver may be missing). */
  noWindowsDisk: boolean;
}

/**
 * - any volume fixed: fixed; every one with nothing to do: nothing_to_do;
 * - a data drive left locked (`skipped`) does not hold the PC back once an OS volume was looked
 *   into (or a Windows volume without the folder was seen); with no OS volume it needs attention;
 * - no volume at all is nothing_to_do only when Windows was seen without the folder; otherwise
 *   the disk was not visible (needs attention, with the storage-driver advice), or it could not
 *   be read (no manage-bde);
 * - safe boot that could not be changed turns success into needs_attention; a failed action wins.
 */
export function machineOutcome(facts: OutcomeFacts): MachineOutcome {
  const { volumes } = facts;
  const count = (test: (volume: Volume) => boolean): number => volumes.filter(test).length;
  const fixed = count((v) => v.outcome === 'fixed');
  const attention = count((v) => v.outcome === 'needs_attention' && v.skipped !== true);
  const skipped = count((v) => v.skipped === true);
  const failed = count((v) => v.outcome === 'failed');
  const osLookedInto = count((v) => v.role === 'os' && v.bitlocker !== 'locked');
  const windowsSeen = facts.windowsWithoutTarget.length > 0;
  const unreadable = facts.unreadableDrives.length > 0;

  const attentionAll = attention + (osLookedInto === 0 && !windowsSeen ? skipped : 0);
  let outcome: Outcome = fixed > 0 ? 'fixed' : 'nothing_to_do';
  let exitCode: MachineOutcome['exitCode'] = 0;
  const needsAttention = (): void => {
    outcome = 'needs_attention';
    exitCode = 2;
  };
  if (volumes.length === 0 && !windowsSeen) needsAttention();
  if (unreadable && volumes.length === 0) needsAttention();
  if (attentionAll > 0) needsAttention();
  if (facts.safeBoot === 'failed' && exitCode === 0) needsAttention();
  if (failed > 0) {
    outcome = 'failed';
    exitCode = 1;
  }
  return { outcome, exitCode, noWindowsDisk: volumes.length === 0 && !windowsSeen && !unreadable };
}
