/**
 * Tests run with Node's own module loader (through tsx) instead of vite's module runner. The runner routes
 * every call of an imported function through a getter (two for `export *` re-exports), which kept V8 from
 * inlining the reference codecs' hot helpers (`fround`, `nearestInt`, `f32ToBits`): the q6_k grid-box attack
 * of the detector test took 220 s under the runner and 19 s natively, on the same machine. No test here
 * uses `vi.mock` or in-source tests, the two features the native loader does not offer on Node 20.
 */
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import SummaryReporter from './scripts/summary-reporter.ts';

export default defineConfig({
  test: {
    include: ['{packages,formats,suites}/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    // Generous on purpose: a timeout is there to end a hang, not to judge speed (the slowest test, the q6_k
    // attack with its detectors, takes about 30 s on two busy cores), so no verdict depends on load.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    setupFiles: ['./scripts/test-setup.ts'],
    // vitest's default is one worker fewer than the cores: one worker on CI's two cores, where the test files
    // are CPU-bound and the coordinator is idle (measured: 1.1 cores busy on average, 419 s of vitest on a
    // fresh clone). One worker per core.
    maxWorkers: availableParallelism(),
    execArgv: ['--import', 'tsx'],
    experimental: { viteModuleRunner: false, nodeLoader: false },
    // An instance, not a path: with the module runner off, a reporter path would be loaded by plain Node,
    // which cannot import TypeScript; the config file itself is bundled by vite.
    reporters: ['default', new SummaryReporter()],
    benchmark: { include: ['{packages,formats,suites}/*/src/**/*.bench.ts'] },
  },
});
