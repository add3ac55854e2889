// iFairy phase codes shared by the family's element includes: complex weight t of a block has a 2-bit
// code k per stage, decoding to s_re·Re(i^k) + i·s_im·Im(i^k) (k = 0: +s_re, 1: +i·s_im, 2: −s_re,
// 3: −i·s_im; the other part 0). Element e of a block is the real (e even) or imaginary (e odd) part of
// complex weight e/2; the per-tensor scales sit before the first block at the generated *_HEADER_OFFSETs.

// The part of stage code k that element e takes: ±s_re on the real lane, ±s_im on the imaginary one, else 0.
fn ifairy_part(k: u32, e: u32, s_re: f32, s_im: f32) -> f32 {
  let real = (e & 1u) == 0u;
  let s = select(s_im, s_re, real);
  // the codes that land on this lane: 0 (+) and 2 (−) on the real lane, 1 (+) and 3 (−) on the imaginary
  let on_lane = (k & 1u) == select(1u, 0u, real);
  return select(0.0, select(s, -s, k >= 2u), on_lane);
}

// The 2-bit code of element e's complex weight in code byte c.
fn ifairy_code(c: u32, e: u32) -> u32 {
  return (c >> (2u * (e / 2u))) & 3u;
}

// fl(+0 + v): the reference sums stages into a +0-initialised array, so a lone −0 (−s with s = 0) becomes
// +0. Written as a select, since a compiler may fold 0 + v into v.
fn ifairy_plus_zero(v: f32) -> f32 {
  return select(v, 0.0, v == 0.0);
}
