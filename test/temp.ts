import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';
import { getCurrentTest } from 'vitest/suite';

/**
 * Temp folders that tests cannot leave behind: `tempDir('payload')` makes
 * `<tmp>/bootmend-payload-XXXXXX` and removes it with everything in it when the test that made
 * it finishes (pass or fail), or, when made outside a test (module scope, describe body,
 * beforeAll, a concurrent test), when the test file finishes.
 */

const untilFileEnd = new Set<string>();

// Registered once per test file (vitest isolates files, so this module is loaded per file):
// the file's last afterAll removes what was made outside a test.
afterAll(() => {
  for (const dir of untilFileEnd) rmSync(dir, { recursive: true, force: true });
  untilFileEnd.clear();
});

export function tempDir(prefix: string, options: { base?: string } = {}): string {
  const dir = mkdtempSync(join(options.base ?? tmpdir(), `bootmend-${prefix}-`));
  const test = getCurrentTest();
  if (test && !test.concurrent) onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  else untilFileEnd.add(dir);
  return dir;
}
