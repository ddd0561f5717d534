import { describe, expect, it } from 'vitest';
import { SCREEN_LIST, SHORTCUT_COUNT, screenAtShortcut, screenShortcut } from './screen-list.js';

describe('the one ordered screen list', () => {
  it('gives the screens Alt+1, Alt+2, … in its order, and a digit opens the screen in that place', () => {
    SCREEN_LIST.slice(0, SHORTCUT_COUNT).forEach((screen, index) => {
      expect(screenShortcut(screen.id)).toBe(`Alt+${index + 1}`);
      expect(screenAtShortcut(index + 1)).toBe(screen.id);
    });
  });

  it('has a shortcut for every screen while there are no more than the digit keys', () => {
    expect(SHORTCUT_COUNT).toBe(Math.min(SCREEN_LIST.length, 9));
    expect(screenAtShortcut(0)).toBeUndefined();
    expect(screenAtShortcut(SHORTCUT_COUNT + 1)).toBeUndefined();
  });

  it('names each screen once', () => {
    expect(new Set(SCREEN_LIST.map((screen) => screen.id)).size).toBe(SCREEN_LIST.length);
    expect(new Set(SCREEN_LIST.map((screen) => screen.label)).size).toBe(SCREEN_LIST.length);
  });
});
