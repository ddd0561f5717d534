import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * How Bootmend recognises its own earlier output before it replaces anything: every payload
 * carries `bootmend/medium.json` (this marker). A stick built before the marker existed is
 * recognised by the pair Bootmend always wrote, `bootmend/fix.cmd` and `bootmend/playbook.json`.
 * Anything else (a home folder, a stick with someone's files, a random .iso) is never replaced.
 *
 * The marker also says how much of the folder is Bootmend's (`owns`): a payload build writes only
 * `bootmend/` into a folder that may hold anything else (a stick with the technician's files, a
 * home folder), a medium build writes the whole folder or image. A folder medium is replaced
 * whole only over a folder that a medium build made (`owns: "folder"`); over a payload (an older
 * marker without `owns`, or the fix.cmd + playbook.json pair) only `bootmend/` is Bootmend's, unless
 * the folder holds nothing but a medium's entries (an older folder medium: media/build/output.ts).
 */
export const MEDIUM_MARKER_NAME = 'medium.json';
export const MEDIUM_MARKER = `bootmend/${MEDIUM_MARKER_NAME}`;
const LEGACY_PAIR = ['bootmend/fix.cmd', 'bootmend/playbook.json'] as const;

/** What a stick back from the field holds and a rebuild carries into the new output, byte for byte. */
export const KEPT_FOLDERS = ['bootmend/results', 'bootmend/quarantine'] as const;

/**
 * Storage drivers the launcher loads with drvload. Technicians are told to copy a PC maker's
 * driver folder here by hand (walkthrough, fix.cmd's advice), so a rebuild that brings no drivers
 * of its own keeps these too; one given drivers (`--drivers`) replaces them.
 */
export const DRIVERS_FOLDER = 'bootmend/drivers';

export const OutputScope = z.enum(['bootmend', 'folder']);
export type OutputScope = z.infer<typeof OutputScope>;

const MarkerSchema = z.object({
  kind: z.literal('bootmend-medium'),
  mediumId: z.string(),
  playbook: z.object({ id: z.string(), version: z.string() }),
  owns: OutputScope.optional(),
});
export type MediumMarker = z.infer<typeof MarkerSchema>;

/** The marker's text: no time in it, so the same inputs still give the same image bytes. */
export function mediumMarkerText(marker: Omit<MediumMarker, 'kind' | 'owns'> & { owns: OutputScope }): string {
  return `${JSON.stringify({ kind: 'bootmend-medium', mediumId: marker.mediumId, playbook: marker.playbook, owns: marker.owns }, null, 2)}\n`;
}

/** Reads files of one output (a folder, an ISO, a FAT image) by "/"-separated path; null when absent. */
export interface OutputReader {
  read(path: string): Promise<Buffer | null>;
  exists(path: string): Promise<boolean>;
}

/** How much of this output Bootmend made (see `owns` above); null when it is not Bootmend's at all. */
export async function bootmendOutputScope(reader: OutputReader): Promise<OutputScope | null> {
  const marker = await reader.read(MEDIUM_MARKER);
  if (marker !== null) {
    try {
      const parsed = MarkerSchema.safeParse(JSON.parse(marker.toString('utf8')));
      return parsed.success ? (parsed.data.owns ?? 'bootmend') : null;
    } catch {
      return null;
    }
  }
  for (const path of LEGACY_PAIR) if (!(await reader.exists(path))) return null;
  return 'bootmend';
}

export async function isBootmendOutput(reader: OutputReader): Promise<boolean> {
  return (await bootmendOutputScope(reader)) !== null;
}

/** Case-insensitive only where the OS is; the marker is written in lower case. */
export function folderReader(root: string): OutputReader {
  const full = (path: string): string => join(root, ...path.split('/'));
  return {
    read: async (path) => {
      const info = await stat(full(path)).catch(() => null);
      if (!info?.isFile() || info.size > 1 << 20) return null;
      return readFile(full(path));
    },
    exists: async (path) => (await stat(full(path)).catch(() => null))?.isFile() === true,
  };
}
