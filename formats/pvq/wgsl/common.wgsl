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
