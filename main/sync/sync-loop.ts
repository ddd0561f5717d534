import { syncOnce, type Outbox, type SyncFailure, type SyncOptions, type SyncReport, type SyncTarget } from './sync.js';

/**
 * Keeps the outbox flowing while the app runs: a sync when something is recorded (kick), and
 * after a failure again with growing waits (2 s doubling to 5 min, with jitter so a floor of
 * laptops coming back online does not hit the backend at the same second). Hours offline cost
 * nothing but the waits; the events stay in the journal until acknowledged.
 */

export interface SyncState {
  /** ISO time of the last sync that reached the backend, null before the first. */
  lastSyncAt: string | null;
  failure: SyncFailure | null;
  /** ISO time of the next attempt after a failure, null when none is planned. */
  nextAttemptAt: string | null;
  running: boolean;
}

export interface SyncLoopOptions extends Omit<SyncOptions, 'signal'> {
  outbox: Outbox;
  /** Read each time: settings may change while the app runs; null when no backend is configured. */
  target: () => Promise<SyncTarget | null>;
  firstDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
  onReport?: (report: SyncReport) => void;
}

export class SyncLoop {
  private state: SyncState = { lastSyncAt: null, failure: null, nextAttemptAt: null, running: false };
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private current: Promise<void> | null = null;
  private again = false;
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(private readonly options: SyncLoopOptions) {}

  status(): SyncState {
    return { ...this.state };
  }

  /** Syncs now (or right after the sync under way); resolves when that sync is over. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.current) {
      this.again = true;
      return this.current;
    }
    this.clearTimer();
    this.current = this.run().finally(() => {
      this.current = null;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.kick();
      }
    });
    return this.current;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    this.abort.abort();
    await this.current;
  }

  private async run(): Promise<void> {
    const target = await this.options.target();
    if (!target) {
      this.state = { ...this.state, failure: null, nextAttemptAt: null };
      return;
    }
    this.state = { ...this.state, running: true };
    const { outbox, onReport, fetchImpl, batchSize, timeoutMs } = this.options;
    const sendOptions: SyncOptions = { signal: this.abort.signal, ...(fetchImpl ? { fetchImpl } : {}), ...(batchSize ? { batchSize } : {}), ...(timeoutMs ? { timeoutMs } : {}) };
    let report: SyncReport;
    try {
      report = await syncOnce(outbox, target, sendOptions);
    } catch (error) {
      report = { sent: 0, acknowledged: 0, rejected: 0, failure: { kind: 'unreachable', detail: error instanceof Error ? error.message : String(error) } };
    }
    onReport?.(report);
    const now = new Date();
    if (!report.failure) {
      this.failures = 0;
      this.state = { lastSyncAt: now.toISOString(), failure: null, nextAttemptAt: null, running: false };
      return;
    }
    this.failures += 1;
    if (this.stopped) {
      this.state = { ...this.state, failure: report.failure, running: false };
      return;
    }
    const delay = this.nextDelay();
    this.state = { ...this.state, failure: report.failure, nextAttemptAt: new Date(now.getTime() + delay).toISOString(), running: false };
    this.timer = setTimeout(() => void this.kick(), delay);
    this.timer.unref();
  }

  private nextDelay(): number {
    const first = this.options.firstDelayMs ?? 2000;
    const max = this.options.maxDelayMs ?? 5 * 60_000;
    const base = Math.min(max, first * 2 ** Math.min(this.failures - 1, 20));
    return Math.round(base * (0.75 + 0.5 * (this.options.random ?? Math.random)()));
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
