import { describe, expect, it } from 'vitest';
import { WriteDrivesRequestSchema, type DriveProgress } from './write.js';
import { guardVerdict, largeDriveVerdict, verifyVerdict, overallProgress, say, toProgressEvent } from './write-rules.js';
import type { DriveEntry } from './drives.js';
import { usbStickEntry } from './fixtures/usb-stick-entry.js';

const stick = (overrides: Partial<DriveEntry> = {}): DriveEntry =>
  usbStickEntry({ device: '/dev/sdc', size: 16e9, model: 'Cruzer Blade', labels: ['RESCUE'], ...overrides });

const drive = (device: string, phase: DriveProgress['phase'], bytesDone: number, speed: number | null = 10): DriveProgress => ({
  device,
  phase,
  bytesDone,
  bytesTotal: 100,
  speed,
  etaSeconds: null,
});

describe('which drive may be erased', () => {
  it('lets a selectable stick through and refuses the system disk with the list\'s own reason', () => {
    expect(guardVerdict('/dev/sdc', stick(), undefined)).toBeNull();
    const system = stick({
      kind: 'system',
      selectable: false,
      reasons: [{ code: 'SYSTEM_DISK', message: 'Holds the running system (/ is mounted from it); choose a USB stick.', blocks: true, requiresConfirmation: false }],
    });
    expect(guardVerdict('/dev/sda', system, undefined)).toEqual({
      code: 'NOT_ALLOWED',
      message: 'Bootmend will not erase /dev/sda (system): Holds the running system (/ is mounted from it); choose a USB stick.',
    });
  });

  it('calls a read-only drive write-protected, and an unknown one not allowed', () => {
    const ro = stick({ kind: 'read-only', selectable: false, reasons: [{ code: 'READ_ONLY', message: 'x', blocks: true, requiresConfirmation: false }] });
    expect(guardVerdict('/dev/sdc', ro, undefined)?.code).toBe('WRITE_PROTECTED');
    expect(guardVerdict('/dev/sdz', undefined, undefined)).toMatchObject({ code: 'NOT_ALLOWED', message: expect.stringContaining('not among the drives') });
  });

  it('lets a write-protected stick be compared (verify only reads) but never the system disk, even a read-only one', () => {
    const locked = { code: 'READ_ONLY', message: 'x', blocks: true, requiresConfirmation: false } as const;
    const ro = stick({ kind: 'read-only', selectable: false, reasons: [locked] });
    expect(verifyVerdict('/dev/sdc', ro)).toBeNull();
    const system = stick({ kind: 'system', selectable: false, reasons: [locked, { code: 'SYSTEM_DISK', message: 'Holds the running system.', blocks: true, requiresConfirmation: false }] });
    expect(verifyVerdict('/dev/sda', system)).toMatchObject({ code: 'WRITE_PROTECTED' });
    expect(verifyVerdict('/dev/sdc', stick({ size: 256e9, confirmWith: ['256 GB'], requiresConfirmation: true }))).toBeNull();
    expect(verifyVerdict('/dev/sdz', undefined)).toMatchObject({ code: 'NOT_ALLOWED' });
  });

  it('over 128 GB requires the size as shown or a label; at 128 GB and below it does not', () => {
    const big = stick({ size: 256e9, confirmWith: ['256 GB', 'RESCUE'], requiresConfirmation: true });
    expect(largeDriveVerdict(big, undefined)).toMatchObject({ code: 'CONFIRMATION_REQUIRED', message: expect.stringContaining('"256 GB" or "RESCUE"') });
    expect(largeDriveVerdict(big, '255 GB')?.message).toContain('"255 GB" does not confirm Cruzer Blade (/dev/sdc)');
    expect(largeDriveVerdict(big, '256gb')).toBeNull();
    expect(largeDriveVerdict(big, '256')).toBeNull();
    expect(largeDriveVerdict(big, 'rescue')).toBeNull();
    expect(largeDriveVerdict(stick({ size: 128e9 }), undefined)).toBeNull();
    // A list entry without confirmWith (not selectable before) still gets the size to type.
    expect(largeDriveVerdict(stick({ size: 200e9 }), '200 GB')).toBeNull();
  });
});

describe('progress of the whole job', () => {
  it('follows the least-advanced drive: writing is the first half, verifying the second', () => {
    const overall = overallProgress([drive('/dev/sdb', 'verifying', 50), drive('/dev/sdc', 'writing', 80, 5)], true);
    expect(overall).toMatchObject({ device: '/dev/sdc', phase: 'writing', fraction: 0.4, speed: 5 });
    // 20 bytes left to write and 100 to verify at 5 B/s.
    expect(overall.etaSeconds).toBe(24);
    expect(overallProgress([drive('/dev/sdb', 'writing', 50)], false).fraction).toBe(0.5);
  });

  it('a failed drive no longer holds the job back', () => {
    const overall = overallProgress([drive('/dev/sdb', 'failed', 10), drive('/dev/sdc', 'verifying', 60)], true);
    expect(overall).toMatchObject({ device: '/dev/sdc', fraction: 0.8 });
    expect(overallProgress([drive('/dev/sdb', 'failed', 10), drive('/dev/sdc', 'done', 100)], true)).toMatchObject({ phase: 'done', fraction: 1 });
  });

  it('becomes the API progress event, counting write and verify bytes', () => {
    const progress = { overall: overallProgress([drive('/dev/sdb', 'verifying', 50)], true), drives: [drive('/dev/sdb', 'verifying', 50)] };
    expect(toProgressEvent(progress, true)).toMatchObject({ phase: 'verifying', bytesDone: 150, bytesTotal: 200, fraction: 0.75, message: 'Verifying 1 drive' });
  });
});

describe('the write request and the sentences', () => {
  it('accepts 1..16 distinct drives only', () => {
    expect(WriteDrivesRequestSchema.safeParse({ image: '/x.img', drives: ['/dev/sdb'] }).success).toBe(true);
    expect(WriteDrivesRequestSchema.safeParse({ image: '/x.img', drives: [] }).success).toBe(false);
    expect(WriteDrivesRequestSchema.safeParse({ image: '/x.img', drives: ['/dev/sdb', '/dev/sdb'] }).success).toBe(false);
    expect(WriteDrivesRequestSchema.safeParse({ image: '/x.img', drives: Array.from({ length: 17 }, (_, i) => `/dev/sd${i}`) }).success).toBe(false);
  });

  it('says where a pulled stick stopped, in sizes a technician reads', () => {
    expect(say.removed(312e6, 1e9, 'writing')).toBe('The drive was removed or stopped responding at 312 MB of 1.00 GB: the stick is unusable as it is; write it again.');
    expect(say.tooSmall('/dev/sdc', 8e9, 9e9)).toContain('holds 8.00 GB (8,000,000,000 bytes) but the image needs 9.00 GB');
    expect(say.mismatch(1048576)).toContain('from offset 1,048,576 (1.05 MB) on');
  });
});
