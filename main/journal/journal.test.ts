import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeLine, FileJournal, type JournalEvent } from './journal.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bootmend-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const event = (n: number, type = 'test.event'): JournalEvent => ({ id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, type, at: `2024-07-19T08:00:0${n}.000Z`, n });

describe('FileJournal', () => {
  it('appends and reads back, filters by type and time, and collapses a retried event id', async () => {
    const journal = new FileJournal(join(dir, 'sub', 'events.ndjson'));
    expect(await journal.append(event(1))).toBe(true);
    expect(await journal.append(event(2, 'other'))).toBe(true);
    expect(await journal.append(event(1))).toBe(false);
    expect(await new FileJournal(journal.file).append(event(1))).toBe(false);
    expect((await journal.read()).events.map((e) => e.n)).toEqual([1, 2]);
    expect((await journal.read({ type: 'other' })).events).toHaveLength(1);
    expect((await journal.read({ since: '2024-07-19T08:00:02.000Z' })).events.map((e) => e.n)).toEqual([2]);
  });

  it('a torn last line (crash mid-write) is ignored, earlier lines kept, and the next append starts a new line', async () => {
    const file = join(dir, 'events.ndjson');
    const journal = new FileJournal(file);
    await journal.append(event(1));
    await journal.append(event(2));
    await appendFile(file, encodeLine(event(3)).slice(0, 30)); // torn: no newline, partial JSON
    const afterCrash = await new FileJournal(file).read();
    expect(afterCrash.events.map((e) => e.n)).toEqual([1, 2]);
    expect(afterCrash.damaged).toEqual([{ line: 3 }]);
    const reopened = new FileJournal(file);
    await reopened.append(event(4));
    const read = await reopened.read();
    expect(read.events.map((e) => e.n)).toEqual([1, 2, 4]);
    expect(read.damaged).toEqual([{ line: 3 }]);
  });

  it('a damaged middle line is skipped by its checksum and the lines after it are kept', async () => {
    const file = join(dir, 'events.ndjson');
    const journal = new FileJournal(file);
    for (const n of [1, 2, 3]) await journal.append(event(n));
    const text = await readFile(file, 'utf8');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, text.replace('"n":2', '"n":7'));
    const read = await new FileJournal(file).read();
    expect(read.events.map((e) => e.n)).toEqual([1, 3]);
    expect(read.damaged).toEqual([{ line: 2 }]);
  });

  it('refuses events that look like they carry a recovery password, and events without id/type/time', async () => {
    const journal = new FileJournal(join(dir, 'events.ndjson'));
    await expect(journal.append({ ...event(1), note: '111111-222222-333333-444444-555555-666666-777777-888888' })).rejects.toThrow(/recovery password/);
    await expect(journal.append({ ...event(1), nested: { x: ['111111222222333333444444555555666666777777888888'] } })).rejects.toThrow(/recovery password/);
    await expect(journal.append({ id: '', type: 'x', at: 'now' })).rejects.toThrow(/id, a type and a time/);
    expect((await journal.read()).events).toEqual([]);
  });

  it('a missing journal reads as empty', async () => {
    expect(await new FileJournal(join(dir, 'none.ndjson')).read()).toEqual({ events: [], damaged: [] });
  });
});
