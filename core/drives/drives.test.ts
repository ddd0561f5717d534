import { describe, expect, it } from 'vitest';
import {
  classifyDrives,
  confirmationMatches,
  confirmationPrompt,
  DriveEntrySchema,
  DriveSnapshotSchema,
  type DriveEntry,
  type DriveSnapshotInput,
} from './drives.js';
import imageOnStick from './fixtures/image-on-stick.json' with { type: 'json' };
import linuxLaptop from './fixtures/linux-laptop.json' with { type: 'json' };
import macosLaptop from './fixtures/macos-laptop.json' with { type: 'json' };
import vmVirtio from './fixtures/vm-virtio.json' with { type: 'json' };
import windowsDesktop from './fixtures/windows-desktop.json' with { type: 'json' };
import windowsLaptop from './fixtures/windows-laptop.json' with { type: 'json' };

/** A fixture to change in one test without touching the others. */
const copy = (fixture: unknown): DriveSnapshotInput & { blockDevices: Record<string, unknown>[]; fsSize: Record<string, unknown>[] } =>
  structuredClone(fixture) as never;

/** device -> [kind, selectable, reason codes] */
function verdicts(entries: DriveEntry[]): Record<string, [string, boolean, string[]]> {
  return Object.fromEntries(entries.map((e) => [e.device, [e.kind, e.selectable, e.reasons.map((r) => r.code)]]));
}
const drive = (entries: DriveEntry[], device: string): DriveEntry => {
  const found = entries.find((e) => e.device === device);
  if (!found) throw new Error(`${device} not listed: ${entries.map((e) => e.device).join(', ')}`);
  return found;
};

describe('Windows laptop: NVMe system disk, USB stick, SD card, USB hard disk', () => {
  const entries = classifyDrives(windowsLaptop);

  it('offers the USB stick and the SD card, never the NVMe disk holding C:, and hides the USB hard disk', () => {
    expect(verdicts(entries)).toEqual({
      '\\\\.\\PHYSICALDRIVE0': ['system', false, ['SYSTEM_DISK']],
      '\\\\.\\PHYSICALDRIVE1': ['usb-stick', true, []],
      '\\\\.\\PHYSICALDRIVE2': ['sd-card', true, []],
      '\\\\.\\PHYSICALDRIVE3': ['usb-hdd', false, ['USB_HDD_HIDDEN']],
    });
    expect(drive(entries, '\\\\.\\PHYSICALDRIVE0').reasons[0]!.message).toBe('Holds the running system (C: is mounted from it); choose a USB stick.');
  });

  it('shows what each drive is: bus, model without "USB Device", labels and mounts', () => {
    const stick = drive(entries, '\\\\.\\PHYSICALDRIVE1');
    expect(stick).toMatchObject({ bus: 'usb', vendor: 'SanDisk', model: 'SanDisk Ultra USB 3.0', labels: ['SANDISK'], mounts: ['E:'], removable: true });
    expect(drive(entries, '\\\\.\\PHYSICALDRIVE2').bus).toBe('sd');
    expect(entries.every((e) => DriveEntrySchema.safeParse(e).success)).toBe(true);
  });

  it('ignores network drives and volumes that belong to no disk', () => {
    expect(entries.flatMap((e) => e.mounts)).not.toContain('Z:');
  });

  it('offers the USB hard disk with "Show USB hard disks", after typing its size or label', () => {
    const hdd = drive(classifyDrives(windowsLaptop, { includeUsbHdd: true }), '\\\\.\\PHYSICALDRIVE3');
    expect(hdd).toMatchObject({ kind: 'usb-hdd', selectable: true, requiresConfirmation: true, confirmWith: ['2.00 TB', 'Backup'] });
    expect(hdd.reasons.map((r) => r.code)).toEqual(['LARGE_DRIVE_CONFIRM']);
    expect(confirmationPrompt(hdd)).toBe('WD Elements 25A2 (\\\\.\\PHYSICALDRIVE3) is larger than 128 GB. Type "2.00 TB" or "Backup" to confirm that it may be erased.');
  });

  it('never offers the disk holding C: even when it is USB (Windows To Go)', () => {
    const snap = copy(windowsLaptop);
    snap.blockDevices[0]!.device = '\\\\.\\PHYSICALDRIVE1';
    const stick = drive(classifyDrives(snap), '\\\\.\\PHYSICALDRIVE1');
    expect([stick.kind, stick.selectable]).toEqual(['system', false]);
  });

  it('treats every non-USB disk as the system disk when C: cannot be tied to a disk, and still offers the stick', () => {
    const snap = copy(windowsLaptop);
    for (const b of snap.blockDevices) b.device = '';
    const v = verdicts(classifyDrives(snap));
    expect(v['\\\\.\\PHYSICALDRIVE0']).toEqual(['system', false, ['SYSTEM_DISK']]);
    expect(v['\\\\.\\PHYSICALDRIVE1']![1]).toBe(true);
  });

  it('offers nothing when C: cannot be tied to a disk and every disk is USB', () => {
    const snap = copy(windowsLaptop);
    snap.diskLayout = (snap.diskLayout as unknown[]).slice(1) as never;
    for (const b of snap.blockDevices) b.device = '';
    expect(classifyDrives(snap).filter((e) => e.selectable)).toEqual([]);
  });

  it('refuses a write-protected SD card (its volume is not writable)', () => {
    const snap = copy(windowsLaptop);
    snap.fsSize.find((f) => f.mount === 'F:')!.rw = false;
    expect(verdicts(classifyDrives(snap))['\\\\.\\PHYSICALDRIVE2']).toEqual(['read-only', false, ['READ_ONLY']]);
  });

  it('refuses the stick the image is stored on (E:\\), whatever the case of the path', () => {
    const v = verdicts(classifyDrives(windowsLaptop, { imagePath: 'e:\\Images\\bootmend.iso' }));
    expect(v['\\\\.\\PHYSICALDRIVE1']).toEqual(['source', false, ['HOLDS_SOURCE_IMAGE']]);
    expect(v['\\\\.\\PHYSICALDRIVE2']![1]).toBe(true);
  });

  it('refuses the stick Bootmend itself runs from', () => {
    const stick = drive(classifyDrives(windowsLaptop, { appPath: 'F:\\Bootmend\\Bootmend.exe' }), '\\\\.\\PHYSICALDRIVE2');
    expect([stick.kind, stick.selectable, stick.reasons.map((r) => r.code)]).toEqual(['system', false, ['APP_DISK']]);
  });
});

describe('Windows desktop booted from a SATA SSD with a second internal disk', () => {
  it('offers only the USB stick: the SSD holds C:, the data disk is internal, the DVD drive is not a disk', () => {
    expect(verdicts(classifyDrives(windowsDesktop))).toEqual({
      '\\\\.\\PHYSICALDRIVE0': ['system', false, ['SYSTEM_DISK']],
      '\\\\.\\PHYSICALDRIVE1': ['internal', false, ['INTERNAL_DISK']],
      '\\\\.\\PHYSICALDRIVE2': ['usb-stick', true, []],
    });
  });

  it('says why the second internal disk is not offered', () => {
    const data = drive(classifyDrives(windowsDesktop), '\\\\.\\PHYSICALDRIVE1');
    expect(data.reasons[0]!.message).toBe('Is a fixed SATA disk inside this computer; Bootmend writes only to USB sticks and SD cards.');
  });

  it('follows %SystemDrive% when Windows lives on D:', () => {
    const snap = { ...copy(windowsDesktop), extras: { systemDrive: 'D:' } };
    expect(verdicts(classifyDrives(snap))['\\\\.\\PHYSICALDRIVE1']![0]).toBe('system');
  });
});

describe('Linux laptop: NVMe with LUKS + LVM, USB stick, SD card, snap loop devices, zram', () => {
  const entries = classifyDrives(linuxLaptop);

  it('offers the stick and the SD card, never the NVMe disk, and leaves out loop and zram devices', () => {
    expect(verdicts(entries)).toEqual({
      '/dev/mmcblk0': ['sd-card', true, []],
      '/dev/nvme0n1': ['system', false, ['SYSTEM_DISK']],
      '/dev/sda': ['usb-stick', true, []],
    });
  });

  it('names / as the reason, although / is on LVM inside LUKS', () => {
    expect(drive(entries, '/dev/nvme0n1').reasons[0]!.message).toBe(
      'Holds the running system (/ is on an encrypted, LVM or RAID volume that lives on this disk); choose a USB stick.',
    );
  });

  it('still finds the system disk when only / (on LVM) is mounted from it', () => {
    const snap = copy(linuxLaptop);
    for (const b of snap.blockDevices) if (String(b.mount).startsWith('/boot')) b.mount = '';
    snap.fsSize = snap.fsSize.filter((f) => !String(f.mount).startsWith('/boot'));
    expect(verdicts(classifyDrives(snap))['/dev/nvme0n1']).toEqual(['system', false, ['SYSTEM_DISK']]);
  });

  it('lists loop devices only for tests: the snap ones are read-only, a blank one can be written', () => {
    const v = verdicts(classifyDrives(linuxLaptop, { includeLoop: true }));
    expect(v['/dev/loop1']).toEqual(['read-only', false, ['READ_ONLY', 'LOOP_DEVICE']]);
    expect(v['/dev/loop3']).toEqual(['loop', true, ['LOOP_DEVICE']]);
    expect(Object.keys(v)).not.toContain('/dev/zram0');
  });

  it('refuses a loop device too small for the image before anything is written', () => {
    const loop = drive(classifyDrives(linuxLaptop, { includeLoop: true, imageSize: 2e9 }), '/dev/loop3');
    expect([loop.selectable, loop.reasons.map((r) => r.code)]).toEqual([false, ['LOOP_DEVICE', 'TOO_SMALL']]);
    expect(loop.reasons[1]!.message).toBe('Holds 1.07 GB; the image needs 2.00 GB.');
  });

  it('treats eMMC (mmcblk with boot partitions) as an internal disk, not an SD card', () => {
    const snap = copy(linuxLaptop);
    snap.blockDevices.push({ name: 'mmcblk0boot0', type: 'disk', size: 4194304, device: '/dev/mmcblk0boot0' });
    expect(verdicts(classifyDrives(snap))['/dev/mmcblk0']).toEqual(['internal', false, ['INTERNAL_DISK']]);
  });

  it('refuses a stick whose write-protect switch is on', () => {
    const snap = { ...copy(linuxLaptop), extras: { readOnlyDevices: ['/dev/sda'] } };
    expect(verdicts(classifyDrives(snap))['/dev/sda']).toEqual(['read-only', false, ['READ_ONLY']]);
  });
});

describe('macOS laptop: internal APFS disk and a USB stick', () => {
  const entries = classifyDrives(macosLaptop);

  it('folds the APFS container into the internal disk, marks it system and offers the stick', () => {
    expect(verdicts(entries)).toEqual({
      '/dev/disk0': ['system', false, ['SYSTEM_DISK']],
      '/dev/disk4': ['usb-stick', true, []],
    });
    expect(drive(entries, '/dev/disk0').mounts).toContain('/System/Volumes/Data');
    expect(drive(entries, '/dev/disk4')).toMatchObject({ labels: ['STICK'], mounts: ['/Volumes/STICK'], bus: 'usb' });
  });

  it('does not take a disk image for a drive', () => {
    const snap = copy(macosLaptop);
    snap.blockDevices.push({ name: '/dev/disk5', identifier: 'disk5', type: 'virtual', size: 1e9, model: 'Disk Image', protocol: 'Disk Image' });
    expect(verdicts(classifyDrives(snap))['/dev/disk5']).toEqual(['virtual', false, ['VIRTUAL_DISK']]);
  });
});

describe('virtual machine with virtio disks', () => {
  it('never offers the partitionless root disk, the second virtio disk or the DVD drive', () => {
    expect(verdicts(classifyDrives(vmVirtio))).toEqual({
      '/dev/sr0': ['read-only', false, ['OPTICAL_DRIVE']],
      '/dev/vda': ['system', false, ['SYSTEM_DISK']],
      '/dev/vdb': ['virtual', false, ['VIRTUAL_DISK']],
    });
  });
});

describe('the image file sits on a USB stick', () => {
  const imagePath = '/run/media/tech/IMAGES/bootmend.img';

  it('refuses the stick holding the image and offers the other one', () => {
    expect(verdicts(classifyDrives(imageOnStick, { imagePath, imageSize: 1_263_534_080 }))).toEqual({
      '/dev/sda': ['system', false, ['SYSTEM_DISK']],
      '/dev/sdb': ['source', false, ['HOLDS_SOURCE_IMAGE']],
      '/dev/sdc': ['usb-stick', true, []],
    });
  });

  it('refuses a stick smaller than the image', () => {
    const sdc = drive(classifyDrives(imageOnStick, { imagePath, imageSize: 9e9 }), '/dev/sdc');
    expect([sdc.selectable, sdc.reasons.map((r) => r.code)]).toEqual([false, ['TOO_SMALL']]);
  });

  it('marks the system disk as the source too when the image is in the home folder', () => {
    const sda = drive(classifyDrives(imageOnStick, { imagePath: '/home/tech/bootmend.img' }), '/dev/sda');
    expect(sda.reasons.map((r) => r.code)).toEqual(['SYSTEM_DISK', 'HOLDS_SOURCE_IMAGE']);
  });
});

describe('large drives and confirmation', () => {
  const bigStick = {
    platform: 'linux',
    blockDevices: [
      { name: 'sdb', type: 'disk', size: 256_060_514_304, model: 'Extreme Pro', protocol: 'usb', removable: true, device: '/dev/sdb' },
      { name: 'sdb1', type: 'part', size: 256_000_000_000, label: 'FIELDKIT', mount: '/media/tech/FIELDKIT', device: '/dev/sdb' },
      { name: 'sdc', type: 'disk', size: 64_000_000_000, model: 'Flash Drive FIT', protocol: 'usb', removable: false, device: '/dev/sdc' },
      { name: 'sdd', type: 'disk', size: 500_107_862_016, model: 'Portable SSD T7', protocol: 'usb', removable: false, device: '/dev/sdd' },
      { name: 'sde', type: 'disk', size: 31_914_983_424, model: 'STORAGE DEVICE', protocol: 'usb', removable: true, device: '/dev/sde' },
      { name: 'sdf', type: 'disk', size: 0, model: 'SD/MMC', protocol: 'usb', removable: true, device: '/dev/sdf' },
    ],
  };
  const entries = classifyDrives(bigStick);

  it('asks to type the size or label of a stick over 128 GB', () => {
    const stick = drive(entries, '/dev/sdb');
    expect(stick).toMatchObject({ kind: 'usb-stick', selectable: true, requiresConfirmation: true, confirmWith: ['256 GB', 'FIELDKIT'] });
    for (const typed of ['256 GB', '256gb', ' 256 ', 'fieldkit']) expect(confirmationMatches(stick, typed)).toBe(true);
    for (const typed of ['', '25', '128 GB', 'FIELD']) expect(confirmationMatches(stick, typed)).toBe(false);
  });

  it('asks nothing of a small stick', () => {
    const small = drive(entries, '/dev/sdc');
    expect([small.kind, small.selectable, small.requiresConfirmation, confirmationPrompt(small)]).toEqual(['usb-stick', true, false, null]);
    expect(confirmationMatches(small, '')).toBe(true);
  });

  it('hides a USB SSD even though Linux says it is a fixed disk like many sticks', () => {
    expect(verdicts(entries)['/dev/sdd']).toEqual(['usb-hdd', false, ['USB_HDD_HIDDEN']]);
  });

  it('leaves out a card reader without a card', () => {
    expect(entries.map((e) => e.device)).not.toContain('/dev/sdf');
  });
});

describe('the snapshot is read leniently', () => {
  it('keeps unknown fields, tolerates missing osInfo/diskLayout/fsSize and null fields, and reads sizes given as text', () => {
    const parsed = DriveSnapshotSchema.parse({
      platform: 'linux',
      future: 1,
      blockDevices: [{ name: 'sdb', type: 'disk', size: '31914983424', model: null, protocol: 'usb', removable: true, serial: 123, extra: 'x' }],
    });
    expect(parsed.diskLayout).toEqual([]);
    expect(parsed.fsSize).toEqual([]);
    expect((parsed as Record<string, unknown>).future).toBe(1);
    expect(classifyDrives(parsed)[0]).toMatchObject({ device: '/dev/sdb', size: 31_914_983_424, kind: 'usb-stick', model: '' });
  });

  it('classifies an already parsed snapshot the same as the raw one', () => {
    expect(classifyDrives(DriveSnapshotSchema.parse(windowsLaptop))).toEqual(classifyDrives(windowsLaptop));
  });

  it('rejects a snapshot without blockDevices', () => {
    expect(DriveSnapshotSchema.safeParse({ platform: 'linux' }).success).toBe(false);
  });
});
