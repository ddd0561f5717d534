import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Shared by the media proof tests (tools are required through test/tools.ts): run outside tools, build a tricky fixture tree, compare trees byte for byte. */

export function run(command: string, args: string[], options: { cwd?: string } = {}): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export const LONG_NAME = 'A very long file name that Joliet still keeps whole 1234567890.txt'.slice(0, 64);
export const DEEP_PATH = ['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7', 'l8'];

/** Unicode and space names, case-only and 8.3 collisions, an empty file, 8 levels of folders, random bytes. */
export async function makeFixture(root: string): Promise<void> {
  const put = async (relative: string, content: Buffer | string): Promise<void> => {
    const full = path.join(root, relative);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, content);
  };
  let seed = 7;
  const bytes = (length: number): Buffer => {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i += 1) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      out[i] = seed >>> 24;
    }
    return out;
  };
  await put('EFI/BOOT/BOOTX64.EFI', bytes(5000));
  await put('sources/boot.wim', bytes(1_300_000));
  await put('bootmend/fix.cmd', '@echo off\r\necho Bootmend\r\n');
  await put('Ünïcødé Ordner/Datei mit Leerzeichen.txt', 'grüße\n');
  await put('日本語/ファイル.txt', 'こんにちは\n');
  await put('empty.txt', '');
  await put('README.txt', 'upper\n');
  await put('readme.TXT', 'lower\n');
  await put('Program Files/long name one.txt', 'one\n');
  await put('Program Files/long name two.txt', 'two\n');
  await put(LONG_NAME, 'long\n');
  await put(path.join(...DEEP_PATH, 'deep file.txt'), 'deep\n');
  await mkdir(path.join(root, 'empty folder'), { recursive: true });
  await put('boot/loader.bin', bytes(2048));
}

export interface TreeListing {
  path: string;
  kind: 'dir' | 'file';
  sha256?: string;
}

export async function listTree(root: string, ignore: readonly string[] = []): Promise<TreeListing[]> {
  const out: TreeListing[] = [];
  async function walk(dir: string, prefix: string): Promise<void> {
    for (const name of (await readdir(dir)).sort()) {
      const relative = prefix ? `${prefix}/${name}` : name;
      if (ignore.includes(relative)) continue;
      const full = path.join(dir, name);
      if ((await stat(full)).isDirectory()) {
        out.push({ path: relative.normalize('NFC'), kind: 'dir' });
        await walk(full, relative);
      } else {
        out.push({ path: relative.normalize('NFC'), kind: 'file', sha256: createHash('sha256').update(await readFile(full)).digest('hex') });
      }
    }
  }
  await walk(root, '');
  return out;
}

export async function sha256File(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}
