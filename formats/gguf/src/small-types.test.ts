/**
 * ggml's NVFP4 (type 40), Q1_0 (41) and Q2_0 (42) beyond their golden folders: the shared codec properties,
 * dot = the exact dot of the decoded operands, ggml's own UE4M3 (half-up rounding, 448 clamp, 0x7F = 0,
 * bit 7 ignored), the sub-block nibble layout, Q1_0's sign rule (−0 positive) and Q2_0's code 3 (+2·d),
 * which the quantizer never writes but a decoder must honour. The live-library differential that pinned
 * these against libggml-base is described in each spec's provenance.
 */
import { f32ToBits, generate, loadFormat } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { GGML_TYPES } from './reference/index.ts';
import { fp32ToUe4m3, ue4m3ToFp32Half } from './reference/nvfp4.ts';
import { PROPERTY_N, propertyRow } from './test-support.ts';

describe.each(['nvfp4', 'q1_0', 'q2_0'])('%s reference codec', (id) => {
  it('dot equals the dot of the decoded row with the decoded q8_0 activation', async () => {
    const f = await loadFormat(id);
    const partner = await loadFormat(GGML_TYPES[id]!.vecDotType!);
    const x = propertyRow();
    const y = generate({ kind: 'gaussian' }, PROPERTY_N, 4242);
    const q = f.reference.encode(x);
    const xd = f.reference.decode(q, PROPERTY_N);
    const yd = partner.reference.decode(partner.reference.encode(y), PROPERTY_N);
    let exact = 0;
    for (let i = 0; i < PROPERTY_N; i++) exact += xd[i]! * yd[i]!;
    const tol = f.spec.tolerance.dot!;
    expect(Math.abs(f.reference.dot!(q, y) - exact)).toBeLessThanOrEqual(
      tol.absolute! + tol.relative! * Math.abs(exact),
    );
  });

  it('has the block size and bytes of ggml’s type table', async () => {
    const f = await loadFormat(id);
    const expected = { nvfp4: [40, 64, 36, 4.5], q1_0: [41, 128, 18, 1.125], q2_0: [42, 64, 18, 2.25] }[id]!;
    expect([f.spec.params?.['ggmlTypeId'], f.blockElements, f.blockBytes, f.bitsPerWeight]).toEqual(expected);
  });
});

describe('ggml UE4M3 (nvfp4 sub-block scales)', () => {
  it('decodes halved, with 0 and 0x7F as zero and bit 7 otherwise ignored', () => {
    expect(ue4m3ToFp32Half(0x00)).toBe(0);
    expect(ue4m3ToFp32Half(0x7f)).toBe(0);
    expect(ue4m3ToFp32Half(0x38)).toBe(0.5); // exponent 7, mantissa 0: 1.0, halved
    expect(ue4m3ToFp32Half(0x7e)).toBe(224); // 448 halved
    expect(ue4m3ToFp32Half(0x01)).toBe(2 ** -10); // smallest subnormal 2^-9, halved
    expect(ue4m3ToFp32Half(0xb8)).toBe(0.5); // bit 7 ignored
    expect(ue4m3ToFp32Half(0x80)).toBe(0);
    expect(ue4m3ToFp32Half(0xff)).toBe(240); // not 0x7F, so not zero: 1.875·2^8, halved
  });

  it('encodes with half-up mantissa rounding, a 448 clamp and rounded subnormals', () => {
    expect(fp32ToUe4m3(1)).toBe(0x38);
    expect(fp32ToUe4m3(1.0625)).toBe(0x39); // exactly half an ulp (1/16): half up, where even would keep 0x38
    expect(fp32ToUe4m3(Math.fround(1.0625 - 2 ** -20))).toBe(0x38);
    expect(fp32ToUe4m3(1.9375)).toBe(0x40); // mantissa carry into the exponent: 2.0
    expect(fp32ToUe4m3(448)).toBe(0x7e);
    expect(fp32ToUe4m3(1e30)).toBe(0x7e);
    expect(fp32ToUe4m3(Number.POSITIVE_INFINITY)).toBe(0x7e);
    expect(fp32ToUe4m3(Number.NaN)).toBe(0);
    expect(fp32ToUe4m3(-1)).toBe(0);
    expect(fp32ToUe4m3(2 ** -9)).toBe(1); // subnormal: (int)(x·512 + 0.5)
    expect(fp32ToUe4m3(2 ** -10)).toBe(1); // 0.5 + 0.5 = 1
    expect(fp32ToUe4m3(Math.fround(2 ** -10 - 2 ** -30))).toBe(0);
    expect(fp32ToUe4m3(Math.fround(2 ** -6 - 2 ** -20))).toBe(7); // 7.99… + 0.5 truncates to 8, clamped to 7
  });
});

describe('nvfp4 layout', () => {
  it('puts elements 16s + j and 16s + 8 + j in one byte, ties toward zero', async () => {
    const f = await loadFormat('nvfp4');
    const x = new Float32Array(64);
    x[0] = 6; // sub-block 0: amax 6 → scale 1.0 (0x38)
    x[8] = -3;
    x[1] = 0.75; // tie between 0.5 and 1: the lower index (0.5) wins
    x[16 + 3] = 12; // sub-block 1: amax 12 → scale 2.0 (0x40)
    x[16 + 11] = 5; // 2.5 in E2M1 units: a tie between 2 and 3 keeps 2 → 4
    const q = f.reference.encode(x);
    expect(Array.from(q.subarray(0, 4))).toEqual([0x38, 0x40, 0x00, 0x00]);
    expect(q[4]).toBe(0x07 | (0x0d << 4)); // +6 (code 7) low, −3 (code 8 + 5) high
    expect(q[5]).toBe(0x01); // 0.5
    expect(q[12 + 3]).toBe(0x07 | (0x04 << 4)); // 12 = 6·2 (code 7); 5 = 2.5·2 keeps 2 (code 4)
    const y = f.reference.decode(q, 64);
    expect([y[0], y[8], y[1], y[19], y[27]]).toEqual([6, -3, 0.5, 12, 4]);
  });
});

describe('q1_0 and q2_0 specifics', () => {
  it('q1_0: sign bits LSB first (−0 counts as positive), d = mean|x|', async () => {
    const f = await loadFormat('q1_0');
    const x = new Float32Array(128).fill(-2);
    x[0] = 2;
    x[9] = -0;
    const q = f.reference.encode(x);
    expect(q[0]! | (q[1]! << 8)).toBe(0x3ff0); // fp16 (126·2 + 2 + 0)/128 = 1.984375
    expect([q[2], q[3]]).toEqual([0x01, 0x02]);
    const y = f.reference.decode(q, 128);
    expect([y[0], y[1], y[9]]).toEqual([1.984375, -1.984375, 1.984375]);
  });

  it('q2_0: codes {−1, 0, +1} from roundf(x/d), and code 3 decodes to +2·d', async () => {
    const f = await loadFormat('q2_0');
    const x = new Float32Array(64);
    x[0] = -4;
    x[1] = 2; // 0.5: half away from zero → +1
    x[2] = -1.9; // −0.475 → 0
    x[5] = 4;
    const q = f.reference.encode(x);
    expect(q[0]! | (q[1]! << 8)).toBe(0x4400); // fp16 4.0
    expect(q[2]).toBe(0b01_01_10_00); // elements 0..3: codes 0, 2, 1, 1
    expect(q[3]! & 0b1100).toBe(0b1000); // element 5: code 2
    q[2] = 0xff; // elements 0..3 all code 3
    const y = f.reference.decode(q, 64);
    expect(Array.from(y.subarray(0, 4))).toEqual([8, 8, 8, 8]);
    expect(f32ToBits(f.reference.decode(f.reference.encode(new Float32Array(64)), 64)[0]!)).toBe(0);
  });
});
