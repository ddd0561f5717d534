import { defineConfig } from '@playwright/test';
import type { HostOptions } from './fixtures.js';

export default defineConfig<HostOptions>({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  globalSetup: './global-setup.ts',
  globalTeardown: './global-teardown.ts',
  use: {
    viewport: { width: 1366, height: 768 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'web',
      // A Chromium found by scripts/find-browser.ts: BOOTMEND_CHROMIUM, a system Chromium or Chrome,
      // Playwright's own, else the npm registry's (fetched by global-setup.ts only then).
      use: { bootmendHost: 'web' },
    },
    {
      // Same spec files against the real desktop app through Playwright's _electron;
      // skipped (with the reason printed) where no Electron binary is installed.
      name: 'electron',
      use: { bootmendHost: 'electron' },
    },
  ],
});
