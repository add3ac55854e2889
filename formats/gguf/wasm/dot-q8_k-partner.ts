/**
 * Dot (matrix · vector) for the k-quants against q8_k activations: q4_k, q5_k, q6_k, q3_k (eight-lane
 * scheme below) and q2_k, iq4_xs (per-block integer sums, see their row functions). The activation row is
 * quantized once (quantize-q8_k.ts); q5_k, q6_k and q3_k then run ggml's generic vec_dot, reproduced lane for
 * lane: integer products accumulate into eight int32 lanes (lane = element index mod 8) weighted by the
 * sub-block scale, each block adds (dx·dy)·lane to eight float32 running sums (two f32x4, the same
 * roundings as the reference's scalar loop), the min term (q5_k) is subtracted from sumf block by block,
 * and the eight lanes join sumf in lane order at the end. So their results are bit-identical. q4_k is the
 * exception: it sums in its own order (see q4_kRow), within the spec's tolerance.dot.
 *
 * Memory map of `<id>_dot(w, y, rows, n, dst)`: w rows × n/256 blocks; y n float32; dst rows float32;
 * scratch n/256 q8_k blocks from the module allocator (q4_k adds the int16-widened codes, 2n bytes, the
 * paired bsums, n/16 bytes, and 96 bytes of per-block staging), released before returning.
 */
import { f16ToF32 } from '../../../packages/runtime-wasm/assembly/float';
import { alloc, mark, release } from '../../../packages/runtime-wasm/assembly/memory';
import { crumb, dotI8x16, sumI32x4 } from '../../../packages/runtime-wasm/assembly/simd';
import {
  IQ4_NL_KVALUES_IQ4NL,
  IQ4_XS_BLOCK_BYTES,
  IQ4_XS_D_OFFSET,
  IQ4_XS_QS_OFFSET,
  Q2_K_BLOCK_BYTES,
  Q2_K_D_OFFSET,
  Q2_K_DMIN_OFFSET,
  Q2_K_QS_OFFSET,
  Q2_K_SCALES_OFFSET,
  Q3_K_BLOCK_BYTES,
  Q3_K_D_OFFSET,
  Q3_K_HMASK_OFFSET,
  Q3_K_QS_OFFSET,
  Q3_K_SCALES_OFFSET,
  Q4_K_BLOCK_BYTES,
  Q4_K_D_OFFSET,
  Q4_K_DMIN_OFFSET,
  Q4_K_QS_OFFSET,
  Q4_K_SCALES_OFFSET,
  Q5_K_BLOCK_BYTES,
  Q5_K_D_OFFSET,
  Q5_K_DMIN_OFFSET,
  Q5_K_QH_OFFSET,
  Q5_K_QS_OFFSET,
  Q5_K_SCALES_OFFSET,
  Q6_K_BLOCK_BYTES,
  Q6_K_D_OFFSET,
  Q6_K_QH_OFFSET,
  Q6_K_QL_OFFSET,
  Q6_K_SCALES_OFFSET,
  Q8_K_BLOCK_BYTES,
  Q8_K_BLOCK_ELEMENTS,
  Q8_K_BSUMS_OFFSET,
  Q8_K_D_OFFSET,
  Q8_K_QS_OFFSET,
} from './generated/constants';
import { iq4xsScale, k4Scale, k4ScalesMins, q3Scale } from './kquant-scales';
import { quantizeRowQ8_K } from './quantize-q8_k';

/** Products of 16 code lanes with 16 q8 lanes folded to eight int16 lanes (lane = element mod 8). */
@inline function lanes16(codes: v128, y: v128): v128 {
  return i16x8.add(i16x8.extmul_low_i8x16_s(codes, y), i16x8.extmul_high_i8x16_s(codes, y));
}

// Eight int32 lanes (two i32x4) and eight float32 sums (two f32x4), per row.
let aux0: v128 = i32x4.splat(0);
let aux1: v128 = i32x4.splat(0);
let sums0: v128 = f32x4.splat(0);
let sums1: v128 = f32x4.splat(0);

/** aux += scale · (int16 lanes widened to int32). */
@inline function accumulate(s16: v128, scale: i32): void {
  const sc = i32x4.splat(scale);
  aux0 = i32x4.add(aux0, i32x4.mul(i32x4.extend_low_i16x8_s(s16), sc));
  aux1 = i32x4.add(aux1, i32x4.mul(i32x4.extend_high_i16x8_s(s16), sc));
}

/** sums[l] += d·aux[l], then the lanes are cleared for the next block. */
@inline function flush(d: f32): void {
  const vd = f32x4.splat(d);
  sums0 = f32x4.add(sums0, f32x4.mul(vd, f32x4.convert_i32x4_s(aux0)));
  sums1 = f32x4.add(sums1, f32x4.mul(vd, f32x4.convert_i32x4_s(aux1)));
  aux0 = i32x4.splat(0);
  aux1 = i32x4.splat(0);
}

@inline function finish(sumf: f32): f32 {
  sumf += f32x4.extract_lane(sums0, 0);
  sumf += f32x4.extract_lane(sums0, 1);
  sumf += f32x4.extract_lane(sums0, 2);
  sumf += f32x4.extract_lane(sums0, 3);
  sumf += f32x4.extract_lane(sums1, 0);
  sumf += f32x4.extract_lane(sums1, 1);
  sumf += f32x4.extract_lane(sums1, 2);
  sumf += f32x4.extract_lane(sums1, 3);
  sums0 = f32x4.splat(0);
  sums1 = f32x4.splat(0);
  return sumf;
}

/**
 * Σ_g bsums[g]·min(g/2) of a q4_k/q5_k block, exact in int32: the mins (byte lanes 8..15 of k4ScalesMins),
 * each repeated for its two 16-element groups, against the sixteen int16 group sums with two dot_i16x8_s.
 */
@inline function minTermV(sm: v128, yb: usize): i32 {
  const z = i8x16.splat(0);
  const lo = i8x16.shuffle(sm, z, 8, 16, 8, 16, 9, 16, 9, 16, 10, 16, 10, 16, 11, 16, 11, 16);
  const hi = i8x16.shuffle(sm, z, 12, 16, 12, 16, 13, 16, 13, 16, 14, 16, 14, 16, 15, 16, 15, 16);
  const bsums = yb + Q8_K_BSUMS_OFFSET;
  return sumI32x4(i32x4.add(i32x4.dot_i16x8_s(v128.load(bsums), lo), i32x4.dot_i16x8_s(v128.load(bsums, 16), hi)));
}

/**
 * The q8_k group sums added in pairs (bsums[2j] + bsums[2j+1], the sum of sub-block j's 32 codes), eight
 * int16 per block, 16 bytes each at pairs: computed once per activation row, so each weight row's min term
 * is one dot_i16x8_s against its eight mins. |pair| ≤ 32·128 fits int16.
 */
export function bsumPairs(yq: usize, blocks: i32, pairs: usize): void {
  for (let b = 0; b < blocks; b++) {
    const bsums = yq + <usize>b * Q8_K_BLOCK_BYTES + Q8_K_BSUMS_OFFSET;
    const lo = i32x4.extadd_pairwise_i16x8_s(v128.load(bsums));
    const hi = i32x4.extadd_pairwise_i16x8_s(v128.load(bsums, 16));
    v128.store(pairs + (<usize>b << 4), i16x8.narrow_i32x4_s(lo, hi));
  }
}

/**
 * The q8_k codes of an activation row widened to int16 once per call, 2 bytes per element, so the weight
 * rows multiply them with plain loads. Each 16 codes are stored as their 8 even-indexed values then their 8
 * odd-indexed ones: q4_kRow reads a weight byte pair as one int16 lane and splits it with shifts and masks
 * into the even and the odd element's nibbles, which this order lines up with (the dot is order-free).
 */
const Y16_BLOCK_BYTES: usize = <usize>Q8_K_BLOCK_ELEMENTS << 1;

function widenQ8(yq: usize, blocks: i32, y16: usize): void {
  for (let b = 0; b < blocks; b++) {
    const src = yq + <usize>b * Q8_K_BLOCK_BYTES + Q8_K_QS_OFFSET;
    const dst = y16 + <usize>b * Y16_BLOCK_BYTES;
    for (let g = 0; g < 16; g++) {
      const v = v128.load(src + (<usize>g << 4));
      v128.store(dst + (<usize>g << 5), i16x8.shr_s(i16x8.shl(v, 8), 8));
      v128.store(dst + (<usize>g << 5), i16x8.shr_s(v, 8), 16);
    }
  }
}

/** 0x000f in every int16 lane, loaded where used (a load is one instruction, a rebuilt constant three). */
const LOW_NIBBLES16: usize = memory.data<u16>([0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f], 16);

/**
 * One 32-byte qs chunk c of a q4_k block (sub-blocks 2c and 2c+1) against the widened q8 at y: the scaled
 * int32 partial sums of both sub-blocks, stored at scBuf + 32 + 16c (scale pairs at scBuf + 8c; scBuf + 96
 * holds the first half's int16 lanes). Exact:
 * int16 lanes ≤ 4·15·128, each dot lane ≤ 2·7680·63.
 */
@inline function q4Chunk(qs: usize, y: usize, scBuf: usize, c: i32): void {
  const mask = v128.load(LOW_NIBBLES16);
  const v0 = v128.load(qs);
  const lo0 = i16x8.add(i16x8.mul(v128.and(v0, mask), v128.load(y)), i16x8.mul(v128.and(i16x8.shr_u(v0, 8), mask), v128.load(y, 16)));
  const hi0 = i16x8.add(i16x8.mul(v128.and(i16x8.shr_u(v0, 4), mask), v128.load(y, 64)), i16x8.mul(i16x8.shr_u(v0, 12), v128.load(y, 80)));
  // the first half's int16 lanes go through scratch: the store keeps V8 from hoisting the second half's
  // loads above the first half's arithmetic (fewer live registers, no spills)
  v128.store(scBuf + 96, lo0);
  v128.store(scBuf + 112, hi0);
  const mask1 = v128.load(LOW_NIBBLES16);
  const v1 = v128.load(qs, 16);
  const lo1 = i16x8.add(i16x8.mul(v128.and(v1, mask1), v128.load(y, 32)), i16x8.mul(v128.and(i16x8.shr_u(v1, 8), mask1), v128.load(y, 48)));
  const hi1 = i16x8.add(i16x8.mul(v128.and(i16x8.shr_u(v1, 4), mask1), v128.load(y, 96)), i16x8.mul(i16x8.shr_u(v1, 12), v128.load(y, 112)));
  const s = i32x4.add(
    i32x4.dot_i16x8_s(i16x8.add(v128.load(scBuf + 96), lo1), v128.load32_splat(scBuf + 8 * c)),
    i32x4.dot_i16x8_s(i16x8.add(v128.load(scBuf + 112), hi1), v128.load32_splat(scBuf + 8 * c + 4)),
  );
  v128.store(scBuf + 32 + 16 * c, s);
}

/**
 * q4_k row. Summation order: NOT the reference's. ggml_vec_dot_q4_K_q8_K_generic keeps eight float lanes and
 * subtracts the min term from a scalar per block; reproducing that costs lane bookkeeping (interleaving the
 * two sub-blocks of a chunk, two int32 and two float32 accumulators). Here, as in ggml's own AVX2 kernel,
 * every integer sum of a block is finished exactly in int32 first (|sum| ≤ 8·32·15·63·128 < 2^31), the
 * scale sum and the min sum are converted once per block, multiplied by dx·dy and dmin·dy into one
 * float32x4 accumulator, and the four lanes are joined at the end. The result differs from the reference
 * by float rounding only, well within the spec's tolerance.dot (absolute + relative·Σ|x·y|); conformance
 * (suites/throughput) holds q4_k to that tolerance instead of bit-exactness.
 *
 * Per 64 codes (one 32-byte qs chunk: sub-block 2c in the low nibbles, 2c+1 in the high ones; q4Chunk)
 * each byte pair is read as one int16 lane and split by constant int16 shifts and a mask into the even
 * and the odd byte's nibbles (no widening, no byte-lane shifts, which V8 emulates), multiplied with the
 * pre-widened q8 (widenQ8's even/odd order) and added into eight int16 lanes per sub-block
 * (|lane| ≤ 4·15·128); one dot_i16x8_s per sub-block against its 6-bit scale repeated in every int16 lane
 * (staged in memory as scale | scale << 16 per int32: a 32-bit splat load is a load, a register shuffle an
 * ALU op) gives its int32 partial sums.
 * Each chunk stores its sums to scratch instead of adding them to a loop-carried vector: V8 hoists a
 * chunk's loads ahead of its arithmetic, the register pressure sends a loop-carried accumulator to the
 * stack, and its store→load round trip every chunk became the critical path; the per-chunk stores
 * carry no dependency, keep the four unrolled chunks apart in V8's schedule (no spills across chunks),
 * and are summed once per block.
 */
@inline function q4_kRow(w: usize, yq: usize, y16: usize, pairs: usize, scBuf: usize, blocks: i32): f32 {
  let acc = f32x4.splat(0);
  for (let b = 0; b < blocks; b++) {
    const x = w + <usize>b * Q4_K_BLOCK_BYTES;
    const sm = k4ScalesMins(x + Q4_K_SCALES_OFFSET);
    const s16 = i16x8.extend_low_i8x16_u(sm);
    v128.store(scBuf, i16x8.shuffle(s16, s16, 0, 0, 1, 1, 2, 2, 3, 3));
    v128.store(scBuf, i16x8.shuffle(s16, s16, 4, 4, 5, 5, 6, 6, 7, 7), 16);
    const qs = x + Q4_K_QS_OFFSET;
    const y = y16 + <usize>b * Y16_BLOCK_BYTES;
    q4Chunk(qs, y, scBuf, 0);
    q4Chunk(qs + 32, y + 128, scBuf, 1);
    q4Chunk(qs + 64, y + 256, scBuf, 2);
    q4Chunk(qs + 96, y + 384, scBuf, 3);
    const isum = i32x4.add(
      i32x4.add(v128.load(scBuf, 32), v128.load(scBuf, 48)),
      i32x4.add(v128.load(scBuf, 64), v128.load(scBuf, 80)),
    );
    const dy = load<f32>(yq + <usize>b * Q8_K_BLOCK_BYTES + Q8_K_D_OFFSET);
    const d = f16ToF32(load<u16>(x + Q4_K_D_OFFSET)) * dy;
    const dmin = f16ToF32(load<u16>(x + Q4_K_DMIN_OFFSET)) * dy;
    const msum = i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(sm), v128.load(pairs + (<usize>b << 4)));
    acc = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(isum), f32x4.splat(d)));
    acc = f32x4.sub(acc, f32x4.mul(f32x4.convert_i32x4_s(msum), f32x4.splat(dmin)));
  }
  return f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
}

@inline function q5_kRow(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  const mask = i8x16.splat(0x0f);
  const sixteen = i8x16.splat(16);
  for (let b = 0; b < blocks; b++) {
    const x = w + <usize>b * Q5_K_BLOCK_BYTES;
    const yb = yq + <usize>b * Q8_K_BLOCK_BYTES;
    const scales = x + Q5_K_SCALES_OFFSET;
    const h0 = v128.load(x + Q5_K_QH_OFFSET);
    const h1 = v128.load(x + Q5_K_QH_OFFSET + 16);
    for (let c = 0; c < 4; c++) {
      const v0 = v128.load(x + Q5_K_QS_OFFSET + 32 * c);
      const v1 = v128.load(x + Q5_K_QS_OFFSET + 32 * c + 16);
      const shift: i32 = 2 * c;
      const bitLo = i8x16.splat(<i8>(<i32>1 << shift));
      const bitHi = i8x16.splat(<i8>(<i32>2 << shift));
      const y = yb + Q8_K_QS_OFFSET + 64 * c;
      const c0 = v128.or(v128.and(v0, mask), v128.and(i8x16.eq(v128.and(h0, bitLo), bitLo), sixteen));
      const c1 = v128.or(v128.and(v1, mask), v128.and(i8x16.eq(v128.and(h1, bitLo), bitLo), sixteen));
      const c2 = v128.or(i8x16.shr_u(v0, 4), v128.and(i8x16.eq(v128.and(h0, bitHi), bitHi), sixteen));
      const c3 = v128.or(i8x16.shr_u(v1, 4), v128.and(i8x16.eq(v128.and(h1, bitHi), bitHi), sixteen));
      accumulate(i16x8.add(lanes16(c0, v128.load(y)), lanes16(c1, v128.load(y, 16))), k4Scale(scales, 2 * c));
      accumulate(i16x8.add(lanes16(c2, v128.load(y, 32)), lanes16(c3, v128.load(y, 48))), k4Scale(scales, 2 * c + 1));
    }
    const dy = load<f32>(yb + Q8_K_D_OFFSET);
    flush(f16ToF32(load<u16>(x + Q5_K_D_OFFSET)) * dy);
    const dmin = f16ToF32(load<u16>(x + Q5_K_DMIN_OFFSET)) * dy;
    sumf = sumf - dmin * <f32>minTermV(k4ScalesMins(scales), yb);
  }
  return finish(sumf);
}

/**
 * 16 q6_k codes ((low4 | high2 << 4) − 32, high2 already at bits 4..5 before the 0x30 mask, which also drops
 * what an int16 shift moved in from the neighbouring byte) against q8 elements e.., weighted by scale e/16.
 */
@inline function q6Group(x: usize, yb: usize, low: v128, high: v128, e: i32): void {
  const codes = i8x16.sub(v128.or(low, v128.and(high, i8x16.splat(0x30))), i8x16.splat(32));
  const sc = <i32>load<i8>(x + Q6_K_SCALES_OFFSET + (e >> 4));
  accumulate(lanes16(codes, v128.load(yb + Q8_K_QS_OFFSET + e)), sc);
}

@inline function q6_kRow(w: usize, yq: usize, blocks: i32): f32 {
  const mask = i8x16.splat(0x0f);
  for (let b = 0; b < blocks; b++) {
    const x = w + <usize>b * Q6_K_BLOCK_BYTES;
    const yb = yq + <usize>b * Q8_K_BLOCK_BYTES;
    for (let half = 0; half < 2; half++) {
      const ql = x + Q6_K_QL_OFFSET + 64 * half;
      const qh = x + Q6_K_QH_OFFSET + 32 * half;
      for (let l0 = 0; l0 < 32; l0 += 16) {
        const a = v128.load(ql + l0);
        const bb = v128.load(ql + l0 + 32);
        const h = v128.load(qh + l0);
        // the four groups k (elements e + 32k, qh bits 2k..2k+1) written out, so every shift is a constant
        const e = 128 * half + l0;
        q6Group(x, yb, v128.and(a, mask), i16x8.shl(h, 4), e);
        q6Group(x, yb, v128.and(bb, mask), i16x8.shl(h, 2), e + 32);
        q6Group(x, yb, v128.and(i16x8.shr_u(a, 4), mask), h, e + 64);
        q6Group(x, yb, v128.and(i16x8.shr_u(bb, 4), mask), i16x8.shr_u(h, 2), e + 96);
      }
    }
    flush(f16ToF32(load<u16>(x + Q6_K_D_OFFSET)) * load<f32>(yb + Q8_K_D_OFFSET));
  }
  return finish(0);
}

/** ggml_vec_dot_q3_K_q8_K: the eight-lane scheme with weights (scale − 32) per 16 elements, no min term. */
/** 16 q3_k codes (crumb − 4 unless hmask has `bit`) against q8 elements e.., weighted by scale e/16 − 32. */
@inline function q3Group(x: usize, yb: usize, low: v128, hm: v128, bit: i32, e: i32): void {
  const four = i8x16.splat(4);
  const b = i8x16.splat(<i8>bit);
  const codes = i8x16.sub(i8x16.add(low, v128.and(i8x16.eq(v128.and(hm, b), b), four)), four);
  accumulate(lanes16(codes, v128.load(yb + Q8_K_QS_OFFSET + e)), q3Scale(x + Q3_K_SCALES_OFFSET, e >> 4) - 32);
}

@inline function q3_kRow(w: usize, yq: usize, blocks: i32): f32 {
  for (let b = 0; b < blocks; b++) {
    const x = w + <usize>b * Q3_K_BLOCK_BYTES;
    const yb = yq + <usize>b * Q8_K_BLOCK_BYTES;
    for (let half = 0; half < 2; half++) {
      for (let l0 = 0; l0 < 32; l0 += 16) {
        const qs = v128.load(x + Q3_K_QS_OFFSET + 32 * half + l0);
        const hm = v128.load(x + Q3_K_HMASK_OFFSET + l0);
        // the four groups j (elements e + 32j, crumb j of qs, hmask bit 4·half + j) written out: constant shifts
        const e = 128 * half + l0;
        const bit = 1 << (4 * half);
        q3Group(x, yb, crumb(qs, 0), hm, bit, e);
        q3Group(x, yb, crumb(qs, 1), hm, bit << 1, e + 32);
        q3Group(x, yb, crumb(qs, 2), hm, bit << 2, e + 64);
        q3Group(x, yb, crumb(qs, 3), hm, bit << 3, e + 96);
      }
    }
    flush(f16ToF32(load<u16>(x + Q3_K_D_OFFSET)) * load<f32>(yb + Q8_K_D_OFFSET));
  }
  return finish(0);
}

/**
 * ggml_vec_dot_q2_K_q8_K: isum = Σ_j (sc_j & 15)·Σ q8·code over the 16 sub-blocks, summs = Σ_j bsums_j·(sc_j >> 4),
 * then sumf += (dy·d)·isum − (dy·dmin)·summs, each product rounded, blocks in order.
 */
/** (sc & 15)·Σ q8·code over 16 q2_k codes at element e, as four int32 partial sums. */
@inline function q2Group(x: usize, yb: usize, codes: v128, e: i32): v128 {
  const scale = <i32>load<u8>(x + Q2_K_SCALES_OFFSET + (e >> 4)) & 0x0f;
  return i32x4.mul(dotI8x16(codes, v128.load(yb + Q8_K_QS_OFFSET + e)), i32x4.splat(scale));
}

@inline function q2_kRow(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  for (let b = 0; b < blocks; b++) {
    const x = w + <usize>b * Q2_K_BLOCK_BYTES;
    const yb = yq + <usize>b * Q8_K_BLOCK_BYTES;
    const sc = v128.load(x + Q2_K_SCALES_OFFSET);
    const mins = i8x16.shr_u(sc, 4);
    const bsums = yb + Q8_K_BSUMS_OFFSET;
    const summs = sumI32x4(
      i32x4.add(
        i32x4.dot_i16x8_s(v128.load(bsums), i16x8.extend_low_i8x16_u(mins)),
        i32x4.dot_i16x8_s(v128.load(bsums, 16), i16x8.extend_high_i8x16_u(mins)),
      ),
    );
    let acc = i32x4.splat(0);
    for (let h = 0; h < 2; h++) {
      for (let m0 = 0; m0 < 32; m0 += 16) {
        const v = v128.load(x + Q2_K_QS_OFFSET + 32 * h + m0);
        // the four crumbs k (elements e + 32k) written out, so every shift is a constant
        const e = 128 * h + m0;
        acc = i32x4.add(acc, q2Group(x, yb, crumb(v, 0), e));
        acc = i32x4.add(acc, q2Group(x, yb, crumb(v, 1), e + 32));
        acc = i32x4.add(acc, q2Group(x, yb, crumb(v, 2), e + 64));
        acc = i32x4.add(acc, q2Group(x, yb, crumb(v, 3), e + 96));
      }
    }
    const isum = sumI32x4(acc);
    const dy = load<f32>(yb + Q8_K_D_OFFSET);
    const dall = dy * f16ToF32(load<u16>(x + Q2_K_D_OFFSET));
    const dmin = dy * f16ToF32(load<u16>(x + Q2_K_DMIN_OFFSET));
    sumf += dall * <f32>isum - dmin * <f32>summs;
  }
  return sumf;
}

/** ggml_vec_dot_iq4_xs_q8_K: per 32 elements sumi, then sumf += ((dx·dy)·(ls − 32))·sumi, in order. */
@inline function iq4_xsRow(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  const table = v128.load(IQ4_NL_KVALUES_IQ4NL);
  const mask = i8x16.splat(0x0f);
  for (let b = 0; b < blocks; b++) {
    const x = w + <usize>b * IQ4_XS_BLOCK_BYTES;
    const yb = yq + <usize>b * Q8_K_BLOCK_BYTES;
    const d4d8 = f16ToF32(load<u16>(x + IQ4_XS_D_OFFSET)) * load<f32>(yb + Q8_K_D_OFFSET);
    for (let ib = 0; ib < 8; ib++) {
      const v = v128.load(x + IQ4_XS_QS_OFFSET + 16 * ib);
      const y = yb + Q8_K_QS_OFFSET + 32 * ib;
      const sumi = sumI32x4(
        i32x4.add(dotI8x16(i8x16.swizzle(table, v128.and(v, mask)), v128.load(y)), dotI8x16(i8x16.swizzle(table, i8x16.shr_u(v, 4)), v128.load(y, 16))),
      );
      const dl = d4d8 * <f32>(iq4xsScale(x, ib) - 32);
      sumf += dl * <f32>sumi;
    }
  }
  return sumf;
}

@inline function prepare(y: usize, n: i32): usize {
  const yq = alloc(<usize>(n >>> 8) * Q8_K_BLOCK_BYTES);
  quantizeRowQ8_K(y, n, yq);
  return yq;
}

export function q4_k_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 8;
  const pairs = alloc(<usize>blocks << 4);
  bsumPairs(yq, blocks, pairs);
  const y16 = alloc(<usize>blocks * Y16_BLOCK_BYTES);
  widenQ8(yq, blocks, y16);
  const rowBytes = <usize>blocks * Q4_K_BLOCK_BYTES;
  const scBuf = alloc(128);
  for (let r = 0; r < rows; r++) {
    store<f32>(dst + (<usize>r << 2), q4_kRow(w + <usize>r * rowBytes, yq, y16, pairs, scBuf, blocks));
  }
  release(m);
}

export function q5_k_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 8;
  const rowBytes = <usize>blocks * Q5_K_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), q5_kRow(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}

export function q6_k_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 8;
  const rowBytes = <usize>blocks * Q6_K_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), q6_kRow(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}

export function q3_k_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 8;
  const rowBytes = <usize>blocks * Q3_K_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), q3_kRow(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}

export function q2_k_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 8;
  const rowBytes = <usize>blocks * Q2_K_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), q2_kRow(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}

export function iq4_xs_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 8;
  const rowBytes = <usize>blocks * IQ4_XS_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), iq4_xsRow(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}
