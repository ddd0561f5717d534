import type { FileJournal } from '../journal/journal.js';
import { SYNC_ACKNOWLEDGED } from '../journal/journal.js';
import type { BackendConnection, ConnectionProblem } from '../backend/connection.js';
import type { RecoveryEvent } from '../../core/journal/schemas.js';
import { SyncLoop, type SyncState } from './sync-loop.js';
import type { Outbox, SyncReport } from './sync.js';

/**
 * The app's sync: one per data folder (built in main/services), started by the hosts that run
 * the app (web, Electron), never by a one-shot CLI command. A sync starts right after an event
 * is saved, when Settings change, and every minute in case the backend came back or another
 * process (the CLI's ingest) wrote to the journal; failures back off in SyncLoop.
 */

export interface SyncServiceOptions {
  journal: FileJournal;
  resolve: () => Promise<{ connection: BackendConnection } | { connection: null; problem: ConnectionProblem }>;
  fetchImpl?: typeof fetch;
  /** Between syncs when nothing happens (60 s). */
  idleMs?: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

export interface SyncStatus extends SyncState {
  lastReport: { at: string; sent: number; acknowledged: number; rejected: number } | null;
}

export function journalOutbox(journal: FileJournal): Outbox {
  return {
    unacknowledged: async (limit) => (await journal.outbox()).slice(0, limit) as unknown as RecoveryEvent[],
    acknowledge: (ids) => journal.acknowledge(ids),
    reject: (id, reason) => journal.acknowledge([id], new Date(), [{ id, reason }]),
  };
}

export class SyncService {
  private readonly loop: SyncLoop;
  private idleTimer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private lastReport: SyncStatus['lastReport'] = null;

  constructor(private readonly options: SyncServiceOptions) {
    this.loop = new SyncLoop({
      outbox: journalOutbox(options.journal),
      target: async () => (await options.resolve()).connection,
      onReport: (report: SyncReport) => {
        this.lastReport = { at: new Date().toISOString(), sent: report.sent, acknowledged: report.acknowledged, rejected: report.rejected };
      },
      ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
      ...(options.firstDelayMs !== undefined ? { firstDelayMs: options.firstDelayMs } : {}),
      ...(options.maxDelayMs !== undefined ? { maxDelayMs: options.maxDelayMs } : {}),
    });
  }

  get started(): boolean {
    return this.unsubscribe !== null;
  }

  /** Starts syncing: now, after every event this process saves, and every idle period. */
  start(): void {
    if (this.unsubscribe) return;
    // The sync's own receipts are events too; they must not start another round.
    this.unsubscribe = this.options.journal.onAppended((event) => {
      if (event.type !== SYNC_ACKNOWLEDGED) void this.loop.kick();
    });
    const idle = this.options.idleMs ?? 60_000;
    this.idleTimer = setInterval(() => {
      if (this.loop.status().nextAttemptAt === null) void this.loop.kick();
    }, idle);
    this.idleTimer.unref();
    void this.loop.kick();
  }

  /** Syncs now (after the round under way) and answers the state after it. */
  async syncNow(): Promise<SyncStatus> {
    await this.loop.kick();
    return this.status();
  }

  status(): SyncStatus {
    return { ...this.loop.status(), lastReport: this.lastReport };
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = null;
    await this.loop.stop();
  }
}
