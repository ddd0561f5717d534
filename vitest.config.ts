import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{core,main,server,renderer,build,scripts,test}/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    pool: 'forks',
  },
});
