import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores: files that start databases or synthesize CDK apps compete; keep parallelism modest.
    maxWorkers: 2,
    setupFiles: ['test/helpers/polyfills.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
