import { beforeEach, describe, expect, it } from 'vitest';
import type { DriveEntry } from '../../../core/drives/drives.js';
import { BootmendError } from '../../../core/errors.js';
import type { ProgressEvent } from '../../../core/progress.js';
import type { ApiClient } from '../../api/client.js';
import { fakeClient, type FakeHandler } from '../../state/fake-client.js';
import { jobProgress } from '../../state/job.js';
import { unfinishedDrives } from './rules.js';
import { stepView, useDrives } from './store.js';
import { driveProgress, event, HASH, large, stick } from './test-drives.js';
import { describeMismatch, resultRows } from './words.js';

const listOf =
  (drives: DriveEntry[]): FakeHandler<'listDrives'> =>
  () => ({ drives });

/** The technician's path to a result: image typed, list read, every stick ticked, confirmed, written. */
async function writeEveryStick(client: ApiClient): Promise<void> {
  useDrives.getState().openDirect();
  useDrives.getState().setImage('/m/fix.img');
  await useDrives.getState().refresh(client);
  useDrives.getState().selectAllSticks();
  await useDrives.getState().requestWrite(client);
  await useDrives.getState().write(client);
}

describe('the write-to-drives store', () => {
  const a = stick('/dev/sdb');
  const b = stick('/dev/sdc', { model: 'Cruzer' });

  beforeEach(() => {
    useDrives.getState().close();
    useDrives.setState({ showUsbHdd: false, list: { drives: null, loading: false, error: null, listedFor: null } });
  });

  it('opens from a built medium with its size, nothing chosen', () => {
    useDrives.getState().openFromBuild('/m/fix.img', 123);
    expect(useDrives.getState()).toMatchObject({ open: true, origin: 'build', image: '/m/fix.img', imageBytes: 123, selection: {} });
    expect(stepView(useDrives.getState().writing)).toBe('choose');
  });

  it('lists drives for the image so the guard can judge source and size', async () => {
    const client = fakeClient({ listDrives: listOf([a, b]) });
    useDrives.getState().openDirect();
    useDrives.getState().setImage(' /m/fix.img ');
    await useDrives.getState().refresh(client);
    expect(client.calls).toEqual([{ name: 'listDrives', input: { imagePath: '/m/fix.img' } }]);
    await useDrives.getState().setShowUsbHdd(client, true);
    expect(client.calls.at(-1)).toEqual({ name: 'listDrives', input: { includeUsbHdd: true, imagePath: '/m/fix.img' } });
  });

  it('shows a listing failure in words', async () => {
    const client = fakeClient({
      listDrives: () => {
        throw new BootmendError('UNAVAILABLE', 'Lost the connection to the Bootmend service.');
      },
    });
    await useDrives.getState().refresh(client);
    expect(useDrives.getState().list.error).toBe('Lost the connection to the Bootmend service.');
  });

  it('asks for an image, then for a drive, before opening the confirmation', async () => {
    const client = fakeClient({ listDrives: listOf([a, b]) });
    useDrives.getState().openDirect();
    useDrives.getState().setImage('  ');
    await useDrives.getState().requestWrite(client);
    expect(useDrives.getState().failure).toMatchObject({ field: 'image' });
    useDrives.getState().setImage('/m/fix.img');
    await useDrives.getState().requestWrite(client);
    expect(useDrives.getState().failure).toMatchObject({ field: 'drives' });
    expect(useDrives.getState().confirming).toBe(false);
    useDrives.getState().toggle('/dev/sdb');
    await useDrives.getState().requestWrite(client);
    expect(useDrives.getState()).toMatchObject({ confirming: true, failure: null });
  });

  it('writes the confirmed drives, shows progress, then each result', async () => {
    const seen: ProgressEvent[] = [];
    const client = fakeClient({
      listDrives: listOf([a, b]),
      writeDrives: (_input, onProgress) => {
        onProgress(event([driveProgress('/dev/sdb', 'writing', 50e6), driveProgress('/dev/sdc', 'writing', 40e6)]));
        seen.push(jobProgress(useDrives.getState().writing)!);
        return {
          image: '/m/fix.img',
          imageBytes: 100e6,
          sha256: HASH,
          results: [a, b].map((d) => ({ device: d.device, outcome: 'verified' as const, bytesWritten: 100e6, sha256: HASH, error: null, leftAs: 'Ready.', directIo: true })),
        };
      },
    });
    await writeEveryStick(client);
    expect(client.calls.at(-1)).toEqual({ name: 'writeDrives', input: { image: '/m/fix.img', drives: ['/dev/sdb', '/dev/sdc'], verify: true } });
    expect(seen[0]?.drives).toHaveLength(2);
    const { writing, request } = useDrives.getState();
    expect(stepView(writing)).toBe('result');
    expect(writing.status === 'done' && resultRows(writing.result, request!.drives).map((r) => r.outcomeLabel)).toEqual(['Verified', 'Verified']);

    await useDrives.getState().writeMore(client);
    expect(useDrives.getState()).toMatchObject({ writing: { status: 'idle' }, request: null, selection: {}, image: '/m/fix.img' });
  });

  it('retries only the drives that failed or were cancelled, and says why one cannot be ticked again', async () => {
    const c = stick('/dev/sdd', { model: 'Ultra Fit' });
    let listed = [a, b, c];
    const client = fakeClient({
      listDrives: () => ({ drives: listed }),
      writeDrives: () => ({
        image: '/m/fix.img',
        imageBytes: 100e6,
        sha256: HASH,
        results: [
          { device: a.device, outcome: 'verified', bytesWritten: 100e6, sha256: HASH, error: null, leftAs: 'Ready.', directIo: true },
          { device: b.device, outcome: 'failed', bytesWritten: 5e6, sha256: null, error: { code: 'DRIVE_VANISHED', message: 'The stick was pulled out.' }, leftAs: 'Partly written.', directIo: true },
          { device: c.device, outcome: 'cancelled', bytesWritten: 0, sha256: null, error: null, leftAs: 'Untouched.', directIo: true },
        ],
      }),
    });
    await writeEveryStick(client);
    const { writing, request } = useDrives.getState();
    expect(writing.status === 'done' && unfinishedDrives(writing.result, request!.drives).map((d) => d.device)).toEqual([b.device, c.device]);

    // A different stick now answers at the pulled one's path.
    listed = [a, stick(b.device, { model: 'Another stick', size: 8e9 }), c];
    await useDrives.getState().retryUnfinished(client);
    const s = useDrives.getState();
    expect(s).toMatchObject({ writing: { status: 'idle' }, request: null, image: '/m/fix.img' });
    expect(Object.keys(s.selection)).toEqual([c.device]);
    expect(s.failure).toMatchObject({ field: 'drives' });
    expect(s.failure?.message).toBe(`Not ticked again: ${b.device} is now another drive (SanDisk Another stick, 8.00 GB): tick it only if you mean to erase that one.`);
  });

  it('refuses to start until a large drive is confirmed, and sends what was typed', async () => {
    const big = large('/dev/sdd', '256 GB', ['BACKUP']);
    let sent: unknown = null;
    const client = fakeClient({
      listDrives: listOf([big]),
      writeDrives: (input) => {
        sent = input;
        return { image: '/m/fix.img', imageBytes: 1, sha256: HASH, results: [] };
      },
    });
    useDrives.getState().openDirect();
    useDrives.getState().setImage('/m/fix.img');
    await useDrives.getState().refresh(client);
    useDrives.getState().toggle('/dev/sdd');
    await useDrives.getState().requestWrite(client);
    await useDrives.getState().write(client);
    expect(useDrives.getState().failure).toMatchObject({ field: 'confirm' });
    expect(sent).toBeNull();
    useDrives.getState().setConfirmText(' backup ');
    await useDrives.getState().write(client);
    expect(sent).toMatchObject({ drives: ['/dev/sdd'], confirm: 'backup' });
  });

  it('goes back to the list with the failure in words when the writer refuses the whole job', async () => {
    const client = fakeClient({
      listDrives: listOf([a]),
      writeDrives: () => {
        throw new BootmendError('UNAUTHORIZED', 'Writing needs administrator rights and the request was refused.');
      },
    });
    useDrives.getState().openDirect();
    useDrives.getState().setImage('/m/fix.img');
    await useDrives.getState().refresh(client);
    useDrives.getState().toggle('/dev/sdb');
    await useDrives.getState().requestWrite(client);
    await useDrives.getState().write(client);
    expect(stepView(useDrives.getState().writing)).toBe('choose');
    expect(useDrives.getState().failure).toEqual({ field: null, message: 'Writing needs administrator rights and the request was refused.' });
    expect(Object.keys(useDrives.getState().selection)).toEqual(['/dev/sdb']);
  });

  it('cancels: the job is aborted and each drive says what it was left as', async () => {
    const client = fakeClient({
      listDrives: listOf([a, b]),
      writeDrives: (_input, onProgress, signal) =>
        new Promise<never>((_resolve, reject) => {
          onProgress(event([driveProgress('/dev/sdb', 'writing', 10e6), driveProgress('/dev/sdc', 'preparing', 0)]));
          signal!.addEventListener('abort', () => reject(new BootmendError('CANCELLED', 'Cancelled before it finished.')));
        }),
    });
    useDrives.getState().openDirect();
    useDrives.getState().setImage('/m/fix.img');
    await useDrives.getState().refresh(client);
    useDrives.getState().selectAllSticks();
    await useDrives.getState().requestWrite(client);
    const writing = useDrives.getState().write(client);
    expect(stepView(useDrives.getState().writing)).toBe('writing');
    useDrives.getState().cancelWrite();
    expect(useDrives.getState().writing.status).toBe('cancelling');
    await writing;
    const ended = useDrives.getState().writing;
    expect(stepView(ended)).toBe('result');
    expect(ended.status === 'done' && ended.result.results.map((r) => [r.outcome, r.leftAs])).toEqual([
      ['cancelled', 'Partly written: erase or write it again before use.'],
      ['cancelled', 'Untouched: nothing was written to it.'],
    ]);
  });

  it('checks one stick against the image and reports the first bad byte', async () => {
    const client = fakeClient({
      listDrives: listOf([a, b]),
      verifyDrive: () => ({ target: '/dev/sdb', match: false, firstMismatchOffset: 512, sha256Image: HASH, sha256Target: 'c'.repeat(64) }),
    });
    useDrives.getState().openDirect();
    useDrives.getState().setImage('/m/fix.img');
    await useDrives.getState().refresh(client);
    useDrives.getState().selectAllSticks();
    await useDrives.getState().checkDrive(client);
    expect(useDrives.getState().failure).toMatchObject({ field: 'drives', message: 'Tick exactly one drive to check it against the image.' });
    useDrives.getState().toggle('/dev/sdc');
    await useDrives.getState().checkDrive(client);
    expect(client.calls.at(-1)).toEqual({ name: 'verifyDrive', input: { image: '/m/fix.img', drive: '/dev/sdb' } });
    const { check, checkDevice } = useDrives.getState();
    expect(checkDevice).toBe('/dev/sdb');
    expect(check.status === 'done' && describeMismatch(check.result)).toMatch(/from byte 512/);
  });
});
