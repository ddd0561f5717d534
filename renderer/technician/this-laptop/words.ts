import type { Disk, ThisLaptopOverview } from '../../../core/this-laptop/schemas.js';
import { platformName } from '../shell/labels.js';

// The words the This laptop screen shows for what systeminformation reports.

export function describeOs({ os }: ThisLaptopOverview): string {
  const name = os.distro || (os.platform ? platformName(os.platform) : 'Unknown system');
  return [name, os.release, os.arch ? `(${os.arch})` : null].filter(Boolean).join(' ');
}

const BUS_NAMES: Record<string, string> = {
  usb: 'USB',
  sata: 'SATA',
  ata: 'ATA',
  nvme: 'NVMe',
  scsi: 'SCSI',
  sas: 'SAS',
  virtio: 'VirtIO',
  virtual: 'Virtual',
  mmc: 'SD / MMC',
  sd: 'SD card',
  ide: 'IDE',
  thunderbolt: 'Thunderbolt',
};

export function describeBus(bus: string): string {
  if (!bus) return 'Unknown';
  return BUS_NAMES[bus.toLowerCase()] ?? bus;
}

/** The drive guard's kinds worth a badge; internal disks need none. */
export const KIND_LABELS: Partial<Record<Disk['kind'], string>> = {
  source: 'Holds the image',
  'read-only': 'Read-only',
  'usb-hdd': 'USB hard disk',
  'usb-stick': 'USB stick',
  'sd-card': 'SD card',
  loop: 'Loop device',
  virtual: 'Virtual disk',
};

/** A firmware field worth showing: trimmed, and not one of the placeholders vendors leave in it. */
export function firmwareValue(value: string): string | null {
  const trimmed = value.trim();
  return trimmed && !/^(default string|to be filled by o\.e\.m\.|system (product|serial) number|none|n\/a|-)$/i.test(trimmed) ? trimmed : null;
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
