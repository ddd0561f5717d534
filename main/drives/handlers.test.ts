import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { requireAll, requireRoot, requireTools } from '../../test/tools.js';
import type { CallContext } from '../../core/api/dispatcher.js';
import { resolveDriveName } from './drive-name.js';
import { drivesHandlers } from './handlers.js';
import { blankFile, LOOP_TOOLS, LoopDevices, randomFile, removeDir, workDir } from './write/testing/loop.js';

const MiB = 1 << 20;
const asRoot = requireAll([requireRoot({ for: 'writing a loop device named by a link' }), requireTools(LOOP_TOOLS, { for: 'writing a loop device named by a link' })]);

asRoot.describe('a drive typed as a link (/dev/disk/by-id/usb-…) keeps working', () => {
  const loops = new LoopDevices();
  let dir = '';
  beforeAll(async () => {
    dir = await workDir('by-id');
  });
  afterEach(() => loops.detachAll());
  afterAll(() => removeDir(dir));

  const ctx = (): CallContext => ({ jobId: null, signal: new AbortController().signal, progress: () => undefined });

  it('the handler resolves the link to its device before the guard, and the writer writes and verifies that device', async () => {
    const image = path.join(dir, 'image.img');
    const sha = await randomFile(image, 2 * MiB);
    const file = path.join(dir, 'stick.img');
    await blankFile(file, 8 * MiB);
    const device = loops.attach(file);
    const byId = path.join(dir, 'usb-Test_Stick_0001-0:0');
    await symlink(device, byId);
    expect(await resolveDriveName(byId)).toBe(device);
    expect(await resolveDriveName(device)).toBe(device);
    const written = await drivesHandlers().writeDrives({ image, drives: [byId] }, ctx());
    expect(written.results[0]).toMatchObject({ device, outcome: 'verified', sha256: sha });
    await expect(drivesHandlers().verifyDrive({ image, drive: byId }, ctx())).resolves.toMatchObject({ target: device, match: true });
  });
});
