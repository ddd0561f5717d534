import { describe, expect, it } from 'vitest';
import {
  cancelledResult,
  confirmationRule,
  confirmationSatisfied,
  droppedReason,
  driveTitle,
  fingerprint,
  hiddenUsbHddCount,
  pruneSelection,
  selectAllSticks,
  selectedDrives,
  toggleDrive,
  unfinishedDrives,
  visibleDrives,
} from './rules.js';
import { byDevice, driveProgress, event, HASH, laptopDrives, large, stick } from './test-drives.js';
import { resultRows, resultSummary } from './words.js';

describe('the drive list', () => {
  const laptop = laptopDrives();

  it('hides USB hard disks unless "Show USB hard disks" is on, and says how many are hidden', () => {
    expect(visibleDrives(laptop, false).map((d) => d.kind)).not.toContain('usb-hdd');
    expect(hiddenUsbHddCount(laptop, false)).toBe(1);
    expect(visibleDrives(laptop, true).map((d) => d.kind)).toContain('usb-hdd');
    expect(hiddenUsbHddCount(laptop, true)).toBe(0);
  });

  it('puts the choosable drives first', () => {
    const kinds = visibleDrives(laptop, false).map((d) => d.kind);
    expect(kinds).toEqual(['usb-stick', 'sd-card', 'system']);
  });

  it('names a drive by vendor and model without repeating the vendor', () => {
    expect(driveTitle(byDevice(laptop, '\\\\.\\PHYSICALDRIVE1'))).toBe('SanDisk Ultra USB 3.0');
    expect(driveTitle(byDevice(laptop, '\\\\.\\PHYSICALDRIVE3'))).toBe('Western Digital WD Elements 25A2');
    expect(driveTitle(stick('/dev/loop7', { vendor: '', model: '' }))).toBe('/dev/loop7');
  });
});

describe('choosing drives', () => {
  const laptop = laptopDrives({ includeUsbHdd: true });

  it('chooses nothing by default and never a drive the guard refuses', () => {
    const system = byDevice(laptop, '\\\\.\\PHYSICALDRIVE0');
    expect(selectedDrives({}, laptop)).toEqual([]);
    expect(toggleDrive({}, system)).toEqual({});
  });

  it('ticks and unticks a stick', () => {
    const sandisk = byDevice(laptop, '\\\\.\\PHYSICALDRIVE1');
    const ticked = toggleDrive({}, sandisk);
    expect(selectedDrives(ticked, laptop)).toEqual([sandisk]);
    expect(toggleDrive(ticked, sandisk)).toEqual({});
  });

  it('"select all sticks" picks sticks and SD cards, never a USB hard disk or a drive that needs typing', () => {
    const picked = selectedDrives(selectAllSticks({}, laptop), laptop).map((d) => d.kind);
    expect(picked).toEqual(['usb-stick', 'sd-card']);
    const withLarge = [...laptop, large('/dev/sdz', '256 GB', [])];
    expect(Object.keys(selectAllSticks({}, withLarge))).not.toContain('/dev/sdz');
  });

  it('drops a choice when another stick turns up under the same device path', () => {
    const first = stick('/dev/sdb');
    const chosen = toggleDrive({}, first);
    const swapped = stick('/dev/sdb', { model: 'Cruzer Blade', size: 16e9 });
    expect(pruneSelection(chosen, [swapped], false)).toEqual({});
    expect(pruneSelection(chosen, [first], false)).toEqual({ '/dev/sdb': fingerprint(first) });
    expect(pruneSelection(chosen, [], false)).toEqual({});
  });

  it('drops a USB hard disk from the choice when the switch is turned off, and a drive that became too small', () => {
    const hdd = byDevice(laptop, '\\\\.\\PHYSICALDRIVE3');
    const chosen = toggleDrive({}, hdd);
    expect(pruneSelection(chosen, laptop, false)).toEqual({});
    const stickNow = stick('/dev/sdb');
    const tooSmall = { ...stickNow, selectable: false };
    expect(pruneSelection(toggleDrive({}, stickNow), [tooSmall], false)).toEqual({});
  });
});

describe('confirming the erase', () => {
  it('asks nothing for ordinary sticks', () => {
    const rule = confirmationRule([stick('/dev/sdb'), stick('/dev/sdc')]);
    expect(rule.kind).toBe('none');
    expect(confirmationSatisfied(rule, '')).toBe(true);
  });

  it('asks for the size or label of a drive over 128 GB', () => {
    const rule = confirmationRule([stick('/dev/sdb'), large('/dev/sdc', '256 GB', ['BACKUP'])]);
    expect(rule).toMatchObject({ kind: 'type', accepts: ['256 GB', 'BACKUP'] });
    expect(confirmationSatisfied(rule, '')).toBe(false);
    expect(confirmationSatisfied(rule, '128 GB')).toBe(false);
    expect(confirmationSatisfied(rule, '256 gb')).toBe(true);
    expect(confirmationSatisfied(rule, '256')).toBe(true);
    expect(confirmationSatisfied(rule, 'backup')).toBe(true);
  });

  it('accepts only what every large drive shares, since the writer takes one confirmation', () => {
    const shared = confirmationRule([large('/dev/sdc', '256 GB', ['A']), large('/dev/sdd', '256 GB', ['B'])]);
    expect(shared).toMatchObject({ kind: 'type', accepts: ['256 GB'] });
    expect(confirmationSatisfied(shared, 'A')).toBe(false);
    const split = confirmationRule([large('/dev/sdc', '256 GB', ['A']), large('/dev/sdd', '512 GB', ['B'])]);
    expect(split.kind).toBe('split');
    expect(confirmationSatisfied(split, '256 GB')).toBe(false);
  });
});

describe('after a write', () => {
  const drives = [stick('/dev/sdb'), stick('/dev/sdc', { model: 'Cruzer' })];

  it('says what each drive was left as when a write is cancelled', () => {
    const last = event([driveProgress('/dev/sdb', 'done', 100e6), driveProgress('/dev/sdc', 'writing', 10e6)]);
    const cancelled = cancelledResult('/m/fix.img', [...drives, stick('/dev/sdd')], last, true);
    expect(cancelled.results.map((r) => [r.device, r.outcome, r.leftAs])).toEqual([
      ['/dev/sdb', 'verified', 'Ready: every byte was read back and matches the image.'],
      ['/dev/sdc', 'cancelled', 'Partly written: erase or write it again before use.'],
      ['/dev/sdd', 'cancelled', 'Untouched: nothing was written to it.'],
    ]);
    expect(resultSummary(resultRows(cancelled, drives)).title).toBe('Cancelled — 1 of 3 drives finished');
  });

  it('retries only the drives that did not end ready to use', () => {
    const result = {
      image: '/m/fix.img',
      imageBytes: 100e6,
      sha256: HASH,
      results: [
        { device: '/dev/sdb', outcome: 'verified' as const, bytesWritten: 100e6, sha256: HASH, error: null, leftAs: 'Ready.', directIo: true },
        { device: '/dev/sdc', outcome: 'cancelled' as const, bytesWritten: 0, sha256: null, error: null, leftAs: 'Untouched.', directIo: true },
      ],
    };
    expect(unfinishedDrives(result, drives).map((d) => d.device)).toEqual(['/dev/sdc']);
  });

  it('says why a drive to retry cannot be ticked again: gone, another drive at its path, or no longer choosable', () => {
    const [, b] = drives as [unknown, typeof drives[number]];
    expect(droppedReason(b, [])).toBe(`SanDisk Cruzer (${b.device}) is no longer connected: plug it back in and press Refresh`);
    expect(droppedReason(b, [stick(b.device, { model: 'Another stick', size: 8e9 })])).toBe(
      `${b.device} is now another drive (SanDisk Another stick, 8.00 GB): tick it only if you mean to erase that one`,
    );
    expect(droppedReason(b, [{ ...b, selectable: false }])).toBe(`SanDisk Cruzer (${b.device}) can no longer be chosen: its card says why`);
  });
});
