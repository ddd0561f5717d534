import { z } from 'zod';
import { DriveKind, type DriveEntry } from '../drives/drives.js';

export const DiskSchema = z.object({
  /** Device path as the OS names it: /dev/sda, \\.\PHYSICALDRIVE0, disk2. */
  device: z.string(),
  name: z.string(),
  size: z.number().nonnegative(),
  /** Bus or transport as reported: usb, sata, nvme, virtio, ... (empty when unknown). */
  bus: z.string(),
  removable: z.boolean(),
  /** Holds the running OS (its root or system volume is on this disk) or Bootmend itself. */
  isSystem: z.boolean(),
  /** The drive guard's verdict (core/drives/drives.ts): the same rule the media writer obeys. */
  kind: DriveKind,
  mounts: z.array(z.string()),
});
export type Disk = z.infer<typeof DiskSchema>;

export const ThisLaptopOverviewSchema = z.object({
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
export type ThisLaptopOverview = z.infer<typeof ThisLaptopOverviewSchema>;

/** The "This laptop" screen shows the drive guard's own verdicts, so the two can never disagree. */
export function diskFromDriveEntry(entry: DriveEntry): Disk {
  return {
    device: entry.device,
    name: [entry.vendor, entry.model].filter(Boolean).join(' ').trim() || entry.device.replace(/^\/dev\//, ''),
    size: entry.size,
    bus: entry.bus === 'unknown' ? '' : entry.bus,
    removable: entry.removable,
    isSystem: entry.kind === 'system',
    kind: entry.kind,
    mounts: entry.mounts,
  };
}
