/**
 * Detectors that need only the quantized tensor.
 *
 * - conformance: the share of blocks that break an invariant every block of ggml's reference quantizer has
 *   (@qbench/gguf-file's blockInvariant: e.g. q8_0 always has a code at ±127, q6_k a sub-block scale at
 *   −128). A hand-edited payload breaks them; an honest quantization of an attacked model does not, so
 *   this detector is expected to miss Mind the Gap — it is reported, not hidden.
 * - outlier-collapse ("Widening the Gap" style scale inflation): an injected outlier inflates its block's
 *   scale so the remaining weights collapse onto the zero level. Score = share of blocks where at least
 *   COLLAPSE_SHARE of the decoded values sit at the block's most common value while one value exceeds
 *   OUTLIER_RATIO times the block RMS.
 */
import type { Format } from '@qbench/core';
import { blockInvariant } from '@qbench/gguf-file';
import type { TensorScore } from './types.ts';

const COLLAPSE_SHARE = 0.75;
const OUTLIER_RATIO = 4;

export function conformance(tensor: string, format: Format, bytes: Uint8Array): TensorScore | undefined {
  const inv = blockInvariant(format.spec);
  if (!inv) return undefined;
  const bb = format.blockBytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  inv.prepare?.(bytes);
  let bad = 0;
  const blocks = bytes.length / bb;
  for (let blk = 0; blk < blocks; blk++) if (!inv.check(bytes, view, blk * bb)) bad++;
  return {
    tensor,
    format: format.id,
    detector: 'conformance',
    score: bad / blocks,
    evidence: `${bad}/${blocks} blocks break the ${inv.kind} invariant: ${inv.description}`,
  };
}

export function outlierCollapse(tensor: string, format: Format, bytes: Uint8Array, n: number): TensorScore {
  const deq = format.reference.decode(bytes, n);
  const be = format.blockElements;
  const counts = new Map<number, number>();
  let collapsed = 0;
  for (let b = 0; b < n; b += be) {
    counts.clear();
    let ss = 0;
    let amax = 0;
    for (let i = b; i < b + be; i++) {
      const v = deq[i]!;
      counts.set(v, (counts.get(v) ?? 0) + 1);
      ss += v * v;
      amax = Math.max(amax, Math.abs(v));
    }
    let mode = 0;
    for (const c of counts.values()) mode = Math.max(mode, c);
    const rms = Math.sqrt(ss / be);
    if (mode >= COLLAPSE_SHARE * be && rms > 0 && amax > OUTLIER_RATIO * rms) collapsed++;
  }
  const blocks = n / be;
  return {
    tensor,
    format: format.id,
    detector: 'outlier-collapse',
    score: collapsed / blocks,
    evidence: `${collapsed}/${blocks} blocks collapsed (≥${COLLAPSE_SHARE * 100}% of values at one level under an outlier >${OUTLIER_RATIO}× RMS)`,
  };
}
