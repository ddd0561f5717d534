import type { Kysely } from 'kysely';
import type { ApiEvent, EventBatchResult, MachineChange } from '../../core/backend/schemas.js';
import type { Database } from '../db/schema.js';
import { ingestGroup } from './ingest.js';

interface Waiting {
  events: readonly ApiEvent[];
  resolve(result: EventBatchResult): void;
  reject(error: unknown): void;
}

/**
 * Group commit for `POST /api/v1/events`: batches that arrive while a transaction is being
 * written wait, and are then written together in one transaction (one fsync, one statement
 * per table per few hundred rows) instead of one each. A request is answered only after the
 * transaction holding its events has committed, so an acknowledged event is on disk even if
 * the process is killed the next instant.
 */
export class WriteQueue {
  private waiting: Waiting[] = [];
  private writing = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly publish: (change: MachineChange) => Promise<void>,
    /** A group stops growing at this many events, so one request never waits behind a huge write. */
    private readonly maxEvents = 2500,
  ) {}

  submit(events: readonly ApiEvent[]): Promise<EventBatchResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ events, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        // Let the requests already parsed in this turn of the event loop join the first group.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        let take = 0;
        let size = 0;
        while (take < this.waiting.length && (take === 0 || size + this.waiting[take]!.events.length <= this.maxEvents)) size += this.waiting[take++]!.events.length;
        await this.write(this.waiting.splice(0, take));
      }
    } finally {
      this.writing = false;
    }
  }

  private async write(group: Waiting[]): Promise<void> {
    let outcome: Awaited<ReturnType<typeof ingestGroup>>;
    try {
      outcome = await ingestGroup(
        this.db,
        group.map((w) => w.events),
      );
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      // One request's failure must not fail the others: each is written on its own.
      for (const one of group) await this.write([one]);
      return;
    }
    // One change message per group, not one per request: the dashboard redraws once.
    if (outcome.changed.length > 0) await this.publish({ machines: outcome.changed }).catch((error: unknown) => console.error(`bootmend-server: live stream notification failed: ${error instanceof Error ? error.message : String(error)}`));
    group.forEach((w, i) => w.resolve(outcome.results[i]!));
  }
}
