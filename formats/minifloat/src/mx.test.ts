/** OCP MX block formats and NVFP4: hand-worked blocks, exhaustive element codes, special blocks, anchors. */
import { generate, qbenchErrorOf, type ReferenceCodec, type ResolvedSpec, sqnrDb } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { ElementFormat, type MinifloatParams } from './element.ts';
import { SPECS } from './generated/specs.ts';
import family from './index.ts';
import { unpackCodes } from './packing.ts';

const spec = (id: string) => (SPECS as Record<string, ResolvedSpec>)[id]!;
const codec = (id: string): ReferenceCodec => family.codec(spec(id));
const rt = (id: string, x: Float32Array) => codec(id).decode(codec(id).encode(x), x.length);
const block = (...head: number[]) => {
  const b = new Float32Array(32);
  b.set(head);
  return b;
};

const throwsQ = (f: () => unknown, re: RegExp): void => void expect(qbenchErrorOf(f).message).toMatch(re);

/** Every OCP MX spec with minifloat elements, [id, element spec id], from the specs (a new one is covered). */
const MX_FP: [string, string][] = Object.values(SPECS as Record<string, ResolvedSpec>)
  .filter(
    (s) =>
      s.params?.['scale'] === 'e8m0' &&
      typeof spec(String(s.params['element']))?.params?.['ebits'] === 'number',
  )
  .map((s) => [s.id, String(s.params!['element'])]);

describe('MX: hand-worked blocks', () => {
  it('MXFP4 [7.9999995, 1, 0.75]: exponent from the float bits → X = 1 → [6, 1, 1] (microxcaling Python gives [8, 1, 1])', () => {
    const x = block(7.9999995, 1, 0.75);
    expect(Math.fround(7.9999995)).toBe(8 - 2 ** -21);
    const q = codec('mxfp4_e2m1').encode(x);
    expect(q.length).toBe(17);
    expect(q[0]).toBe(127); // X = 2^0
    expect(q[1]).toBe(0x27); // element 0 = 0x7 (6) low nibble, element 1 = 0x2 (1) high nibble
    expect(q[2]).toBe(0x02); // element 2: 0.75 ties between 0.5 (0x1) and 1 (0x2) → even mantissa → 0x2
    expect(Array.from(codec('mxfp4_e2m1').decode(q, 32).subarray(0, 3))).toEqual([6, 1, 1]);
  });

  it('MXFP8 E4M3: amax 1000 → floor(log2) 9 → shared 9 − 8 = 1 → X = 2; 1000/2 = 500 saturates to 448', () => {
    const q = codec('mxfp8_e4m3').encode(block(1000, -3, 0.01));
    expect(q[0]).toBe(128);
    // 448 = 0.1111.110; −1.5 = 1.0111.100; 0.005 = 2.56·2^−9 → subnormal mantissa 3 (0.0000.011)
    expect(Array.from(q.subarray(1, 4))).toEqual([0x7e, 0xbc, 0x03]);
    expect(Array.from(codec('mxfp8_e4m3').decode(q, 32).subarray(0, 3))).toEqual([896, -3, 3 * 2 ** -9 * 2]);
  });

  it('MXFP6 E3M2: four codes per three bytes, LSB first', () => {
    const q = codec('mxfp6_e3m2').encode(block(28, 1, -1, 0.0625));
    expect(q[0]).toBe(127); // floor(log2 28) = 4 = emax → X = 1
    // codes 0x1F (28), 0x0C (1 = 0.011.00), 0x2C (−1), 0x01 (0.0625) → stream 011111 001100 001101 100000
    expect(Array.from(unpackCodes(q, 6, 4, 1))).toEqual([0x1f, 0x0c, 0x2c, 0x01]);
    expect(Array.from(q.subarray(1, 4))).toEqual([0x1f, 0xc3, 0x06]);
  });

  it('MXINT8: k = round(V/X·64) ties to even, clamped to ±127; −2.0 (0x80) decodes but is never produced', () => {
    const q = codec('mxint8').encode(block(1.5, -1.9921875, 0.0078125, 0.0234375));
    expect(q[0]).toBe(127);
    // 1.5·64 = 96; −127.5 → −128 → clamp −127; 0.5 → 0; 1.5 → 2
    expect(Array.from(q.subarray(1, 5))).toEqual([96, 0x81, 0, 2]);
    q[5] = 0x80;
    expect(codec('mxint8').decode(q, 32)[4]).toBe(-2);
    const g = generate({ kind: 'gaussian' }, 32 * 4096, 3);
    const qq = codec('mxint8').encode(g);
    let minus128 = 0;
    for (let b = 0; b < 4096; b++) for (let i = 1; i <= 32; i++) if (qq[b * 33 + i] === 0x80) minus128++;
    expect(minus128).toBe(0);
  });

  it('layout: bits/weight and the ggml mxfp4 distinction', () => {
    expect(MX_FP.map(([id]) => id).sort()).toEqual(
      expect.arrayContaining(['mxfp4_e2m1', 'mxfp6_e2m3', 'mxfp6_e3m2', 'mxfp8_e4m3', 'mxfp8_e5m2']),
    );
    // 32 elements and one 8-bit scale: element bits + 8/32
    for (const [id, elem] of MX_FP) {
      const p = spec(elem).params as Partial<MinifloatParams>;
      expect(spec(id).derived.bitsPerWeight, id).toBe(1 + p.ebits! + p.mbits! + 8 / 32);
    }
    expect(spec('mxint8').derived.bitsPerWeight).toBe(8.25);
    expect(spec('nvfp4_torchao').derived).toMatchObject({ bitsPerWeight: 4.5, tensorOverheadBits: 32 });
    expect((SPECS as Record<string, unknown>)['mxfp4']).toBeUndefined();
    // RNE, not ggml's ties-toward-zero: 1.75 → 2 and 3.5 → 4 (ggml: 1.5 and 3).
    expect(Array.from(rt('mxfp4_e2m1', block(6, 1.75, 3.5)).subarray(0, 3))).toEqual([6, 2, 4]);
  });
});

describe('MX: exhaustive element codes at X = 1', () => {
  for (const [id, elem] of MX_FP) {
    it(`${id}: every finite ${elem} code decodes to its value and re-encodes to the same bytes`, () => {
      const f = new ElementFormat(spec(elem).params as Partial<MinifloatParams>);
      const finite = [...Array(f.table.length).keys()].filter((c) => Number.isFinite(f.table[c]!));
      const c = codec(id);
      let blocks = 0;
      for (let start = 0; start < finite.length; start += 31) {
        // Element 0 is the max code so the block exponent is emax and X = 1.
        const x = block(f.maxValue, ...finite.slice(start, start + 31).map((k) => f.table[k]!));
        const q = c.encode(x);
        expect(q[0]).toBe(127);
        const y = c.decode(q, 32);
        for (let i = 0; i < 32; i++) expect(Object.is(y[i], x[i])).toBe(true);
        const codes = unpackCodes(q, f.bits, 32, 1);
        expect(Array.from(codes.subarray(1, 1 + Math.min(31, finite.length - start)))).toEqual(
          finite.slice(start, start + 31),
        );
        blocks++;
      }
      expect(blocks).toBe(Math.ceil(finite.length / 31));
    });
  }
});

describe('MX: special blocks', () => {
  for (const [id] of [...MX_FP, ['mxint8']]) {
    it(`${id!}: zeros, subnormal and huge blocks, NaN/Inf`, () => {
      const c = codec(id!);
      const z = block(0, -0);
      const qz = c.encode(z);
      expect(qz[0]).toBe(0);
      const yz = c.decode(qz, 32);
      expect(yz.every((v) => v === 0)).toBe(true);
      if (id !== 'mxint8') expect(Object.is(yz[1], -0)).toBe(true);
      // Tiny block: X clamps at 2^−127; a 1.5·2^−126 element survives exactly where the element has 3+ bits.
      const t = c.decode(c.encode(block(1.5 * 2 ** -126, 2 ** -149)), 32);
      expect(t[0]).toBe(1.5 * 2 ** -126);
      expect(t[1]).toBe(0);
      // Huge block: FLT_MAX stays finite and lands on the element max times X.
      const h = c.decode(c.encode(block(3.4028234663852886e38, -1e38)), 32);
      expect(Number.isFinite(h[0]!)).toBe(true);
      expect(h[0]! / 3.4028234663852886e38).toBeGreaterThan(0.74);
      for (const bad of [Number.NaN, Infinity, -Infinity]) {
        const x = new Float32Array(64);
        x[40] = bad;
        x[0] = 1;
        throwsQ(() => c.encode(x), /element 40 \(block 1\)/);
        const q = c.encode(x, { nonFinite: 'propagate' });
        expect(q[q.length / 2]).toBe(0xff);
        const y = c.decode(q, 64);
        expect(y[0]).toBe(1);
        expect(y.subarray(32).every(Number.isNaN)).toBe(true);
      }
    });
  }
  it('rejects partial blocks and wrong byte counts', () => {
    throwsQ(
      () => codec('mxfp8_e4m3').encode(new Float32Array(33)),
      /length 33 is not a multiple of the block size 32/,
    );
    throwsQ(() => codec('mxfp4_e2m1').decode(new Uint8Array(16), 32), /32 elements need 17 bytes, got 16/);
  });
});

describe('NVFP4 (torchao two-level recipe)', () => {
  it('worked example: amax 2688 → t = 1; block max 12 → s = 2; 5 → 2.5 ties to 2 → 4', () => {
    const x = new Float32Array(32);
    x.set([2688], 0);
    x.set([12, 5, -0.3], 16);
    const c = codec('nvfp4_torchao');
    const q = c.encode(x);
    expect(q.length).toBe(4 + 2 * 9);
    expect(new DataView(q.buffer).getFloat32(0, true)).toBe(1);
    expect(q[4]).toBe(0x7e); // block 0: 2688/6 = 448 → E4M3 0x7E
    expect(q[13]).toBe(0x40); // block 1: s = 2
    const y = c.decode(q, 32);
    expect(y[0]).toBe(2688);
    expect(Array.from(y.subarray(16, 19))).toEqual([12, 4, -0]); // −0.15 → −0
  });

  it('every step is one float32 op: t = fl(amax/2688), s = E4M3(clamp(fl(fl(bmax/6)/t), 2^−6, 448))', () => {
    const x = generate({ kind: 'student_t', nu: 3 }, 16 * 256, 9);
    const q = codec('nvfp4_torchao').encode(x);
    let amax = 0;
    for (const v of x) amax = Math.max(amax, Math.abs(v));
    const t = Math.fround(amax / 2688);
    expect(new DataView(q.buffer).getFloat32(0, true)).toBe(t);
    const e4 = new ElementFormat(spec('e4m3fn').params as Partial<MinifloatParams>);
    for (let b = 0; b < 256; b++) {
      let bmax = 0;
      for (let i = 0; i < 16; i++) bmax = Math.max(bmax, Math.abs(x[b * 16 + i]!));
      const r = Math.fround(Math.fround(bmax / 6) / t);
      expect(q[4 + b * 9]).toBe(e4.encode(Math.min(448, Math.max(2 ** -6, r))));
    }
  });

  it('tiny blocks clamp to s = 2^−6; an all-zero tensor decodes to zeros (torchao would give NaN)', () => {
    const x = new Float32Array(32);
    x[0] = 2688;
    x[16] = 1e-6;
    const q = codec('nvfp4_torchao').encode(x);
    expect(q[13]).toBe(0x08); // 2^−6
    expect(codec('nvfp4_torchao').decode(q, 32)[16]).toBe(0); // 1e-6/2^−6 ≪ 0.25 → 0
    const z = codec('nvfp4_torchao').encode(new Float32Array(32));
    expect(new DataView(z.buffer).getFloat32(0, true)).toBe(0);
    expect(
      codec('nvfp4_torchao')
        .decode(z, 32)
        .every((v) => v === 0),
    ).toBe(true);
  });

  it('NaN/Inf with propagate follow the float32 pipeline to NaN everywhere', () => {
    for (const bad of [Number.NaN, Infinity]) {
      const x = generate({ kind: 'gaussian' }, 32, 1);
      x[3] = bad;
      throwsQ(() => codec('nvfp4_torchao').encode(x), /element 3 \(block 0\)/);
      const y = codec('nvfp4_torchao').decode(
        codec('nvfp4_torchao').encode(x, { nonFinite: 'propagate' }),
        32,
      );
      expect(y.every(Number.isNaN)).toBe(true);
    }
  });
});

describe('anchors: SQNR on N(0,1), 2^20 seeded samples (independent implementation, ±0.3 dB)', () => {
  const x = generate({ kind: 'gaussian' }, 1 << 20, 12345);
  const anchors: [string, number][] = [
    ['mxfp4_e2m1', 18.8],
    ['mxfp6_e2m3', 31.0],
    ['mxfp8_e4m3', 30.7],
    ['mxint8', 41.7],
    ['nvfp4_torchao', 20.4],
    ['mxfp6_e3m2', 25.36],
    ['mxfp8_e5m2', 25.36],
  ];
  for (const [id, want] of anchors) {
    it(`${id} ≈ ${want} dB and within the spec's roundTrip.maxNmse`, () => {
      // Measured: 18.793, 30.937, 30.634, 41.672, 20.444, 25.361, 25.361 dB.
      const got = sqnrDb(x, rt(id, x));
      expect(Math.abs(got - want), `${id}: ${got} dB`).toBeLessThan(0.3);
      expect(10 ** (-got / 10)).toBeLessThan(spec(id).tolerance.roundTrip!.maxNmse);
    });
  }
});
