import type { ThemePreference } from '../../core/settings/schemas.js';

const STORAGE_KEY = 'bootmend.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

let preference: ThemePreference = 'system';
let media: MediaQueryList | null = null;

export function resolveTheme(pref: ThemePreference): 'light' | 'dark' {
  if (pref !== 'system') return pref;
  return window.matchMedia(DARK_QUERY).matches ? 'dark' : 'light';
}

function paint(): void {
  const root = document.documentElement;
  root.dataset.theme = resolveTheme(preference);
  root.dataset.themePreference = preference;
}

/**
 * Applies a theme choice at once: sets data-theme="light|dark" on <html> ("System"
 * follows prefers-color-scheme, live) and remembers it so the next start paints right
 * before the settings have loaded.
 */
export function applyTheme(pref: ThemePreference): void {
  preference = pref;
  try {
    window.localStorage.setItem(STORAGE_KEY, pref);
  } catch {
    // storage unavailable: the saved settings still carry the choice
  }
  paint();
}

/** Called once before the first render. */
export function initTheme(): void {
  let remembered: string | null = null;
  try {
    remembered = window.localStorage.getItem(STORAGE_KEY);
  } catch {
    remembered = null;
  }
  preference = remembered === 'light' || remembered === 'dark' ? remembered : 'system';
  if (!media) {
    media = window.matchMedia(DARK_QUERY);
    media.addEventListener('change', () => {
      if (preference === 'system') paint();
    });
  }
  paint();
}
