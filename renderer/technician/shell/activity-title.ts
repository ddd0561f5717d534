import type { MediumFormat } from '../../../core/media/schemas.js';
import type { ProgressEvent } from '../../../core/progress.js';
import type { WriteDrivesResult } from '../../../core/drives/write.js';
import type { DriveEntry } from '../../../core/drives/drives.js';
import { overallProgress, resultRows, resultSummary, useDrives, type DriveStepView } from '../drives/store.js';
import { useMedia, type BuildPhase } from '../media/store.js';
import { formatLabel } from '../media/OutputStep.js';

/** What the title needs of the two long jobs: a drive write and a media build. */
export interface ActivitySnapshot {
  drives: { open: boolean; view: DriveStepView; cancelling: boolean; progress: ProgressEvent | null; result: WriteDrivesResult | null; drives: readonly DriveEntry[] };
  media: { phase: BuildPhase; format: MediumFormat; fraction: number | null };
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
  if (!drives.open) return null;
  if (drives.view === 'writing') {
    if (drives.cancelling) return 'Cancelling the write';
    return `${percent(overallProgress(drives.progress).fraction)}Writing ${drivesWord(drives.drives.length)}`;
  }
  if (onMediaScreen && drives.view === 'result' && drives.result) return resultSummary(resultRows(drives.result, drives.drives)).title;
  return null;
}

function buildActivity(media: ActivitySnapshot['media'], drivesOpen: boolean, onMediaScreen: boolean): string | null {
  if (media.phase === 'running') return `${percent(media.fraction)}Building the ${formatLabel(media.format)}`;
  if (media.phase === 'cancelling') return 'Cancelling the build';
  // Once the drive step is open, the build's result is no longer what the screen shows.
  if (onMediaScreen && !drivesOpen && media.phase === 'done') return `${formatLabel(media.format)} built`;
  return null;
}

/** activityTitle over the live stores; each selector returns words, so progress re-renders only when they change. */
export function useActivityTitle(onMediaScreen: boolean): string | null {
  const drivesOpen = useDrives((s) => s.open);
  const drives = useDrives((s) =>
    driveActivity({ open: s.open, view: s.view, cancelling: s.cancelling, progress: s.progress, result: s.result, drives: s.job?.drives ?? [] }, onMediaScreen),
  );
  const build = useMedia((s) => buildActivity({ phase: s.phase, format: s.format, fraction: s.progress?.fraction ?? null }, drivesOpen, onMediaScreen));
  return drives ?? build;
}
