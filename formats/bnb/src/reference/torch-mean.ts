/**
 * torch.Tensor.mean() of a contiguous 1-D float32 CPU tensor, bit for bit: bitsandbytes computes the
 * double-quantization offset as `absmax.mean()`, and the golden generator ran it on torch CPU.
 *
 * torch's CPU mean is sum(...).div_(count). The sum is ATen's cascade_sum (aten/src/ATen/native/cpu/
 * SumKernel.cpp): float32 accumulation, over SIMD vectors of `lanes` floats (8 for AVX2, 16 for
 * AVX-512), four interleaved accumulators (ilp), chunked "levels" of 16 that limit error growth, then
 * the scalar tail and the lanes added left to right. Float addition is not associative, so reproducing
 * the exact order is the only way to get the same last bit.
 *
 * Single-thread order only: above 32768 elements (at::internal::GRAIN_SIZE) torch may split the
 * reduction across threads, and the result then depends on the thread count.
 */

/** ATen's utils::CeilLog2: ceil(log2(x)), with 1 for x <= 2. */
function ceilLog2(x: number): number {
  // llvm::findLastSet(x − 1) + 1 = floor(log2(x − 1)) + 1 (sizes here are below 2^32).
  return x <= 2 ? 1 : 32 - Math.clz32(x - 1);
}

type Vec = Float32Array;

function addInto(acc: Vec, v: Vec): void {
  for (let l = 0; l < acc.length; l++) acc[l] = Math.fround(acc[l]! + v[l]!);
}

/**
 * multi_row_sum<acc, nrows=4>: sums `size` rows of `nrows` columns; row i column k is `load(i, k)`.
 * Level 0 accumulates chunks of level_step rows; full chunks cascade up through 4 levels.
 */
function multiRowSum(
  load: (row: number, col: number) => Vec,
  size: number,
  nrows: number,
  lanes: number,
): Vec[] {
  const numLevels = 4;
  const levelPower = Math.max(4, Math.floor(ceilLog2(size) / numLevels));
  const levelStep = 1 << levelPower;
  const acc: Vec[][] = Array.from({ length: numLevels }, () =>
    Array.from({ length: nrows }, () => new Float32Array(lanes)),
  );
  let i = 0;
  for (; i + levelStep <= size; ) {
    for (let j = 0; j < levelStep; j++, i++) {
      for (let k = 0; k < nrows; k++) addInto(acc[0]![k]!, load(i, k));
    }
    for (let j = 1; j < numLevels; j++) {
      for (let k = 0; k < nrows; k++) {
        addInto(acc[j]![k]!, acc[j - 1]![k]!);
        acc[j - 1]![k]!.fill(0);
      }
      // `(i & (level_mask << j·level_power)) != 0`, tested arithmetically because the mask can pass 32 bits.
      if (Math.floor(i / 2 ** (j * levelPower)) % levelStep !== 0) break;
    }
  }
  for (; i < size; i++) {
    for (let k = 0; k < nrows; k++) addInto(acc[0]![k]!, load(i, k));
  }
  for (let j = 1; j < numLevels; j++) {
    for (let k = 0; k < nrows; k++) addInto(acc[0]![k]!, acc[j]![k]!);
  }
  return acc[0]!;
}

/** row_sum with ilp_factor 4: the row viewed as (-1, 4), column sums, tail into column 0, columns folded. */
function rowSum(load: (index: number) => Vec, size: number, lanes: number): Vec {
  const ilp = 4;
  const sizeIlp = Math.floor(size / ilp);
  const partial = multiRowSum((row, col) => load(row * ilp + col), sizeIlp, ilp, lanes);
  for (let i = sizeIlp * ilp; i < size; i++) addInto(partial[0]!, load(i));
  for (let k = 1; k < ilp; k++) addInto(partial[0]!, partial[k]!);
  return partial[0]!;
}

/** torch.sum of a contiguous float32 vector on CPU, single-threaded, with SIMD width `lanes`. */
export function torchSumF32(x: Float32Array, lanes = 8): number {
  const n = x.length;
  let total: number;
  if (n >= lanes) {
    // vectorized_inner_sum: whole vectors through row_sum, the scalar tail, then the lanes in order.
    const vecCount = Math.floor(n / lanes);
    const vec = rowSum((i) => x.subarray(i * lanes, (i + 1) * lanes), vecCount, lanes);
    total = 0;
    for (let k = vecCount * lanes; k < n; k++) total = Math.fround(total + x[k]!);
    for (let l = 0; l < lanes; l++) total = Math.fround(total + vec[l]!);
  } else {
    // Fewer elements than one vector: scalar row_sum.
    total = rowSum((i) => x.subarray(i, i + 1), n, 1)[0]!;
  }
  // The output is zero-filled and the result accumulated into it (so −0 becomes +0).
  return Math.fround(0 + total);
}

/** torch.mean of a contiguous float32 vector on CPU: sum, then a float32 division by the count. */
export function torchMeanF32(x: Float32Array, lanes = 8): number {
  return Math.fround(torchSumF32(x, lanes) / x.length);
}
