import { describe, expect, it } from 'vitest';
import type { DriveEntry } from '../drives/drives.js';
import { diskFromDriveEntry } from './schemas.js';
import { usbStickEntry } from '../drives/fixtures/usb-stick-entry.js';

const entry = (over: Partial<DriveEntry>): DriveEntry => usbStickEntry({ device: '/dev/sda', size: 32_015_679_488, ...over });

describe('this laptop panel: disks come from the drive guard', () => {
  it('marks the disk the guard calls system', () => {
    expect(diskFromDriveEntry(entry({ device: '/dev/vda', kind: 'system', vendor: '', model: '', bus: 'virtual', mounts: ['/'] }))).toEqual({
      device: '/dev/vda',
      name: 'vda',
      size: 32_015_679_488,
      bus: 'virtual',
      removable: true,
      isSystem: true,
      kind: 'system',
      mounts: ['/'],
    });
  });

  it('names a USB stick by vendor and model and keeps its kind', () => {
    expect(diskFromDriveEntry(entry({}))).toMatchObject({ name: 'SanDisk Ultra', isSystem: false, kind: 'usb-stick', bus: 'usb' });
  });
});
