import type { DriveProgress } from '../../../core/drives/write.js';
import { classifyDrives, type ClassifyOptions, type DriveEntry } from '../../../core/drives/drives.js';
import { usbStickEntry } from '../../../core/drives/fixtures/usb-stick-entry.js';
import windowsLaptop from '../../../core/drives/fixtures/windows-laptop.json';
import type { ProgressEvent } from '../../../core/progress.js';

/* Drives as the guard reports them and the writer's progress, for the drive step's unit tests. */

/** The guard's verdict on core's Windows laptop snapshot: NVMe system disk, USB stick, SD card, USB hard disk. */
export function laptopDrives(options: ClassifyOptions = {}): DriveEntry[] {
  return classifyDrives(windowsLaptop, options);
}

export const byDevice = (drives: DriveEntry[], device: string): DriveEntry => drives.find((d) => d.device === device)!;

/** A stick as the guard reports it, with what a test needs changed. */
export function stick(device: string, fields: Partial<DriveEntry> = {}): DriveEntry {
  return usbStickEntry({ device, ...fields });
}

/** A drive over 128 GB, confirmed by typing its size or one of its labels. */
export function large(device: string, size: string, labels: string[]): DriveEntry {
  return stick(device, {
    size: 256e9,
    labels,
    requiresConfirmation: true,
    confirmWith: [size, ...labels],
    reasons: [{ code: 'LARGE_DRIVE_CONFIRM', message: 'Is larger than 128 GB.', blocks: false, requiresConfirmation: true }],
  });
}

export const HASH = 'a'.repeat(64);

export function driveProgress(device: string, phase: DriveProgress['phase'], bytesDone: number, bytesTotal = 100e6): DriveProgress {
  return { device, phase, bytesDone, bytesTotal, speed: phase === 'writing' || phase === 'verifying' ? 20e6 : null, etaSeconds: 5 };
}

export function event(drives: DriveProgress[], fields: Partial<ProgressEvent> = {}): ProgressEvent {
  return { jobId: 'job-1', phase: 'writing', message: 'Writing 2 drives', bytesDone: 0, bytesTotal: 200e6, speed: 20e6, etaSeconds: 12, fraction: 0.25, drives, ...fields };
}
