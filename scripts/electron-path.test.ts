import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { tempDir } from '../test/temp.js';
import { electronBinaryPath } from './electron-path.mjs';

it('finds the binary Electron would run, and without one says why, printing nothing (npm start parses its stdout)', () => {
  const write = vi.spyOn(process.stdout, 'write');
  const dist = tempDir('electron-dist');
  expect(electronBinaryPath({ ELECTRON_OVERRIDE_DIST_PATH: dist })).toEqual({ missing: `no Electron binary at ${join(dist, 'electron')}` });
  writeFileSync(join(dist, 'electron'), '');
  expect(electronBinaryPath({ ELECTRON_OVERRIDE_DIST_PATH: dist })).toEqual({ path: join(dist, 'electron') });
  const here = electronBinaryPath({});
  expect('path' in here || here.missing.length > 0).toBe(true);
  expect(write).not.toHaveBeenCalled();
  write.mockRestore();
});
