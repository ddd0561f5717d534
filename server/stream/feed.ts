import { EventEmitter } from 'node:events';
import pg from 'pg';
import { MachineChangeSchema, type MachineChange } from '../../core/backend/schemas.js';

/**
 * Machine changes for the live stream. With SQLite there is one server, so changes go from
 * the request that made them straight to the stream's listeners. With PostgreSQL several
 * servers may share the database, so every change goes through NOTIFY and each server
 * (the one that made it included) hears it through LISTEN: one path, the same for all.
 */
export interface ChangeFeed {
  publish(change: MachineChange): Promise<void>;
  subscribe(listener: (change: MachineChange) => void): () => void;
  /** A new escrow audit entry (a key imported or looked up), so open audit views read again. */
  publishAudit(): Promise<void>;
  subscribeAudit(listener: () => void): () => void;
  close(): Promise<void>;
}

export class LocalFeed implements ChangeFeed {
  protected readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(change: MachineChange): Promise<void> {
    this.emitter.emit('change', change);
    return Promise.resolve();
  }

  subscribe(listener: (change: MachineChange) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }

  publishAudit(): Promise<void> {
    this.emitter.emit('audit');
    return Promise.resolve();
  }

  subscribeAudit(listener: () => void): () => void {
    this.emitter.on('audit', listener);
    return () => this.emitter.off('audit', listener);
  }

  close(): Promise<void> {
    this.emitter.removeAllListeners();
    return Promise.resolve();
  }
}

export const NOTIFY_CHANNEL = 'bootmend_changes';
export const AUDIT_CHANNEL = 'bootmend_audit';
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; stay well under. */
const MAX_PAYLOAD = 7000;

export class PostgresFeed extends LocalFeed {
  private listener: pg.Client | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly url: string,
    private readonly pool: { query(text: string, values: unknown[]): Promise<unknown> },
  ) {
    super();
  }

  /** Starts listening before it returns, so no change made after a server is up is missed. */
  static async start(url: string): Promise<PostgresFeed> {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on('error', () => undefined);
    const feed = new PostgresFeed(url, pool);
    feed.poolToClose = pool;
    await feed.listen();
    return feed;
  }

  private poolToClose: pg.Pool | null = null;

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (message) => {
      if (message.channel === AUDIT_CHANNEL) this.emitter.emit('audit');
      if (message.channel !== NOTIFY_CHANNEL || !message.payload) return;
      const parsed = MachineChangeSchema.safeParse(JSON.parse(message.payload));
      if (parsed.success) this.emitter.emit('change', parsed.data);
    });
    client.on('error', () => this.reconnect(client));
    client.on('end', () => this.reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    await client.query(`LISTEN ${AUDIT_CHANNEL}`);
    this.listener = client;
  }

  private reconnect(client: pg.Client): void {
    if (this.closed || this.listener !== client) return;
    this.listener = null;
    client.end().catch(() => undefined);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.listen().catch(() => this.scheduleRetry());
    }, 1000);
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.listen().catch(() => this.scheduleRetry());
    }, 2000);
  }

  override async publish(change: MachineChange): Promise<void> {
    let chunk: MachineChange['machines'] = [];
    let size = 20;
    const send = async () => {
      if (chunk.length === 0) return;
      await this.pool.query('select pg_notify($1, $2)', [NOTIFY_CHANNEL, JSON.stringify({ machines: chunk })]);
      chunk = [];
      size = 20;
    };
    for (const machine of change.machines) {
      const length = Buffer.byteLength(JSON.stringify(machine)) + 1;
      if (size + length > MAX_PAYLOAD) await send();
      chunk.push(machine);
      size += length;
    }
    await send();
  }

  override async publishAudit(): Promise<void> {
    await this.pool.query('select pg_notify($1, $2)', [AUDIT_CHANNEL, '']);
  }

  override async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.listener;
    this.listener = null;
    await client?.end().catch(() => undefined);
    await this.poolToClose?.end().catch(() => undefined);
    await super.close();
  }
}
