import { takeSummary } from '../test/tools-playwright.js';

/**
 * After the e2e run: one line naming the tests skipped for a missing tool and how to enable
 * them (test/tools-playwright.ts), e.g. `skipped: 1 test needs zbarimg (apt install zbar-tools)
 * — or run in CI`. Nothing when no test was skipped for a tool.
 */
export default function globalTeardown(): void {
  const line = takeSummary();
  if (line) console.log(`e2e: ${line}`);
}
