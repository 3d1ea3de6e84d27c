import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Test files share one Postgres server but each gets its own database.
    pool: 'forks',
    maxWorkers: 2,
  },
});
