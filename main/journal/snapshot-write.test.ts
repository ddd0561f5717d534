import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { tempDir } from '../../test/temp.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { FileJournal } from './journal.js';

// The real helper, watched: the snapshot must go through it like settings and the vault do.
vi.mock('../fs/atomic-write.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../fs/atomic-write.js')>();
  return { ...actual, writeFileAtomic: vi.fn(actual.writeFileAtomic) };
});

it('writes the journal snapshot with the one atomic-write helper (temp, fsync, rename, fsync of the folder), without making a removed folder again', async () => {
  const file = join(tempDir('snapshot-write'), 'journal', 'events.ndjson');
  const journal = new FileJournal(file, { snapshotEvery: 2 });
  for (const n of [1, 2, 3]) await journal.append({ id: `b7a0e1c2-0000-4000-8000-00000000000${n}`, type: 'note.other', at: '2024-07-19T09:00:00.000Z' });
  await journal.close();
  expect(writeFileAtomic).toHaveBeenCalledWith(journal.snapshotFile, expect.any(Buffer), { mode: 0o600, createFolder: false });
  expect(existsSync(journal.snapshotFile)).toBe(true);
  expect(readdirSync(dirname(file)).sort()).toEqual(['events.ndjson', 'events.ndjson.snapshot']);
});
