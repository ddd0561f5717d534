import { describe, expect, it } from 'vitest';
import type { WriteDrivesResult } from '../../../core/drives/write.js';
import { usbStickEntry } from '../../../core/drives/fixtures/usb-stick-entry.js';
import type { ProgressEvent } from '../../../core/progress.js';
import { IDLE_JOB } from '../../state/job.js';
import { activityTitle, type ActivitySnapshot } from './activity-title.js';

const sticks = [usbStickEntry({ device: '/dev/sdb' }), usbStickEntry({ device: '/dev/sdc', model: 'Cruzer' })];
const idle: ActivitySnapshot = {
  drives: { open: false, writing: IDLE_JOB, drives: [] },
  media: { status: 'idle', format: 'iso', fraction: null },
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
    const drives = { ...idle.drives, open: true, drives: sticks };
    expect(activityTitle({ ...idle, drives: { ...drives, writing: { status: 'running', progress: null } } })).toBe('Writing 2 drives');
    expect(activityTitle({ ...idle, drives: { ...drives, writing: { status: 'running', progress: writing(0.329) } } })).toBe('32% · Writing 2 drives');
    expect(activityTitle({ ...idle, drives: { ...drives, writing: { status: 'cancelling', progress: writing(0.329) } } })).toBe('Cancelling the write');
    const ended = { ...drives, writing: { status: 'done' as const, result: failedOne } };
    expect(activityTitle({ ...idle, drives: ended })).toBe('1 of 2 drives failed');
    expect(activityTitle({ ...idle, drives: ended, onMediaScreen: false })).toBeNull();
  });

  it('counts a build, and a write started from its result wins over it', () => {
    const building = { ...idle, media: { status: 'running' as const, format: 'usb-image' as const, fraction: 0.5 } };
    expect(activityTitle(building)).toMatch(/^50% · Building the /);
    expect(activityTitle({ ...idle, media: { ...building.media, status: 'done' } })).toMatch(/ built$/);
    expect(activityTitle({ ...idle, media: { ...building.media, status: 'done' }, onMediaScreen: false })).toBeNull();
    // Its result handed over to the drive step: the drive step's words, or the screen's.
    expect(activityTitle({ ...idle, media: { ...building.media, status: 'done' }, drives: { ...idle.drives, open: true } })).toBeNull();
    const alsoWriting = { ...building, drives: { ...idle.drives, open: true, drives: sticks.slice(0, 1), writing: { status: 'running' as const, progress: writing(0.1) } } };
    expect(activityTitle(alsoWriting)).toBe('10% · Writing 1 drive');
  });
});
