import { createHash } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
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

export function checksum(json: string): string {
  return createHash('sha256').update(json, 'utf8').digest('hex').slice(0, 16);
}

export function encodeLine(event: JournalEvent): string {
  const json = JSON.stringify(event);
  return `${checksum(json)} ${json}\n`;
}

/** Parses journal text; torn or damaged lines are skipped and counted, never fatal. */
export function decodeJournal(text: string): JournalRead {
  const events: JournalEvent[] = [];
  const damaged: { line: number }[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line === '' || line === '\r') return;
    const space = line.indexOf(' ');
    const json = space === 16 ? line.slice(17) : '';
    if (space !== 16 || checksum(json) !== line.slice(0, 16)) {
      damaged.push({ line: index + 1 });
      return;
    }
    try {
      events.push(JSON.parse(json) as JournalEvent);
    } catch {
      damaged.push({ line: index + 1 });
    }
  });
  return { events, damaged };
}

function containsPasswordLike(value: unknown): boolean {
  if (typeof value === 'string') return PASSWORD_LIKE.test(value);
  if (Array.isArray(value)) return value.some(containsPasswordLike);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsPasswordLike);
  return false;
}

export class FileJournal implements EventJournal {
  readonly file: string;
  private ids: Set<string> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(file: string) {
    this.file = file;
  }

  append(event: JournalEvent): Promise<boolean> {
    const run = this.queue.then(() => this.appendNow(event));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async appendNow(event: JournalEvent): Promise<boolean> {
    if (typeof event.id !== 'string' || event.id === '' || typeof event.type !== 'string' || typeof event.at !== 'string') {
      throw new BootmendError('INVALID_INPUT', 'A journal event needs an id, a type and a time.');
    }
    if (containsPasswordLike(event)) throw new BootmendError('INVALID_INPUT', 'Refused to write a journal event that looks like it holds a recovery password.');
    const ids = await this.loadIds();
    if (ids.has(event.id)) return false;
    await mkdir(dirname(this.file), { recursive: true });
    const handle = await open(this.file, 'a+', 0o600);
    try {
      const { size } = await handle.stat();
      let prefix = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n'; // end a torn line before appending
      }
      await handle.appendFile(prefix + encodeLine(event), 'utf8');
      await handle.sync();
    } catch (error) {
      throw new BootmendError('IO_ERROR', `Cannot write to the journal ${this.file}: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}.`);
    } finally {
      await handle.close();
    }
    ids.add(event.id);
    return true;
  }

  async read(filter: JournalFilter = {}): Promise<JournalRead> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], damaged: [] };
      throw new BootmendError('IO_ERROR', `Cannot read the journal ${this.file}: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}.`);
    }
    const all = decodeJournal(text);
    const events = all.events.filter((e) => (filter.type === undefined || e.type === filter.type) && (filter.since === undefined || e.at >= filter.since));
    return { events, damaged: all.damaged };
  }

  private async loadIds(): Promise<Set<string>> {
    if (!this.ids) this.ids = new Set((await this.read()).events.map((e) => e.id));
    return this.ids;
  }
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
