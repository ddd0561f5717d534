import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summaryLine, type Needs, type NeedsRecord } from './tools-rule.js';

/**
 * The rule of test/tools-rule.ts for the Playwright e2e. Inside a test:
 *
 *   const zbar = requireTool('zbarimg', { package: 'zbar-tools', for: 'scanning the reveal view's codes' });
 *   test('…', async ({ app }) => { checkNeeds(zbar, (reason) => test.skip(true, reason)); … });
 *
 * Outside CI a missing tool skips the test and leaves a record; e2e/global-teardown.ts prints
 * them as one line at the end. In CI it fails the test with the sentence naming the tool.
 *
 * Records go to a folder named after the Playwright runner's process id: test workers are its
 * child processes (process.ppid) and global teardown runs in it (process.pid), so two runs at
 * once never mix their records.
 */

export { requireAll, requireCapability, requireFile, requireRoot, requireTool } from './tools-rule.js';

export function recordsFolder(runnerPid: number): string {
  return join(tmpdir(), `bootmend-e2e-needs-${runnerPid}`);
}

export function checkNeeds(needs: Needs, skip: (reason: string) => void): void {
  switch (needs.decision()) {
    case 'run':
      return;
    case 'fail':
      throw new Error(needs.failure);
    case 'skip': {
      const folder = recordsFolder(process.ppid);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`), JSON.stringify(needs.record));
      skip(needs.skipReason);
      return;
    }
  }
}

/** The summary line for this runner's records (null when none), removing them. */
export function takeSummary(runnerPid = process.pid): string | null {
  const folder = recordsFolder(runnerPid);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return null;
  }
  const records = names.flatMap((name): NeedsRecord[] => {
    try {
      return [JSON.parse(readFileSync(join(folder, name), 'utf8')) as NeedsRecord];
    } catch {
      return [];
    }
  });
  rmSync(folder, { recursive: true, force: true });
  return summaryLine(records);
}
