import { beforeAll, describe, it, type TestContext } from 'vitest';
import { getCurrentSuite } from 'vitest/suite';
import { Needs, requireAll as all, requireCommands as commands, requireCapability as capability, requireFile as file, requireRoot as root, requireTool as tool, requireTools as tools, type NeedOptions, type NeedsRecord, type ToolSpec } from './tools-rule.js';

/**
 * Tool-dependent proofs in vitest, one rule for all (test/tools-rule.ts): they run where the
 * tools are; outside CI a missing tool skips them and the run ends with one line saying what
 * was skipped and how to enable it (test/tools-reporter.ts); in CI a missing tool fails them
 * with a sentence naming the tool and its Debian package.
 *
 *   const wine = requireTool('wine', { package: 'wine64', for: 'fix.cmd under Wine' });
 *   wine.describe('fix.cmd under Wine …', () => { … });        // a whole block
 *   wine.it('…', async () => { … }, 90_000);                    // one test
 *   it('…', (ctx) => { …; readOnlyMount.check(ctx); … });       // found out while testing
 *
 * Combine with requireAll([wine, mingw]); root with requireRoot({ for }); firmware and
 * loader files with requireFile(path, { package, for }).
 */

declare module 'vitest' {
  interface TaskMeta {
    /** Set on a test or suite skipped for a missing tool; read by test/tools-reporter.ts. */
    bootmendNeeds?: NeedsRecord;
  }
}

export { inCi, summaryLine, type NeedsRecord, type ToolSpec } from './tools-rule.js';

export class VitestNeeds extends Needs {
  /**
   * A describe block needing these tools. Skipped outside CI (and recorded); in CI, a first
   * beforeAll fails the block with the sentence before any of its own hooks run.
   */
  describe(name: string, body: () => void): void {
    switch (this.decision()) {
      case 'run':
        describe(name, body);
        return;
      case 'skip': {
        const record = this.record;
        describe.skip(name, () => {
          const suite = getCurrentSuite().suite;
          if (suite) suite.meta.bootmendNeeds = record;
          body();
        });
        return;
      }
      case 'fail': {
        const failure = this.failure;
        describe(name, () => {
          beforeAll(() => {
            throw new Error(failure);
          });
          body();
        });
        return;
      }
    }
  }

  /** One test needing these tools. */
  it(name: string, body: (ctx: TestContext) => unknown, timeout?: number): void {
    it(
      name,
      async (ctx) => {
        this.check(ctx);
        await body(ctx);
      },
      timeout,
    );
  }

  /** Inside a running test: returns when everything is there; otherwise skips it (recorded) or, in CI, fails it. */
  check(ctx: TestContext): void {
    switch (this.decision()) {
      case 'run':
        return;
      case 'skip':
        ctx.task.meta.bootmendNeeds = this.record;
        ctx.skip(this.skipReason);
        return;
      case 'fail':
        throw new Error(this.failure);
    }
  }
}

const bind = (needs: Needs): VitestNeeds => new VitestNeeds(needs.purpose, needs.requirements);

/** A command that must be on PATH: requireTool('wine', { package: 'wine64', for: 'fix.cmd under Wine' }). */
export const requireTool = (command: string, options: NeedOptions): VitestNeeds => bind(tool(command, options));
/** A file a package installs: requireFile('/usr/share/ovmf/OVMF.fd', { package: 'ovmf', for: 'UEFI boots' }). */
export const requireFile = (path: string, options: NeedOptions): VitestNeeds => bind(file(path, options));
/** Commands whose Debian package test/tools-rule.ts knows: requireCommands(['xorriso', 'isoinfo'], { for: 'the ISO writer proofs' }). */
export const requireCommands = (list: readonly string[], options: { for: string }): VitestNeeds => bind(commands(list, options));
/** Every tool of a harness's list: requireTools(WINE_TOOLS, { for: 'fix.cmd under Wine' }). */
export const requireTools = (specs: readonly ToolSpec[], options: { for: string }): VitestNeeds => bind(tools(specs, options));
/** Root, for loop devices and mounts. */
export const requireRoot = (options: { for: string }): VitestNeeds => bind(root(options));
/** Something known only by trying it. */
export const requireCapability = (name: string, options: { for: string; present: boolean; howTo: string; package?: string }): VitestNeeds => bind(capability(name, options));
/** All of them (for the first one's purpose unless `purpose` is given). */
export const requireAll = (needs: readonly Needs[], purpose?: string): VitestNeeds => bind(all(needs, purpose));
