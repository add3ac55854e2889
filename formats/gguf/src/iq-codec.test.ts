/**
 * The i-quant codecs beyond the golden vectors: the "requires an imatrix" rule of
 * ggml_quantize_requires_imatrix as a named error, the imatrix-free path of the others, and ggml's aborts
 * as named errors instead of silent bytes.
 */
import { loadFormat, qbenchErrorOf } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { GGML_TYPES } from './reference/index.ts';

const row = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 5)));

describe('i-quant encode', () => {
  it.each(['iq2_xxs', 'iq2_xs', 'iq1_s'])(
    '%s without an importance matrix is codec.imatrix-required',
    async (id) => {
      const f = await loadFormat(id);
      const e = qbenchErrorOf(() => f.reference.encode(row));
      expect(e.code).toBe('codec.imatrix-required');
      expect(e.message).toMatch(new RegExp(`^${id}: .*requires an importance matrix`));
      // with one it encodes, and decodes to values of the row's sign and rough size
      const q = f.reference.encode(row, { imatrix: new Float32Array(256).fill(1) });
      expect(q.length).toBe(f.blockBytes);
      const y = f.reference.decode(q, 256);
      let agree = 0;
      for (let i = 0; i < 256; i++) if (Math.sign(y[i]!) === Math.sign(row[i]!)) agree++;
      expect(agree).toBeGreaterThan(200);
    },
  );

  it.each(['iq2_s', 'iq3_xxs', 'iq3_s', 'iq1_m'])('%s encodes without an importance matrix', async (id) => {
    const f = await loadFormat(id);
    expect(GGML_TYPES[id]!.requiresImatrix).toBeUndefined();
    const y = f.reference.decode(f.reference.encode(row), 256);
    let err = 0;
    let pow = 0;
    for (let i = 0; i < 256; i++) {
      err += (row[i]! - y[i]!) ** 2;
      pow += row[i]! ** 2;
    }
    expect(err / pow).toBeLessThan(0.5);
  });

  it('an all-zero super-block encodes to d = 0 and decodes to zeros', async () => {
    for (const id of ['iq2_xxs', 'iq2_xs', 'iq2_s', 'iq3_xxs', 'iq3_s', 'iq1_s', 'iq1_m']) {
      const f = await loadFormat(id);
      const q = f.reference.encode(new Float32Array(256), { imatrix: new Float32Array(256).fill(1) });
      expect(
        Array.from(f.reference.decode(q, 256)).every((v) => v === 0),
        id,
      ).toBe(true);
    }
  });

  it("a super-block whose weighted distances overflow float32 is ggml's abort, as a named error", async () => {
    // |x| near FLT_MAX: every candidate's Σw·diff² is inf, so ggml's GGML_ASSERT(grid_index >= 0) fires
    const f = await loadFormat('iq3_xxs');
    const huge = Float32Array.from({ length: 256 }, (_, i) =>
      i % 3 === 0 ? 3e38 : i % 3 === 1 ? -1e38 : 5e37,
    );
    const e = qbenchErrorOf(() => f.reference.encode(huge));
    expect(e.code).toBe('codec.ggml-abort');
    expect(e.message).toMatch(/aborts on this input/);
  });
});
