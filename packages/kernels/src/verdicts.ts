/**
 * A kernel's conformance verdict, computed once per run and shared: the round-trip suite records it (one
 * verdict per dataset), the throughput suite times only kernels whose verdict is a pass. Both ask for the
 * same case list (all block counts up to 257, or 33 in quick runs, and the golden vectors), so the kernel
 * goes through the harness once per process, not once per suite.
 */
import type { Format, KernelTraits } from '@qbench/core';
import { conformKernel, type KernelConformance } from './conformance.ts';

/** Largest block count of a run's conformance cases. */
export function runMaxBlocks(quick: boolean): number {
  return quick ? 33 : 257;
}

const verdicts = new Map<string, Promise<KernelConformance>>();

export function runConformance(
  traits: KernelTraits,
  format: Format,
  options: { quick: boolean },
): Promise<KernelConformance> {
  const maxBlocks = runMaxBlocks(options.quick);
  const key = `${traits.id} ${maxBlocks}`;
  let v = verdicts.get(key);
  if (!v) {
    v = conformKernel(traits, format, { maxBlocks, golden: true });
    verdicts.set(key, v);
  }
  return v;
}
