import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { openStore } from '../db/connect.js';
import { tempDir } from '../../test/temp.js';

// As on a machine where npm left out the optional better-sqlite3 (no compiler to build it).
vi.mock('better-sqlite3', () => {
  throw new Error('Cannot find module better-sqlite3');
});

it('names the package to install (and PostgreSQL as the other way) when the SQLite driver is missing', async () => {
  await expect(openStore({ dialect: 'sqlite', path: join(tempDir('no-sqlite'), 's.db') })).rejects.toThrow(/npm install better-sqlite3@12\.9\.0.*--db postgres:\/\//);
});
