/**
 * Decode of PVQ (pyramid vector quantization) groups, as the reference codec (formats/pvq/src/codec.ts):
 * each group's CWRS index (libopus celt/cwrs.c order) is unranked into a pulse vector y with Σ|y_j| = K
 * over the U(N, K) counting table, then ŵ_j = y_j·s with s = fl(fl(c·step) / fl(√Σy²)),
 * step = fl(gainMax / (2^gainBits − 1)), each a float32 operation in the reference's order (s = 0 leaves
 * +0); a rotated format then applies the inverse block rotation Rᵀz = diag(s)·(fl(H·z·(1/√L))) with the
 * reference's float32 butterflies (formats/pvq/src/hadamard.ts). Bit-exact with the reference.
 *
 * Indices are up to 120 bits wide (pvq_d32_k87), past u64: every count and index here is a two-limb
 * unsigned integer (hi, lo: u64), which covers any spec whose indexBits ≤ 128 (checked at compile time in
 * each export). Every U(n, k) the unranking reads is ≤ U(N, K + 1) < V(N, K) ≤ 2^indexBits, so the table
 * cannot overflow either.
 *
 * Inputs the reference rejects (a gainMax that is NaN, infinite or negative; an index ≥ V(N, K), which
 * random bytes produce) trap: the host reports the trap as a QbenchError, as the reference throws one.
 *
 * The U table and the rotation signs are computed on first use from the generated spec params
 * (groupSize, pulses, rotationSeed), never typed in. The U table region is shared by the formats and
 * rebuilt when a call needs another (N, K); the signs are built once (the first sign, ±1, never 0, marks
 * them built). Every spec's `<id>_decode`, and that scratch, are generated (wasm/generated/entries.ts).
 *
 * Memory map of `<id>_decode(src, n, dst)`: src = float32 gainMax (GAIN_MAX_HEADER_OFFSET), then n/256
 * blocks, each an LSB-first bit stream of 8 gain codes (gainBits each) then 8 indices (indexBits each);
 * dst n float32. Static scratch: the U table (16 bytes per entry), one pulse vector, and the rotation
 * signs of a rotated format.
 */

// ---- two-limb unsigned integers: (hi, lo) ----

/** (ah, al) > (bh, bl) */
@inline function gt2(ah: u64, al: u64, bh: u64, bl: u64): bool {
  return ah > bh || (ah == bh && al > bl);
}

/** Address of U(n, k) in a table of rows of `width` entries; lo limb at +0, hi limb at +8. */
@inline function entry(table: usize, width: i32, n: i32, k: i32): usize {
  return table + ((<usize>(n * width + k)) << 4);
}

/**
 * U(0, 0) = 1, U(0, k > 0) = 0, U(n > 0, 0) = 0, U(n, k) = U(n−1, k) + U(n, k−1) + U(n−1, k−1)
 * (count.ts UTable), for n ≤ N, k ≤ K + 1, with carries between the limbs.
 */
function buildU(table: usize, n: i32, k: i32): void {
  const width = k + 2;
  for (let j = 0; j < width; j++) {
    store<u64>(entry(table, width, 0, j), j == 0 ? 1 : 0);
    store<u64>(entry(table, width, 0, j) + 8, 0);
  }
  for (let i = 1; i <= n; i++) {
    store<u64>(entry(table, width, i, 0), 0);
    store<u64>(entry(table, width, i, 0) + 8, 0);
    for (let j = 1; j < width; j++) {
      const a = entry(table, width, i - 1, j);
      const b = entry(table, width, i, j - 1);
      const c = entry(table, width, i - 1, j - 1);
      const s1 = load<u64>(a) + load<u64>(b);
      const c1: u64 = s1 < load<u64>(a) ? 1 : 0;
      const s2 = s1 + load<u64>(c);
      const c2: u64 = s2 < s1 ? 1 : 0;
      const e = entry(table, width, i, j);
      store<u64>(e, s2);
      store<u64>(e + 8, load<u64>(a + 8) + load<u64>(b + 8) + load<u64>(c + 8) + c1 + c2);
    }
  }
}

/** `width` (1..64) bits of the LSB-first stream at `src` from stream bit `pos`, read byte by byte (never past the last byte holding them). */
@inline function readBits(src: usize, pos: i32, width: i32): u64 {
  const sh = pos & 7;
  let p = src + (<usize>pos >> 3);
  let v = <u64>load<u8>(p) >> sh;
  let got = 8 - sh;
  while (got < width) {
    p++;
    v |= <u64>load<u8>(p) << got;
    got += 8;
  }
  return width == 64 ? v : v & ((<u64>1 << width) - 1);
}

/**
 * CWRS unranking (cwrs.ts decodeCwrs) of the index (ih, il) < V(N, K) into `pulses` (N i32); returns Σy²
 * (exact: K² < 2^31).
 */
@inline function unrank(table: usize, n: i32, k0: i32, ih0: u64, il0: u64, pulses: usize): i32 {
  const width = k0 + 2;
  let ih = ih0;
  let il = il0;
  let k = k0;
  let yy = 0;
  let j = 0;
  // two limbs while U(d, k + 1) needs them; U only shrinks as d and k do, so once it fits in u64 (and the
  // remaining index, which is below V(d, k) then, does too) every later step does
  for (; j < n; j++) {
    const d = n - j;
    // p = U(d, k + 1): codewords whose coordinate j is ≥ 0 come first
    const p = entry(table, width, d, k + 1);
    const ph = load<u64>(p + 8);
    if (ph == 0 && ih == 0) break;
    const pl = load<u64>(p);
    const neg = !gt2(ph, pl, ih, il); // i ≥ p
    if (neg) {
      ih = ih - ph - (il < pl ? 1 : 0);
      il = il - pl;
    }
    const kStart = k;
    let e = entry(table, width, d, k);
    while (gt2(load<u64>(e + 8), load<u64>(e), ih, il)) {
      k--;
      e -= 16;
    }
    const el = load<u64>(e);
    ih = ih - load<u64>(e + 8) - (il < el ? 1 : 0);
    il = il - el;
    const y = neg ? k - kStart : kStart - k;
    store<i32>(pulses + (<usize>j << 2), y);
    yy += y * y;
  }
  // the same steps on the low limbs alone
  for (; j < n; j++) {
    const d = n - j;
    const p = load<u64>(entry(table, width, d, k + 1));
    const neg = il >= p;
    if (neg) il -= p;
    const kStart = k;
    let e = entry(table, width, d, k);
    while (load<u64>(e) > il) {
      k--;
      e -= 16;
    }
    il -= load<u64>(e);
    const y = neg ? k - kStart : kStart - k;
    store<i32>(pulses + (<usize>j << 2), y);
    yy += y * y;
  }
  return yy;
}

// ---- inverse randomized Hadamard rotation (hadamard.ts) ----

/** s_j = −1 when the lowest bit of the j-th splitmix64(seed) output is 1, else +1 (core's SplitMix64). */
function buildSigns(signs: usize, count: i32, seed: u64): void {
  let state = seed;
  for (let j = 0; j < count; j++) {
    state += 0x9e3779b97f4a7c15;
    let z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    z ^= z >> 31;
    store<f32>(signs + (<usize>j << 2), (z & 1) == 1 ? -1 : 1);
  }
}

/**
 * In place: v ← diag(s)·fl(fl(H·v)·norm), H the unnormalised Walsh–Hadamard transform with float32
 * butterflies (a + b, a − b). Every element's value is fixed by the butterfly graph, not by the order the
 * butterflies run in, so four at a time gives the reference's bits. `count` is a power of two ≥ 4.
 */
@inline function inverseRotation(v: usize, count: i32, signs: usize, norm: f32): void {
  // h = 1 and h = 2 inside each vector of four
  for (let i = 0; i < count; i += 4) {
    const p = v + (<usize>i << 2);
    let x = v128.load(p);
    let a = v128.shuffle<f32>(x, x, 0, 0, 2, 2);
    let b = v128.shuffle<f32>(x, x, 1, 1, 3, 3);
    x = v128.shuffle<f32>(f32x4.add(a, b), f32x4.sub(a, b), 0, 5, 2, 7);
    a = v128.shuffle<f32>(x, x, 0, 1, 0, 1);
    b = v128.shuffle<f32>(x, x, 2, 3, 2, 3);
    v128.store(p, v128.shuffle<f32>(f32x4.add(a, b), f32x4.sub(a, b), 0, 1, 6, 7));
  }
  for (let h = 4; h < count; h <<= 1) {
    for (let i = 0; i < count; i += h << 1) {
      for (let j = i; j < i + h; j += 4) {
        const p = v + (<usize>j << 2);
        const q = p + (<usize>h << 2);
        const a = v128.load(p);
        const b = v128.load(q);
        v128.store(p, f32x4.add(a, b));
        v128.store(q, f32x4.sub(a, b));
      }
    }
  }
  const vn = f32x4.splat(norm);
  for (let j = 0; j < count; j += 4) {
    const o = <usize>j << 2;
    v128.store(v + o, f32x4.mul(f32x4.mul(v128.load(v + o), vn), v128.load(signs + o)));
  }
}

// ---- the decode every PVQ export shares ----

/** The (N, K) the shared U table holds (0, 0: not built yet). */
let builtN = 0;
let builtK = 0;

/**
 * The decode every PVQ spec's generated `<id>_decode` calls (wasm/generated/entries.ts), with the static
 * scratch that file sizes for the family's largest (N, K): the U table and one pulse vector.
 */
@inline export function decodePvq(
  table: usize,
  pulses: usize,
  src: usize,
  n: i32,
  dst: usize,
  signs: usize, // 0: no rotation
  seed: u64,
  groupSize: i32,
  pulseCount: i32,
  gainBits: i32,
  indexBits: i32,
  groups: i32,
  blockBytes: i32,
  gainOffset: i32,
  indexOffset: i32,
  headerOffset: i32,
): void {
  if (builtN != groupSize || builtK != pulseCount) {
    buildU(table, groupSize, pulseCount);
    builtN = groupSize;
    builtK = pulseCount;
  }
  const blockElements = groups * groupSize;
  if (signs != 0 && load<f32>(signs) == 0) buildSigns(signs, blockElements, seed);
  // f(1/√L), as hadamard.ts rounds it
  const norm = <f32>(1 / Math.sqrt(<f64>blockElements));
  // V(N, K) = U(N, K) + U(N, K + 1)
  const width = pulseCount + 2;
  const a = entry(table, width, groupSize, pulseCount);
  const vl = load<u64>(a) + load<u64>(a + 16);
  const vh = load<u64>(a + 8) + load<u64>(a + 24) + (vl < load<u64>(a) ? 1 : 0);
  const gainMax = load<f32>(src + headerOffset);
  // the reference rejects a gainMax that is not finite and ≥ 0 (−0 passes, as `>= 0` lets it)
  if (!(gainMax >= 0) || gainMax == Infinity) unreachable();
  const step = gainMax / <f32>((<u64>1 << gainBits) - 1);
  const first = src + headerOffset + sizeof<f32>();
  const blocks = n / blockElements;
  for (let b = 0; b < blocks; b++) {
    const block = first + <usize>b * blockBytes;
    const out = dst + ((<usize>b * blockElements) << 2);
    for (let t = 0; t < groups; t++) {
      const c = readBits(block + gainOffset, t * gainBits, gainBits);
      const pos = t * indexBits;
      const il = readBits(block + indexOffset, pos, indexBits < 64 ? indexBits : 64);
      const ih: u64 = indexBits > 64 ? readBits(block + indexOffset, pos + 64, indexBits - 64) : 0;
      // an index ≥ V(N, K) is no codeword: the reference throws (pvq.index)
      if (!gt2(vh, vl, ih, il)) unreachable();
      const yy = unrank(table, groupSize, pulseCount, ih, il, pulses);
      const s: f32 = (<f32>c * step) / <f32>Math.sqrt(<f64>yy);
      const g = out + ((<usize>t * groupSize) << 2);
      // s = 0 keeps +0 (not −0 for negative pulses), as the reference does
      const vs = f32x4.splat(s);
      const zero = s == 0;
      for (let j = 0; j < groupSize; j += 4) {
        const y = f32x4.convert_i32x4_s(v128.load(pulses + (<usize>j << 2)));
        v128.store(g + (<usize>j << 2), zero ? f32x4.splat(0) : f32x4.mul(y, vs));
      }
    }
    if (signs != 0) inverseRotation(out, blockElements, signs, norm);
  }
}
