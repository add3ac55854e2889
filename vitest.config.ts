import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{packages,formats,suites}/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', './scripts/summary-reporter.ts'],
    benchmark: { include: ['{packages,formats,suites}/*/src/**/*.bench.ts'] },
  },
});
