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
    // As bin/cirrus.js: the SDK's notice that its 2027 releases need Node 22 is not a test result.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
