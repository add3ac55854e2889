/**
 * Exhaustive checks of the generic element codec for every ≤ 8-bit spec: each code against an
 * independently written bit-string formula, every midpoint between neighbours (ties to even), ±1 ulp
 * around it, saturation, NaN/Inf/−0 and subnormals.
 */
import { bitsToF32, f32ToBits, isQbenchError, loadFormat, type ResolvedSpec } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { ElementFormat, type MinifloatParams } from './element.ts';
import { SPECS } from './generated/specs.ts';
import family from './index.ts';

const ELEMENT_IDS = ['e4m3fn', 'e4m3fnuz', 'e5m2', 'e5m2fnuz', 'e2m3', 'e3m2', 'e2m1', 'e8m0'] as const;
const specOf = (id: string) => (SPECS as Record<string, ResolvedSpec>)[id]!;
const fmtOf = (id: string) => new ElementFormat(specOf(id).params as Partial<MinifloatParams>);

/**
 * Independent decode: read the code as a bit string and apply the ONNX/OCP definitions written out per
 * format family (not the codec's field arithmetic).
 */
function independentValue(id: string, code: number): number {
  const p = specOf(id).params as unknown as MinifloatParams;
  const width = p.ebits + p.mbits + (p.signed ? 1 : 0);
  const s = code.toString(2).padStart(width, '0');
  const sign = p.signed && s[0] === '1' ? -1 : 1;
  const body = p.signed ? s.slice(1) : s;
  const eStr = body.slice(0, p.ebits);
  const mStr = body.slice(p.ebits);
  const E = Number.parseInt(eStr, 2);
  const M = mStr.length ? Number.parseInt(mStr, 2) : 0;
  const allOnes = (t: string) => t.length > 0 && /^1+$/.test(t);
  switch (id) {
    case 'e4m3fn': // OFP8 E4M3: S.1111.111 is NaN; no Inf
      if (allOnes(eStr) && allOnes(mStr)) return Number.NaN;
      break;
    case 'e5m2': // IEEE-like: exponent 11111 → Inf (M = 0) or NaN
      if (allOnes(eStr)) return M === 0 ? sign * Infinity : Number.NaN;
      break;
    case 'e4m3fnuz':
    case 'e5m2fnuz': // only 1.0000000 is NaN
      if (s === `1${'0'.repeat(width - 1)}`) return Number.NaN;
      break;
    case 'e8m0':
      return code === 0xff ? Number.NaN : 2 ** (code - 127);
  }
  const frac = M / 2 ** p.mbits;
  return E === 0 ? sign * 2 ** (1 - p.bias) * frac : sign * 2 ** (E - p.bias) * (1 + frac);
}

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe('every code of every ≤8-bit minifloat', () => {
  for (const id of ELEMENT_IDS) {
    it(`${id}: decode equals the independent formula for all codes, and re-encodes to itself`, () => {
      const f = fmtOf(id);
      expect(f.table.length).toBe(2 ** f.bits);
      for (let c = 0; c < f.table.length; c++) {
        const want = Math.fround(independentValue(id, c));
        expect(same(f.decode(c), want), `${id} code 0x${c.toString(16)}: ${f.decode(c)} vs ${want}`).toBe(
          true,
        );
        if (!Number.isNaN(want)) {
          const back = f.encode(want, Number.isFinite(want) ? f.params.overflow : 'infinity');
          expect(back, `${id} code 0x${c.toString(16)} (${want}) re-encodes`).toBe(c);
        }
      }
    });
  }

  it("the spec's rounding.mode states the codec's rounding param", () => {
    for (const id of ELEMENT_IDS) expect(specOf(id).rounding.mode, id).toBe(specOf(id).params!['rounding']);
  });

  it('anchor values from the OCP/ONNX tables', () => {
    expect(fmtOf('e4m3fn').maxValue).toBe(448);
    expect(fmtOf('e4m3fn').decode(0x7e)).toBe(448);
    expect(fmtOf('e4m3fn').decode(0x01)).toBe(2 ** -9);
    expect(fmtOf('e4m3fnuz').maxValue).toBe(240);
    expect(fmtOf('e4m3fnuz').decode(0x01)).toBe(2 ** -10);
    expect(fmtOf('e5m2').decode(0x7b)).toBe(57344);
    expect(fmtOf('e5m2').decode(0x7c)).toBe(Infinity);
    expect(fmtOf('e5m2').decode(0xfc)).toBe(-Infinity);
    expect(fmtOf('e5m2fnuz').maxValue).toBe(57344);
    expect(fmtOf('e5m2fnuz').decode(0x01)).toBe(2 ** -17);
    expect(fmtOf('e2m3').maxValue).toBe(7.5);
    expect(fmtOf('e3m2').maxValue).toBe(28);
    expect(Array.from(fmtOf('e2m1').table.subarray(0, 8))).toEqual([0, 0.5, 1, 1.5, 2, 3, 4, 6]);
    expect(fmtOf('e8m0').decode(0)).toBe(2 ** -127);
    expect(f32ToBits(fmtOf('e8m0').decode(0))).toBe(0x00400000);
    expect(fmtOf('e8m0').decode(0xfe)).toBe(2 ** 127);
    // OCP emax_elem
    expect(['e4m3fn', 'e5m2', 'e2m3', 'e3m2', 'e2m1'].map((id) => fmtOf(id).emax)).toEqual([8, 15, 2, 4, 2]);
  });
});

describe('rounding: every midpoint between neighbouring codes', () => {
  for (const id of ELEMENT_IDS.filter((i) => i !== 'e8m0')) {
    it(`${id}: midpoints tie to the even code, ±1 float32 ulp goes to the nearer code`, () => {
      const f = fmtOf(id);
      // Non-negative finite codes in value order (codes are monotone in magnitude).
      const codes = [...Array(f.maxMagnitudeCode + 1).keys()];
      let checked = 0;
      for (let i = 0; i + 1 < codes.length; i++) {
        const lo = codes[i]!;
        const hi = codes[i + 1]!;
        const a = f.decode(lo);
        const b = f.decode(hi);
        const mid = (a + b) / 2;
        expect(Math.fround(mid)).toBe(mid); // the midpoint is a float32: one more mantissa bit
        const even = (lo & 1) === 0 ? lo : hi;
        for (const sgn of [1, -1]) {
          const sbit = sgn < 0 ? f.signBit : 0;
          const zero = (c: number) => (c === 0 && sgn < 0 && f.params.nan === 'negative-zero' ? 0 : c | sbit);
          expect(f.encode(sgn * mid), `${id} tie ${sgn * mid}`).toBe(zero(even));
          const below = bitsToF32(f32ToBits(mid) - 1);
          const above = bitsToF32(f32ToBits(mid) + 1);
          expect(f.encode(sgn * below)).toBe(zero(lo));
          expect(f.encode(sgn * above)).toBe(zero(hi));
        }
        checked++;
      }
      expect(checked).toBe(f.maxMagnitudeCode);
    });
  }

  it('beyond the max: saturate, or Inf/NaN when the overflow mode asks', () => {
    const e4 = fmtOf('e4m3fn');
    expect(e4.encode(464)).toBe(0x7e); // tie between 448 and the (NaN) 480 slot → even → 448
    expect(e4.encode(479.99)).toBe(0x7e);
    expect(e4.encode(1e30)).toBe(0x7e);
    expect(e4.encode(-1e30)).toBe(0xfe);
    expect(e4.encode(480, 'nan')).toBe(0x7f);
    expect(e4.encode(464, 'nan')).toBe(0x7e);
    expect(e4.encode(-500, 'nan')).toBe(0xff);
    const e5 = fmtOf('e5m2');
    expect(e5.encode(61439, 'infinity')).toBe(0x7b);
    expect(e5.encode(61440, 'infinity')).toBe(0x7c); // tie 57344|65536 → even → 2^16 = Inf
    expect(e5.encode(-Infinity, 'infinity')).toBe(0xfc);
    expect(e5.encode(Infinity)).toBe(0x7b); // spec saturates, as ONNX Cast saturate=1
    const uz = fmtOf('e4m3fnuz');
    expect(uz.encode(248, 'nan')).toBe(0x80); // tie → 256 → overflow → the single NaN
    expect(uz.encode(-248, 'nan')).toBe(0x80);
    expect(uz.encode(-248)).toBe(0xff);
    expect(fmtOf('e2m1').encode(7)).toBe(0x7);
    expect(fmtOf('e2m1').encode(-100)).toBe(0xf);
  });
});

describe('special values', () => {
  const nanBits = [0x7fc00000, 0xffc00000, 0x7f800001, 0xff812345];
  it('NaN inputs: the NaN code, or +max where the format has none (ONNX float4.md)', () => {
    const want: Record<string, number> = {
      e4m3fn: 0x7f,
      e4m3fnuz: 0x80,
      e5m2: 0x7f,
      e5m2fnuz: 0x80,
      e2m3: 0x1f,
      e3m2: 0x1f,
      e2m1: 0x7,
      e8m0: 0xff,
    };
    for (const id of ELEMENT_IDS) {
      for (const b of nanBits)
        expect(fmtOf(id).encode(bitsToF32(b)), `${id} 0x${b.toString(16)}`).toBe(want[id]);
    }
  });
  it('±Inf saturate in the spec modes', () => {
    for (const id of ELEMENT_IDS.filter((i) => i !== 'e8m0')) {
      const f = fmtOf(id);
      expect(f.encode(Infinity)).toBe(f.maxMagnitudeCode);
      expect(f.encode(-Infinity)).toBe(f.signBit | f.maxMagnitudeCode);
    }
    expect(fmtOf('e8m0').encode(Infinity)).toBe(0xfe);
  });
  it('−0 is kept where it exists and becomes +0 in FNUZ; tiny negatives round to the signed zero', () => {
    expect(fmtOf('e4m3fn').encode(-0)).toBe(0x80);
    expect(fmtOf('e5m2').encode(-1e-30)).toBe(0x80);
    expect(fmtOf('e2m1').encode(-0.25)).toBe(0x8); // tie 0|0.5 → even → −0
    expect(fmtOf('e4m3fnuz').encode(-0)).toBe(0x00);
    expect(fmtOf('e5m2fnuz').encode(-1e-30)).toBe(0x00);
  });
  it('subnormals: half the smallest subnormal ties to zero, anything above goes up', () => {
    for (const id of ['e4m3fn', 'e4m3fnuz', 'e5m2', 'e5m2fnuz', 'e2m3', 'e3m2', 'e2m1']) {
      const f = fmtOf(id);
      const half = f.minPositive / 2;
      expect(f.encode(half)).toBe(0);
      expect(f.encode(bitsToF32(f32ToBits(half) + 1))).toBe(1);
      expect(f.encode(2 ** -149)).toBe(0); // float32 subnormal input
    }
  });
  it('E8M0: no zero or sign; rounding modes as ONNX Cast-24 round_mode', () => {
    const f = fmtOf('e8m0');
    expect(f.encode(0)).toBe(0);
    expect(f.encode(-5)).toBe(0);
    expect(f.encode(-5, 'nan')).toBe(0xff); // saturate=0
    expect(f.encode(0, 'nan')).toBe(0xff);
    expect(f.encode(Infinity, 'nan')).toBe(0xff);
    expect(f.encode(3)).toBe(128); // down: 2
    expect(f.encode(1.0625, 'saturate', 'away-from-zero')).toBe(128); // up: 2
    expect(f.encode(0.75, 'saturate', 'away-from-zero')).toBe(127);
    expect(f.encode(1.5, 'saturate', 'nearest-away')).toBe(128); // linear nearest, ties up
    expect(f.encode(2.5, 'saturate', 'nearest-away')).toBe(128);
    expect(f.encode(6.5, 'saturate', 'nearest-away')).toBe(130);
    expect(f.encode(2 ** -140)).toBe(0); // below 2^−127 clamps to the smallest code
    expect(f.encode(3.4028234663852886e38)).toBe(254);
  });
});

describe('dynamic eXmY ids', () => {
  it('e3m4: finite-only defaults, bias 3, max 31, 8-bit layout', () => {
    const s = family.parseDynamicId!('e3m4')!;
    expect(s.params).toMatchObject({
      ebits: 3,
      mbits: 4,
      bias: 3,
      nan: 'none',
      infinity: false,
      overflow: 'saturate',
    });
    const f = new ElementFormat(s.params as Partial<MinifloatParams>);
    expect(f.maxValue).toBe(31);
    expect(f.minPositive).toBe(2 ** -6);
    expect(s.layout).toMatchObject({ blockElements: 1, blockBytes: 1 });
    expect(s.derived.bitsPerWeight).toBe(8);
  });
  it('e4m3 (no fn) is the finite-only variant: max 480, code 0x7F is a number', () => {
    const f = new ElementFormat(family.parseDynamicId!('e4m3')!.params as Partial<MinifloatParams>);
    expect(f.maxValue).toBe(480);
    expect(f.decode(0x7f)).toBe(480);
  });
  it('odd widths pack: e2m2 (5 bits) is 8 elements in 5 bytes; e5m10 (16 bits) is fp16-shaped', () => {
    expect(family.parseDynamicId!('e2m2')!.layout).toMatchObject({ blockElements: 8, blockBytes: 5 });
    const h = new ElementFormat(family.parseDynamicId!('e5m10')!.params as Partial<MinifloatParams>);
    expect(h.decode(0x3c00)).toBe(1);
    expect(h.maxValue).toBe(2 ** 16 * (2 - 2 ** -10)); // 0x7FFF is finite here (no Inf/NaN codes)
  });
  it('spec ids and malformed ids are not dynamic', () => {
    for (const id of ['e5m2', 'e2m1', 'e9m1', 'e0m3', 'e8m8', 'e3m04', 'E3M4', 'e3m4fn']) {
      expect(family.parseDynamicId!(id), id).toBeUndefined();
    }
  });
  it('resolves through the registry and round-trips', async () => {
    const f = await loadFormat('e3m4');
    const x = new Float32Array([0, -0, 1, 1.03125, 31, 32, -1e9, 2 ** -7]);
    const y = f.reference.decode(f.reference.encode(x), x.length);
    expect(Array.from(y)).toEqual([0, -0, 1, 1, 31, 31, -31, 0]);
  });
});

describe('bad params', () => {
  const base: MinifloatParams = {
    ebits: 4,
    mbits: 3,
    bias: 7,
    signed: true,
    subnormals: true,
    nan: 'all-ones',
    infinity: false,
    overflow: 'saturate',
    rounding: 'nearest-even',
  };
  it('names the offending field', () => {
    const bad: [Partial<MinifloatParams>, RegExp][] = [
      [{ ebits: 9 }, /ebits must be an integer in 1\.\.8, got 9/],
      [{ mbits: -1 }, /mbits/],
      [{ infinity: true }, /infinity must be false unless nan is 'ieee'/],
      [{ nan: 'sometimes' as MinifloatParams['nan'] }, /nan must be/],
      [{ ebits: 8, mbits: 8 }, /at most 16 bits, got 17/],
    ];
    for (const [patch, re] of bad) {
      try {
        new ElementFormat({ ...base, ...patch });
        expect.unreachable();
      } catch (e) {
        expect(isQbenchError(e)).toBe(true);
        expect((e as Error).message).toMatch(re);
      }
    }
  });
});
