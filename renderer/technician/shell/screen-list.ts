/**
 * The technician app's screens, in sidebar order: the one place that order is written.
 * The sidebar, the Alt+1, Alt+2, … shortcuts and their hint, and the navigation store's
 * ScreenId all derive from it; `screens.tsx` adds each screen's icon and component by id.
 * Plain data (no React), so the navigation store and the e2e specs can import it too.
 */
export const SCREEN_LIST = [
  { id: 'media', label: 'Media', group: 'work' },
  { id: 'recover', label: 'Recover', group: 'work' },
  { id: 'keys', label: 'Keys', group: 'work' },
  { id: 'journal', label: 'Journal', group: 'work' },
  { id: 'settings', label: 'Settings', group: 'laptop' },
  { id: 'this-laptop', label: 'This laptop', group: 'laptop' },
] as const satisfies readonly ScreenEntry[];

export interface ScreenEntry {
  id: string;
  /** The sidebar link's name and the screen's <h1>. */
  label: string;
  /** The sidebar section: field work on crashed PCs, or this laptop's own set-up. */
  group: 'work' | 'laptop';
}

export type ScreenId = (typeof SCREEN_LIST)[number]['id'];

/** The digit keys: a screen past the ninth (none today) would get no shortcut. */
const DIGIT_KEYS = 9;

/** How many screens have an Alt+digit shortcut: Alt+1 … Alt+`SHORTCUT_COUNT`, in SCREEN_LIST order. */
export const SHORTCUT_COUNT = Math.min(SCREEN_LIST.length, DIGIT_KEYS);

/** The screen's shortcut ("Alt+3"), or null when it has none. */
export function screenShortcut(id: ScreenId): string | null {
  const position = SCREEN_LIST.findIndex((screen) => screen.id === id) + 1;
  return position >= 1 && position <= SHORTCUT_COUNT ? `Alt+${position}` : null;
}

/** The screen a digit key opens (1 for the first), if any. */
export function screenAtShortcut(digit: number): ScreenId | undefined {
  return digit >= 1 && digit <= SHORTCUT_COUNT ? SCREEN_LIST[digit - 1]?.id : undefined;
}
