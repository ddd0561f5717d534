import { rename, rm, stat, readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { BootmendError } from '../../../core/errors.js';
import type { MediumFormat } from '../../../core/media/schemas.js';
import { stagedFileBeside, stagedFolderBeside, swapInFolder } from '../../fs/swap-in.js';
import { syncFolder } from '../../fs/atomic-write.js';
import { KEPT_FOLDERS, MEDIUM_MARKER, bootmendOutputScope, folderReader, type OutputReader } from '../../payload/medium-marker.js';
import { readFatFile } from '../fat/read-fat.js';
import { IsoImage } from '../iso/read-iso.js';

/**
 * Where a medium is written and what it may replace. The target is checked before anything
 * else (before the base is even read): a new name, an empty folder, or an earlier Bootmend
 * output (its marker file, see payload/medium-marker.ts) when replacing was allowed. Anything else
 * is refused with a sentence and left untouched. The medium is then built beside the target and
 * swapped in only after the build succeeded; a folder's results/ and quarantine/ move into the new one.
 */
export interface StagedOutput {
  /** Where the build writes (a temp file or folder beside the target). */
  path: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

export async function checkOutput(out: string, format: MediumFormat, overwrite: boolean): Promise<void> {
  const info = await stat(out).catch(() => null);
  if (!info) return;
  if (format === 'folder') {
    if (!info.isDirectory()) throw refuse(`${out} is a file; a folder medium needs a folder. Choose a new or empty folder.`);
    if ((await readdir(out)).length === 0) return;
  } else if (!info.isFile()) {
    throw refuse(`${out} is a folder; an ${format === 'iso' ? 'ISO' : 'USB'} image is one file. Choose a file name such as bootmend.${format === 'iso' ? 'iso' : 'img'}.`);
  }
  const scope = await bootmendOutputScope(format === 'folder' ? folderReader(out) : await imageReader(out));
  if (scope === null) {
    throw refuse(
      `${out} already exists and is not a medium Bootmend made (it has no ${MEDIUM_MARKER}), so Bootmend will not replace it${format === 'folder' ? ' or anything in it' : ''}. Choose a new name${format === 'folder' ? ' or an empty folder' : ''}.`,
    );
  }
  if (format === 'folder' && scope === 'bootmend' && !(await onlyMediumEntries(out))) {
    // A payload build wrote only bootmend/ here; the rest (a stick's other files, a home folder) is not Bootmend's to replace.
    throw refuse(
      `${out} holds a Bootmend payload (bootmend/) beside other files, so Bootmend will not replace the whole folder with a medium. Choose a new or empty folder, or replace only its bootmend folder (bootmend payload build --overwrite).`,
    );
  }
  if (!overwrite) {
    throw refuse(`${out} already exists; choose another name or allow replacing it ("Replace if it exists" in the app, --overwrite on the command line).`);
  }
}

/** `keep`: the folders of an earlier folder output that move into the new one (results and quarantine at least). */
export async function stageOutput(out: string, format: MediumFormat, keep: readonly string[] = KEPT_FOLDERS): Promise<StagedOutput> {
  if (format === 'folder') {
    const path = await stagedFolderBeside(out);
    return {
      path,
      commit: () => swapInFolder(path, out, keep),
      discard: () => rm(path, { recursive: true, force: true }),
    };
  }
  const path = await stagedFileBeside(out);
  return {
    path,
    commit: async () => {
      await rename(path, out);
      await syncFolder(dirname(out));
    },
    discard: () => rm(path, { force: true }),
  };
}

/**
 * What a Windows PE or RE medium holds at its top (the ADK's Media layout: Boot, EFI, sources,
 * bootmgr, bootmgr.efi and language folders such as en-us) and Bootmend's own folder.
 */
const MEDIUM_TOP_LEVEL = /^(boot|efi|sources|bootmend|bootmgr|bootmgr\.efi|[a-z]{2}-[a-z]{2}|[a-z]{2}-[a-z]{4}-[a-z]{2})$/i;

/**
 * A folder medium built before the marker said `owns: "folder"` (its marker has no `owns`) is
 * recognised by holding nothing but a medium's entries: then the whole folder was Bootmend's to
 * write. A home folder or a stick with someone's files has other entries and stays refused.
 */
async function onlyMediumEntries(folder: string): Promise<boolean> {
  const names = await readdir(folder).catch(() => ['?']);
  return names.every((name) => MEDIUM_TOP_LEVEL.test(name));
}

function refuse(message: string): BootmendError {
  return new BootmendError('INVALID_INPUT', message, { field: 'out' });
}

/** Reads files inside an ISO (ISO 9660/Joliet) or a FAT32 USB image, as the marker check needs. */
async function imageReader(image: string): Promise<OutputReader> {
  const iso = await isoFiles(image);
  if (iso) return iso;
  return {
    read: (path) => readFatFile(image, path),
    exists: async (path) => (await readFatFile(image, path)) !== null,
  };
}

async function isoFiles(image: string): Promise<OutputReader | null> {
  let iso: IsoImage;
  try {
    iso = await IsoImage.open(image);
  } catch {
    return null;
  }
  try {
    if (!iso.volume.iso9660) return null;
    const files = new Map((await iso.list()).filter((entry) => !entry.isDir).map((entry) => [entry.path.toLowerCase(), entry] as const));
    const marker = files.get(MEDIUM_MARKER);
    // Read now: the image is closed once the reader is returned.
    const markerBytes = marker && marker.size <= 1 << 20 ? await buffer(iso.source(marker).open()) : null;
    return { read: async (path) => (path === MEDIUM_MARKER ? markerBytes : null), exists: async (path) => files.has(path.toLowerCase()) };
  } catch {
    return null;
  } finally {
    await iso.close();
  }
}
