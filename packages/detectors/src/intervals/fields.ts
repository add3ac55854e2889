/**
 * Block-level comparisons the searched-scale box constructions share: which groups' decoded values moved,
 * and whether a block's shared float fields (d, dmin) changed.
 */
import { type Format, fieldBits } from '@qbench/core';

/** True when any decoded value of the group differs (bitwise: −0 and +0 are different codes). */
export function groupChanged(a: Float32Array, b: Float32Array, from: number, len: number): boolean {
  for (let i = from; i < from + len; i++) if (!Object.is(a[i], b[i])) return true;
  return false;
}

/** [offset, length] of each byte-aligned float field of the block layout: the block's shared scales. */
export function sharedScaleBytes(format: Format): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let bits = 0;
  for (const f of format.spec.layout.fields) {
    const float = f.type === 'f16' || f.type === 'bf16' || f.type === 'f32' || f.type === 'e8m0';
    if (float && bits % 8 === 0) out.push([bits / 8, fieldBits(f) / 8]);
    bits += fieldBits(f);
  }
  return out;
}

export function sharedScaleChanged(
  a: Uint8Array,
  b: Uint8Array,
  at: number,
  fields: Array<[number, number]>,
): boolean {
  for (const [off, len] of fields) {
    for (let k = at + off; k < at + off + len; k++) if (a[k] !== b[k]) return true;
  }
  return false;
}
