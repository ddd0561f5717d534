import { describe, expect, it } from 'vitest';
import type { WriteDrivesResult } from '../../../core/drives/write.js';
import { usbStickEntry } from '../../../core/drives/fixtures/usb-stick-entry.js';
import type { ProgressEvent } from '../../../core/progress.js';
import { activityTitle, type ActivitySnapshot } from './activity-title.js';

const sticks = [usbStickEntry({ device: '/dev/sdb' }), usbStickEntry({ device: '/dev/sdc', model: 'Cruzer' })];
const idle: ActivitySnapshot = {
  drives: { open: false, view: 'choose', cancelling: false, progress: null, result: null, drives: [] },
  media: { phase: 'idle', format: 'iso', fraction: null },
  onMediaScreen: true,
};
const writing = (fraction: number): ProgressEvent => ({ jobId: 'j', phase: 'writing', message: 'Writing 2 drives', bytesDone: 1, bytesTotal: 2, speed: 1, etaSeconds: 1, fraction });
const failedOne: WriteDrivesResult = {
  image: '/m/fix.img',
  imageBytes: 1,
  sha256: null,
  results: [
    { device: '/dev/sdb', outcome: 'verified', bytesWritten: 1, sha256: 'a'.repeat(64), error: null, leftAs: 'Ready.', directIo: true },
    { device: '/dev/sdc', outcome: 'failed', bytesWritten: 0, sha256: null, error: { code: 'DRIVE_VANISHED', message: 'Pulled out.' }, leftAs: 'Partly written.', directIo: true },
  ],
};

describe('the window title during long work', () => {
  it('names the screen (null) when nothing runs', () => {
    expect(activityTitle(idle)).toBeNull();
  });

  it('counts a drive write in whole percent, then says how it ended while its result is on screen', () => {
    const drives = { ...idle.drives, open: true, view: 'writing' as const, drives: sticks };
    expect(activityTitle({ ...idle, drives: { ...drives, progress: null } })).toBe('Writing 2 drives');
    expect(activityTitle({ ...idle, drives: { ...drives, progress: writing(0.329) } })).toBe('32% · Writing 2 drives');
    expect(activityTitle({ ...idle, drives: { ...drives, cancelling: true } })).toBe('Cancelling the write');
    const ended = { ...drives, view: 'result' as const, result: failedOne };
    expect(activityTitle({ ...idle, drives: ended })).toBe('1 of 2 drives failed');
    expect(activityTitle({ ...idle, drives: ended, onMediaScreen: false })).toBeNull();
  });

  it('counts a build, and a write started from its result wins over it', () => {
    const building = { ...idle, media: { phase: 'running' as const, format: 'usb-image' as const, fraction: 0.5 } };
    expect(activityTitle(building)).toMatch(/^50% · Building the /);
    expect(activityTitle({ ...idle, media: { ...building.media, phase: 'done' } })).toMatch(/ built$/);
    expect(activityTitle({ ...idle, media: { ...building.media, phase: 'done' }, onMediaScreen: false })).toBeNull();
    // Its result handed over to the drive step: the drive step's words, or the screen's.
    expect(activityTitle({ ...idle, media: { ...building.media, phase: 'done' }, drives: { ...idle.drives, open: true } })).toBeNull();
    const alsoWriting = { ...building, drives: { ...idle.drives, open: true, view: 'writing' as const, drives: sticks.slice(0, 1), progress: writing(0.1) } };
    expect(activityTitle(alsoWriting)).toBe('10% · Writing 1 drive');
  });
});
