import {
  FORMAT_SPECS,
  generate,
  loadFormat,
  nmse,
  qbenchErrorOf,
  type ResolvedSpec,
  SplitMix64,
} from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { PvqCodec } from './codec.ts';
import { indexBits } from './count.ts';
import { HadamardRotation } from './hadamard.ts';
import { buildPvqSpec, parsePvqId, resolvePvqSpec } from './spec.ts';

const fileSpecs = Object.values(FORMAT_SPECS).filter((s) => s.family === 'pvq') as ResolvedSpec[];

const qbenchMessage = (fn: () => unknown): string => qbenchErrorOf(fn).message;

describe('pvq specs', () => {
  it('ship operating points around 2, 3 and 4 bits/weight, derived from the layout', () => {
    const bpw = Object.fromEntries(fileSpecs.map((s) => [s.id, s.derived.bitsPerWeight]));
    expect(bpw).toMatchObject({ pvq_d32_k17: 63 / 32, pvq_d32_k41: 3, pvq_d32_k87: 4, pvq_d32_k41_rht: 3 });
    for (const s of fileSpecs) {
      const p = s.params as { groupSize: number; pulses: number; gainBits: number };
      expect(s.derived.bitsPerWeight).toBe((indexBits(p.groupSize, p.pulses) + p.gainBits) / p.groupSize);
    }
  });

  it('spec files say exactly what the builder says (one shape for file and dynamic ids)', () => {
    for (const s of fileSpecs) {
      const { derived: _d, ...file } = s;
      const built = parsePvqId(s.id);
      expect(built).toBeDefined();
      const { derived: _b, ...fromBuilder } = built!;
      expect(file).toEqual(fromBuilder);
    }
  });

  it('parses dynamic ids and rejects out-of-range ones', () => {
    expect(parsePvqId('pvq_d16_k18')?.derived.bitsPerWeight).toBe(3);
    expect(parsePvqId('pvq_d8_k16_g6_rht')?.derived.bitsPerWeight).toBe((24 + 6) / 8);
    expect(parsePvqId('pvq_d32_k41_g8')).toBeUndefined(); // the canonical spelling omits _g8
    expect(parsePvqId('nf4')).toBeUndefined();
    expect(qbenchMessage(() => parsePvqId('pvq_d1_k4'))).toMatch(/group size D .* got 1/);
    expect(qbenchMessage(() => parsePvqId('pvq_d999_k4'))).toMatch(/got 999/);
    expect(qbenchMessage(() => parsePvqId('pvq_d8_k0'))).toMatch(/pulses per group K .* got 0/);
    expect(qbenchMessage(() => parsePvqId('pvq_d12_k4_rht'))).toMatch(/power-of-two group size, got D=12/);
  });
});

describe('pvq codec', () => {
  it('round-trips N(0,1) weights near the shape-only distortion, and re-encodes its own output stably', async () => {
    const expectNmse: Record<string, number> = { pvq_d32_k17: 0.14, pvq_d32_k41: 0.035, pvq_d32_k87: 0.009 };
    const x = generate({ kind: 'gaussian' }, 256 * 16, 3);
    for (const [id, bound] of Object.entries(expectNmse)) {
      const fmt = await loadFormat(id);
      const q = fmt.reference.encode(x);
      expect(q.length).toBe(fmt.reference.encodedBytes(x.length));
      expect(q.length).toBe(4 + (x.length * fmt.bitsPerWeight) / 8);
      const y = fmt.reference.decode(q, x.length);
      expect(nmse(x, y)).toBeLessThan(bound);
      expect(nmse(x, y)).toBeGreaterThan(bound / 3);
      // Decoded groups are exact pyramid points times a gain, so the search finds them again.
      const again = fmt.reference.decode(fmt.reference.encode(y), x.length);
      expect(nmse(y, again)).toBeLessThan(1e-4);
    }
  });

  it('rotation signs follow the documented rule: s_j = −1 when the j-th splitmix64 output is odd', () => {
    const rng = new SplitMix64(0x5eed);
    const e0 = new Float32Array(256);
    e0[0] = 1;
    const s0 = (rng.nextHalves()[1]! & 1) === 1 ? -1 : 1;
    // R·e0 = s_0·(column 0 of H)/√256 = s_0/16 everywhere.
    expect([...new HadamardRotation(256, 0x5eed).forward(e0)].every((v) => v === s0 / 16)).toBe(true);
    expect(() => new HadamardRotation(96, 1)).toThrow(/power-of-two block, got 96/);
  });

  it('rotation: R is orthogonal up to float32 and the rotated codec still reconstructs', async () => {
    const r = new HadamardRotation(256, 0x5eed);
    const x = generate({ kind: 'student_t' }, 256, 9);
    const back = r.inverse(r.forward(x));
    for (let j = 0; j < 256; j++)
      expect(Math.abs(back[j]! - x[j]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(x[j]!)));
    let e0 = 0;
    let e1 = 0;
    const z = r.forward(x);
    for (let j = 0; j < 256; j++) {
      e0 += x[j]! ** 2;
      e1 += z[j]! ** 2;
    }
    expect(e1 / e0).toBeCloseTo(1, 5);
    const fmt = await loadFormat('pvq_d32_k41_rht');
    const w = generate({ kind: 'outlier_mixture' }, 256 * 8, 4);
    expect(nmse(w, fmt.reference.decode(fmt.reference.encode(w), w.length))).toBeLessThan(0.06);
  });

  it('decodes the documented stream layout by hand', () => {
    const codec = new PvqCodec(resolvePvqSpec(buildPvqSpec(2, 1, 2)));
    // V(2,1) = 4 → 2-bit indices; 2-bit gains: block = 8·2 + 8·2 bits = 4 bytes, after the f32 gainMax.
    const q = new Uint8Array(8);
    new DataView(q.buffer).setFloat32(0, 3, true);
    q[4] = 0b11_10_01_00; // gains 0,1,2,3 for groups 0..3
    q[5] = 0b00_00_00_11; // group 4 gain 3
    q[6] = 0b11_10_01_00; // indices 0,1,2,3 → (1,0) (0,1) (0,−1) (−1,0)
    q[7] = 0b00_00_00_01;
    const y = codec.decode(q, 16);
    expect([...y.subarray(0, 10)]).toEqual([0, 0, 0, 1, 0, -2, -3, 0, 0, 3]);
  });

  it('rejects bad input with the offending thing named', async () => {
    const fmt = await loadFormat('pvq_d32_k17');
    const x = generate({ kind: 'gaussian' }, 256, 1);
    expect(qbenchMessage(() => fmt.reference.encode(x.subarray(0, 100)))).toMatch(
      /100 values is not a whole number of 256/,
    );
    const bad = x.slice();
    bad[77] = Number.NaN;
    expect(qbenchMessage(() => fmt.reference.encode(bad))).toMatch(/element 77 is NaN/);
    const q = fmt.reference.encode(x);
    expect(qbenchMessage(() => fmt.reference.decode(q.subarray(1), 256))).toMatch(/need 67 bytes, got 66/);
    // Set group 0's 55-bit index to all ones: 2^55 − 1 ≥ V(32,17).
    const broken = q.slice();
    for (let b = 12; b < 12 + 7; b++) broken[b] = 0xff;
    expect(qbenchMessage(() => fmt.reference.decode(broken, 256))).toMatch(
      /block 0 group 0: index \d+ is not below V\(32,17\)/,
    );
  });
});
