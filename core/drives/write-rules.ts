import { confirmationMatches, LARGE_DRIVE_BYTES } from './confirmation.js';
import type { DriveEntry } from './drives.js';
import type { DriveProgress, DrivePhase, DriveWriteErrorInfo, WriteProgress } from './write.js';
import { formatBytes } from '../progress-meter.js';
import type { ProgressEvent } from '../progress.js';

/*
 * The pure rules of writing drives: the sentences a technician reads, which drive may be
 * erased (the guard's verdict and the >128 GB confirmation), and how far the whole job is.
 */

// ---- sentences ----

/** "1,048,576 (1.05 MB)": the exact offset for tools, the rounded one for people. */
export function describeOffset(offset: number): string {
  return `${offset.toLocaleString('en-US')} (${formatBytes(offset)})`;
}

export const say = {
  imageMissing: (image: string) => `The image ${image} does not exist; build it again or choose another file.`,
  imageUnreadable: (image: string, detail: string) => `The image ${image} cannot be read (${detail}).`,
  imageChanged: (image: string) => `The image ${image} changed size while it was being written; write again once nothing else changes it.`,
  vanished: (device: string) => `The drive ${device} is no longer connected (it was unplugged after the list was made?)`,
  writeProtected: (device: string) =>
    `The drive ${device} is write-protected: slide the lock switch on the card or stick to unlocked, plug it in again and retry.`,
  needsAdmin: (device: string) => `Bootmend may not open ${device} for writing: it needs administrator rights (run it again and allow the prompt).`,
  tooSmall: (device: string, driveBytes: number, imageBytes: number) =>
    `The drive ${device} holds ${formatBytes(driveBytes)} (${driveBytes.toLocaleString('en-US')} bytes) but the image needs ${formatBytes(imageBytes)} (${imageBytes.toLocaleString('en-US')} bytes): choose a larger drive.`,
  busy: (device: string, detail: string) => `The drive ${device} is in use (${detail}): close windows and programs using it, then retry.`,
  unmountFailed: (device: string, mount: string, detail: string) =>
    `Could not unmount ${mount} from ${device} (${detail}): close windows and programs using it, then retry.`,
  removed: (done: number, total: number, phase: 'writing' | 'verifying') =>
    phase === 'writing'
      ? `The drive was removed or stopped responding at ${formatBytes(done)} of ${formatBytes(total)}: the stick is unusable as it is; write it again.`
      : `The drive was removed or stopped responding while being checked, at ${formatBytes(done)} of ${formatBytes(total)}: write it again before use.`,
  writeFailed: (done: number, total: number, detail: string) =>
    `Writing failed at ${formatBytes(done)} of ${formatBytes(total)} (${detail}): the stick is unusable as it is; write it again or use another stick.`,
  readFailed: (done: number, total: number, detail: string) =>
    `Reading the drive back failed at ${formatBytes(done)} of ${formatBytes(total)} (${detail}): write it again or use another stick.`,
  mismatch: (offset: number) =>
    `Verification failed: the drive holds different bytes than the image from offset ${describeOffset(offset)} on. The stick may be failing or fake: write it again, or use another stick.`,
  fakeCapacity: (device: string, claimed: number, offset: number) =>
    `The drive ${device} claims ${formatBytes(claimed)} but does not keep what is written at ${describeOffset(offset)}: it is a fake or failing stick. Use another one.`,
  notADisk: (device: string, what: string) =>
    `Bootmend will not write to ${device}: it is ${what}, not a drive. It writes only whole USB drives from the drive list; choose one there.`,
  isLink: (device: string, to: string) =>
    `Bootmend will not write to ${device}: it is a link (to ${to}), and the writer opens only a drive's own device node. Name the drive itself (as the drive list shows it).`,
  swapped: (device: string, detail: string) =>
    `Bootmend stopped before writing ${device}: it ${detail} between the drive check and opening it. Nothing was written; list the drives again and choose the stick.`,
  imageNotForInvoker: (image: string, account: string) =>
    `The image ${image} cannot be read by ${account}, the account that started Bootmend: the drive writer reads images with that account's rights, not as administrator. Choose an image that account may read.`,
  verifyNotAllowed: (device: string, why: string) => `Bootmend will not read ${device} to compare it: ${why}`,
  elevationRefused: (how: string) => `Writing needs administrator rights and the request was refused (${how}); start again and allow the prompt.`,
  cancelled: 'Cancelled.',
} as const;

/** What state a drive was left in, as one sentence (DriveWriteResult.leftAs). */
export const leftAs = {
  untouched: 'Untouched: nothing was written to it.',
  partlyWritten: 'Partly written: erase or write it again before use.',
  unusable: 'Partly written: the stick is unusable as it is; write it again.',
  writtenNotVerified: 'Written; not read back (verification was off).',
  writtenVerifyCancelled: 'Fully written but not verified: verify it or write it again before use.',
  writtenVerifyFailed: 'Written, but it could not be read back completely: write it again before use.',
  mismatched: 'Written, but it does not read back the same as the image: do not use it; write it again or use another stick.',
  verified: 'Ready: every byte was read back and matches the image.',
} as const;

// ---- which drive may be erased ----

/**
 * The guard's answer for one target: null when it may be written, else the failure to report.
 * `entry` is the drive list's verdict for the target (undefined: the list does not know it).
 * Over 128 GB, `confirm` must be the drive's size as shown or one of its labels.
 */
export function guardVerdict(device: string, entry: DriveEntry | undefined, confirm: string | undefined): DriveWriteErrorInfo | null {
  if (!entry) {
    return { code: 'NOT_ALLOWED', message: `Bootmend cannot tell what ${device} is (it is not among the drives it found); list the drives again and choose one from the list.` };
  }
  if (!entry.selectable) {
    const blocking = entry.reasons.filter((r) => r.blocks);
    if (blocking.some((r) => r.code === 'READ_ONLY')) return { code: 'WRITE_PROTECTED', message: say.writeProtected(device) };
    const why = blocking.map((r) => r.message).join(' ') || 'It is not a USB stick or SD card.';
    return { code: 'NOT_ALLOWED', message: `Bootmend will not erase ${device} (${entry.kind}): ${why}` };
  }
  return largeDriveVerdict(entry, confirm);
}

/**
 * The guard for `media verify`, which only reads: as for a write, except that a write-protected
 * drive may be compared (technicians lock a stick after writing it) and size needs no
 * confirmation. A drive that is also blocked for another reason (the system disk) stays refused.
 */
export function verifyVerdict(device: string, entry: DriveEntry | undefined): DriveWriteErrorInfo | null {
  const verdict = guardVerdict(device, entry, undefined);
  if (!verdict || verdict.code === 'CONFIRMATION_REQUIRED') return null;
  const onlyLocked = entry !== undefined && entry.reasons.filter((r) => r.blocks).every((r) => r.code === 'READ_ONLY');
  return verdict.code === 'WRITE_PROTECTED' && onlyLocked ? null : verdict;
}

/** The >128 GB rule on its own: null when the drive is small enough or `confirm` names it. */
export function largeDriveVerdict(entry: Pick<DriveEntry, 'device' | 'model' | 'size' | 'confirmWith'>, confirm: string | undefined): DriveWriteErrorInfo | null {
  if (entry.size <= LARGE_DRIVE_BYTES) return null;
  const confirmWith = entry.confirmWith.length > 0 ? entry.confirmWith : [formatBytes(entry.size)];
  if (confirm !== undefined && confirmationMatches({ requiresConfirmation: true, confirmWith }, confirm)) return null;
  const what = entry.model ? `${entry.model} (${entry.device})` : entry.device;
  const options = confirmWith.map((c) => `"${c}"`).join(' or ');
  return {
    code: 'CONFIRMATION_REQUIRED',
    message:
      confirm === undefined
        ? `${what} is larger than 128 GB, more than a usual USB stick: confirm by giving ${options}.`
        : `"${confirm}" does not confirm ${what}: give ${options} to confirm that it may be erased.`,
  };
}

// ---- progress of the whole job ----

const ACTIVE: readonly DrivePhase[] = ['preparing', 'writing', 'verifying'];

/** How far one drive is, 0..1; writing is the first half and verifying the second when verifying. */
export function driveFraction(drive: DriveProgress, verify: boolean): number {
  if (drive.phase === 'done') return 1;
  const part = drive.bytesTotal > 0 ? Math.min(1, drive.bytesDone / drive.bytesTotal) : 0;
  if (drive.phase === 'preparing') return 0;
  if (drive.phase === 'writing') return verify ? part / 2 : part;
  if (drive.phase === 'verifying') return 0.5 + part / 2;
  return 0;
}

/** The whole job = its least-advanced drive still working (failed and cancelled drives no longer hold it back). */
export function overallProgress(drives: DriveProgress[], verify: boolean): WriteProgress['overall'] {
  const working = drives.filter((d) => ACTIVE.includes(d.phase));
  if (working.length === 0) {
    const anyDone = drives.some((d) => d.phase === 'done');
    const phase: DrivePhase = anyDone ? 'done' : drives.every((d) => d.phase === 'cancelled') && drives.length > 0 ? 'cancelled' : 'failed';
    return { phase, device: null, fraction: 1, speed: null, etaSeconds: 0 };
  }
  let slowest = working[0]!;
  for (const d of working) if (driveFraction(d, verify) < driveFraction(slowest, verify)) slowest = d;
  const left = slowest.bytesTotal - slowest.bytesDone + (verify && slowest.phase !== 'verifying' ? slowest.bytesTotal : 0);
  const eta = slowest.speed && slowest.speed > 0 ? Math.max(0, left) / slowest.speed : null;
  return { phase: slowest.phase, device: slowest.device, fraction: driveFraction(slowest, verify), speed: slowest.speed, etaSeconds: eta };
}

/** How each drive phase reads in progress lines and on the drive rows. */
export const PHASE_WORD: Record<DrivePhase, string> = {
  preparing: 'Preparing',
  writing: 'Writing',
  verifying: 'Verifying',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** The job's progress as the API's generic progress event (the per-drive detail stays in WriteProgress). */
export function toProgressEvent(progress: WriteProgress, verify: boolean): Omit<ProgressEvent, 'jobId'> {
  const { overall, drives } = progress;
  const total = drives[0]?.bytesTotal ?? 0;
  const units = verify ? total * 2 : total;
  const failed = drives.filter((d) => d.phase === 'failed').length;
  const count = `${drives.length} drive${drives.length === 1 ? '' : 's'}`;
  const slowest = overall.device && drives.length > 1 ? ` (slowest: ${overall.device})` : '';
  const failures = failed > 0 ? `; ${failed} failed` : '';
  return {
    phase: overall.phase,
    message: `${PHASE_WORD[overall.phase]} ${count}${slowest}${failures}`,
    bytesDone: Math.round(overall.fraction * units),
    bytesTotal: units,
    speed: overall.speed,
    etaSeconds: overall.etaSeconds,
    fraction: overall.fraction,
  };
}
