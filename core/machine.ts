import { z } from 'zod';

export const DiskSchema = z.object({
  /** Device path as the OS names it: /dev/sda, \\.\PHYSICALDRIVE0, disk2. */
  device: z.string(),
  name: z.string(),
  size: z.number().nonnegative(),
  /** Bus or transport as reported: usb, sata, nvme, virtio, ... (empty when unknown). */
  bus: z.string(),
  removable: z.boolean(),
  /** Holds the running OS (its root or system volume is on this disk). */
  isSystem: z.boolean(),
  mounts: z.array(z.string()),
});
export type Disk = z.infer<typeof DiskSchema>;

export const MachineOverviewSchema = z.object({
  hostname: z.string(),
  manufacturer: z.string(),
  model: z.string(),
  serial: z.string(),
  os: z.object({ platform: z.string(), distro: z.string(), release: z.string(), arch: z.string() }),
  cpu: z.object({ brand: z.string(), cores: z.number().int().nonnegative() }),
  memoryBytes: z.number().nonnegative(),
  disks: z.array(DiskSchema),
  collectedAt: z.string(),
});
export type MachineOverview = z.infer<typeof MachineOverviewSchema>;

/** The subset of systeminformation's outputs we read: real field names, all optional. */
export interface RawBlockDevice {
  name?: string;
  type?: string;
  fsType?: string;
  mount?: string;
  size?: number;
  physical?: string;
  uuid?: string;
  label?: string;
  model?: string;
  serial?: string;
  removable?: boolean;
  protocol?: string;
  group?: string;
  device?: string;
}

export interface RawDiskLayout {
  device?: string;
  type?: string;
  name?: string;
  vendor?: string;
  size?: number;
  interfaceType?: string;
  serialNum?: string;
}

const SYSTEM_MOUNTS = new Set(['/', '/boot', '/boot/efi', 'C:', 'C:\\', '/System/Volumes/Data']);

/** Which disk a partition sits on: sda1 -> sda, nvme0n1p2 -> nvme0n1, mmcblk0p1 -> mmcblk0, disk2s1 -> disk2. */
export function parentDiskName(partition: string): string {
  const base = partition.replace(/^\/dev\//, '');
  const nvme = /^(nvme\d+n\d+|mmcblk\d+|loop\d+)(p\d+)?$/.exec(base);
  if (nvme) return nvme[1]!;
  const mac = /^(disk\d+)(s\d+)*$/.exec(base);
  if (mac) return mac[1]!;
  return base.replace(/\d+$/, '');
}

/**
 * One entry per physical disk with the system disk marked. systeminformation has no
 * "is system" flag, so a disk is the system disk when any of its partitions is
 * mounted where the OS lives (/, /boot, C:).
 */
export function summarizeDisks(blockDevices: RawBlockDevice[], layout: RawDiskLayout[]): z.infer<typeof DiskSchema>[] {
  const disks = new Map<string, z.infer<typeof DiskSchema>>();
  for (const dev of blockDevices) {
    // zram swap and empty card readers report a size of 0: not disks anyone can write to.
    if (dev.type === 'disk' && dev.name && (dev.size ?? 0) > 0) {
      const mount = (dev.mount ?? '').trim();
      disks.set(dev.name, {
        device: dev.device ?? `/dev/${dev.name}`,
        name: [dev.model].filter(Boolean).join(' ').trim() || dev.name,
        size: dev.size ?? 0,
        bus: (dev.protocol ?? '').toLowerCase(),
        removable: dev.removable === true,
        // A partitionless disk (a VM's virtio disk) can be mounted itself.
        isSystem: SYSTEM_MOUNTS.has(mount),
        mounts: mount ? [mount] : [],
      });
    }
  }
  for (const dev of blockDevices) {
    if (!dev.name || dev.type === 'disk') continue;
    const disk = disks.get(parentDiskName(dev.name));
    if (!disk) continue;
    const mount = (dev.mount ?? '').trim();
    if (mount) {
      disk.mounts.push(mount);
      if (SYSTEM_MOUNTS.has(mount)) disk.isSystem = true;
    }
  }
  // Windows: blockDevices lists volumes (C:, D:) with `physical` naming their disk type;
  // diskLayout carries the disks themselves. Fall back to diskLayout when no disk rows exist.
  if (disks.size === 0) {
    layout.forEach((disk, index) => {
      const device = disk.device ?? `disk${index}`;
      disks.set(device, {
        device,
        name: [disk.vendor, disk.name].filter(Boolean).join(' ').trim() || device,
        size: disk.size ?? 0,
        bus: (disk.interfaceType ?? disk.type ?? '').toLowerCase(),
        removable: false,
        isSystem: false,
        mounts: [],
      });
    });
    const winSystem = blockDevices.find((dev) => /^C:?\\?$/i.test((dev.mount ?? dev.name ?? '').trim()));
    const found = [...disks.values()];
    const only = found.length === 1 ? found[0] : undefined;
    if (winSystem && only) {
      only.isSystem = true;
      only.mounts.push('C:');
    }
  }
  return [...disks.values()].sort((a, b) => Number(b.isSystem) - Number(a.isSystem) || a.device.localeCompare(b.device));
}
