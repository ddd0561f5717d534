import { create } from 'zustand';
import type { ScreenId } from '../technician/shell/screen-list.js';

export type { ScreenId };

/**
 * Which screen is showing. In memory only: the URL fragment belongs to the web host's
 * `#token=`, so screens are not routes. The screens and their order are SCREEN_LIST's
 * (technician/shell/screen-list.ts, plain data: importing its type makes no cycle).
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
