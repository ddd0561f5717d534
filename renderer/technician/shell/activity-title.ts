import type { MediumFormat } from '../../../core/media/schemas.js';
import type { WriteDrivesResult } from '../../../core/drives/write.js';
import type { DriveEntry } from '../../../core/drives/drives.js';
import { jobProgress, type JobState, type JobStatus } from '../../state/job.js';
import { useDrives } from '../drives/store.js';
import { overallProgress, resultRows, resultSummary } from '../drives/words.js';
import { useMedia } from '../media/store.js';
import { formatLabel } from '../media/OutputStep.js';

/** What the title needs of the two long jobs: a drive write and a media build. */
export interface ActivitySnapshot {
  drives: { open: boolean; writing: JobState<WriteDrivesResult>; drives: readonly DriveEntry[] };
  media: { status: JobStatus; format: MediumFormat; fraction: number | null };
  /** A finished job's words stay only while its result is on screen; a running one shows everywhere. */
  onMediaScreen: boolean;
}

const percent = (fraction: number | null): string => (fraction === null ? '' : `${Math.floor(fraction * 100)}% · `);
const drivesWord = (n: number): string => `${n} ${n === 1 ? 'drive' : 'drives'}`;

/**
 * What the window title says about long work, so a technician who switched to another window
 * sees it on the taskbar or the browser tab: "45% · Writing 2 drives", then "1 of 2 drives
 * failed". Null when nothing is running or just finished: the title names the screen.
 * A write started from a build's result is the newer job, so the drives speak first.
 */
export function activityTitle({ drives, media, onMediaScreen }: ActivitySnapshot): string | null {
  return driveActivity(drives, onMediaScreen) ?? buildActivity(media, drives.open, onMediaScreen);
}

function driveActivity(drives: ActivitySnapshot['drives'], onMediaScreen: boolean): string | null {
  const { open, writing } = drives;
  if (!open) return null;
  if (writing.status === 'cancelling') return 'Cancelling the write';
  if (writing.status === 'running') return `${percent(overallProgress(jobProgress(writing)).fraction)}Writing ${drivesWord(drives.drives.length)}`;
  if (onMediaScreen && writing.status === 'done') return resultSummary(resultRows(writing.result, drives.drives)).title;
  return null;
}

function buildActivity(media: ActivitySnapshot['media'], drivesOpen: boolean, onMediaScreen: boolean): string | null {
  if (media.status === 'running') return `${percent(media.fraction)}Building the ${formatLabel(media.format)}`;
  if (media.status === 'cancelling') return 'Cancelling the build';
  // Once the drive step is open, the build's result is no longer what the screen shows.
  if (onMediaScreen && !drivesOpen && media.status === 'done') return `${formatLabel(media.format)} built`;
  return null;
}

/** activityTitle over the live stores; each selector returns words, so progress re-renders only when they change. */
export function useActivityTitle(onMediaScreen: boolean): string | null {
  const drivesOpen = useDrives((s) => s.open);
  const drives = useDrives((s) => driveActivity({ open: s.open, writing: s.writing, drives: s.request?.drives ?? [] }, onMediaScreen));
  const build = useMedia((s) => buildActivity({ status: s.building.status, format: s.format, fraction: jobProgress(s.building)?.fraction ?? null }, drivesOpen, onMediaScreen));
  return drives ?? build;
}
