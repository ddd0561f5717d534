import type { Page } from '@playwright/test';

/** Runs `take` with the window tall enough for the whole screen (the content scrolls inside <main>), then restores it. */
export async function withWholeScreen<T>(app: Page, take: () => Promise<T>): Promise<T> {
  const viewport = app.viewportSize() ?? { width: 1366, height: 768 };
  const height = await app.locator('main').evaluate((main) => (main as HTMLElement).scrollHeight);
  await app.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height + 44) });
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
