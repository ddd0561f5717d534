import type { ProgressEvent } from './progress.js';

/* No zod here: the drive writer's process loads this at start (see errors.ts). */

interface Sample {
  at: number;
  done: number;
}

/**
 * Speed over a sliding window (etcher-sdk style), so one slow burst neither freezes
 * nor wildly swings the ETA. Time is passed in (ms) to keep this pure and testable.
 */
export class ProgressMeter {
  private readonly samples: Sample[] = [];

  constructor(
    private readonly jobId: string,
    private readonly windowMs = 2000,
  ) {}

  update(at: number, phase: string, message: string, bytesDone: number, bytesTotal: number | null): ProgressEvent {
    this.samples.push({ at, done: bytesDone });
    while (this.samples.length > 2 && this.samples[0]!.at < at - this.windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const elapsed = (at - first.at) / 1000;
    const speed = elapsed > 0 ? Math.max(0, (bytesDone - first.done) / elapsed) : null;
    const fraction = bytesTotal && bytesTotal > 0 ? Math.min(1, bytesDone / bytesTotal) : bytesTotal === 0 ? 1 : null;
    const remaining = bytesTotal === null ? null : Math.max(0, bytesTotal - bytesDone);
    const etaSeconds = remaining === null || speed === null || speed === 0 ? (remaining === 0 ? 0 : null) : remaining / speed;
    return { jobId: this.jobId, phase, message, bytesDone, bytesTotal, speed, etaSeconds, fraction };
  }
}

/** "1.5 GB", "740 kB" — decimal units, as drive makers and Windows Explorer's size column in bytes. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** "2 min 05 s", "45 s", "1 h 02 min". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
