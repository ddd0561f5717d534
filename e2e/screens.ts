import type { Page } from '@playwright/test';

/**
 * Taller than this, Chromium runs out of tile memory drawing one window and the screenshot hangs
 * until the test times out (seen once in CI: a 4-minute loss before the retry passed).
 */
const MAX_SHOT_HEIGHT = 8000;

/** Runs `take` with the window tall enough for the whole screen (the content scrolls inside <main>), then restores it. */
export async function withWholeScreen<T>(app: Page, take: () => Promise<T>): Promise<T> {
  const viewport = app.viewportSize() ?? { width: 1366, height: 768 };
  const height = await app.locator('main').evaluate((main) => (main as HTMLElement).scrollHeight);
  if (height > MAX_SHOT_HEIGHT) console.log(`e2e screenshot: <main> is ${height} px tall; shot to ${MAX_SHOT_HEIGHT} px`);
  await app.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, Math.min(height, MAX_SHOT_HEIGHT) + 44) });
  try {
    return await take();
  } finally {
    await app.setViewportSize(viewport);
  }
}

/** The whole screen as a PNG. Transitions off: a theme switch fades buttons for 120 ms, and a shot mid-fade shows wrong colours. */
export async function screenshot(app: Page, path: string): Promise<void> {
  await withWholeScreen(app, () => app.screenshot({ path, animations: 'disabled' }));
}
