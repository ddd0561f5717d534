import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyDrives, type DriveSnapshotInput } from '../../../core/drives/drives.js';
import { parseDiskutilInfo } from './disk-size.js';
import { inspectTarget, withListedSize } from './target.js';

/*
 * The sizes of macOS and Windows targets (they read as 0 before, so every write there was
 * "too small"), from outputs recorded on those systems: `diskutil info -plist` of a Mac's whole
 * disk (a VirtualBox Mac, disk0), and systeminformation's PowerShell Win32_DiskDrive rows in the
 * Windows laptop's drive snapshot. Only the operating system is mocked, and the titles say so.
 */

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const WINDOWS_LAPTOP = JSON.parse(readFileSync(new URL('../../../core/drives/fixtures/windows-laptop.json', import.meta.url), 'utf8')) as DriveSnapshotInput;

describe('target sizes on macOS and Windows', () => {
  it("reads a whole disk's size and write-protection from recorded `diskutil info -plist` output", () => {
    expect(parseDiskutilInfo(fixture('diskutil-info-disk0-vbox.plist'))).toEqual({ size: 42_948_853_248, writable: true, wholeDisk: true });
  });

  it('says "unknown" rather than guessing when diskutil printed nothing usable', () => {
    expect(parseDiskutilInfo('')).toEqual({ size: null, writable: null, wholeDisk: null });
    expect(parseDiskutilInfo('Could not find disk: /dev/disk9')).toEqual({ size: null, writable: null, wholeDisk: null });
  });

  it('macOS mocked (platform and diskutil): a raw disk node is inspected with the size diskutil recorded', async () => {
    const calls: string[][] = [];
    const run = async (command: string, args: string[]): Promise<string> => {
      calls.push([command, ...args]);
      return fixture('diskutil-info-disk0-vbox.plist');
    };
    // /dev/null stands in for /dev/rdisk4: a character device, as macOS's raw disk nodes are.
    const info = await inspectTarget('/dev/null', { platform: 'darwin', run });
    expect(calls).toEqual([['diskutil', 'info', '-plist', '/dev/null']]);
    expect(info).toMatchObject({ size: 42_948_853_248, readOnly: false, kind: 'block' });
    const locked = fixture('diskutil-info-disk0-vbox.plist').replace('<key>WritableMedia</key>\n\t<true/>', '<key>WritableMedia</key>\n\t<false/>');
    await expect(inspectTarget('/dev/null', { platform: 'darwin', run: async () => locked })).resolves.toMatchObject({ readOnly: true });
    const partition = fixture('diskutil-info-disk0-vbox.plist').replace('<key>WholeDisk</key>\n\t<true/>', '<key>WholeDisk</key>\n\t<false/>');
    await expect(inspectTarget('/dev/null', { platform: 'darwin', run: async () => partition })).rejects.toMatchObject({ failure: 'NOT_ALLOWED', message: expect.stringContaining('it is a partition') });
  });

  it('Windows mocked (platform): \\\\.\\PHYSICALDRIVE1 takes the size the recorded drive list has for it', async () => {
    const drives = classifyDrives(WINDOWS_LAPTOP, { imageSize: 48_000_000 });
    const stick = drives.find((d) => d.device === '\\\\.\\PHYSICALDRIVE1');
    expect(stick).toMatchObject({ kind: 'usb-stick', selectable: true });
    const info = await inspectTarget('\\\\.\\PHYSICALDRIVE1', { platform: 'win32' });
    expect(info.size).toBe(0);
    expect(withListedSize(info, stick).size).toBe(30_752_636_928);
    // A size the target reported itself is never replaced by the list's.
    expect(withListedSize({ ...info, size: 1234 }, stick).size).toBe(1234);
  });
});
