/**
 * Properties of the q8_1, q4_1, q5_0, q5_1, q8_k, q2_k, q4_k and q5_k reference codecs beyond the golden
 * vectors and the properties every gguf type has (properties.test.ts): the imatrix path taken exactly where
 * ggml has one (and its row-wide sigma2 for the legacy
 * types), dot = exact dot of the decoded operands, vec_dot bit-exact with ggml's generic C on the dot golden
 * inputs, the partner types' side fields (q8_1's s, q8_k's bsums), and bad lengths / NaN rejected with
 * errors that name the problem.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { f32ToBits, fp16BitsToFp32, fp32ToFp16Bits, generate, loadFormat } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { GGML_TYPES } from './reference/index.ts';
import { bytesEqual, PROPERTY_N, propertyRow, thrown } from './test-support.ts';

const TYPES = ['q8_1', 'q4_1', 'q5_0', 'q5_1', 'q8_k', 'q2_k', 'q4_k', 'q5_k'] as const;
const WEIGHT_TYPES = ['q4_1', 'q5_0', 'q5_1', 'q2_k', 'q4_k', 'q5_k'] as const;

const dotDir = fileURLToPath(new URL('../../../datasets/golden/ggml/dot', import.meta.url));

describe.each(TYPES)('%s reference codec', (id) => {
  const n = PROPERTY_N;
  const x = propertyRow();

  it('encodes deterministically with an imatrix', async () => {
    const f = await loadFormat(id);
    const ones = new Float32Array(n).fill(1);
    const weighted = f.reference.encode(x, { imatrix: ones, nPerRow: n });
    expect(bytesEqual(weighted, f.reference.encode(x.slice(), { imatrix: ones, nPerRow: n }))).toBe(true);
  });

  it('rejects an imatrix whose length is not the row length, naming it', async () => {
    const f = await loadFormat(id);
    const e3 = thrown(() =>
      f.reference.encode(x, { imatrix: new Float32Array(f.blockElements), nPerRow: n }),
    );
    expect(e3.code).toBe('codec.imatrix');
    expect(e3.message).toContain(`${n}`);
  });

  it('rejects infinity by default, naming the element', async () => {
    const f = await loadFormat(id);
    const bad = x.slice(0, f.blockElements);
    bad[3] = Number.NEGATIVE_INFINITY;
    expect(thrown(() => f.reference.encode(bad)).details).toMatchObject({ index: 3 });
  });
});

describe.each(WEIGHT_TYPES)('%s vec_dot', (id) => {
  it('equals the exact dot of the decoded operands (q8_1 partners: with its fp16 s as the min term)', async () => {
    const n = 4 * 1024;
    const f = await loadFormat(id);
    const partner = await loadFormat(GGML_TYPES[id]!.vecDotType!);
    const x = generate({ kind: 'gaussian' }, n, 777);
    const y = generate({ kind: 'gaussian' }, n, 4242);
    const q = f.reference.encode(x);
    const yq = partner.reference.encode(y);
    const yd = partner.reference.decode(yq, n);
    let exact = 0;
    if (partner.id === 'q8_1') {
      // ggml's q4_1/q5_1 dot: Σ_b (d·dy)·Σ code·qy + m·s. Codes·d come from decoding with m zeroed.
      const noMin = q.slice();
      const nb = n / 32;
      for (let b = 0; b < nb; b++) noMin.fill(0, b * f.blockBytes + 2, b * f.blockBytes + 4);
      const xd = f.reference.decode(noMin, n);
      for (let i = 0; i < n; i++) exact += xd[i]! * yd[i]!;
      for (let b = 0; b < nb; b++) {
        const m = fp16BitsToFp32(q[b * f.blockBytes + 2]! | (q[b * f.blockBytes + 3]! << 8));
        const s = fp16BitsToFp32(yq[b * 36 + 2]! | (yq[b * 36 + 3]! << 8));
        exact += m * s;
      }
    } else {
      const xd = f.reference.decode(q, n);
      for (let i = 0; i < n; i++) exact += xd[i]! * yd[i]!;
    }
    const got = f.reference.dot!(q, y);
    const tol = f.spec.tolerance.dot!;
    expect(Math.abs(got - exact)).toBeLessThanOrEqual(tol.absolute! + tol.relative! * Math.abs(exact));
  });

  it('rejects a weight row whose byte length does not match the activations', async () => {
    const f = await loadFormat(id);
    const be = f.blockElements;
    const e = thrown(() => f.reference.dot!(new Uint8Array(f.blockBytes), new Float32Array(2 * be)));
    expect(e.code).toBe('codec.bytes');
    expect(e.message).toContain(`${2 * f.blockBytes}`);
  });
});

/**
 * float32 bits of ggml_vec_dot_<type>_<partner>_generic (ggml-cpu/quants.c at d99724f2, built with gcc -O2 for
 * x86-64 without FMA) on the dot golden folder's x.q / y.q rows (4 rows of 1024). The generic C fixes the
 * summation order, so the reference port must match it bit for bit; the manifest's AVX-512 values differ.
 */
const GENERIC_DOT_BITS: Record<(typeof WEIGHT_TYPES)[number], readonly number[]> = {
  q4_1: [0xbd9a4770, 0x3e972885, 0x3ea404e2, 0xbed91bbe],
  q5_0: [0xbe2d1917, 0x3e42f849, 0x3ea37a68, 0xbee63e8c],
  q5_1: [0xbdd4a170, 0x3e60ea7a, 0x3ea26d40, 0xbee7bc76],
  q2_k: [0xbdde0a20, 0x3df3fddc, 0x3ea5b41f, 0xbed250a2],
  q4_k: [0xbde62194, 0x3e44f304, 0x3ea859bc, 0xbeeeecc0],
  q5_k: [0xbde0162e, 0x3e4e37ac, 0x3ea2cf8c, 0xbf027a25],
};

describe('vec_dot against ggml generic C', () => {
  it.each(WEIGHT_TYPES)('%s matches ggml_vec_dot_*_generic bit for bit on the dot golden rows', (id) => {
    const impl = GGML_TYPES[id]!;
    const partner = GGML_TYPES[impl.vecDotType!]!;
    const n = 1024;
    const x = new Uint8Array(readFileSync(join(dotDir, `${id}.x.q`)));
    const y = new Uint8Array(readFileSync(join(dotDir, `${id}.y.${partner.name}.q`)));
    const xRow = (n / impl.blockElements) * impl.blockBytes;
    const yRow = (n / partner.blockElements) * partner.blockBytes;
    const got = [0, 1, 2, 3].map((r) =>
      f32ToBits(impl.vecDot!(x.subarray(r * xRow, (r + 1) * xRow), y.subarray(r * yRow, (r + 1) * yRow), n)),
    );
    expect(got).toEqual(GENERIC_DOT_BITS[id]);
  });
});

describe('row-level and partner-type details', () => {
  it.each(['q4_1', 'q5_0', 'q5_1'])('%s imatrix path uses sigma2 over the whole row', async (id) => {
    const f = await loadFormat(id);
    const n = 256;
    const x = generate({ kind: 'gaussian' }, n, 99);
    // Scale the second half up so its Σx² dominates: the first half's weights change with the row split.
    for (let i = n / 2; i < n; i++) x[i] = x[i]! * 50;
    const im = generate({ kind: 'gaussian' }, n, 5).map((v) => Math.exp(v));
    const wholeRow = f.reference.encode(x, { imatrix: im, nPerRow: n });
    const half = f.reference.encode(x.subarray(0, n / 2), { imatrix: im.subarray(0, n / 2), nPerRow: n / 2 });
    expect(bytesEqual(wholeRow.subarray(0, half.length), half)).toBe(false);
  });

  it('q8_1 stores s = fp16(d·Σq) with the float32 d before rounding', async () => {
    const f = await loadFormat('q8_1');
    const x = generate({ kind: 'gaussian' }, 32, 12);
    const q = f.reference.encode(x);
    let amax = 0;
    for (const v of x) amax = Math.max(amax, Math.abs(v));
    const d = Math.fround(amax / 127);
    let sum = 0;
    for (let j = 0; j < 32; j++) sum += (q[4 + j]! << 24) >> 24;
    const s = fp16BitsToFp32(q[2]! | (q[3]! << 8));
    expect(s).toBe(fp16BitsToFp32(fp32ToFp16Bits(Math.fround(sum * d))));
  });

  it('q8_k writes d = 0, zero codes and zero bsums for an all-zero block, and bsums = Σ of 16 codes otherwise', async () => {
    const f = await loadFormat('q8_k');
    const x = new Float32Array(512);
    x.set(generate({ kind: 'gaussian' }, 256, 3), 256);
    x[0] = -0; // a −0 block is all-zero too
    const q = f.reference.encode(x);
    expect(q.subarray(0, 292).every((b) => b === 0)).toBe(true);
    const block = q.subarray(292);
    for (let g = 0; g < 16; g++) {
      let sum = 0;
      for (let i = 0; i < 16; i++) sum += (block[4 + 16 * g + i]! << 24) >> 24;
      const stored = ((block[260 + 2 * g]! | (block[261 + 2 * g]! << 8)) << 16) >> 16;
      expect(stored).toBe(sum);
    }
  });

  it.each([
    ['q4_k', 144, 16],
    ['q5_k', 176, 48],
  ] as const)(
    '%s unpacks the 6-bit scales and mins as the spec packing describes',
    async (id, bytes, qsOff) => {
      // d = dmin = 1 and every code 1, so sub-block j decodes to sc[j] − m[j].
      const f = await loadFormat(id);
      const sc = [1, 8, 15, 22, 63, 36, 43, 50];
      const m = [63, 58, 0, 48, 43, 17, 33, 28];
      const q = new Uint8Array(bytes);
      q[1] = 0x3c; // fp16 1.0
      q[3] = 0x3c;
      for (let j = 0; j < 4; j++) {
        q[4 + j] = sc[j]! | ((sc[j + 4]! >> 4) << 6);
        q[8 + j] = m[j]! | ((m[j + 4]! >> 4) << 6);
        q[12 + j] = (sc[j + 4]! & 15) | ((m[j + 4]! & 15) << 4);
      }
      q.fill(0x11, qsOff, bytes);
      const y = f.reference.decode(q, 256);
      for (let j = 0; j < 8; j++) {
        for (let l = 0; l < 32; l++) expect(y[32 * j + l]).toBe(sc[j]! - m[j]!);
      }
    },
  );
});
