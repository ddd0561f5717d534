import type { DrivePhase, DriveProgress, WriteProgress } from '../../../core/drives/write.js';
import { overallProgress } from '../../../core/drives/write-rules.js';
import { ProgressMeter } from '../../../core/progress-meter.js';

interface DriveState {
  phase: DrivePhase;
  done: number;
  meter: ProgressMeter;
}

/**
 * Per-drive progress with speed over a ~2 s window (ProgressMeter), reported at most every
 * `intervalMs` while bytes move and at once when a drive changes phase.
 */
export class ProgressTracker {
  private readonly drives = new Map<string, DriveState>();
  private timer: NodeJS.Timeout | null = null;
  private last: WriteProgress | null = null;

  constructor(
    devices: string[],
    private readonly total: number,
    private readonly verify: boolean,
    private readonly onProgress: ((progress: WriteProgress) => void) | undefined,
    private readonly intervalMs = 250,
  ) {
    for (const device of devices) this.drives.set(device, { phase: 'preparing', done: 0, meter: new ProgressMeter(device) });
  }

  start(): void {
    if (!this.onProgress || this.timer) return;
    this.timer = setInterval(() => this.emit(), this.intervalMs);
    this.timer.unref();
    this.emit();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.emit();
  }

  phase(device: string, phase: DrivePhase, done = 0): void {
    const state = this.drives.get(device);
    if (!state || state.phase === phase) return;
    // A new phase measures its own speed: verifying reads faster than writing writes.
    this.drives.set(device, { phase, done, meter: new ProgressMeter(device) });
    this.emit();
  }

  advance(device: string, done: number): void {
    const state = this.drives.get(device);
    if (state) state.done = done;
  }

  snapshot(): WriteProgress {
    const now = Date.now();
    const drives: DriveProgress[] = [...this.drives.entries()].map(([device, state]) => {
      const event = state.meter.update(now, state.phase, '', state.done, this.total);
      const moving = state.phase === 'writing' || state.phase === 'verifying';
      return {
        device,
        phase: state.phase,
        bytesDone: state.done,
        bytesTotal: this.total,
        speed: moving ? event.speed : null,
        etaSeconds: moving ? event.etaSeconds : state.phase === 'done' ? 0 : null,
      };
    });
    return { overall: overallProgress(drives, this.verify), drives };
  }

  private emit(): void {
    if (!this.onProgress) return;
    const progress = this.snapshot();
    if (this.last && JSON.stringify(this.last) === JSON.stringify(progress)) return;
    this.last = progress;
    this.onProgress(progress);
  }
}
