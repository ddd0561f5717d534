import { create } from 'zustand';

/** The technician app's screens, in sidebar order (Alt+1..6 follow it). */
export const SCREEN_IDS = ['media', 'recover', 'keys', 'journal', 'settings', 'machine'] as const;
export type ScreenId = (typeof SCREEN_IDS)[number];

/**
 * Which screen is showing. In memory only: the URL fragment belongs to the web host's
 * `#token=`, so screens are not routes.
 */
interface NavigationState {
  screen: ScreenId;
  /** Bumped when the new screen's heading should take focus (keyboard shortcut, skip link). */
  focusRequest: number;
  focusHeading: boolean;
  go(screen: ScreenId, options?: { focusHeading?: boolean }): void;
}

export const useNavigation = create<NavigationState>()((set) => ({
  screen: 'media',
  focusRequest: 0,
  focusHeading: false,
  go(screen, options) {
    const focusHeading = options?.focusHeading === true;
    set((state) => ({ screen, focusHeading, focusRequest: focusHeading ? state.focusRequest + 1 : state.focusRequest }));
  },
}));
