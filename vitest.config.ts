import { defineConfig } from 'vitest/config';
import { ToolSkipsReporter } from './test/tools-reporter.js';
import { WineFirstSequencer } from './test/wine-first-sequencer.js';

export default defineConfig({
  test: {
    include: ['{core,main,server,renderer,build,scripts,test}/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    pool: 'forks',
    // Vitest's default is one fork on a 2-core machine (cpus - 1), and much of this suite waits on
    // child processes (Wine, QEMU, PostgreSQL, the CLI): two forks take the unit run from ~580 s to ~380 s.
    maxWorkers: 2,
    minWorkers: 1,
    sequence: { sequencer: WineFirstSequencer },
    // The default report, then one line naming the tests skipped for a missing tool (test/tools.ts).
    reporters: ['default', new ToolSkipsReporter()],
  },
});
