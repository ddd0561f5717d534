import { confirmationPrompt, type DriveEntry, type DriveReason } from '../../core/drives/drives.js';
import { formatBytes } from '../../core/progress.js';
import { table } from '../cli/output.js';

/** `bootmend drives list --json`: one object per disk; `reasons` carry a code and a sentence each. */
export interface DriveListJsonItem {
  device: string;
  size: number;
  sizeText: string;
  kind: DriveEntry['kind'];
  selectable: boolean;
  requiresConfirmation: boolean;
  confirmWith: string[];
  bus: DriveEntry['bus'];
  vendor: string;
  model: string;
  labels: string[];
  mounts: string[];
  reasons: DriveReason[];
}

export function drivesJson(entries: DriveEntry[]): DriveListJsonItem[] {
  return entries.map((e) => ({
    device: e.device,
    size: e.size,
    sizeText: formatBytes(e.size),
    kind: e.kind,
    selectable: e.selectable,
    requiresConfirmation: e.requiresConfirmation,
    confirmWith: e.confirmWith,
    bus: e.bus,
    vendor: e.vendor,
    model: e.model,
    labels: e.labels,
    mounts: e.mounts,
    reasons: e.reasons,
  }));
}

/** What the last column says: SELECTABLE, SELECTABLE after typing, or why not. */
export function driveStatus(entry: DriveEntry): string {
  if (entry.selectable) {
    return entry.requiresConfirmation ? `SELECTABLE after typing ${entry.confirmWith.map((c) => `"${c}"`).join(' or ')}` : 'SELECTABLE';
  }
  const why = entry.reasons.filter((r) => r.blocks).map((r) => r.message);
  return `no: ${why.join(' ') || 'not a drive Bootmend writes to.'}`;
}

/** The human table for `bootmend drives list`, with a closing line on what to do. */
export function formatDrivesTable(entries: DriveEntry[], options: { includeUsbHdd?: boolean } = {}): string {
  if (entries.length === 0) return 'No drives found.\n';
  const rows = [
    ['DEVICE', 'SIZE', 'KIND', 'MODEL', 'LABEL', 'SELECTABLE / WHY NOT'],
    ...entries.map((e) => [
      e.device,
      formatBytes(e.size),
      e.kind,
      [e.vendor && !e.model.toLowerCase().startsWith(e.vendor.toLowerCase()) ? e.vendor : '', e.model].filter(Boolean).join(' ') || '-',
      e.labels.join(', ') || '-',
      driveStatus(e),
    ]),
  ];
  const selectable = entries.filter((e) => e.selectable).length;
  const hiddenHdd = !options.includeUsbHdd && entries.some((e) => e.reasons.some((r) => r.code === 'USB_HDD_HIDDEN'));
  const notes = [
    selectable === 0 ? 'No drive can be written: plug in a USB stick or SD card.' : `${selectable} drive${selectable === 1 ? '' : 's'} can be written.`,
    ...(hiddenHdd ? ['USB hard disks are not offered; add --include-usb-hdd to offer them.'] : []),
    ...entries.map((e) => (e.selectable ? confirmationPrompt(e) : null)).filter((p): p is string => p !== null),
  ];
  return `${table(rows)}\n${notes.join('\n')}\n`;
}
