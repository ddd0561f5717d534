import { realpath } from 'node:fs/promises';
import type { DriveWriteErrorInfo } from '../../../core/drives/write.js';
import { guardVerdict } from '../../../core/drives/write-rules.js';
import type { DriveEntry } from '../../../core/drives/drives.js';
import { loopDevicesListed } from '../loop-devices.js';
import type { TargetInfo } from './target.js';

export interface GuardOptions {
  /** The drive list to judge by; default: this machine's, classified for this image right now. */
  drives?: DriveEntry[];
  /** The "Show USB hard disks" switch. */
  includeUsbHdd?: boolean;
  /** Confirmation for drives over 128 GB: the drive's size as shown or one of its labels. */
  confirm?: string;
}

/**
 * The drive guard, for every target (the writer writes nothing else: files and links were
 * refused before): each is looked up in the drive list — re-taken here, just before writing, so
 * a stick swapped since the list was shown is judged as what it is now. Loop devices count as
 * drives only where the app lists them too (loop-devices.ts).
 */
export async function guardTargets(
  targets: TargetInfo[],
  image: { path: string; bytes: number },
  options: GuardOptions,
): Promise<Map<string, { verdict: DriveWriteErrorInfo | null; entry: DriveEntry | undefined }>> {
  const verdicts = new Map<string, { verdict: DriveWriteErrorInfo | null; entry: DriveEntry | undefined }>();
  if (targets.length === 0) return verdicts;
  const drives =
    options.drives ??
    // Loaded here, not at start: systeminformation is large, and a job refused earlier never needs it.
    (await (await import('../list.js')).listDrives({
      imagePath: image.path,
      imageSize: image.bytes,
      includeLoop: loopDevicesListed(),
      ...(options.includeUsbHdd !== undefined ? { includeUsbHdd: options.includeUsbHdd } : {}),
    }));
  const byPath = new Map<string, DriveEntry>();
  for (const entry of drives) {
    byPath.set(entry.device, entry);
    byPath.set(await realpath(entry.device).catch(() => entry.device), entry);
  }
  for (const target of targets) {
    const entry = byPath.get(target.path) ?? byPath.get(target.device);
    verdicts.set(target.device, { verdict: guardVerdict(target.device, entry, options.confirm), entry });
  }
  return verdicts;
}
