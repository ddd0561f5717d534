import { describe, expect, it } from 'vitest';
import { parentDiskName, summarizeDisks, type RawBlockDevice } from './machine.js';

// Shapes as systeminformation's blockDevices() prints them on real machines.
const linuxLaptop: RawBlockDevice[] = [
  { name: 'nvme0n1', type: 'disk', size: 512_110_190_592, model: 'Samsung SSD 980', protocol: 'nvme', removable: false, device: '/dev/nvme0n1', mount: '' },
  { name: 'nvme0n1p1', type: 'part', size: 536_870_912, mount: '/boot/efi', device: '/dev/nvme0n1p1' },
  { name: 'nvme0n1p2', type: 'part', size: 511_000_000_000, mount: '/', device: '/dev/nvme0n1p2' },
  { name: 'sda', type: 'disk', size: 32_015_679_488, model: 'Ultra', protocol: 'usb', removable: true, device: '/dev/sda', mount: '' },
  { name: 'sda1', type: 'part', size: 32_000_000_000, mount: '/media/tech/STICK', device: '/dev/sda1' },
  { name: 'zram0', type: 'disk', size: 0, device: '/dev/zram0', mount: '' },
];

describe('this machine: disks', () => {
  it('marks the disk holding / as the system disk and lists it first', () => {
    const disks = summarizeDisks(linuxLaptop, []);
    expect(disks.map((d) => [d.device, d.isSystem])).toEqual([
      ['/dev/nvme0n1', true],
      ['/dev/sda', false],
    ]);
    expect(disks[0]!.mounts).toEqual(['/boot/efi', '/']);
    expect(disks[1]).toMatchObject({ removable: true, bus: 'usb', name: 'Ultra' });
  });

  it('marks a partitionless VM disk mounted at / (this CI machine)', () => {
    const disks = summarizeDisks([{ name: 'vda', type: 'disk', size: 274_877_906_944, mount: '/', device: '/dev/vda' }], []);
    expect(disks).toEqual([expect.objectContaining({ device: '/dev/vda', isSystem: true, mounts: ['/'] })]);
  });

  it('falls back to diskLayout on Windows, where blockDevices lists volumes', () => {
    const disks = summarizeDisks(
      [{ name: 'C:', type: 'Local Disk', mount: 'C:', size: 510_000_000_000, physical: 'Local' }],
      [{ device: '\\\\.\\PHYSICALDRIVE0', name: 'KXG60ZNV512G', vendor: 'KIOXIA', size: 512_105_932_800, interfaceType: 'NVMe' }],
    );
    expect(disks).toEqual([expect.objectContaining({ device: '\\\\.\\PHYSICALDRIVE0', isSystem: true, bus: 'nvme', name: 'KIOXIA KXG60ZNV512G' })]);
  });

  it.each([
    ['sda1', 'sda'],
    ['nvme0n1p2', 'nvme0n1'],
    ['mmcblk0p1', 'mmcblk0'],
    ['disk2s1', 'disk2'],
    ['/dev/sdb', 'sdb'],
    ['loop3', 'loop3'],
  ])('knows %s sits on %s', (partition, disk) => {
    expect(parentDiskName(partition)).toBe(disk);
  });
});
