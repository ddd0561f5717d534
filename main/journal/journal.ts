import crypto, { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { BootmendError } from '../../core/errors.js';

/**
 * The local journal: an append-only, crash-safe event store in one NDJSON file.
 *
 * Each line is `<16 hex: first 8 bytes of SHA-256 of the JSON> <JSON>\n`, written with one
 * write and fsync'd before append() resolves. After a crash the last line may be torn:
 * read() ignores any line whose checksum does not match (and reports it in `damaged`),
 * keeping every line before and after it; the next append() first ends a torn tail with a
 * newline so the new event is never glued onto it. Nothing is ever rewritten.
 *
 * Every event has a client-made `id` (a UUID): appending an id already present is a no-op,
 * so a retried write or sync never duplicates. Events must never hold secrets: append()
 * refuses any string that looks like a BitLocker recovery password.
 */

export interface JournalEvent {
  /** Client-made unique id (UUID). */
  id: string;
  /** e.g. "key.revealed". */
  type: string;
  /** ISO 8601 time the event happened. */
  at: string;
  [field: string]: unknown;
}

export interface JournalFilter {
  type?: string;
  /** Only events at or after this ISO time. */
  since?: string;
}

export interface JournalRead {
  events: JournalEvent[];
  /** Lines that failed their checksum (a torn last line after a crash, or damage). */
  damaged: { line: number }[];
}

export interface EventJournal {
  /** Appends and fsyncs; resolves false when an event with this id is already there. */
  append(event: JournalEvent): Promise<boolean>;
  read(filter?: JournalFilter): Promise<JournalRead>;
}

const PASSWORD_LIKE = /\d{6}(?:[\s-]*\d{6}){7}/;

// One-shot hashing (Node >= 20.12) costs about 40% of a createHash per line: it is most of a
// 100,000-event journal's open (bench/journal.ts).
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;

export function checksum(json: string): string {
  return (oneShotHash ? oneShotHash('sha256', json) : createHash('sha256').update(json, 'utf8').digest('hex')).slice(0, 16);
}

export function encodeLine(event: JournalEvent): string {
  const json = JSON.stringify(event);
  return `${checksum(json)} ${json}\n`;
}

/** Parses journal text; torn or damaged lines are skipped and counted, never fatal. */
export function decodeJournal(text: string): JournalRead {
  const events: JournalEvent[] = [];
  const damaged: { line: number }[] = [];
  text.split('\n').forEach((line, index) => {
    const event = decodeLine(line);
    if (event === null) damaged.push({ line: index + 1 });
    else if (event !== undefined) events.push(event);
  });
  return { events, damaged };
}

function containsPasswordLike(value: unknown): boolean {
  if (typeof value === 'string') return PASSWORD_LIKE.test(value);
  if (Array.isArray(value)) return value.some(containsPasswordLike);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsPasswordLike);
  return false;
}

export interface StoredEvent extends JournalEvent {
  /** Position in this journal, from 1: the replay order (see `decodeFrom`). */
  seq: number;
}

/** Sees every event of the journal once, in seq order: first those already saved, then each new one. */
export type JournalView = (event: StoredEvent) => void;

export const SYNC_ACKNOWLEDGED = 'sync.acknowledged';

interface Loaded {
  events: StoredEvent[];
  byId: Map<string, StoredEvent>;
  damaged: { line: number }[];
  /** Complete lines consumed so far (for damaged line numbers). */
  lines: number;
  /** Bytes of the file consumed: everything up to the end of the last complete line. */
  offset: number;
  /** An unterminated last line that fails its checksum (a torn write): reported, not consumed. */
  tornTail: boolean;
  lastSeq: number;
  acknowledged: Set<string>;
  pending: Set<string>;
}

export class FileJournal implements EventJournal {
  readonly file: string;
  private loaded: Loaded | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly views: JournalView[] = [];

  constructor(file: string) {
    this.file = file;
  }

  /** One operation at a time: appends, catch-ups and reads never interleave. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  append(event: JournalEvent): Promise<boolean> {
    return this.appendStored(event).then((r) => r.saved);
  }

  /**
   * Appends, fsyncs and answers the event as saved, with its seq: the next after the highest in
   * the file. An id already there is not written again: `saved: false` and the event as it was
   * saved the first time.
   */
  appendStored(event: JournalEvent): Promise<{ saved: boolean; event: StoredEvent }> {
    return this.serial(() => this.appendNow(event));
  }

  /**
   * Runs `decide` against the journal as it is now and appends what it returns, with no other
   * append in between (the rules a recovery event is checked against cannot change under it).
   */
  appendChecked<T>(decide: () => { event: JournalEvent; result?: T } | { existing: T }): Promise<{ saved: boolean; event: StoredEvent; result: T | undefined } | { saved: false; existing: T }> {
    return this.serial(async () => {
      await this.catchUp();
      const decision = decide();
      if ('existing' in decision) return { saved: false as const, existing: decision.existing };
      const appended = await this.appendNow(decision.event);
      return { ...appended, result: decision.result };
    });
  }

  private async appendNow(event: JournalEvent): Promise<{ saved: boolean; event: StoredEvent }> {
    if (typeof event.id !== 'string' || event.id === '' || typeof event.type !== 'string' || typeof event.at !== 'string') {
      throw new BootmendError('INVALID_INPUT', 'A journal event needs an id, a type and a time.');
    }
    if (containsPasswordLike(event)) throw new BootmendError('INVALID_INPUT', 'Refused to write a journal event that looks like it holds a recovery password.');
    const loaded = await this.catchUp();
    const existing = loaded.byId.get(event.id);
    if (existing) return { saved: false, event: existing };
    const stored: StoredEvent = { ...event, seq: loaded.lastSeq + 1 };
    await mkdir(dirname(this.file), { recursive: true });
    let handle: FileHandle;
    try {
      handle = await open(this.file, 'a+', 0o600);
    } catch (error) {
      throw new BootmendError('IO_ERROR', `Cannot write to the journal ${this.file}: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}.`);
    }
    try {
      const { size } = await handle.stat();
      let prefix = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n'; // end a torn line before appending
      }
      await handle.appendFile(prefix + encodeLine(stored), 'utf8');
      await handle.sync();
    } catch (error) {
      throw new BootmendError('IO_ERROR', `Cannot write to the journal ${this.file}: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}.`);
    } finally {
      await handle.close();
    }
    // Read back what was written (and anything another process wrote before it): the one path
    // by which events enter memory, so the seq and the views follow the file exactly.
    await this.catchUp();
    return { saved: true, event: loaded.byId.get(stored.id) ?? stored };
  }

  async read(filter: JournalFilter = {}): Promise<JournalRead> {
    const loaded = await this.serial(() => this.catchUp());
    const events = loaded.events.filter((e) => (filter.type === undefined || e.type === filter.type) && (filter.since === undefined || e.at >= filter.since));
    return { events, damaged: this.damaged(loaded) };
  }

  /** Every event saved, in seq order (the journal's own array: do not change it). */
  async events(): Promise<{ events: readonly StoredEvent[]; damaged: { line: number }[] }> {
    const loaded = await this.serial(() => this.catchUp());
    return { events: loaded.events, damaged: this.damaged(loaded) };
  }

  /** The event saved with this id as memory has it now (inside appendChecked's decide it is current). */
  peek(id: string): StoredEvent | undefined {
    return this.loaded?.byId.get(id);
  }

  async get(id: string): Promise<StoredEvent | undefined> {
    return (await this.serial(() => this.catchUp())).byId.get(id);
  }

  /**
   * Adds a view (e.g. the machines index): it is fed every event saved so far, then each new
   * one as it is appended or read from the file, always in seq order.
   */
  async subscribe(view: JournalView): Promise<void> {
    await this.serial(async () => {
      const loaded = await this.catchUp();
      for (const event of loaded.events) view(event);
      this.views.push(view);
    });
  }

  /** Events the backend has not acknowledged yet (the outbox), in seq order. */
  async outbox(): Promise<StoredEvent[]> {
    const loaded = await this.serial(() => this.catchUp());
    return loaded.events.filter((e) => loaded.pending.has(e.id));
  }

  /** How many events wait for the backend (the status bar's count). */
  async pendingSync(): Promise<number> {
    return (await this.serial(() => this.catchUp())).pending.size;
  }

  /** Records the backend's receipt for these event ids (the sync calls this); they leave the outbox. */
  async acknowledge(ids: readonly string[], at: Date = new Date()): Promise<void> {
    if (ids.length === 0) return;
    await this.appendStored({ id: randomUUID(), type: SYNC_ACKNOWLEDGED, at: at.toISOString(), ids: [...ids] });
  }

  private damaged(loaded: Loaded): { line: number }[] {
    return loaded.tornTail ? [...loaded.damaged, { line: loaded.lines + 1 }] : loaded.damaged;
  }

  /**
   * Brings memory up to the file: reads what was added since the last look (by this process or
   * another one, e.g. the CLI beside the app) and feeds it to the views. A file that shrank was
   * replaced: it is read again from the start.
   */
  private async catchUp(): Promise<Loaded> {
    let loaded = this.loaded;
    let text: string;
    try {
      const handle = await open(this.file, 'r');
      try {
        const { size } = await handle.stat();
        if (loaded && size < loaded.offset) loaded = null;
        const from = loaded?.offset ?? 0;
        if (loaded && size === from) return loaded;
        const buffer = Buffer.alloc(size - from);
        let done = 0;
        while (done < buffer.length) {
          const { bytesRead } = await handle.read(buffer, done, buffer.length - done, from + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        text = buffer.subarray(0, done).toString('utf8');
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.loaded ??= emptyLoaded();
        return this.loaded;
      }
      if (error instanceof BootmendError) throw error;
      throw new BootmendError('IO_ERROR', `Cannot read the journal ${this.file}: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}.`);
    }
    const target = loaded ?? emptyLoaded();
    const added = decodeFrom(text, target);
    this.loaded = target;
    for (const event of added) for (const view of this.views) view(event);
    return target;
  }
}

function emptyLoaded(): Loaded {
  return { events: [], byId: new Map(), damaged: [], lines: 0, offset: 0, tornTail: false, lastSeq: 0, acknowledged: new Set(), pending: new Set() };
}

/**
 * Decodes text read from `loaded.offset` into `loaded`; answers the events added. The seq in
 * memory is the one saved when it is above the previous event's, else the previous + 1: replay
 * order is file order even for events written before seq existed, or by two processes at once.
 */
function decodeFrom(text: string, loaded: Loaded): StoredEvent[] {
  const added: StoredEvent[] = [];
  const lines = text.split('\n');
  const tail = lines.pop() ?? '';
  loaded.tornTail = false;
  let consumedBytes = text.length === 0 ? 0 : Buffer.byteLength(text, 'utf8') - Buffer.byteLength(tail, 'utf8');
  const take = (line: string): void => {
    loaded.lines += 1;
    const event = decodeLine(line);
    if (event === undefined) return;
    if (event === null) {
      loaded.damaged.push({ line: loaded.lines });
      return;
    }
    if (loaded.byId.has(event.id)) return;
    const saved = typeof event.seq === 'number' && Number.isInteger(event.seq) ? event.seq : 0;
    const stored = event as StoredEvent;
    stored.seq = saved > loaded.lastSeq ? saved : loaded.lastSeq + 1;
    loaded.lastSeq = stored.seq;
    loaded.events.push(stored);
    loaded.byId.set(stored.id, stored);
    track(loaded, stored);
    added.push(stored);
  };
  for (const line of lines) take(line);
  if (tail !== '') {
    // A last line without its newline: whole (its checksum holds) it is an event; else a torn write.
    if (decodeLine(tail)) {
      take(tail);
      consumedBytes += Buffer.byteLength(tail, 'utf8');
    } else loaded.tornTail = true;
  }
  loaded.offset += consumedBytes;
  return added;
}

/** undefined: a blank line; null: damaged. */
function decodeLine(line: string): JournalEvent | null | undefined {
  if (line === '' || line === '\r') return undefined;
  const space = line.indexOf(' ');
  const json = space === 16 ? line.slice(17) : '';
  if (space !== 16 || checksum(json) !== line.slice(0, 16)) return null;
  try {
    return JSON.parse(json) as JournalEvent;
  } catch {
    return null;
  }
}

function track(loaded: Loaded, event: StoredEvent): void {
  if (event.type === SYNC_ACKNOWLEDGED) {
    for (const id of Array.isArray(event.ids) ? event.ids : []) {
      if (typeof id !== 'string') continue;
      loaded.acknowledged.add(id);
      loaded.pending.delete(id);
    }
  } else if (!loaded.acknowledged.has(event.id)) loaded.pending.add(event.id);
}

const openJournals = new Map<string, FileJournal>();

/**
 * The one FileJournal of a file in this process. Its duplicate check and write queue are per
 * instance, so two instances on one file could each accept the same event id, or interleave
 * a torn-tail repair with another's append: every host takes its journal from here (through
 * main/services), never with `new`.
 */
export function openJournal(file: string): FileJournal {
  const key = resolve(file);
  let journal = openJournals.get(key);
  if (!journal) {
    journal = new FileJournal(key);
    openJournals.set(key, journal);
  }
  return journal;
}
