import { lstat, realpath } from 'node:fs/promises';

/**
 * A typed link such as /dev/disk/by-id/usb-SanDisk_… names its device here, with the caller's
 * own rights and before the guard: the root writer itself opens only device nodes, never a link.
 */
export async function resolveDriveName(name: string): Promise<string> {
  const info = await lstat(name).catch(() => null);
  return info?.isSymbolicLink() ? realpath(name).catch(() => name) : name;
}
