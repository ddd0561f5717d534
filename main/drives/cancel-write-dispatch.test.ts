import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import type { WriteDrivesResult } from '../../core/drives/write.js';
import { leftAs } from '../../core/drives/write-rules.js';
import { tempDir } from '../../test/temp.js';
import { requireAll, requireRoot, requireTools } from '../../test/tools.js';
import { createApi } from '../api.js';
import { LOOP_TOOLS, LoopDevices } from './write/testing/loop.js';

// The writer writes only drives its guard lists (files are refused), so the target is a loop
// device, which the guard lists as a drive; this host's real drive list is used, no snapshot.
const loopWrite = requireAll([requireRoot({ for: 'a drive write in-process' }), requireTools(LOOP_TOOLS, { for: 'a drive write in-process' })]);
const loops = new LoopDevices();
afterEach(() => loops.detachAll());

loopWrite.it('answers a cancelled drive write with what each drive was left as, not a bare CANCELLED (root: writes a loop device in-process)', async () => {
  const dir = tempDir('cancel-write', { base: '/var/tmp' });
  const image = join(dir, 'image.img');
  const backing = join(dir, 'stick.img');
  writeFileSync(image, randomBytes(16 << 20));
  writeFileSync(backing, Buffer.alloc(32 << 20));
  const target = loops.attach(backing);
  const { dispatcher } = createApi({ host: 'cli', dataDir: tempDir('api') });
  let cancelled: unknown;
  const result = await dispatcher.call('writeDrives', { image, drives: [target] }, {
    jobId: 'job-write-cancel-1',
    onProgress: (event) => {
      if (event.phase === 'writing') cancelled ??= dispatcher.call('cancelJob', { jobId: 'job-write-cancel-1' });
    },
  });
  expect(result.ok, JSON.stringify(result)).toBe(true);
  expect(await cancelled).toEqual({ ok: true, value: { cancelled: true } });
  const value = result.ok ? (result.value as WriteDrivesResult) : null;
  expect(value?.results[0]).toMatchObject({ device: target, outcome: 'cancelled', error: { code: 'CANCELLED' } });
  expect([leftAs.untouched, leftAs.partlyWritten, leftAs.writtenVerifyCancelled]).toContain(value?.results[0]?.leftAs);
});
