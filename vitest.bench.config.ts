/**
 * Benchmarks run with Node's own module loader (through tsx) instead of vite's module runner: the runner
 * routes every imported-function call through a getter, which made reference codecs up to 12× slower in
 * profiles (vitest-dev/vitest#6543). Timings from this config are the ones to report.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [],
    benchmark: { include: ['{packages,formats,suites}/*/src/**/*.bench.ts'] },
    pool: 'forks',
    setupFiles: ['./scripts/test-setup.ts'],
    execArgv: ['--import', 'tsx'],
    experimental: { viteModuleRunner: false, nodeLoader: false },
  },
});
