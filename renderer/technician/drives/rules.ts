import type { DriveWriteResult, WriteDrivesResult } from '../../../core/drives/write.js';
import { leftAs } from '../../../core/drives/write-rules.js';
import { confirmationMatches, type DriveEntry } from '../../../core/drives/drives.js';
import { formatBytes, type ProgressEvent } from '../../../core/progress.js';

/*
 * The rules of the "Write to drives" step, without state: which drives are shown and may be
 * chosen, what a choice survives, what must be typed before erasing, and what a cancelled or
 * retried write leaves. A refusal carries its sentence, as the drive guard's reasons do; how
 * the step reads on screen is in words.ts.
 */

// ---- names ----

/** "SanDisk Ultra", else the device path: what a technician reads on the stick itself. */
export function driveTitle(drive: Pick<DriveEntry, 'vendor' | 'model' | 'device'>): string {
  const vendor = drive.vendor.trim();
  const model = drive.model.trim();
  // Linux often repeats the vendor in the model ("SanDisk SanDisk Ultra").
  const name = vendor && !model.toLowerCase().startsWith(vendor.toLowerCase()) ? `${vendor} ${model}`.trim() : model || vendor;
  return name || drive.device;
}

// ---- the list ----

/** USB hard disks are often someone's backup: hidden unless the technician asks for them (as Rufus does). */
export function visibleDrives(drives: readonly DriveEntry[], showUsbHdd: boolean): DriveEntry[] {
  const shown = drives.filter((d) => showUsbHdd || d.kind !== 'usb-hdd');
  // Choosable drives first so they sit together; the guard's own order (by device) within each group.
  return [...shown.filter((d) => d.selectable), ...shown.filter((d) => !d.selectable)];
}

export function hiddenUsbHddCount(drives: readonly DriveEntry[], showUsbHdd: boolean): number {
  return showUsbHdd ? 0 : drives.filter((d) => d.kind === 'usb-hdd').length;
}

// ---- selection ----

/**
 * Selected drives, by device path, each with what the drive was when chosen. Device paths are
 * reused (pull /dev/sdb, plug another stick in, it is /dev/sdb again), so a choice only survives
 * a refresh when the same drive is still there.
 */
export type Selection = Readonly<Record<string, string>>;

export function fingerprint(drive: Pick<DriveEntry, 'device' | 'size' | 'vendor' | 'model'>): string {
  return [drive.device, drive.size, drive.vendor, drive.model].join('|');
}

export function toggleDrive(selection: Selection, drive: DriveEntry): Selection {
  if (selection[drive.device] !== undefined) return Object.fromEntries(Object.entries(selection).filter(([device]) => device !== drive.device));
  if (!drive.selectable) return selection;
  return { ...selection, [drive.device]: fingerprint(drive) };
}

/**
 * "Select all sticks": every choosable USB stick, SD card and loop device (which stands in for
 * a stick in tests). USB hard disks and drives over 128 GB are never picked in bulk: each of
 * those is a deliberate choice.
 */
export function selectAllSticks(selection: Selection, drives: readonly DriveEntry[]): Selection {
  const next: Record<string, string> = { ...selection };
  for (const d of drives) {
    if (d.selectable && !d.requiresConfirmation && ['usb-stick', 'sd-card', 'loop'].includes(d.kind)) next[d.device] = fingerprint(d);
  }
  return next;
}

/** After a refresh: keep only choices whose drive is still there, unchanged and still choosable. */
export function pruneSelection(selection: Selection, drives: readonly DriveEntry[], showUsbHdd: boolean): Selection {
  const next: Record<string, string> = {};
  for (const d of drives) {
    const chosen = selection[d.device];
    if (chosen !== undefined && chosen === fingerprint(d) && d.selectable && (showUsbHdd || d.kind !== 'usb-hdd')) next[d.device] = chosen;
  }
  return next;
}

export function selectedDrives(selection: Selection, drives: readonly DriveEntry[]): DriveEntry[] {
  return drives.filter((d) => selection[d.device] === fingerprint(d));
}

// ---- confirmation ----

export type ConfirmationRule =
  | { kind: 'none' }
  /** One text box: what is typed must confirm every drive listed (the API takes one `confirm`). */
  | { kind: 'type'; drives: DriveEntry[]; accepts: string[] }
  /** Large drives with no size or label in common cannot be confirmed in one write. */
  | { kind: 'split'; drives: DriveEntry[]; message: string };

/** What the technician must type before erasing the chosen drives. */
export function confirmationRule(chosen: readonly DriveEntry[]): ConfirmationRule {
  const large = chosen.filter((d) => d.requiresConfirmation);
  if (large.length === 0) return { kind: 'none' };
  const accepts = large[0]!.confirmWith.filter((value) => large.every((d) => confirmationMatches(d, value)));
  if (accepts.length === 0) {
    return {
      kind: 'split',
      drives: large,
      message: `${large.map(driveTitle).join(' and ')} are larger than 128 GB and share no size or label to confirm them together: write them one at a time.`,
    };
  }
  return { kind: 'type', drives: large, accepts };
}

/** Whether the typed text lets the write start. */
export function confirmationSatisfied(rule: ConfirmationRule, typed: string): boolean {
  if (rule.kind === 'none') return true;
  if (rule.kind === 'split') return false;
  return rule.drives.every((d) => confirmationMatches(d, typed));
}

// ---- after a write ----

/** The drives of a write that did not end ready to use: failed or cancelled. */
export function unfinishedDrives(result: WriteDrivesResult, drives: readonly DriveEntry[]): DriveEntry[] {
  const unfinished = new Set(result.results.filter((r) => r.outcome === 'failed' || r.outcome === 'cancelled').map((r) => r.device));
  return drives.filter((d) => unfinished.has(d.device));
}

/** Why a drive to retry could not be ticked again, from the new listing. */
export function droppedReason(drive: DriveEntry, listed: readonly DriveEntry[]): string {
  const name = driveTitle(drive) === drive.device ? drive.device : `${driveTitle(drive)} (${drive.device})`;
  const now = listed.find((d) => d.device === drive.device);
  if (!now) return `${name} is no longer connected: plug it back in and press Refresh`;
  if (fingerprint(now) !== fingerprint(drive)) return `${drive.device} is now another drive (${driveTitle(now)}, ${formatBytes(now.size)}): tick it only if you mean to erase that one`;
  return `${name} can no longer be chosen: its card says why`;
}

/**
 * A cancelled write normally answers with the writer's own per-drive results (the dispatcher
 * passes a handler's answer through even after a cancel). When it answers CANCELLED instead — the writer was gone
 * before it could answer, e.g. the elevated child was killed — say what each drive was left as
 * from the last progress it reported (the same sentences the writer uses).
 */
export function cancelledResult(image: string, drives: readonly DriveEntry[], progress: ProgressEvent | null, verify: boolean): WriteDrivesResult {
  return {
    image,
    imageBytes: 0,
    sha256: null,
    results: drives.map((drive): DriveWriteResult => {
      const p = progress?.drives?.find((candidate) => candidate.device === drive.device);
      const base = { device: drive.device, sha256: null, error: null, directIo: false };
      if (p?.phase === 'done') {
        return verify
          ? { ...base, outcome: 'verified', bytesWritten: p.bytesTotal, leftAs: leftAs.verified }
          : { ...base, outcome: 'written', bytesWritten: p.bytesTotal, leftAs: leftAs.writtenNotVerified };
      }
      if (p?.phase === 'failed') {
        return {
          ...base,
          outcome: 'failed',
          bytesWritten: 0,
          error: { code: 'WRITE_FAILED', message: 'This drive had failed before the write was cancelled; write it again to see why.' },
          leftAs: leftAs.partlyWritten,
        };
      }
      if (p?.phase === 'verifying') return { ...base, outcome: 'cancelled', bytesWritten: p.bytesTotal, leftAs: leftAs.writtenVerifyCancelled };
      const written = p?.phase === 'writing' ? p.bytesDone : 0;
      return { ...base, outcome: 'cancelled', bytesWritten: written, leftAs: written > 0 ? leftAs.partlyWritten : leftAs.untouched };
    }),
  };
}
