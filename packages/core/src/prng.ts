/**
 * splitmix64, exactly as used to generate the golden vectors (../shared/golden/README.md):
 * state += 0x9E3779B97F4A7C15, then the standard mix with 0xBF58476D1CE4E5B9 / 0x94D049BB133111EB and
 * shifts 30/27/31. Implemented on two uint32 halves (no BigInt in the hot loop); a test checks it against
 * a BigInt model.
 */

const GOLDEN_HI = 0x9e3779b9;
const GOLDEN_LO = 0x7f4a7c15;
const M1_HI = 0xbf58476d;
const M1_LO = 0x1ce4e5b9;
const M2_HI = 0x94d049bb;
const M2_LO = 0x133111eb;

/** Low 64 bits of (ah:al) * (bh:bl), returned through `out` as [hi, lo]. */
function mul64(ah: number, al: number, bh: number, bl: number, out: Uint32Array): void {
  // al*bl needs a full 64-bit product: split into 16-bit halves.
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const lo = ((mid & 0xffff) << 16) | (p00 & 0xffff);
  const hiFromLow = p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  const hi = (hiFromLow + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
  out[0] = hi;
  out[1] = lo >>> 0;
}

export class SplitMix64 {
  private hi: number;
  private lo: number;
  private readonly tmp = new Uint32Array(2);

  constructor(seed: number | bigint) {
    const s = BigInt.asUintN(64, BigInt(seed));
    this.hi = Number(s >> 32n) >>> 0;
    this.lo = Number(s & 0xffffffffn) >>> 0;
  }

  /** Next 64-bit output as [hi, lo] uint32 halves (the returned array is reused). */
  nextHalves(): Uint32Array {
    // state += golden gamma (64-bit add with carry)
    const lo = (this.lo + GOLDEN_LO) >>> 0;
    const carry = lo < this.lo ? 1 : 0;
    this.hi = (this.hi + GOLDEN_HI + carry) >>> 0;
    this.lo = lo;
    let zh = this.hi;
    let zl = this.lo;
    // z = (z ^ (z >> 30)) * M1
    zl = (zl ^ ((zl >>> 30) | (zh << 2))) >>> 0;
    zh = (zh ^ (zh >>> 30)) >>> 0;
    mul64(zh, zl, M1_HI, M1_LO, this.tmp);
    zh = this.tmp[0]!;
    zl = this.tmp[1]!;
    // z = (z ^ (z >> 27)) * M2
    zl = (zl ^ ((zl >>> 27) | (zh << 5))) >>> 0;
    zh = (zh ^ (zh >>> 27)) >>> 0;
    mul64(zh, zl, M2_HI, M2_LO, this.tmp);
    zh = this.tmp[0]!;
    zl = this.tmp[1]!;
    // z ^ (z >> 31)
    this.tmp[1] = (zl ^ ((zl >>> 31) | (zh << 1))) >>> 0;
    this.tmp[0] = (zh ^ (zh >>> 31)) >>> 0;
    return this.tmp;
  }

  nextBigInt(): bigint {
    const h = this.nextHalves();
    return (BigInt(h[0]!) << 32n) | BigInt(h[1]!);
  }

  /** Uniform in the open interval (0,1): ((x >> 11) + 0.5) * 2^-53, as the golden generator does. */
  uniform(): number {
    const h = this.nextHalves();
    const top53 = h[0]! * 2 ** 21 + (h[1]! >>> 11); // exact: < 2^53
    return (top53 + 0.5) * 2 ** -53;
  }

  /** Box–Muller, cosine branch only, two uniforms per normal (u1 then u2). */
  normal(): number {
    const u1 = this.uniform();
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Laplace(0, b) by inverse CDF on one uniform. */
  laplace(b = 1): number {
    const u = this.uniform() - 0.5;
    return -b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
  }

  /** Student-t with `nu` degrees of freedom: Z / sqrt(chi2_nu / nu) from nu+1 normals. */
  studentT(nu = 3): number {
    const z = this.normal();
    let chi2 = 0;
    for (let i = 0; i < nu; i++) {
      const g = this.normal();
      chi2 += g * g;
    }
    return z / Math.sqrt(chi2 / nu);
  }
}

export type Source =
  | { kind: 'gaussian'; sigma?: number }
  | { kind: 'laplace'; b?: number }
  | { kind: 'student_t'; nu?: number; scale?: number }
  | { kind: 'outlier_mixture'; sigma?: number; p?: number; factor?: number }
  | { kind: 'uniform'; lo?: number; hi?: number };

/** Fill a float32 array from a seeded source; values are computed in double, rounded to float32 at the end. */
export function generate(source: Source, n: number, seed: number | bigint): Float32Array {
  const rng = new SplitMix64(seed);
  const out = new Float32Array(n);
  switch (source.kind) {
    case 'gaussian': {
      const s = source.sigma ?? 1;
      for (let i = 0; i < n; i++) out[i] = rng.normal() * s;
      break;
    }
    case 'laplace': {
      const b = source.b ?? 1 / Math.SQRT2;
      for (let i = 0; i < n; i++) out[i] = rng.laplace(b);
      break;
    }
    case 'student_t': {
      const nu = source.nu ?? 3;
      const s = source.scale ?? 1;
      for (let i = 0; i < n; i++) out[i] = rng.studentT(nu) * s;
      break;
    }
    case 'outlier_mixture': {
      const s = source.sigma ?? 1;
      const p = source.p ?? 0.01;
      const f = source.factor ?? 50;
      for (let i = 0; i < n; i++) {
        const v = rng.normal() * s;
        out[i] = rng.uniform() < p ? v * f : v;
      }
      break;
    }
    case 'uniform': {
      const lo = source.lo ?? -1;
      const hi = source.hi ?? 1;
      for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rng.uniform();
      break;
    }
  }
  return out;
}
