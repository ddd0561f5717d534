import type { Reporter, TestModule, TestSuite, Vitest } from 'vitest/node';
import { summaryLine, type NeedsRecord } from './tools-rule.js';

/**
 * Prints, after vitest's own summary, the one line that says which tests were skipped for a
 * missing tool and how to enable them (test/tools.ts records the need on the skipped test or
 * its describe block as task meta, which travels from the forked test processes with the
 * results). Prints nothing when nothing was skipped for a tool.
 */
export class ToolSkipsReporter implements Reporter {
  private log: (line: string) => void = (line) => void process.stdout.write(`${line}\n`);

  onInit(vitest: Vitest): void {
    this.log = (line) => vitest.logger.log(line);
  }

  private line: string | null = null;

  onTestRunEnd(modules: readonly TestModule[]): void {
    this.line = summaryLine(skippedForTools(modules));
  }

  /** Called right after onTestRunEnd, and after the default reporter printed its summary in its own onFinished. */
  onFinished(): void {
    if (this.line) this.log(this.line);
    this.line = null;
  }
}

/** One record per skipped test that needed a missing tool (its own need, else its nearest block's). */
export function skippedForTools(modules: readonly TestModule[]): NeedsRecord[] {
  const records: NeedsRecord[] = [];
  for (const module of modules) {
    for (const test of module.children.allTests('skipped')) {
      let need = test.meta().bootmendNeeds;
      for (let parent: TestSuite | TestModule = test.parent; !need && parent.type === 'suite'; parent = parent.parent) need = parent.meta().bootmendNeeds;
      if (need) records.push(need);
    }
  }
  return records;
}
