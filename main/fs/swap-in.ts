import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, parse } from 'node:path';

/**
 * Outputs are built beside their target and swapped in only once they are complete, so a
 * build that fails or is cancelled midway leaves the earlier output exactly as it was. "Beside"
 * means on the same file system, so the swap is a handful of renames and never a copy.
 */

const tag = (): string => randomBytes(4).toString('hex');

/** A temp file name next to `out` (same folder), for an image written whole and renamed over it. */
export async function stagedFileBeside(out: string): Promise<string> {
  await mkdir(dirname(out), { recursive: true });
  return join(dirname(out), `.${basename(out)}.bootmend-${tag()}.tmp`);
}

/**
 * A temp folder for building a new version of folder `out`: its sibling, or inside it when
 * `out` is a drive root or a mount point (a stick chosen as a whole), where a sibling would be on
 * another file system. Hidden names, so a half-built folder is not mistaken for a medium.
 */
export async function stagedFolderBeside(out: string): Promise<string> {
  const name = `.bootmend-new-${tag()}`;
  const info = await stat(out).catch(() => null);
  if (info?.isDirectory() && (await isRootOrMountPoint(out))) return join(out, name);
  await mkdir(dirname(out), { recursive: true });
  return join(dirname(out), `.${basename(out)}${name}`);
}

async function isRootOrMountPoint(folder: string): Promise<boolean> {
  if (parse(folder).root === folder || dirname(folder) === folder) return true;
  const [own, parent] = await Promise.all([stat(folder), stat(dirname(folder))]);
  return own.dev !== parent.dev;
}

/**
 * Replaces folder `out` with the finished folder `staged`. The folders named in `keep`
 * ("/"-separated, relative to `out`) are moved from the old output into the new one
 * first, so what a stick brought back from the field (results, quarantined files) survives
 * byte for byte. Any failed rename is undone in reverse order; then the old rest is removed.
 */
export async function swapInFolder(staged: string, out: string, keep: readonly string[]): Promise<void> {
  const existing = await stat(out).catch(() => null);
  if (!existing) {
    await mkdir(dirname(out), { recursive: true });
    await rename(staged, out);
    return;
  }
  const aside = `${staged}.old`;
  const done: [from: string, to: string][] = [];
  const move = async (from: string, to: string): Promise<void> => {
    await rename(from, to);
    done.push([from, to]);
  };
  try {
    for (const path of keep) {
      const parts = path.split('/');
      const old = join(out, ...parts);
      if (!(await stat(old).catch(() => null))) continue;
      const target = join(staged, ...parts);
      // The new build's copy of a kept folder is empty; the old one takes its place.
      await rm(target, { recursive: true, force: true });
      await mkdir(dirname(target), { recursive: true });
      await move(old, target);
    }
    await mkdir(aside);
    const inside = dirname(staged) === out ? new Set([basename(staged), basename(aside)]) : new Set<string>();
    for (const name of await readdir(out)) if (!inside.has(name)) await move(join(out, name), join(aside, name));
    for (const name of await readdir(staged)) await move(join(staged, name), join(out, name));
  } catch (error) {
    for (const [from, to] of done.reverse()) await rename(to, from).catch(() => undefined);
    // Only an emptied folder goes: whatever could not be moved back stays where it is.
    await rmdir(aside).catch(() => undefined);
    throw error;
  }
  await rm(staged, { recursive: true, force: true });
  await rm(aside, { recursive: true, force: true });
}
