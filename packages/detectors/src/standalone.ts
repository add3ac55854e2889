/**
 * Detectors that need only the quantized tensor.
 *
 * - conformance: the share of blocks that break an invariant every block of ggml's reference quantizer has
 *   (@qbench/gguf-file's blockInvariant: e.g. q8_0 always has a code at ±127, q6_k a sub-block scale at
 *   −128). A hand-edited payload breaks them; an honest quantization of an attacked model does not, so
 *   this detector is expected to miss Mind the Gap — it is reported, not hidden.
 * - outlier-collapse ("Widening the Gap" style scale inflation): an injected outlier inflates its scale
 *   group's scale so the remaining weights collapse onto a few levels around zero. Score = share of scale
 *   groups (32 elements, or the block when smaller) whose largest decoded |value| exceeds OUTLIER_RATIO
 *   times the RMS of the group's other values; the evidence also counts the groups whose rest collapsed
 *   onto one level. Measured per 256-element block this missed the injection on q4_k entirely (score 0):
 *   a k-quant block holds eight scale groups, each with its own outlier, and no single level holds 75%.
 */
import type { Format } from '@qbench/core';
import { blockInvariant } from '@qbench/gguf-file';
import type { TensorScore } from './types.ts';

const COLLAPSE_SHARE = 0.75;
/**
 * A group's largest |value| against the RMS of its other values. Gaussian groups of 32 exceed 5 with
 * probability ~1e-5; the adversarial suite's injection (4× the group's largest weight) gives about 9.
 */
const OUTLIER_RATIO = 5;
/** Scale group the statistic is taken over: the format's smallest scale group, at most 32 elements. */
const OUTLIER_GROUP = 32;

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
  const g = Math.min(format.blockElements, OUTLIER_GROUP);
  const counts = new Map<number, number>();
  let collapsed = 0;
  let inflated = 0;
  for (let b = 0; b < n; b += g) {
    counts.clear();
    let ss = 0;
    let amax = 0;
    for (let i = b; i < b + g; i++) {
      const v = deq[i]!;
      counts.set(v, (counts.get(v) ?? 0) + 1);
      ss += v * v;
      amax = Math.max(amax, Math.abs(v));
    }
    let mode = 0;
    for (const c of counts.values()) mode = Math.max(mode, c);
    // RMS of the group without its largest value: an injected outlier must not inflate its own yardstick.
    const rest = Math.sqrt(Math.max(0, ss - amax * amax) / (g - 1));
    const isOutlier = amax > OUTLIER_RATIO * rest && amax > 0;
    if (isOutlier) inflated++;
    if (isOutlier && mode >= COLLAPSE_SHARE * g) collapsed++;
  }
  const groups = n / g;
  return {
    tensor,
    format: format.id,
    detector: 'outlier-collapse',
    score: inflated / groups,
    evidence: `${inflated}/${groups} scale groups of ${g} hold a value >${OUTLIER_RATIO}× the RMS of the rest (${collapsed} of them with ≥${COLLAPSE_SHARE * 100}% of values at one level)`,
  };
}
