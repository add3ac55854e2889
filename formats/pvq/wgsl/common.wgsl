// PVQ helpers shared by the family's decode kernels. The reference decodes in float32 with every operation
// rounded once (step = fl(gainMax / L), s = fl(fl(c·step) / fl(√Σy²))); WGSL's division and sqrt are not
// correctly rounded (2.5 ulp, and inherited from inverseSqrt), so both are done here in integer arithmetic
// and rounded to nearest even by hand. CWRS indices wider than 32 bits are vec2<u32> (lo, hi) pairs.

// f32 bits of sig·2^exp + (a sticky fraction below sig's last bit), rounded to nearest even, for a
// positive sig below 2^26 with its top bit at bit 25 (the result is a subnormal, normal, or 0).
fn pvq_round_pack(sig: u32, exp: i32, sticky: bool) -> f32 {
  // the result's unit in the last place: 2^(exp + 25 − 23) for a normal result, 2^−149 below that
  let ulp = max(exp + 2, -149);
  let shift = u32(ulp - exp);
  if (shift > 26u) {
    return 0.0; // below half of 2^−149 (the sticky bits cannot reach half)
  }
  let kept = sig >> shift;
  let rem = sig & ((1u << shift) - 1u);
  let half = 1u << (shift - 1u);
  let up = rem > half || (rem == half && (sticky || (kept & 1u) == 1u));
  // kept includes the implicit bit (2^23 for a normal result), so the exponent field is ulp + 149 + carry
  return bitcast<f32>((u32(ulp + 149) << 23u) + kept + select(0u, 1u, up));
}

// x > 0 finite as m·2^e with m in [2^23, 2^24) (subnormals normalised).
fn pvq_unpack(x: f32) -> vec2<i32> {
  let bits = bitcast<u32>(x);
  let field = (bits >> 23u) & 0xffu;
  let frac = bits & 0x7fffffu;
  if (field == 0u) {
    let p = firstLeadingBit(frac);
    return vec2<i32>(i32(frac << (23u - p)), -149 - i32(23u - p));
  }
  return vec2<i32>(i32(frac | 0x800000u), i32(field) - 150);
}

// a / b correctly rounded, for finite a ≥ 0 and finite b > 0 (what the reference's f(a / b) gives).
fn pvq_div(a: f32, b: f32) -> f32 {
  if (a == 0.0) {
    return 0.0;
  }
  let ua = pvq_unpack(a);
  let ub = pvq_unpack(b);
  var ma = u32(ua.x);
  var ea = ua.y;
  let mb = u32(ub.x);
  if (ma < mb) {
    ma = ma << 1u; // ratio now in [1, 2)
    ea = ea - 1;
  }
  // 26 quotient bits by long division: q = ⌊ma/mb·2^25⌋, remainder → sticky
  var rem = ma;
  var q = 0u;
  for (var i = 0u; i < 26u; i++) {
    q = q << 1u;
    if (rem >= mb) {
      rem = rem - mb;
      q = q | 1u;
    }
    rem = rem << 1u;
  }
  return pvq_round_pack(q, ea - ub.y - 25, rem != 0u);
}

// √v correctly rounded for an integer 0 < v < 2^24 (Σy² of a pulse vector), digit by digit: the root of
// v·4^t to 26 bits, the remainder → sticky.
fn pvq_sqrt_int(v: u32) -> f32 {
  let root_bits = firstLeadingBit(v) / 2u + 1u; // bits of ⌊√v⌋
  let t = 26u - root_bits;
  var rem = 0u;
  var root = 0u;
  for (var i = i32(root_bits + t) - 1; i >= 0; i--) {
    // pair i of v·4^t: v's pair i − t, or 0 below it
    let pair = select(0u, (v >> (2u * (u32(i) - t))) & 3u, u32(i) >= t);
    rem = (rem << 2u) | pair;
    let trial = (root << 2u) | 1u;
    root = root << 1u;
    if (rem >= trial) {
      rem = rem - trial;
      root = root | 1u;
    }
  }
  return pvq_round_pack(root, -i32(t), rem != 0u);
}

// `width` ≤ 32 bits of the LSB-first bit stream starting at byte `off`, from stream bit `bit`.
fn pvq_bits(off: u32, bit: u32, width: u32) -> u32 {
  let at = off + (bit >> 3u);
  let sh = bit & 7u;
  var v = read_u32(at) >> sh;
  if (sh != 0u) {
    v = v | (read_u8(at + 4u) << (32u - sh));
  }
  return select(v & ((1u << width) - 1u), v, width == 32u);
}

fn u64_ge(a: vec2<u32>, b: vec2<u32>) -> bool {
  return a.y > b.y || (a.y == b.y && a.x >= b.x);
}

fn u64_sub(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  return vec2<u32>(a.x - b.x, a.y - b.y - select(0u, 1u, a.x < b.x));
}

fn u64_add(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  let lo = a.x + b.x;
  return vec2<u32>(lo, a.y + b.y + select(0u, 1u, lo < a.x));
}

// 128-bit unsigned integers as vec4<u32> limbs (x least significant), for the CWRS indices and U(n, k)
// counts of the formats whose indices do not fit 64 bits (pvq_d32_k41: 88 bits, pvq_d32_k87: 120).
fn u128_ge(a: vec4<u32>, b: vec4<u32>) -> bool {
  if (a.w != b.w) {
    return a.w > b.w;
  }
  if (a.z != b.z) {
    return a.z > b.z;
  }
  if (a.y != b.y) {
    return a.y > b.y;
  }
  return a.x >= b.x;
}

fn u128_add(a: vec4<u32>, b: vec4<u32>) -> vec4<u32> {
  let x = a.x + b.x;
  let cx = select(0u, 1u, x < a.x);
  let y0 = a.y + b.y;
  let y = y0 + cx;
  let cy = select(0u, 1u, y0 < a.y) + select(0u, 1u, y < y0);
  let z0 = a.z + b.z;
  let z = z0 + cy;
  let cz = select(0u, 1u, z0 < a.z) + select(0u, 1u, z < z0);
  return vec4<u32>(x, y, z, a.w + b.w + cz);
}

fn u128_sub(a: vec4<u32>, b: vec4<u32>) -> vec4<u32> {
  let x = a.x - b.x;
  let bx = select(0u, 1u, a.x < b.x);
  let y0 = a.y - b.y;
  let y = y0 - bx;
  let by = select(0u, 1u, a.y < b.y) + select(0u, 1u, y0 < bx);
  let z0 = a.z - b.z;
  let z = z0 - by;
  let bz = select(0u, 1u, a.z < b.z) + select(0u, 1u, z0 < by);
  return vec4<u32>(x, y, z, a.w - b.w - bz);
}

// `width` ≤ 128 bits of the LSB-first bit stream at byte `off` from stream bit `bit`, as 128-bit limbs.
fn pvq_bits128(off: u32, bit: u32, width: u32) -> vec4<u32> {
  var v = vec4<u32>();
  for (var l = 0u; l < 4u; l++) {
    let w = min(32u, max(width, 32u * l) - 32u * l); // bits of limb l
    if (w > 0u) {
      v[l] = pvq_bits(off, bit + 32u * l, w);
    }
  }
  return v;
}

// a·b as (low, high) 32-bit halves, from 16-bit partial products (WGSL has no widening multiply).
fn pvq_mul_wide(a: u32, b: u32) -> vec2<u32> {
  let ll = (a & 0xffffu) * (b & 0xffffu);
  let lh = (a & 0xffffu) * (b >> 16u);
  let hl = (a >> 16u) * (b & 0xffffu);
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  return vec2<u32>((ll & 0xffffu) | (mid << 16u), (a >> 16u) * (b >> 16u) + (lh >> 16u) + (hl >> 16u) + (mid >> 16u));
}

// The low 64 bits of a·b for 64-bit (lo, hi) operands.
fn pvq_mul64(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  let p = pvq_mul_wide(a.x, b.x);
  return vec2<u32>(p.x, p.y + a.x * b.y + a.y * b.x);
}

// The randomized Hadamard rotation's sign s_j of block element j (hadamard.ts): −1 when the lowest bit of
// the j-th output of core's SplitMix64(seed) is 1. Output j mixes state seed + (j + 1)·γ, so every element
// finds its sign directly, without the j − 1 outputs before it. The multipliers are SplitMix64's own
// (Steele, Lea, Flood 2014; packages/core/src/prng.ts), not format constants. The lowest output bit is
// bit 0 ^ bit 31 of (z' · M2) with z' = z ^ (z >> 27): only the low 32 bits of that last product matter.
fn pvq_rht_sign(seed: u32, j: u32) -> f32 {
  let gamma = vec2<u32>(0x7f4a7c15u, 0x9e3779b9u);
  let m1 = vec2<u32>(0x1ce4e5b9u, 0xbf58476du);
  let m2_lo = 0x133111ebu;
  let step = pvq_mul64(vec2<u32>(j + 1u, 0u), gamma);
  let lo = seed + step.x;
  let state = vec2<u32>(lo, step.y + select(0u, 1u, lo < seed));
  let z = pvq_mul64(vec2<u32>(state.x ^ ((state.x >> 30u) | (state.y << 2u)), state.y ^ (state.y >> 30u)), m1);
  let z2 = (z.x ^ ((z.x >> 27u) | (z.y << 5u))) * m2_lo;
  return select(1.0, -1.0, ((z2 ^ (z2 >> 31u)) & 1u) == 1u);
}
