import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/temp.js';
import { writeFileAtomic } from './atomic-write.js';

const folder = (): string => tempDir('atomic');

describe('writeFileAtomic (settings, vault and anything rewritten whole)', () => {
  it('replaces the file whole, readable only by its owner, and leaves no temp file', async () => {
    const dir = folder();
    const file = join(dir, 'settings.json');
    writeFileSync(file, 'old');
    await writeFileAtomic(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['settings.json']);
  });

  it('keeps the old file when writing the new one fails half-way, and removes the half-written temp', async () => {
    const dir = folder();
    const file = join(dir, 'vault.bmv');
    writeFileSync(file, 'the keys as they were');
    const failing = writeFileAtomic(file, async (write) => {
      await write(Buffer.from('half of the new'));
      throw new Error('disk pulled');
    });
    await expect(failing).rejects.toThrow();
    expect(readFileSync(file, 'utf8')).toBe('the keys as they were');
    expect(readdirSync(dir)).toEqual(['vault.bmv']);
  });

  it('creates a missing folder, and names the file when it cannot write', async () => {
    const dir = folder();
    await writeFileAtomic(join(dir, 'a', 'b', 'c.json'), '{}');
    expect(readFileSync(join(dir, 'a', 'b', 'c.json'), 'utf8')).toBe('{}');
    writeFileSync(join(dir, 'not-a-folder'), '');
    await expect(writeFileAtomic(join(dir, 'not-a-folder', 'x.json'), '{}')).rejects.toThrow(/Cannot write .*not-a-folder.*x\.json: (ENOTDIR|EEXIST)/);
  });

  it('with createFolder false, does not make a folder that is gone again (the journal snapshot after its folder was removed)', async () => {
    const gone = join(folder(), 'journal');
    await expect(writeFileAtomic(join(gone, 'events.ndjson.snapshot'), 'x', { createFolder: false })).rejects.toThrow(/Cannot write .*events\.ndjson\.snapshot: ENOENT/);
    expect(existsSync(gone)).toBe(false);
  });
});
