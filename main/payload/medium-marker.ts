import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * How Bootmend recognises its own earlier output before it replaces anything: every payload
 * carries `bootmend/medium.json` (this marker). A stick built before the marker existed is
 * recognised by the pair Bootmend always wrote, `bootmend/fix.cmd` and `bootmend/playbook.json`.
 * Anything else (a home folder, a stick with someone's files, a random .iso) is never replaced.
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

const MarkerSchema = z.object({
  kind: z.literal('bootmend-medium'),
  mediumId: z.string(),
  playbook: z.object({ id: z.string(), version: z.string() }),
});
export type MediumMarker = z.infer<typeof MarkerSchema>;

/** The marker's text: no time in it, so the same inputs still give the same image bytes. */
export function mediumMarkerText(marker: Omit<MediumMarker, 'kind'>): string {
  return `${JSON.stringify({ kind: 'bootmend-medium', mediumId: marker.mediumId, playbook: marker.playbook }, null, 2)}\n`;
}

/** Reads files of one output (a folder, an ISO, a FAT image) by "/"-separated path; null when absent. */
export interface OutputReader {
  read(path: string): Promise<Buffer | null>;
  exists(path: string): Promise<boolean>;
}

export async function isBootmendOutput(reader: OutputReader): Promise<boolean> {
  const marker = await reader.read(MEDIUM_MARKER);
  if (marker !== null) {
    try {
      return MarkerSchema.safeParse(JSON.parse(marker.toString('utf8'))).success;
    } catch {
      return false;
    }
  }
  for (const path of LEGACY_PAIR) if (!(await reader.exists(path))) return false;
  return true;
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
