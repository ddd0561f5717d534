import type { DriveEntry } from './drives.js';

/* No zod here: the drive writer's process loads this at start (see errors.ts). */

/** Drives over this size (decimal, as sold) need their size or label typed before they are erased. */
export const LARGE_DRIVE_BYTES = 128e9;

// ---- confirmation ----

const squash = (s: string): string => s.toLowerCase().replace(/\s+/g, '');

/** The sentence asking for confirmation, or null when the drive needs none. */
export function confirmationPrompt(entry: Pick<DriveEntry, 'device' | 'model' | 'requiresConfirmation' | 'confirmWith'>): string | null {
  if (!entry.requiresConfirmation) return null;
  const what = entry.model ? `${entry.model} (${entry.device})` : entry.device;
  return `${what} is larger than 128 GB. Type ${entry.confirmWith.map((c) => `"${c}"`).join(' or ')} to confirm that it may be erased.`;
}

/** Whether what the technician typed confirms the drive: its size as shown (spaces and case ignored, "GB" optional) or a label. */
export function confirmationMatches(entry: Pick<DriveEntry, 'requiresConfirmation' | 'confirmWith'>, typed: string): boolean {
  if (!entry.requiresConfirmation) return true;
  const t = squash(typed);
  if (!t) return false;
  return entry.confirmWith.some((c, i) => {
    const want = squash(c);
    if (t === want) return true;
    // The size (always first) may be typed without its unit: "256" for "256 GB".
    return i === 0 && want.replace(/[a-z]+$/, '') === t;
  });
}
