import { describe, expect, it } from 'vitest';
import type { WriteDrivesResult } from '../../../core/drives/write.js';
import { byDevice, driveProgress, event, HASH, laptopDrives, stick } from './test-drives.js';
import { blockedReason, describeMismatch, eraseButtonLabel, fileName, overallProgress, phaseAnnouncement, progressRows, resultRows, resultSummary, retryLabel, shortHash } from './words.js';

describe('how a drive reads', () => {
  const laptop = laptopDrives();

  it("says why the system disk cannot be chosen, in the guard's words", () => {
    const system = byDevice(laptop, '\\\\.\\PHYSICALDRIVE0');
    expect(blockedReason(system)).toMatch(/^System disk — Holds the running system \(C: is mounted from it\)/);
    expect(blockedReason(byDevice(laptop, '\\\\.\\PHYSICALDRIVE1'))).toBeNull();
  });

  it('shows an image by its file name, whatever the separator', () => {
    expect(fileName('C:\\media\\fix.iso')).toBe('fix.iso');
    expect(fileName('/home/t/media/fix.img')).toBe('fix.img');
  });

  it('says on the button how many drives will be erased', () => {
    expect(eraseButtonLabel(1)).toBe('Erase 1 drive and write');
    expect(eraseButtonLabel(12)).toBe('Erase 12 drives and write');
  });
});

describe('progress', () => {
  const drives = [stick('/dev/sdb'), stick('/dev/sdc', { model: 'Cruzer' })];

  it('gives each chosen drive a row, even before the writer reports it', () => {
    const rows = progressRows(drives, null);
    expect(rows.map((r) => [r.device, r.phaseLabel, r.fraction, r.bytes])).toEqual([
      ['/dev/sdb', 'Waiting', null, '—'],
      ['/dev/sdc', 'Waiting', null, '—'],
    ]);
  });

  it("shows each drive's phase, bytes, speed and time left", () => {
    const rows = progressRows(drives, event([driveProgress('/dev/sdb', 'writing', 50e6), driveProgress('/dev/sdc', 'verifying', 25e6)]));
    expect(rows[0]).toMatchObject({ phaseLabel: 'Writing', fraction: 0.5, bytes: '50.0 MB of 100 MB', speed: '20.0 MB/s', eta: '5 s' });
    expect(rows[1]).toMatchObject({ phaseLabel: 'Verifying', fraction: 0.25 });
    expect(phaseAnnouncement(rows)).toBe('Writing: 1 drive, Verifying: 1 drive');
  });

  it('shows no bytes or speed while preparing, and a full bar when done', () => {
    const rows = progressRows(drives, event([driveProgress('/dev/sdb', 'preparing', 0), driveProgress('/dev/sdc', 'done', 100e6)]));
    expect(rows[0]).toMatchObject({ phaseLabel: 'Preparing', fraction: null, bytes: '—', speed: '—', eta: '—' });
    expect(rows[1]).toMatchObject({ phaseLabel: 'Done', fraction: 1, speed: '—' });
  });

  it("follows the writer's least-advanced drive for the overall bar", () => {
    const overall = overallProgress(event([driveProgress('/dev/sdb', 'writing', 50e6)], { phase: 'writing', fraction: 0.25, speed: 20e6, etaSeconds: 7.5 }));
    expect(overall).toMatchObject({ fraction: 0.25, phaseLabel: 'Writing', speed: '20.0 MB/s', eta: '8 s' });
    expect(overallProgress(event([], { phase: 'preparing', fraction: 0 })).fraction).toBeNull();
    expect(overallProgress(null).phaseLabel).toBe('Starting');
  });
});

describe('results', () => {
  const drives = [stick('/dev/sdb'), stick('/dev/sdc', { model: 'Cruzer' })];
  const result: WriteDrivesResult = {
    image: '/m/fix.img',
    imageBytes: 100e6,
    sha256: HASH,
    results: [
      { device: '/dev/sdb', outcome: 'verified', bytesWritten: 100e6, sha256: HASH, error: null, leftAs: 'Ready.', directIo: true },
      {
        device: '/dev/sdc',
        outcome: 'failed',
        bytesWritten: 100e6,
        sha256: null,
        error: { code: 'VERIFY_MISMATCH', message: 'Verification failed.', offset: 1048576 },
        leftAs: 'Written, but it does not read back the same as the image.',
        directIo: true,
      },
    ],
  };

  it('shows a verified drive with its hash matching the image, and a failed one with its offset and state', () => {
    const rows = resultRows(result, drives);
    expect(rows[0]).toMatchObject({ title: 'SanDisk Ultra', outcomeLabel: 'Verified', tone: 'success', matchesImage: true, problem: null });
    expect(rows[1]).toMatchObject({ outcomeLabel: 'Failed', tone: 'danger', problem: 'Verification failed. (at byte 1,048,576)' });
    expect(rows[1]!.leftAs).toMatch(/does not read back/);
    expect(resultSummary(rows)).toEqual({ title: '1 of 2 drives failed', tone: 'danger' });
  });

  it("does not repeat an offset the writer's sentence already names", () => {
    const named = { ...result, results: [{ ...result.results[1]!, error: { code: 'VERIFY_MISMATCH' as const, message: 'Different from offset 1,048,576 (1.05 MB) on.', offset: 1048576 } }] };
    expect(resultRows(named, drives)[0]!.problem).toBe('Different from offset 1,048,576 (1.05 MB) on.');
  });

  it('sums up a clean run', () => {
    const clean = { ...result, results: [result.results[0]!] };
    expect(resultSummary(resultRows(clean, drives))).toEqual({ title: '1 drive written and verified', tone: 'success' });
  });
  it('names the first bad byte of a check', () => {
    expect(describeMismatch({ target: '/dev/sdb', match: false, firstMismatchOffset: 4096, sha256Image: HASH, sha256Target: 'b'.repeat(64) })).toBe(
      'The drive differs from the image from byte 4,096 (4.10 kB in): write it again.',
    );
    expect(describeMismatch({ target: '/dev/sdb', match: true, firstMismatchOffset: null, sha256Image: HASH, sha256Target: HASH })).toBe('Every byte matches the image.');
    expect(shortHash('0123456789abcdef'.repeat(4))).toBe('0123456789ab…89abcdef');
  });

  it('offers to retry the drives that did not finish', () => {
    expect(retryLabel(1)).toBe('Retry 1 drive');
    expect(retryLabel(2)).toBe('Retry 2 drives');
  });
});
