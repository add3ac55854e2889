/**
 * The pvq family's wasm-simd128 module (kernels named `<format>_decode`, discovered by runtime-wasm), plus
 * the allocator of KERNEL-ABI.md.
 *
 * Decode of PVQ (pyramid vector quantization) groups, as the reference codec (formats/pvq/src/codec.ts):
 * each group's CWRS index (libopus celt/cwrs.c order) is unranked into a pulse vector y with Σ|y_j| = K
 * over the U(N, K) counting table, then ŵ_j = y_j·s with s = fl(fl(c·step) / fl(√Σy²)),
 * step = fl(gainMax / (2^gainBits − 1)), each a float32 operation in the reference's order (s = 0 leaves
 * +0). Bit-exact with the reference.
 *
 * Only pvq_d32_k17 has a kernel: its 55-bit indices and U(32, 18) < 2^64 fit u64 arithmetic; the 88- and
 * 120-bit indices of pvq_d32_k41(_rht) and pvq_d32_k87 would need multi-precision unranking.
 *
 * Memory map of `<id>_decode(src, n, dst)`: src = float32 gainMax (GAIN_MAX_HEADER_OFFSET), then n/256
 * blocks, each an LSB-first bit stream of 8 gain codes (gainBits each) then 8 indices (indexBits each);
 * dst n float32. Scratch: the U table (static memory, built on first use) and one pulse vector.
 */
import {
  PVQ_D32_K17_BLOCK_BYTES,
  PVQ_D32_K17_BLOCK_ELEMENTS,
  PVQ_D32_K17_GAIN_MAX_HEADER_OFFSET,
  PVQ_D32_K17_GAIN_OFFSET,
  PVQ_D32_K17_INDEX_OFFSET,
  PVQ_D32_K17_PARAM_GAIN_BITS,
  PVQ_D32_K17_PARAM_GROUP_SIZE,
  PVQ_D32_K17_PARAM_GROUPS_PER_BLOCK,
  PVQ_D32_K17_PARAM_INDEX_BITS,
  PVQ_D32_K17_PARAM_PULSES,
} from './generated/constants';

export { alloc, copy, mark, release, reset } from '../../../packages/runtime-wasm/assembly/memory';

const N = PVQ_D32_K17_PARAM_GROUP_SIZE;
const K = PVQ_D32_K17_PARAM_PULSES;
const WIDTH = K + 2;
/** U(n, k) for n ≤ N, k ≤ K + 1: row n at U + 8·(n·WIDTH + k). */
const U: usize = memory.data((N + 1) * WIDTH * 8);
const PULSES: usize = memory.data(N * 4);
let ready = false;

@inline function u(n: i32, k: i32): u64 {
  return load<u64>(U + ((<usize>(n * WIDTH + k)) << 3));
}

/** U(0, 0) = 1, U(i, j) = U(i−1, j) + U(i, j−1) + U(i−1, j−1) (count.ts UTable). */
function buildU(): void {
  for (let j = 0; j < WIDTH; j++) store<u64>(U + (<usize>j << 3), j == 0 ? 1 : 0);
  for (let i = 1; i <= N; i++) {
    store<u64>(U + (<usize>(i * WIDTH) << 3), 0);
    for (let j = 1; j < WIDTH; j++) store<u64>(U + (<usize>(i * WIDTH + j) << 3), u(i - 1, j) + u(i, j - 1) + u(i - 1, j - 1));
  }
  ready = true;
}

/** `width` (≤ 64) bits of the LSB-first stream at `src`, starting at stream bit `pos`. */
@inline function readBits(src: usize, pos: i32, width: i32): u64 {
  let v: u64 = 0;
  for (let i = 0; i < width; i++) {
    const p = pos + i;
    v |= (<u64>((load<u8>(src + (<usize>p >> 3)) >> (p & 7)) & 1)) << i;
  }
  return v;
}

/** CWRS unranking (cwrs.ts decodeCwrs) of `index` into PULSES; returns Σ y². */
@inline function unrank(index: u64): i32 {
  let i = index;
  let k = K;
  let yy = 0;
  for (let j = 0; j < N; j++) {
    const d = N - j;
    const p = u(d, k + 1);
    const neg = i >= p;
    if (neg) i -= p;
    const k0 = k;
    while (u(d, k) > i) k--;
    i -= u(d, k);
    const y = neg ? k - k0 : k0 - k;
    store<i32>(PULSES + (<usize>j << 2), y);
    yy += y * y;
  }
  return yy;
}

export function pvq_d32_k17_decode(src: usize, n: i32, dst: usize): void {
  if (!ready) buildU();
  const gainMax = load<f32>(src + PVQ_D32_K17_GAIN_MAX_HEADER_OFFSET);
  const step = gainMax / <f32>((1 << PVQ_D32_K17_PARAM_GAIN_BITS) - 1);
  const first = src + PVQ_D32_K17_GAIN_MAX_HEADER_OFFSET + sizeof<f32>();
  const blocks = n / PVQ_D32_K17_BLOCK_ELEMENTS;
  for (let b = 0; b < blocks; b++) {
    const block = first + <usize>b * PVQ_D32_K17_BLOCK_BYTES;
    for (let t = 0; t < PVQ_D32_K17_PARAM_GROUPS_PER_BLOCK; t++) {
      const c = <u32>readBits(block + PVQ_D32_K17_GAIN_OFFSET, t * PVQ_D32_K17_PARAM_GAIN_BITS, PVQ_D32_K17_PARAM_GAIN_BITS);
      const index = readBits(block + PVQ_D32_K17_INDEX_OFFSET, t * PVQ_D32_K17_PARAM_INDEX_BITS, PVQ_D32_K17_PARAM_INDEX_BITS);
      const yy = unrank(index);
      const s: f32 = (<f32>c * step) / <f32>Math.sqrt(<f64>yy);
      const out = dst + ((<usize>(b * PVQ_D32_K17_BLOCK_ELEMENTS + t * N)) << 2);
      for (let j = 0; j < N; j++) {
        // s = 0 keeps +0 (not −0 for negative pulses), as the reference does
        store<f32>(out + (<usize>j << 2), s == 0 ? 0 : <f32>load<i32>(PULSES + (<usize>j << 2)) * s);
      }
    }
  }
}
