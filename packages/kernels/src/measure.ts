/**
 * Timing shared by the throughput suite, `qbench validate` and its worker, on tinybench: warm-up runs, then
 * repeated runs until both a minimum count and a minimum time are reached; the median (tinybench's
 * latency p50) is reported — robust to the odd GC pause or scheduler hiccup — with min and max for spread.
 */
import { QbenchError } from '@qbench/core';
import { Bench } from 'tinybench';

export interface Timing {
  medianNs: number;
  minNs: number;
  maxNs: number;
  runs: number;
}

export interface TimingOptions {
  warmup?: number;
  minRuns?: number;
  minTimeMs?: number;
}

export async function timeRuns(run: () => unknown, o: TimingOptions = {}): Promise<Timing> {
  const bench = new Bench({
    iterations: o.minRuns ?? 5,
    time: o.minTimeMs ?? 300,
    warmup: (o.warmup ?? 2) > 0,
    warmupIterations: o.warmup ?? 2,
    warmupTime: 0,
    throws: true,
  });
  bench.add('kernel', run);
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (!result || result.error || !result.latency || result.latency.p50 === undefined) {
    throw new QbenchError('measure.failed', `timing failed: ${result?.error?.message ?? 'no samples'}`);
  }
  const l = result.latency;
  return { medianNs: l.p50! * 1e6, minNs: l.min * 1e6, maxNs: l.max * 1e6, runs: l.samples.length };
}

/** Gigabytes (1e9 bytes) per second. */
export function gbps(bytes: number, ns: number): number {
  return bytes / ns;
}
