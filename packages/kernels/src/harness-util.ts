/** Helpers the conformance harness's op files share (conformance.ts, conformance-encode.ts). */
import { generate, isQbenchError } from '@qbench/core';

export const SEED = 0x5eed_c0de;

export function describeError(e: unknown): string {
  return isQbenchError(e)
    ? `${e.code}: ${e.message}`
    : e instanceof Error
      ? `${e.name}: ${e.message}`
      : String(e);
}

/** p within ms, else a rejection naming `what` (a plain value passes straight through). */
export async function within<T>(p: T | Promise<T>, ms: number, what: string): Promise<T> {
  if (!(p instanceof Promise)) return p;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout: ${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reference-encoded test data: seeded Gaussian with outliers, so scales vary block to block. */
export function sampleInput(n: number, seed: number): Float32Array {
  return generate({ kind: 'outlier_mixture', sigma: 1, p: 0.02, factor: 30 }, n, seed);
}
