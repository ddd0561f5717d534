import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Bootmend sticks plugged into this laptop. A medium is a Bootmend stick when its root holds
 * `bootmend/medium.json` (the medium's own description) or `bootmend/playbook.json` beside
 * `bootmend/fix.cmd` (what every payload has carried since the first media build).
 */

export interface Mount {
  path: string;
  label: string | null;
}

export interface Stick {
  path: string;
  label: string | null;
  resultFiles: number;
}

export type MountLister = () => Promise<Mount[]>;

/** Mount points systeminformation knows: block devices' and file systems' (either may miss some). */
export const systemMounts: MountLister = async () => {
  const { default: si } = await import('systeminformation');
  const [devices, fileSystems] = await Promise.all([si.blockDevices().catch(() => []), si.fsSize().catch(() => [])]);
  const mounts = new Map<string, Mount>();
  for (const d of devices) if (d.mount) mounts.set(d.mount, { path: d.mount, label: d.label || null });
  for (const f of fileSystems) if (f.mount && !mounts.has(f.mount)) mounts.set(f.mount, { path: f.mount, label: null });
  return [...mounts.values()];
};

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export async function isBootmendMedium(root: string): Promise<boolean> {
  const folder = join(root, 'bootmend');
  if (await exists(join(folder, 'medium.json'))) return true;
  return (await exists(join(folder, 'playbook.json'))) && (await exists(join(folder, 'fix.cmd')));
}

export async function countResultFiles(root: string): Promise<number> {
  try {
    return (await readdir(join(root, 'bootmend', 'results'))).filter((n) => n.toLowerCase().endsWith('.json')).length;
  } catch {
    return 0;
  }
}

export async function findSticks(listMounts: MountLister = systemMounts): Promise<Stick[]> {
  const sticks: Stick[] = [];
  for (const mount of await listMounts()) {
    if (!(await isBootmendMedium(mount.path))) continue;
    sticks.push({ path: mount.path, label: mount.label, resultFiles: await countResultFiles(mount.path) });
  }
  return sticks;
}
