import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: integration suites start emulators and child processes.
    maxWorkers: 2,
    setupFiles: ['tests/setup.ts'],
  },
});
