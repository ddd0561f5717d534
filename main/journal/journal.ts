import crypto, { createHash, type Hash } from 'node:crypto';
import { uuidv7 } from '../../core/uuid7.js';
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { BootmendError } from '../../core/errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';

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
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string | Uint8Array) => string }).hash;

export function checksum(json: string): string {
  return (oneShotHash ? oneShotHash('sha256', json) : createHash('sha256').update(json, 'utf8').digest('hex')).slice(0, 16);
}

export function encodeLine(event: JournalEvent): string {
  const json = JSON.stringify(event);
  return `${checksum(json)} ${json}\n`;
}

/** Parses journal text; torn or damaged lines are skipped and counted, never fatal. */
export function decodeJournal(text: string): JournalRead {
  const loaded = emptyLoaded();
  const bytes = Buffer.from(text, 'utf8');
  decodeFrom(bytes, loaded);
  const damaged = loaded.tornTail ? [...loaded.damaged, { line: loaded.lines + 1 }] : loaded.damaged;
  return { events: loaded.parsed as StoredEvent[], damaged };
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
export type JournalView = (event: StoredEvent, position: number) => void;

export const SYNC_ACKNOWLEDGED = 'sync.acknowledged';

/**
 * A view that can be saved in the journal's snapshot and restored from it, so opening a long
 * journal does not replay every event into it. `save` answers plain JSON describing the view
 * after every event fed so far; `restore` takes that back whole or answers false (then the
 * view is fed every event instead). Bump the name's version when the saved shape changes.
 */
export interface PersistedView {
  name: string;
  save(): unknown;
  restore(data: unknown): boolean;
}

/** How the last open went: from a snapshot plus the events after it, or from the whole file. */
export interface OpenReport {
  snapshot: 'used' | 'absent' | 'ignored';
  /** Why a snapshot was ignored (torn, or written for other bytes than the journal has). */
  reason?: string;
  /** Events read line by line (after the snapshot, or all). */
  replayed: number;
}

interface Loaded {
  /** Per position (file order): the event once parsed; undefined while it is only a span of `base`. */
  parsed: (StoredEvent | undefined)[];
  ids: string[];
  types: string[];
  seqs: number[];
  /** Per position: start and end byte of the event's JSON in the file. */
  spans: number[];
  byId: Map<string, number>;
  /** The file's first bytes when opened from a snapshot: events restored from it are parsed from here when asked for. */
  base: Buffer | null;
  damaged: { line: number }[];
  /** Line numbers that hold no new event (blank, damaged, an id already there): a snapshot's spans skip them. */
  nonEvents: number[];
  /** Complete lines consumed so far (for damaged line numbers). */
  lines: number;
  /** Bytes of the file consumed: everything up to the end of the last complete line. */
  offset: number;
  /** SHA-256 of the bytes consumed, kept running so a snapshot can name exactly what it describes. */
  hash: Hash;
  /** An unterminated last line that fails its checksum (a torn write): reported, not consumed. */
  tornTail: boolean;
  lastSeq: number;
  acknowledged: Set<string>;
  pending: Set<string>;
  /** Views' saved data from the snapshot this was opened from, and how many events it covered. */
  restoredViews: Record<string, unknown> | null;
  restoredCount: number;
  /** Events covered by the newest snapshot read or written. */
  snapshotCount: number;
}

/** Events between two snapshots: an open replays at most this many lines. */
export const SNAPSHOT_EVERY = 1000;
const SNAPSHOT_FORMAT = 1;

export class FileJournal implements EventJournal {
  readonly file: string;
  /** The derived state saved beside the journal (`<file>.snapshot`); only ever a shortcut. */
  readonly snapshotFile: string;
  lastOpen: OpenReport | null = null;
  private readonly snapshotEvery: number;
  private loaded: Loaded | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly views: JournalView[] = [];
  private readonly persisted: PersistedView[] = [];
  private readonly appendListeners = new Set<(event: StoredEvent) => void>();

  constructor(file: string, options: { snapshotEvery?: number } = {}) {
    this.file = file;
    this.snapshotFile = `${file}.snapshot`;
    this.snapshotEvery = options.snapshotEvery ?? SNAPSHOT_EVERY;
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
    if (existing !== undefined) return { saved: false, event: eventAt(loaded, existing) };
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
    this.snapshotIfDue();
    const position = loaded.byId.get(stored.id);
    const saved = position === undefined ? stored : eventAt(loaded, position);
    for (const listener of this.appendListeners) listener(saved);
    return { saved: true, event: saved };
  }

  /**
   * Calls `listener` after each event this process appends and fsyncs (the sync starts then, not
   * on a timer). Cheaper than a view: nothing already saved is replayed. Answers the unsubscribe.
   */
  onAppended(listener: (event: StoredEvent) => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  async read(filter: JournalFilter = {}): Promise<JournalRead> {
    const loaded = await this.serial(() => this.catchUp());
    const events: StoredEvent[] = [];
    for (let i = 0; i < loaded.ids.length; i += 1) {
      if (filter.type !== undefined && loaded.types[i] !== filter.type) continue;
      const event = eventAt(loaded, i);
      if (filter.since === undefined || event.at >= filter.since) events.push(event);
    }
    return { events, damaged: this.damaged(loaded) };
  }

  /** Every event saved, in seq order (the journal's own array: do not change it). */
  async events(): Promise<{ events: readonly StoredEvent[]; damaged: { line: number }[] }> {
    const loaded = await this.serial(() => this.catchUp());
    for (let i = 0; i < loaded.ids.length; i += 1) eventAt(loaded, i);
    return { events: loaded.parsed as StoredEvent[], damaged: this.damaged(loaded) };
  }

  /** Brings memory up to the file (another process may have appended) and answers the damaged lines. */
  async refresh(): Promise<{ damaged: { line: number }[] }> {
    const loaded = await this.serial(() => this.catchUp());
    return { damaged: this.damaged(loaded) };
  }

  /** The seq of the event at this position (no parse). */
  seqAt(position: number): number | undefined {
    return this.loaded?.seqs[position];
  }

  /** How many events the journal holds. */
  async count(): Promise<number> {
    return (await this.serial(() => this.catchUp())).ids.length;
  }

  /** The event saved with this id as memory has it now (inside appendChecked's decide it is current). */
  peek(id: string): StoredEvent | undefined {
    const position = this.loaded?.byId.get(id);
    return position === undefined ? undefined : eventAt(this.loaded!, position);
  }

  /** The event at this position of the journal (a view's second argument), as memory has it now. */
  eventAt(position: number): StoredEvent {
    if (!this.loaded || position < 0 || position >= this.loaded.ids.length) throw new BootmendError('NOT_FOUND', `The journal has no event at position ${position}.`);
    return eventAt(this.loaded, position);
  }

  async get(id: string): Promise<StoredEvent | undefined> {
    await this.serial(() => this.catchUp());
    return this.peek(id);
  }

  /**
   * Adds a view (e.g. the machines index): it is fed every event saved so far, then each new
   * one as it is appended or read from the file, always in seq order. A persisted view is
   * restored from the snapshot the journal was opened from and fed only the events after it.
   */
  async subscribe(view: JournalView, persisted?: PersistedView): Promise<void> {
    await this.serial(async () => {
      const loaded = await this.catchUp();
      let from = 0;
      const saved = persisted && loaded.restoredViews ? loaded.restoredViews[persisted.name] : undefined;
      if (persisted && saved !== undefined && persisted.restore(saved)) from = loaded.restoredCount;
      else if (persisted) loaded.snapshotCount = 0; // a long journal gets a snapshot that carries this view now
      for (let i = from; i < loaded.ids.length; i += 1) view(eventAt(loaded, i), i);
      this.views.push(view);
      if (persisted) this.persisted.push(persisted);
    });
    this.snapshotIfDue();
  }

  /** Events the backend has not acknowledged yet (the outbox), in seq order. */
  async outbox(): Promise<StoredEvent[]> {
    const loaded = await this.serial(() => this.catchUp());
    const positions: number[] = [];
    for (const id of loaded.pending) {
      const position = loaded.byId.get(id);
      if (position !== undefined) positions.push(position);
    }
    return positions.sort((a, b) => a - b).map((p) => eventAt(loaded, p));
  }

  /**
   * How many events wait for the backend; with `counts`, only those of the types it accepts
   * (the status bar counts what will be sent, not the local-only events the sync just clears).
   */
  async pendingSync(counts?: (type: string) => boolean): Promise<number> {
    const loaded = await this.serial(() => this.catchUp());
    if (!counts) return loaded.pending.size;
    let count = 0;
    for (const id of loaded.pending) {
      const position = loaded.byId.get(id);
      if (position !== undefined && counts(loaded.types[position] ?? '')) count += 1;
    }
    return count;
  }

  /**
   * Records the backend's receipt for these event ids (the sync calls this); they leave the outbox.
   * `rejected` names those among them the backend refused for good, with its reason, so the
   * refusal stays on record instead of blocking every later event.
   */
  async acknowledge(ids: readonly string[], at: Date = new Date(), rejected: readonly { id: string; reason: string }[] = []): Promise<void> {
    if (ids.length === 0) return;
    await this.appendStored({ id: uuidv7(), type: SYNC_ACKNOWLEDGED, at: at.toISOString(), ids: [...ids], ...(rejected.length > 0 ? { rejected: [...rejected] } : {}) });
  }

  /** Saves a snapshot of what was added since the last one (hosts call this when they stop). */
  async close(): Promise<void> {
    await this.serial(async () => {
      const loaded = this.loaded;
      if (loaded && loaded.ids.length > loaded.snapshotCount) await this.writeSnapshot(loaded);
    });
  }

  /** After enough new events, a snapshot is written once the operations waiting now are done. */
  private snapshotIfDue(): void {
    const loaded = this.loaded;
    if (!loaded || loaded.ids.length - loaded.snapshotCount < this.snapshotEvery) return;
    loaded.snapshotCount = loaded.ids.length; // one write per threshold, even while it runs
    void this.serial(() => this.writeSnapshot(loaded)).catch(() => undefined);
  }

  /**
   * Writes the snapshot beside the journal: its own checksum first (a torn one is ignored), the
   * SHA-256 of the journal bytes it describes (a journal replaced or changed under it makes it
   * ignored), then the events' ids, seqs, types and places, the outbox and the views' data.
   * Written with the one atomic-write helper, never into a folder made again if the journal's folder is gone.
   */
  private async writeSnapshot(loaded: Loaded): Promise<void> {
    if (this.loaded !== loaded) return;
    const views: Record<string, unknown> = {};
    for (const view of this.persisted) views[view.name] = view.save();
    const body = JSON.stringify(encodeSnapshot(loaded, views));
    const count = loaded.ids.length;
    try {
      const bytes = Buffer.from(body, 'utf8');
      await writeFileAtomic(this.snapshotFile, Buffer.concat([Buffer.from(`${sha256Hex(bytes)}\n`, 'latin1'), bytes]), { mode: 0o600, createFolder: false });
      loaded.snapshotCount = Math.max(loaded.snapshotCount, count);
    } catch {
      // Only a shortcut: the journal itself is whole; the next open replays more lines.
    }
  }

  private damaged(loaded: Loaded): { line: number }[] {
    return loaded.tornTail ? [...loaded.damaged, { line: loaded.lines + 1 }] : loaded.damaged;
  }

  /**
   * Brings memory up to the file: reads what was added since the last look (by this process or
   * another one, e.g. the CLI beside the app) and feeds it to the views. A file that shrank was
   * replaced: it is read again from the start. The first look starts from the snapshot when
   * one describes the file's first bytes exactly.
   */
  private async catchUp(): Promise<Loaded> {
    let loaded = this.loaded;
    let bytes: Buffer;
    try {
      const handle = await open(this.file, 'r');
      try {
        const { size } = await handle.stat();
        if (loaded && size < loaded.offset) loaded = null;
        const from = loaded?.offset ?? 0;
        if (loaded && size === from) return loaded;
        const buffer = Buffer.allocUnsafe(size - from);
        let done = 0;
        while (done < buffer.length) {
          const { bytesRead } = await handle.read(buffer, done, buffer.length - done, from + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        bytes = buffer.subarray(0, done);
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
    let target = loaded;
    if (!target) {
      // Views already fed from an earlier look cannot take a snapshot's state: only the first look uses one.
      const restored = this.views.length === 0 ? await restoreSnapshot(this.snapshotFile, bytes) : { loaded: null, report: { snapshot: 'absent' as const, replayed: 0 } };
      target = restored.loaded ?? emptyLoaded();
      const added = decodeFrom(bytes.subarray(target.offset), target);
      this.lastOpen = { ...restored.report, replayed: added.length };
      this.loaded = target;
      for (const event of added) for (const view of this.views) view(event, target.byId.get(event.id)!);
      return target;
    }
    const added = decodeFrom(bytes, target);
    for (const event of added) for (const view of this.views) view(event, target.byId.get(event.id)!);
    return target;
  }
}

function emptyLoaded(): Loaded {
  return {
    parsed: [],
    ids: [],
    types: [],
    seqs: [],
    spans: [],
    byId: new Map(),
    base: null,
    damaged: [],
    nonEvents: [],
    lines: 0,
    offset: 0,
    hash: createHash('sha256'),
    tornTail: false,
    lastSeq: 0,
    acknowledged: new Set(),
    pending: new Set(),
    restoredViews: null,
    restoredCount: 0,
    snapshotCount: 0,
  };
}

function sha256Hex(data: Uint8Array): string {
  return oneShotHash ? oneShotHash('sha256', data) : createHash('sha256').update(data).digest('hex');
}

function eventAt(loaded: Loaded, position: number): StoredEvent {
  let event = loaded.parsed[position];
  if (!event) {
    // Restored from a snapshot: the bytes were checked against it, so only the parse is left.
    event = JSON.parse(loaded.base!.toString('utf8', loaded.spans[2 * position], loaded.spans[2 * position + 1])) as StoredEvent;
    event.seq = loaded.seqs[position]!;
    loaded.parsed[position] = event;
  }
  return event;
}

interface SnapshotBody {
  format: number;
  offset: number;
  sha256: string;
  lines: number;
  lastSeq: number;
  damaged: { line: number }[];
  nonEvents: number[];
  /** The events' ids joined by newlines: one string parses far faster than 100,000. */
  ids: string;
  typeNames: string[];
  /** One character per event: TYPE_CODES[its type's index in typeNames] (ASCII, so the body stays a one-byte string). */
  typeCodes: string;
  /** [position, seq] pairs where the seq is not the previous one + 1. */
  seqJumps: number[];
  /** [from, to) position ranges of the events in the outbox. */
  pendingRanges: number[];
  /** Acknowledged ids of events this journal does not hold (yet). */
  acknowledgedElsewhere: string[];
  views: Record<string, unknown>;
}

const TYPE_CODES = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+*';

/** The snapshot's body: compact, because the whole point is that it parses faster than the journal. */
function encodeSnapshot(loaded: Loaded, views: Record<string, unknown>): SnapshotBody {
  const typeIndex = new Map<string, number>();
  const codes: string[] = [];
  const seqJumps: number[] = [];
  const pendingRanges: number[] = [];
  for (let i = 0; i < loaded.ids.length; i += 1) {
    const type = loaded.types[i]!;
    let code = typeIndex.get(type);
    if (code === undefined) typeIndex.set(type, (code = typeIndex.size));
    codes.push(TYPE_CODES[code] ?? '?');
    if (loaded.seqs[i] !== (i === 0 ? 0 : loaded.seqs[i - 1]!) + 1) seqJumps.push(i, loaded.seqs[i]!);
    if (loaded.pending.has(loaded.ids[i]!)) {
      if (pendingRanges.length > 0 && pendingRanges[pendingRanges.length - 1] === i) pendingRanges[pendingRanges.length - 1] = i + 1;
      else pendingRanges.push(i, i + 1);
    }
  }
  return {
    format: SNAPSHOT_FORMAT,
    offset: loaded.offset,
    sha256: loaded.hash.copy().digest('hex'),
    lines: loaded.lines,
    lastSeq: loaded.lastSeq,
    damaged: loaded.damaged,
    nonEvents: loaded.nonEvents,
    ids: loaded.ids.join('\n'),
    typeNames: [...typeIndex.keys()],
    typeCodes: codes.join(''),
    seqJumps,
    pendingRanges,
    acknowledgedElsewhere: [...loaded.acknowledged].filter((id) => !loaded.byId.has(id)),
    views,
  };
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

/**
 * Reads the snapshot beside a journal whose bytes are `file`: answers the state it holds when
 * its checksum holds and it describes exactly the first bytes of the file, else why not.
 */
async function restoreSnapshot(snapshotFile: string, file: Buffer): Promise<{ loaded: Loaded | null; report: OpenReport }> {
  const ignored = (reason: string) => ({ loaded: null, report: { snapshot: 'ignored' as const, reason, replayed: 0 } });
  let raw: Buffer;
  try {
    raw = await readFile(snapshotFile);
  } catch {
    return { loaded: null, report: { snapshot: 'absent', replayed: 0 } };
  }
  if (raw.length < 66 || raw[64] !== 0x0a || sha256Hex(raw.subarray(65)) !== raw.toString('latin1', 0, 64)) return ignored('its checksum does not hold (torn or damaged)');
  let data: Partial<SnapshotBody>;
  try {
    data = JSON.parse(raw.toString('utf8', 65)) as Partial<SnapshotBody>;
  } catch {
    return ignored('it is not JSON');
  }
  const { offset, sha256, lines, lastSeq, damaged, nonEvents, typeNames, typeCodes, seqJumps, pendingRanges, acknowledgedElsewhere, views } = data;
  if (typeof data.ids !== 'string') return ignored('a field is missing');
  const ids = data.ids === '' ? [] : data.ids.split('\n');
  if (data.format !== SNAPSHOT_FORMAT) return ignored(`format ${String(data.format)} is not ${SNAPSHOT_FORMAT}`);
  if (typeof offset !== 'number' || typeof lines !== 'number' || typeof lastSeq !== 'number' || typeof sha256 !== 'string' || typeof typeCodes !== 'string') return ignored('a field is missing');
  if (!isStringArray(typeNames) || typeNames.length > TYPE_CODES.length || !isNumberArray(nonEvents) || !isNumberArray(seqJumps) || !isNumberArray(pendingRanges) || !isStringArray(acknowledgedElsewhere) || !Array.isArray(damaged)) return ignored('a list is missing');
  if (typeCodes.length !== ids.length || typeCodes.includes('?')) return ignored('its lists disagree');
  if (offset > file.length) return ignored('the journal is shorter than the snapshot describes');
  const hash = createHash('sha256').update(file.subarray(0, offset));
  if (hash.copy().digest('hex') !== sha256) return ignored('the journal\u2019s bytes are not the ones it describes');

  // Where each event's JSON is: every line of the bytes described, less those that hold no event.
  const spans: number[] = [];
  let line = 0;
  let skip = 0;
  for (let start = 0; start < offset; ) {
    let end = file.indexOf(0x0a, start);
    if (end === -1 || end > offset) end = offset;
    line += 1;
    if (nonEvents[skip] === line) skip += 1;
    else spans.push(start + 17, end);
    start = end + 1;
  }
  if (line !== lines || spans.length !== 2 * ids.length) return ignored('its events do not match the journal\u2019s lines');
  const types: string[] = new Array<string>(ids.length);
  const seqs: number[] = new Array<number>(ids.length);
  const byId = new Map<string, number>();
  let jump = 0;
  for (let i = 0; i < ids.length; i += 1) {
    byId.set(ids[i]!, i);
    types[i] = typeNames[TYPE_CODES.indexOf(typeCodes[i]!)] ?? '';
    seqs[i] = seqJumps[jump] === i ? seqJumps[jump + 1]! : (i === 0 ? 0 : seqs[i - 1]!) + 1;
    if (seqJumps[jump] === i) jump += 2;
  }
  const pending = new Set<string>();
  for (let r = 0; r + 1 < pendingRanges.length; r += 2) for (let i = pendingRanges[r]!; i < pendingRanges[r + 1]! && i < ids.length; i += 1) pending.add(ids[i]!);
  const loaded: Loaded = {
    parsed: new Array<StoredEvent | undefined>(ids.length),
    ids,
    types,
    seqs,
    spans,
    byId,
    base: file,
    damaged: damaged as { line: number }[],
    nonEvents,
    lines,
    offset,
    hash,
    tornTail: false,
    lastSeq,
    acknowledged: new Set(acknowledgedElsewhere),
    pending,
    restoredViews: typeof views === 'object' && views !== null ? views : null,
    restoredCount: ids.length,
    snapshotCount: ids.length,
  };
  return { loaded, report: { snapshot: 'used', replayed: 0 } };
}

/**
 * Decodes bytes read from `loaded.offset` into `loaded`; answers the events added. The seq in
 * memory is the one saved when it is above the previous event's, else the previous + 1: replay
 * order is file order even for events written before seq existed, or by two processes at once.
 */
function decodeFrom(bytes: Buffer, loaded: Loaded): StoredEvent[] {
  const added: StoredEvent[] = [];
  const base = loaded.offset;
  loaded.tornTail = false;
  const take = (start: number, end: number, event: JournalEvent | null | undefined): void => {
    loaded.lines += 1;
    if (event === undefined || event === null || loaded.byId.has(event.id)) {
      loaded.nonEvents.push(loaded.lines);
      if (event === null) loaded.damaged.push({ line: loaded.lines });
      return;
    }
    const saved = typeof event.seq === 'number' && Number.isInteger(event.seq) ? event.seq : 0;
    const stored = event as StoredEvent;
    stored.seq = saved > loaded.lastSeq ? saved : loaded.lastSeq + 1;
    loaded.lastSeq = stored.seq;
    loaded.byId.set(stored.id, loaded.ids.length);
    loaded.parsed.push(stored);
    loaded.ids.push(stored.id);
    loaded.types.push(stored.type);
    loaded.seqs.push(stored.seq);
    loaded.spans.push(base + start + 17, base + end);
    track(loaded, stored);
    added.push(stored);
  };
  let position = 0;
  while (position < bytes.length) {
    const newline = bytes.indexOf(0x0a, position);
    if (newline === -1) {
      // A last line without its newline: whole (its checksum holds) it is an event; else a torn write.
      const event = decodeLine(bytes, position, bytes.length);
      if (event) {
        take(position, bytes.length, event);
        position = bytes.length;
      } else loaded.tornTail = true;
      break;
    }
    take(position, newline, decodeLine(bytes, position, newline));
    position = newline + 1;
  }
  loaded.hash.update(bytes.subarray(0, position));
  loaded.offset += position;
  return added;
}

/** undefined: a blank line; null: damaged. */
function decodeLine(bytes: Buffer, start: number, end: number): JournalEvent | null | undefined {
  if (end === start || (end === start + 1 && bytes[start] === 0x0d)) return undefined;
  if (end - start < 17 || bytes[start + 16] !== 0x20) return null;
  const json = bytes.subarray(start + 17, end);
  const digest = oneShotHash ? oneShotHash('sha256', json) : createHash('sha256').update(json).digest('hex');
  if (digest.slice(0, 16) !== bytes.toString('latin1', start, start + 16)) return null;
  try {
    return JSON.parse(json.toString('utf8')) as JournalEvent;
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
    // BOOTMEND_JOURNAL_SNAPSHOT_EVERY: for tests that want snapshots written while they crash the host.
    const every = Number(process.env.BOOTMEND_JOURNAL_SNAPSHOT_EVERY);
    journal = new FileJournal(key, Number.isInteger(every) && every > 0 ? { snapshotEvery: every } : {});
    openJournals.set(key, journal);
  }
  return journal;
}
