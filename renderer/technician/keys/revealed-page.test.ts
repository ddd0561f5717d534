import { describe, expect, it } from 'vitest';
import { newestReveals, REVEALED_PAGE } from './revealed-page.js';

describe('the Keys screen shows the newest reveals first, a page at a time', () => {
  const log = Array.from({ length: 3334 }, (_, i) => i);

  it('shows the newest page, newest first, and counts the older ones', () => {
    const { rows, older } = newestReveals(log, REVEALED_PAGE);
    expect(rows).toHaveLength(REVEALED_PAGE);
    expect(rows[0]).toBe(3333);
    expect(rows.at(-1)).toBe(3333 - REVEALED_PAGE + 1);
    expect(older).toBe(3334 - REVEALED_PAGE);
  });

  it('shows everything when the log is shorter than the page', () => {
    expect(newestReveals([1, 2, 3], REVEALED_PAGE)).toEqual({ rows: [3, 2, 1], older: 0 });
  });
});
