import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
    // The suite-wide secret-leak check: secrets and what pave wrote are recorded by the tests, scanned at the end.
    globalSetup: ['test/global-leaks.ts'],
  },
});
