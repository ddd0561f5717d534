import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DriveWriteError } from '../../../core/drives/write-error.js';
import { say } from '../../../core/drives/write-rules.js';
import type { TargetInfo } from './target.js';

const run = promisify(execFile);

/**
 * Releases the target from the operating system before it is opened for writing, so no file
 * system writes to it behind our back. Returns the mount points it unmounted.
 *   Linux: every mount of the disk or its partitions (/proc/self/mounts), with udisksctl when
 *          present (a desktop's automounter then forgets it too), else umount.
 *   macOS: diskutil unmountDisk.
 *   Windows: diskpart `clean` drops the partition table, so Windows dismounts the stick's
 *          volumes and will not mount it again until the new first MiB (written last) lands.
 *          Not exercised in CI (no Windows runner).
 */
export async function releaseTarget(target: TargetInfo): Promise<string[]> {
  if (target.kind !== 'block') return [];
  if (process.platform === 'linux') return unmountLinux(target);
  if (process.platform === 'darwin') {
    await run('diskutil', ['unmountDisk', target.path]).catch((error: unknown) => {
      throw new DriveWriteError('DRIVE_BUSY', say.unmountFailed(target.device, target.path, stderrOf(error)), { cause: error });
    });
    return [target.path];
  }
  if (process.platform === 'win32') return cleanWindowsDisk(target);
  return [];
}

async function unmountLinux(target: TargetInfo): Promise<string[]> {
  const names = new Set([target.path]);
  if (target.sysName) {
    const entries = await readdir(`/sys/class/block/${target.sysName}`).catch(() => [] as string[]);
    for (const entry of entries) if (entry.startsWith(target.sysName) && existsSync(`/sys/class/block/${entry}/partition`)) names.add(`/dev/${entry}`);
  }
  const mounts = parseMounts(await readFile('/proc/self/mounts', 'utf8').catch(() => ''))
    .filter((m) => names.has(m.source))
    // Deepest first: /media/stick/inner before /media/stick.
    .sort((a, b) => b.mountPoint.length - a.mountPoint.length);
  const udisks = ['/usr/bin/udisksctl', '/bin/udisksctl'].some((p) => existsSync(p));
  const done: string[] = [];
  for (const mount of mounts) {
    try {
      if (udisks) await run('udisksctl', ['unmount', '--no-user-interaction', '-b', mount.source]).catch(() => run('umount', [mount.mountPoint]));
      else await run('umount', [mount.mountPoint]);
      done.push(mount.mountPoint);
    } catch (error) {
      throw new DriveWriteError('DRIVE_BUSY', say.unmountFailed(target.device, mount.mountPoint, stderrOf(error)), { cause: error });
    }
  }
  return done;
}

/** /proc/self/mounts lines: "source mountpoint fstype options 0 0", spaces escaped as \040. */
export function parseMounts(text: string): { source: string; mountPoint: string }[] {
  const unescape = (field: string): string => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  return text
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => fields.length >= 2 && fields[0] && fields[1])
    .map((fields) => ({ source: unescape(fields[0]!), mountPoint: unescape(fields[1]!) }));
}

async function cleanWindowsDisk(target: TargetInfo): Promise<string[]> {
  const number = /PHYSICALDRIVE(\d+)$/i.exec(target.path)?.[1];
  if (number === undefined) return [];
  const dir = await mkdtemp(path.join(tmpdir(), 'bootmend-diskpart-'));
  const script = path.join(dir, 'clean.txt');
  try {
    await writeFile(script, `select disk ${number}\r\nclean\r\nrescan\r\n`);
    await run('diskpart', ['/s', script]);
    return [target.path];
  } catch (error) {
    throw new DriveWriteError('DRIVE_BUSY', say.unmountFailed(target.device, target.path, stderrOf(error)), { cause: error });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function stderrOf(error: unknown): string {
  const e = error as { stderr?: string; message?: string };
  return (e.stderr || e.message || String(error)).trim().split('\n')[0] ?? 'failed';
}
