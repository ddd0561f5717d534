import { beforeEach, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput, StreamingMethodName } from '../../../core/api/contract.js';
import type { ProgressListener } from '../../../core/api/envelope.js';
import type { DriveProgress, WriteDrivesResult } from '../../../core/drives/write.js';
import { classifyDrives, type ClassifyOptions, type DriveEntry } from '../../../core/drives/drives.js';
import { BootmendError } from '../../../core/errors.js';
import type { ProgressEvent } from '../../../core/progress.js';
import windowsLaptop from '../../../core/drives/fixtures/windows-laptop.json';
import type { ApiClient } from '../../api/client.js';
import { usbStickEntry } from '../../../core/drives/fixtures/usb-stick-entry.js';
import {
  blockedReason,
  cancelledResult,
  confirmationRule,
  confirmationSatisfied,
  describeMismatch,
  droppedReason,
  driveTitle,
  eraseButtonLabel,
  fileName,
  fingerprint,
  hiddenUsbHddCount,
  overallProgress,
  phaseAnnouncement,
  progressRows,
  pruneSelection,
  resultRows,
  resultSummary,
  retryLabel,
  selectAllSticks,
  selectedDrives,
  shortHash,
  toggleDrive,
  unfinishedDrives,
  useDrives,
  visibleDrives,
} from './store.js';

/** The guard's verdict on core's Windows laptop snapshot: NVMe system disk, USB stick, SD card, USB hard disk. */
function laptopDrives(options: ClassifyOptions = {}): DriveEntry[] {
  return classifyDrives(windowsLaptop, options);
}

const byDevice = (drives: DriveEntry[], device: string): DriveEntry => drives.find((d) => d.device === device)!;

/** A stick as the guard reports it, with what a test needs changed. */
function stick(device: string, fields: Partial<DriveEntry> = {}): DriveEntry {
  return usbStickEntry({ device, ...fields });
}

function large(device: string, size: string, labels: string[]): DriveEntry {
  return stick(device, {
    size: 256e9,
    labels,
    requiresConfirmation: true,
    confirmWith: [size, ...labels],
    reasons: [{ code: 'LARGE_DRIVE_CONFIRM', message: 'Is larger than 128 GB.', blocks: false, requiresConfirmation: true }],
  });
}

const HASH = 'a'.repeat(64);

function driveProgress(device: string, phase: DriveProgress['phase'], bytesDone: number, bytesTotal = 100e6): DriveProgress {
  return { device, phase, bytesDone, bytesTotal, speed: phase === 'writing' || phase === 'verifying' ? 20e6 : null, etaSeconds: 5 };
}

function event(drives: DriveProgress[], fields: Partial<ProgressEvent> = {}): ProgressEvent {
  return { jobId: 'job-1', phase: 'writing', message: 'Writing 2 drives', bytesDone: 0, bytesTotal: 200e6, speed: 20e6, etaSeconds: 12, fraction: 0.25, drives, ...fields };
}

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

  it("says why the system disk cannot be chosen, in the guard's words", () => {
    const system = byDevice(laptop, '\\\\.\\PHYSICALDRIVE0');
    expect(blockedReason(system)).toMatch(/^System disk — Holds the running system \(C: is mounted from it\)/);
    expect(blockedReason(byDevice(laptop, '\\\\.\\PHYSICALDRIVE1'))).toBeNull();
  });

  it('names a drive by vendor and model without repeating the vendor', () => {
    expect(driveTitle(byDevice(laptop, '\\\\.\\PHYSICALDRIVE1'))).toBe('SanDisk Ultra USB 3.0');
    expect(driveTitle(byDevice(laptop, '\\\\.\\PHYSICALDRIVE3'))).toBe('Western Digital WD Elements 25A2');
    expect(driveTitle(stick('/dev/loop7', { vendor: '', model: '' }))).toBe('/dev/loop7');
  });

  it('shows an image by its file name, whatever the separator', () => {
    expect(fileName('C:\\media\\fix.iso')).toBe('fix.iso');
    expect(fileName('/home/t/media/fix.img')).toBe('fix.img');
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

  it('names the first bad byte of a check', () => {
    expect(describeMismatch({ target: '/dev/sdb', match: false, firstMismatchOffset: 4096, sha256Image: HASH, sha256Target: 'b'.repeat(64) })).toBe(
      'The drive differs from the image from byte 4,096 (4.10 kB in): write it again.',
    );
    expect(describeMismatch({ target: '/dev/sdb', match: true, firstMismatchOffset: null, sha256Image: HASH, sha256Target: HASH })).toBe('Every byte matches the image.');
    expect(shortHash('0123456789abcdef'.repeat(4))).toBe('0123456789ab…89abcdef');
  });
});

// ---- the store, against a fake client ----

type Handler = (input: unknown, onProgress: ProgressListener, signal: AbortSignal | undefined) => Promise<unknown>;

function fakeClient(handlers: Partial<Record<MethodName, Handler>>): ApiClient & { calls: { name: string; input: unknown }[] } {
  const calls: { name: string; input: unknown }[] = [];
  const run = (name: MethodName, input: unknown, onProgress: ProgressListener, signal?: AbortSignal): Promise<never> => {
    calls.push({ name, input });
    const handler = handlers[name];
    if (!handler) return Promise.reject(new BootmendError('UNAVAILABLE', `${name} is not faked`));
    return handler(input, onProgress, signal) as Promise<never>;
  };
  return {
    host: 'web',
    calls,
    call<K extends Exclude<MethodName, StreamingMethodName>>(name: K, input: MethodInput<K>): Promise<MethodOutput<K>> {
      return run(name, input, () => undefined);
    },
    stream<K extends StreamingMethodName>(name: K, input: MethodInput<K>, options: { onProgress: ProgressListener; signal?: AbortSignal }): Promise<MethodOutput<K>> {
      return run(name, input, options.onProgress, options.signal);
    },
  };
}

const listOf =
  (drives: DriveEntry[]): Handler =>
  async () => ({ drives });

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
    expect(useDrives.getState()).toMatchObject({ open: true, origin: 'build', image: '/m/fix.img', imageBytes: 123, selection: {}, view: 'choose' });
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
    const client = fakeClient({ listDrives: async () => Promise.reject(new BootmendError('UNAVAILABLE', 'Lost the connection to the Bootmend service.')) });
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
      writeDrives: async (_input, onProgress) => {
        onProgress(event([driveProgress('/dev/sdb', 'writing', 50e6), driveProgress('/dev/sdc', 'writing', 40e6)]));
        seen.push(useDrives.getState().progress!);
        return {
          image: '/m/fix.img',
          imageBytes: 100e6,
          sha256: HASH,
          results: [a, b].map((d) => ({ device: d.device, outcome: 'verified', bytesWritten: 100e6, sha256: HASH, error: null, leftAs: 'Ready.', directIo: true })),
        };
      },
    });
    await writeEveryStick(client);
    expect(client.calls.at(-1)).toEqual({ name: 'writeDrives', input: { image: '/m/fix.img', drives: ['/dev/sdb', '/dev/sdc'], verify: true } });
    expect(seen[0]?.drives).toHaveLength(2);
    const s = useDrives.getState();
    expect(s.view).toBe('result');
    expect(resultRows(s.result!, s.job!.drives).map((r) => r.outcomeLabel)).toEqual(['Verified', 'Verified']);

    await useDrives.getState().writeMore(client);
    expect(useDrives.getState()).toMatchObject({ view: 'choose', selection: {}, result: null, image: '/m/fix.img' });
  });

  it('retries only the drives that failed or were cancelled, and says why one cannot be ticked again', async () => {
    const c = stick('/dev/sdd', { model: 'Ultra Fit' });
    let listed = [a, b, c];
    const client = fakeClient({
      listDrives: async () => ({ drives: listed }),
      writeDrives: async () => ({
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
    const { result, job } = useDrives.getState();
    expect(unfinishedDrives(result!, job!.drives).map((d) => d.device)).toEqual([b.device, c.device]);
    expect(retryLabel(2)).toBe('Retry 2 drives');

    // A different stick now answers at the pulled one's path.
    listed = [a, stick(b.device, { model: 'Another stick', size: 8e9 }), c];
    await useDrives.getState().retryUnfinished(client);
    const s = useDrives.getState();
    expect(s).toMatchObject({ view: 'choose', result: null, image: '/m/fix.img' });
    expect(Object.keys(s.selection)).toEqual([c.device]);
    expect(s.failure).toMatchObject({ field: 'drives' });
    expect(s.failure?.message).toBe(`Not ticked again: ${b.device} is now another drive (SanDisk Another stick, 8.00 GB): tick it only if you mean to erase that one.`);

    // Gone altogether, or still there but no longer choosable.
    expect(droppedReason(b, [a, c])).toBe(`SanDisk Cruzer (${b.device}) is no longer connected: plug it back in and press Refresh`);
    expect(droppedReason(b, [{ ...b, selectable: false }])).toBe(`SanDisk Cruzer (${b.device}) can no longer be chosen: its card says why`);
  });

  it('refuses to start until a large drive is confirmed, and sends what was typed', async () => {
    const big = large('/dev/sdd', '256 GB', ['BACKUP']);
    let sent: unknown = null;
    const client = fakeClient({
      listDrives: listOf([big]),
      writeDrives: async (input) => {
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
      writeDrives: async () => Promise.reject(new BootmendError('UNAUTHORIZED', 'Writing needs administrator rights and the request was refused.')),
    });
    useDrives.getState().openDirect();
    useDrives.getState().setImage('/m/fix.img');
    await useDrives.getState().refresh(client);
    useDrives.getState().toggle('/dev/sdb');
    await useDrives.getState().requestWrite(client);
    await useDrives.getState().write(client);
    expect(useDrives.getState()).toMatchObject({
      view: 'choose',
      failure: { field: null, message: 'Writing needs administrator rights and the request was refused.' },
    });
    expect(Object.keys(useDrives.getState().selection)).toEqual(['/dev/sdb']);
  });

  it('cancels: the job is aborted and each drive says what it was left as', async () => {
    const client = fakeClient({
      listDrives: listOf([a, b]),
      writeDrives: (_input, onProgress, signal) =>
        new Promise((_resolve, reject) => {
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
    expect(useDrives.getState().view).toBe('writing');
    useDrives.getState().cancelWrite();
    expect(useDrives.getState().cancelling).toBe(true);
    await writing;
    const s = useDrives.getState();
    expect(s.view).toBe('result');
    expect(s.result!.results.map((r) => [r.outcome, r.leftAs])).toEqual([
      ['cancelled', 'Partly written: erase or write it again before use.'],
      ['cancelled', 'Untouched: nothing was written to it.'],
    ]);
  });

  it('checks one stick against the image and reports the first bad byte', async () => {
    const client = fakeClient({
      listDrives: listOf([a, b]),
      verifyDrive: async () => ({ target: '/dev/sdb', match: false, firstMismatchOffset: 512, sha256Image: HASH, sha256Target: 'c'.repeat(64) }),
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
    const check = useDrives.getState().check;
    expect(check.status).toBe('done');
    expect(describeMismatch(check.result!)).toMatch(/from byte 512/);
  });
});
