import { FORMAT_SPECS, generate, isQbenchError, loadFormat } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { deinterleave, IFairyCodec, interleave, packCodes, unpackCodes } from './codec.ts';
import { phaseCode, quantizeStage } from './phase.ts';

describe('PhaseQuant sectors', () => {
  it('axes, diagonals (→ counter-clockwise neighbour), zeros and signed zeros', () => {
    const cases: [number, number, number][] = [
      [1, 0, 0],
      [0, 1, 1],
      [-1, 0, 2],
      [0, -1, 3],
      [1, 1, 1],
      [-1, 1, 2],
      [-1, -1, 3],
      [1, -1, 0], // 45°, 135°, 225°, 315°
      [0, 0, 0],
      [-0, 0, 0],
      [0, -0, 0],
      [-0, -0, 0],
      [-2, -0, 2],
      [-2, 0, 2],
      [0, 1e-40, 1],
      [1e-40, 0, 0],
      [1, 0.9999999, 0],
      [0.9999999, 1, 1],
      [-1, 0.9999999, 2],
      [-1, -0.9999999, 2],
      [-0.9999999, -1, 3],
    ];
    for (const [a, b, k] of cases) expect([a, b, phaseCode(a, b)]).toEqual([a, b, k]);
  });

  it('agrees with the sector formula floor((θ + π/4)/(π/2)) mod 4 away from the diagonals', () => {
    const x = generate({ kind: 'gaussian' }, 20000, 11);
    for (let t = 0; t < x.length; t += 2) {
      const a = x[t]!;
      const b = x[t + 1]!;
      if (Math.abs(Math.abs(a) - Math.abs(b)) < 1e-6) continue;
      const k = ((Math.floor((Math.atan2(b, a) + Math.PI / 4) / (Math.PI / 2)) % 4) + 4) % 4;
      expect(phaseCode(a, b)).toBe(k);
    }
  });

  it('per-tensor scales are the class means of |a| and |b|; an empty class gets 0', () => {
    const s = quantizeStage(Float32Array.of(2, 1, -4, 0, 0.5, 3, 1, -7));
    expect([...s.codes]).toEqual([0, 2, 1, 3]);
    expect(s.sRe).toBe(3);
    expect(s.sIm).toBe(5);
    const onlyReal = quantizeStage(Float32Array.of(1, 0, -3, 0.5));
    expect(onlyReal.sIm).toBe(0);
    expect(onlyReal.sRe).toBe(2);
  });
});

describe('iFairy codec', () => {
  it('specs derive 1 and 2 bits per real weight', () => {
    expect(FORMAT_SPECS['ifairy' as keyof typeof FORMAT_SPECS].derived.bitsPerWeight).toBe(1);
    expect(FORMAT_SPECS['ifairy_w2' as keyof typeof FORMAT_SPECS].derived.bitsPerWeight).toBe(2);
  });

  it('packs code k of weight t at bits 2t..2t+1, scales first, and decodes to {±s_re, ±i·s_im}', async () => {
    expect([...packCodes(Uint8Array.of(0, 1, 2, 3, 3))]).toEqual([0b11_10_01_00, 0b11]);
    expect([...unpackCodes(Uint8Array.of(0b00_11_10_01), 4)]).toEqual([1, 2, 3, 0]);
    const fmt = await loadFormat('ifairy');
    const x = interleave([2, -4, 0.5, 1, -0.1], [1, 0, 3, -7, 0.05]);
    expect([...x]).toEqual([...Float32Array.of(2, 1, -4, 0, 0.5, 3, 1, -7, -0.1, 0.05)]);
    expect([...deinterleave(x).im]).toEqual([...Float32Array.of(1, 0, 3, -7, 0.05)]);
    const q = fmt.reference.encode(x);
    expect(q.length).toBe(8 + 2);
    const v = new DataView(q.buffer);
    expect([v.getFloat32(0, true), v.getFloat32(4, true)]).toEqual([Math.fround(6.1 / 3), 5]);
    expect([...q.subarray(8)]).toEqual([0b11_01_10_00, 0b10]);
    const s = Math.fround(6.1 / 3);
    expect([...fmt.reference.decode(q, x.length)]).toEqual([s, 0, -s, 0, 0, 5, 0, -5, -s, 0]);
    // Idempotent: the decoded tensor re-encodes to the same bytes.
    expect([...fmt.reference.encode(fmt.reference.decode(q, x.length))]).toEqual([...q]);
  });

  it('anchor: one stage on i.i.d. complex Gaussian gives NMSE 1 − 2/π (±0.5%), scales 2/√π, codes at 1/4', () => {
    const codec = new IFairyCodec(FORMAT_SPECS['ifairy' as keyof typeof FORMAT_SPECS]);
    const x = generate({ kind: 'gaussian' }, 2 * 1_000_000, 2024);
    const [s] = codec.quantize(x);
    const y = codec.decode(codec.encode(x), x.length);
    let e = 0;
    let p = 0;
    for (let i = 0; i < x.length; i++) {
      e += (x[i]! - y[i]!) ** 2;
      p += x[i]! ** 2;
    }
    const target = 1 - 2 / Math.PI;
    expect(Math.abs(e / p / target - 1)).toBeLessThan(0.005);
    expect(s!.sRe).toBeCloseTo(2 / Math.sqrt(Math.PI), 2);
    expect(s!.sIm).toBeCloseTo(2 / Math.sqrt(Math.PI), 2);
    const freq = [0, 0, 0, 0];
    for (const k of s!.codes) freq[k]!++;
    for (const c of freq) expect(Math.abs(c / s!.codes.length / 0.25 - 1)).toBeLessThan(0.005);
  });

  it('anchor: two residual stages give NMSE ≈ 0.130', async () => {
    const fmt = await loadFormat('ifairy_w2');
    const x = generate({ kind: 'gaussian' }, 2 * 200_000, 2025);
    const y = fmt.reference.decode(fmt.reference.encode(x), x.length);
    let e = 0;
    let p = 0;
    for (let i = 0; i < x.length; i++) {
      e += (x[i]! - y[i]!) ** 2;
      p += x[i]! ** 2;
    }
    expect(Math.abs(e / p / 0.1304 - 1)).toBeLessThan(0.02);
  });

  it('rejects odd lengths, non-finite values, short streams and bad scales, naming them', async () => {
    const fmt = await loadFormat('ifairy_w2');
    const msg = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        expect(isQbenchError(e)).toBe(true);
        return (e as Error).message;
      }
      throw new Error('expected a QbenchError');
    };
    expect(msg(() => fmt.reference.encode(new Float32Array(5)))).toMatch(
      /5 values is not a whole number of \(re, im\) pairs/,
    );
    expect(msg(() => fmt.reference.encode(Float32Array.of(0, 0, 1, Number.POSITIVE_INFINITY)))).toMatch(
      /complex weight 1 \(im, element 3\) is Infinity/,
    );
    const q = fmt.reference.encode(new Float32Array(8).fill(1));
    expect(msg(() => fmt.reference.decode(q.subarray(0, 17), 8))).toMatch(/need 18 bytes, got 17/);
    const bad = q.slice();
    new DataView(bad.buffer).setFloat32(12, Number.NaN, true);
    expect(msg(() => fmt.reference.decode(bad, 8))).toMatch(/stage 2 s_im is NaN/);
  });
});
