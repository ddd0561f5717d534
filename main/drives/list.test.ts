import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifyDrives, type DriveSnapshotInput } from '../../core/drives/drives.js';
import vmVirtio from '../../core/drives/fixtures/vm-virtio.json' with { type: 'json' };
import { tempDir } from '../../test/temp.js';
import { listDrives, parseSnapshotText, readSnapshotFile, saveDriveSnapshot, takeDriveSnapshot } from './list.js';

let dir = '';
beforeAll(() => {
  dir = tempDir('drives');
});

describe("this laptop's drives", () => {
  it('never offers the disk a computer runs from (a recorded VM whose / is on vda)', async () => {
    const entries = await listDrives({ snapshot: vmVirtio as DriveSnapshotInput });
    const system = entries.find((e) => e.mounts.includes('/'));
    expect(system).toMatchObject({ device: '/dev/vda', kind: 'system', selectable: false });
    expect(system!.reasons[0]).toMatchObject({ code: 'SYSTEM_DISK', message: 'Holds the running system (/ is mounted from it); choose a USB stick.' });
  });

  // Whatever disks this host has (a container whose / is an overlay has none of its own):
  // the live snapshot classifies, and no disk the running system is mounted from is offered.
  it('classifies the live snapshot and offers no disk the running system is mounted from', async () => {
    const entries = classifyDrives(await takeDriveSnapshot());
    const running = (mounts: string[]) => mounts.some((m) => m === '/' || m === '/boot' || m.startsWith('/boot/') || m === '/usr');
    expect(entries.filter((e) => e.selectable && running(e.mounts))).toEqual([]);
    for (const entry of entries) expect(entry.reasons.length > 0 || entry.selectable, `${entry.device} is offered or says why not`).toBe(true);
  });

  it('classifies a saved snapshot exactly as the live one', async () => {
    const file = join(dir, 'snapshot.json');
    const live = await saveDriveSnapshot(file);
    const read = await readSnapshotFile(file);
    expect(classifyDrives(read)).toEqual(classifyDrives(live));
    expect(Object.keys(read)).toEqual(expect.arrayContaining(['platform', 'osInfo', 'blockDevices', 'diskLayout', 'fsSize']));
  });

  it('lists drives from a given snapshot instead of this laptop', async () => {
    const entries = await listDrives({ snapshot: { platform: 'linux', blockDevices: [{ name: 'sdz', type: 'disk', size: 8e9, protocol: 'usb', removable: true }] } });
    expect(entries.map((e) => [e.device, e.kind, e.selectable])).toEqual([['/dev/sdz', 'usb-stick', true]]);
  });
});

describe('reading a snapshot file from a support ticket', () => {
  it('says the file does not exist', async () => {
    const file = join(dir, 'missing.json');
    await expect(readSnapshotFile(file)).rejects.toMatchObject({ code: 'NOT_FOUND', message: `Snapshot file ${file} does not exist.` });
  });

  it('says the file is not JSON', async () => {
    const file = join(dir, 'notes.txt');
    await writeFile(file, 'Disk 0: Samsung SSD\n');
    await expect(readSnapshotFile(file)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^Snapshot file .*notes\.txt is not JSON \(/) });
  });

  it('says what is missing', () => {
    expect(() => parseSnapshotText('{"platform":"win32","diskLayout":[]}', 'ticket-4711.json')).toThrow(
      'Snapshot file ticket-4711.json is not a drive snapshot: blockDevices is missing. Expected { "platform", "osInfo", "blockDevices", "diskLayout", "fsSize" } as written by "bootmend drives snapshot".',
    );
  });

  it('says which field has the wrong shape', () => {
    expect(() => parseSnapshotText('{"platform":"linux","blockDevices":{"sda":{}}}', 'x.json')).toThrow(/not a drive snapshot: blockDevices: .*expected array/);
  });

  it('accepts a file saved by Windows Notepad (byte-order mark)', () => {
    expect(parseSnapshotText('\uFEFF{"platform":"win32","blockDevices":[]}', 'bom.json').blockDevices).toEqual([]);
  });
});
