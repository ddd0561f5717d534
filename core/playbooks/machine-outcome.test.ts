import { describe, expect, it } from 'vitest';
import { findProtectorsInManageBdeOutput } from '../keys/bitlocker.js';
import { MANAGE_BDE_DE_LOCKED, MANAGE_BDE_EN_DATA_VOLUME, MANAGE_BDE_EN_LOCKED } from '../keys/bitlocker-samples.js';
import { lockedVolumeSkipped, machineOutcome, unlockedVolumeRole, volumeRole, type OutcomeFacts } from './machine-outcome.js';
import { RECORDED_DATA_LOCKED_ALL, RECORDED_DATA_LOCKED_RECOVERY, RECORDED_OS_LOCKED_ALL, RECORDED_OS_NO_TPM_LOCKED_ALL } from './manage-bde-recorded.js';

const vol = (v: Partial<OutcomeFacts['volumes'][number]> = {}): OutcomeFacts['volumes'][number] => ({ outcome: 'fixed', bitlocker: 'not-protected', role: 'os', skipped: false, ...v });
const facts = (f: Partial<OutcomeFacts> = {}): OutcomeFacts => ({ volumes: [], windowsWithoutTarget: [], unreadableDrives: [], safeBoot: null, ...f });
const skippedData = vol({ outcome: 'needs_attention', bitlocker: 'locked', role: 'data', skipped: true });

describe('volumeRole: the OS volume by a TPM protector or the Windows folder; without either, known once unlocked (recorded manage-bde outputs)', () => {
  it('a locked OS volume (Microsoft\'s example output) is the OS volume by its TPM protector', () => {
    expect(volumeRole({ hasWindowsFolder: false, protectorsOutput: RECORDED_OS_LOCKED_ALL })).toBe('os');
  });

  it('a locked volume without a TPM protector is not called a data drive: an OS volume with a password protector looks the same from outside', () => {
    expect(volumeRole({ hasWindowsFolder: false, protectorsOutput: RECORDED_OS_NO_TPM_LOCKED_ALL })).toBe('unknown');
    expect(volumeRole({ hasWindowsFolder: false, protectorsOutput: RECORDED_DATA_LOCKED_ALL })).toBe('unknown');
    expect(volumeRole({ hasWindowsFolder: false, protectorsOutput: MANAGE_BDE_EN_DATA_VOLUME })).toBe('unknown');
    // Once unlocked, the Windows folder decides.
    expect(unlockedVolumeRole(true)).toBe('os');
    expect(unlockedVolumeRole(false)).toBe('data');
  });

  it('a volume left locked is skipped as a data drive only when it is one, or when another volume proved to be the OS volume', () => {
    expect(lockedVolumeSkipped('unknown', 0)).toBe(false);
    expect(lockedVolumeSkipped('unknown', 1)).toBe(true);
    expect(lockedVolumeSkipped('data', 0)).toBe(true);
    expect(lockedVolumeSkipped('os', 1)).toBe(false);
  });

  it('agrees with the key parser of core/keys on every sample: os exactly where it finds a TPM protector', () => {
    for (const text of [RECORDED_OS_LOCKED_ALL, RECORDED_DATA_LOCKED_ALL, MANAGE_BDE_EN_LOCKED, MANAGE_BDE_DE_LOCKED, MANAGE_BDE_EN_DATA_VOLUME]) {
      const hasTpm = findProtectorsInManageBdeOutput(text).some((p) => p.kind === 'tpm');
      expect(volumeRole({ hasWindowsFolder: false, protectorsOutput: text }), text).toBe(hasTpm ? 'os' : 'unknown');
    }
  });

  it('the Windows folder wins; output without a protector ID (an error) or no output says nothing', () => {
    expect(volumeRole({ hasWindowsFolder: true, protectorsOutput: RECORDED_DATA_LOCKED_ALL })).toBe('os');
    expect(volumeRole({ hasWindowsFolder: false, protectorsOutput: 'ERROR: No key protectors found.\r\n' })).toBe('unknown');
    expect(volumeRole({ hasWindowsFolder: false, protectorsOutput: null })).toBe('unknown');
    // -Type RecoveryPassword output has no TPM block: it cannot tell the OS volume, so fix.cmd asks without -Type.
    expect(volumeRole({ hasWindowsFolder: false, protectorsOutput: RECORDED_DATA_LOCKED_RECOVERY })).toBe('unknown');
  });
});

describe('machineOutcome: what fix.cmd reports for the PC', () => {
  it('a skipped data drive does not turn a fixed PC into needs_attention, nor one with nothing to do', () => {
    expect(machineOutcome(facts({ volumes: [vol({ bitlocker: 'unlocked-by-bootmend' }), skippedData] }))).toMatchObject({ outcome: 'fixed', exitCode: 0 });
    expect(machineOutcome(facts({ volumes: [vol({ outcome: 'nothing_to_do' }), skippedData] }))).toMatchObject({ outcome: 'nothing_to_do', exitCode: 0 });
    // Windows seen on a volume without the folder counts as the OS volume looked into.
    expect(machineOutcome(facts({ volumes: [skippedData], windowsWithoutTarget: ['C:'] }))).toMatchObject({ outcome: 'nothing_to_do', exitCode: 0 });
  });

  it('a skipped data drive with no OS volume looked into, or a locked OS volume, needs attention', () => {
    expect(machineOutcome(facts({ volumes: [skippedData] }))).toMatchObject({ outcome: 'needs_attention', exitCode: 2 });
    const lockedOs = vol({ outcome: 'needs_attention', bitlocker: 'locked', role: 'os', skipped: false });
    expect(machineOutcome(facts({ volumes: [lockedOs, skippedData] }))).toMatchObject({ outcome: 'needs_attention', exitCode: 2 });
    // A data drive that was looked into and holds an unverified file still needs attention.
    expect(machineOutcome(facts({ volumes: [vol(), vol({ outcome: 'needs_attention', role: 'data' })] }))).toMatchObject({ outcome: 'needs_attention' });
  });

  it('no Windows volume at all is "could not see the disk" (needs attention, storage-driver advice), never nothing_to_do', () => {
    expect(machineOutcome(facts())).toEqual({ outcome: 'needs_attention', exitCode: 2, noWindowsDisk: true });
    // Windows is there but the playbook's folder is not: the bad file is not on this PC.
    expect(machineOutcome(facts({ windowsWithoutTarget: ['D:'] }))).toEqual({ outcome: 'nothing_to_do', exitCode: 0, noWindowsDisk: false });
    // Drives this WinPE cannot read (no manage-bde): needs attention, but not for a driver.
    expect(machineOutcome(facts({ unreadableDrives: ['D:'] }))).toEqual({ outcome: 'needs_attention', exitCode: 2, noWindowsDisk: false });
    expect(machineOutcome(facts({ unreadableDrives: ['D:'], windowsWithoutTarget: ['C:'] }))).toMatchObject({ outcome: 'needs_attention' });
  });

  it('a failed action wins; safe boot that could not be changed turns success into needs_attention', () => {
    expect(machineOutcome(facts({ volumes: [vol(), vol({ outcome: 'failed' })] }))).toMatchObject({ outcome: 'failed', exitCode: 1 });
    expect(machineOutcome(facts({ volumes: [vol()], safeBoot: 'failed' }))).toMatchObject({ outcome: 'needs_attention', exitCode: 2 });
    expect(machineOutcome(facts({ volumes: [vol()], safeBoot: 'not-set' }))).toMatchObject({ outcome: 'fixed', exitCode: 0 });
  });
});
