/**
 * NVFP4 (torchao `_nvfp4_quantize` with a per-tensor scale, the NVIDIA two-level recipe). Every line is one
 * float32 operation, in torchao's order:
 *   t     = fl(amax_tensor / (448 · 6))                      per_tensor_amax_to_scale
 *   b     = fl(max|x_blk| / 6)
 *   s     = E4M3(clamp(fl(b / t), 2^−6, 448))                RNE; 2^−6 = E4M3 min normal (finfo.tiny)
 *   total = fl(t · s)
 *   code  = E2M1(clamp(fl(x / total), −6, 6))                RNE
 *   x̂     = fl(e2m1(code) · fl(t · s))                       NVFP4Tensor.to_dtype / get_hp_scales
 * The constants 448, 6 and 2^−6 come from the e4m3fn and e2m1 specs, not from literals here.
 * Worked example: a tensor whose amax is 2688 has t = 1; a block with max 12 has b = 2, s = 2 (0x40),
 * total = 2, and x = 5 → 2.5 → tie between 2 and 3 → even mantissa → 2 (code 0x4) → x̂ = 4.
 */
import { type EncodeOptions, QbenchError, type ReferenceCodec, type ResolvedSpec } from '@qbench/core';
import { checkBytes, checkFinite, checkWholeBlocks } from './common.ts';
import type { ElementFormat } from './element.ts';
import { packCodes, unpackCodes } from './packing.ts';

const fround = Math.fround;
const HEADER_BYTES = 4;

export interface Nvfp4Formats {
  element: ElementFormat; // e2m1
  blockScale: ElementFormat; // e4m3fn
}

export function nvfp4Codec(spec: ResolvedSpec, f: Nvfp4Formats): ReferenceCodec {
  const { id } = spec;
  const blockSize = spec.layout.blockElements;
  const bb = 1 + (blockSize * f.element.bits) / 8;
  if (bb !== spec.layout.blockBytes) {
    throw new QbenchError(
      'minifloat.layout',
      `${id}: ${blockSize} elements give ${bb} bytes per block, spec says ${spec.layout.blockBytes}`,
    );
  }
  const elemMax = f.element.maxValue; // 6
  const scaleMax = f.blockScale.maxValue; // 448
  const scaleMin = f.blockScale.table[1 << f.blockScale.params.mbits]!; // smallest normal, 2^−6
  const tensorDivisor = fround(scaleMax * elemMax); // 2688, exact
  const encodedBytes = (n: number) => {
    checkWholeBlocks(id, n, blockSize);
    return HEADER_BYTES + (n / blockSize) * bb;
  };
  return {
    encodedBytes,
    encode(x: Float32Array, options: EncodeOptions = {}) {
      const out = new Uint8Array(encodedBytes(x.length));
      if (options.nonFinite !== 'propagate') checkFinite(id, x, blockSize);
      // torch.amax propagates NaN; Math.max does too.
      let amax = 0;
      for (let i = 0; i < x.length; i++) amax = Math.max(amax, Math.abs(x[i]!));
      const t = fround(amax / tensorDivisor);
      new DataView(out.buffer).setFloat32(0, t, true);
      const codes = new Uint16Array(blockSize);
      for (let b = 0; b * blockSize < x.length; b++) {
        const blk = x.subarray(b * blockSize, (b + 1) * blockSize);
        let bmax = 0;
        for (let i = 0; i < blk.length; i++) bmax = Math.max(bmax, Math.abs(blk[i]!));
        const bs = fround(bmax / elemMax);
        // qbench divergence: an all-zero tensor (t = 0) would give 0/0 = NaN scales in torchao; use 0 → 2^−6.
        const ratio = t === 0 ? 0 : fround(bs / t);
        const clamped = Number.isNaN(ratio) ? ratio : Math.min(scaleMax, Math.max(scaleMin, ratio)); // torch.clamp keeps NaN
        const s = f.blockScale.encode(clamped);
        const total = fround(t * f.blockScale.table[s]!);
        for (let i = 0; i < blk.length; i++) {
          const v = fround(blk[i]! / total);
          codes[i] = f.element.encode(Number.isNaN(v) ? v : Math.min(elemMax, Math.max(-elemMax, v)));
        }
        const off = HEADER_BYTES + b * bb;
        out[off] = s;
        packCodes(codes, f.element.bits, out, off + 1);
      }
      return out;
    },
    decode(q: Uint8Array, n: number) {
      checkBytes(id, q.length, encodedBytes(n), n);
      const t = new DataView(q.buffer, q.byteOffset, q.byteLength).getFloat32(0, true);
      const y = new Float32Array(n);
      for (let b = 0; b * blockSize < n; b++) {
        const off = HEADER_BYTES + b * bb;
        const total = fround(t * f.blockScale.table[q[off]!]!);
        const codes = unpackCodes(q, f.element.bits, blockSize, off + 1);
        for (let i = 0; i < blockSize; i++)
          y[b * blockSize + i] = fround(f.element.table[codes[i]!]! * total);
      }
      return y;
    },
  };
}
