/** Rows the Keys screen shows at first, and adds per "Show older": the CSV export always has every reveal. */
export const REVEALED_PAGE = 50;

/**
 * The newest `limit` reveals, newest first, and how many older ones are not shown. Rendering
 * every reveal of a busy laptop (thousands after a long outage) made the Keys screen
 * ~190,000 px tall.
 */
export function newestReveals<T>(revealed: readonly T[], limit: number): { rows: T[]; older: number } {
  const rows = revealed.slice(Math.max(0, revealed.length - limit)).reverse();
  return { rows, older: revealed.length - rows.length };
}
