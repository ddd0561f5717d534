import { defineConfig } from 'vitest/config';
import { ToolSkipsReporter } from './test/tools-reporter.js';

export default defineConfig({
  test: {
    include: ['{core,main,server,renderer,build,scripts,test}/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    pool: 'forks',
    // The default report, then one line naming the tests skipped for a missing tool (test/tools.ts).
    reporters: ['default', new ToolSkipsReporter()],
  },
});
