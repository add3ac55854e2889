/**
 * The storage layout and the ReferenceCodec contract: sizes, self-contained round trips against the
 * planar reference, accuracy on N(0,1) (the anchor: NF4 ≈ 20.7 dB at blocksize 64), dynamic
 * blocksize ids, and every kind of bad input rejected with a QbenchError that names the problem.
 */
import {
  generate,
  isQbenchError,
  loadFormat,
  type QbenchError,
  type ResolvedSpec,
  sqnrDb,
} from '@qbench/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BnbCodec } from './codec.ts';
import { parseDynamicId } from './dynamic-spec.ts';
import { SPECS } from './generated/specs.ts';
import { compressStatistics, decompressStatistics } from './reference/double-quant.ts';
import { dequantize4bit, quantize4bit } from './reference/quantize-4bit.ts';

const IDS = ['nf4', 'fp4', 'nf4_dq', 'fp4_dq', 'nf4_bs128'] as const;

function codec(id: string): BnbCodec {
  const spec = (SPECS as Readonly<Record<string, ResolvedSpec>>)[id] ?? parseDynamicId(id);
  if (!spec) throw new Error(`no spec ${id}`);
  return new BnbCodec(spec);
}

function expectQbenchError(fn: () => unknown, code: string, message: RegExp): QbenchError {
  try {
    fn();
  } catch (e) {
    expect(isQbenchError(e)).toBe(true);
    const err = e as QbenchError;
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    return err;
  }
  throw new Error(`expected a QbenchError ${code}`);
}

describe('storage layout', () => {
  it('encodedBytes: blocks of absmax + codes; double quantization adds offset and one absmax2 per 256 blocks', () => {
    expect(codec('nf4').encodedBytes(4096)).toBe(64 * 36);
    expect(codec('nf4').encodedBytes(65)).toBe(2 * 36);
    expect(codec('nf4_bs128').encodedBytes(4096)).toBe(32 * 68);
    expect(codec('nf4_dq').encodedBytes(4096)).toBe(4 + 4 + 64 * 33);
    expect(codec('fp4_dq').encodedBytes(257 * 64)).toBe(4 + 2 * 4 + 257 * 33);
    for (const id of IDS) expect(codec(id).encodedBytes(0)).toBe(0);
  });

  it.each(IDS)('%s: decode(encode(x)) equals the planar reference for awkward lengths', (id) => {
    const c = codec(id);
    const bs = c.params.blocksize;
    for (const n of [1, 2, 63, 64, 65, 127, 4093, 257 * bs + 3]) {
      const x = generate({ kind: 'gaussian' }, n, 1000 + n);
      const q = c.encode(x);
      expect(q.length).toBe(c.encodedBytes(n));
      const ref = quantize4bit(x, c.code, bs);
      const absmax = c.dynamicMap
        ? decompressStatistics(compressStatistics(ref.absmax, c.dynamicMap, 256), c.dynamicMap, 256)
        : ref.absmax;
      expect(c.decode(q, n)).toEqual(dequantize4bit(ref.codes, absmax, n, c.code.lut, bs));
      expect(c.encode(x)).toEqual(q);
    }
  });

  it('an empty tensor encodes to no bytes and decodes to no values', () => {
    for (const id of IDS) {
      const c = codec(id);
      expect(c.encode(new Float32Array(0)).length).toBe(0);
      expect(c.decode(new Uint8Array(0), 0).length).toBe(0);
    }
  });
});

describe('accuracy on N(0,1), 2^20 samples, seed 12345', () => {
  const measured: Record<string, number> = {};
  beforeAll(() => {
    const x = generate({ kind: 'gaussian' }, 1 << 20, 12345);
    for (const id of IDS) measured[id] = sqnrDb(x, codec(id).decode(codec(id).encode(x), x.length));
  });

  it('NF4 blocksize 64: SQNR 20.7 dB (issue anchor ±0.3)', () => {
    expect(measured['nf4']).toBeGreaterThan(20.4);
    expect(measured['nf4']).toBeLessThan(21.0);
  });

  it('FP4 ≈ 18.3 dB, below NF4; double quantization costs < 0.1 dB; blocksize 128 costs a little', () => {
    expect(measured['fp4']).toBeGreaterThan(18.0);
    expect(measured['fp4']).toBeLessThan(18.6);
    expect(measured['nf4']! - measured['nf4_dq']!).toBeGreaterThanOrEqual(0);
    expect(measured['nf4']! - measured['nf4_dq']!).toBeLessThan(0.1);
    expect(measured['fp4']! - measured['fp4_dq']!).toBeLessThan(0.1);
    expect(measured['nf4_bs128']!).toBeLessThan(measured['nf4']!);
    expect(measured['nf4_bs128']!).toBeGreaterThan(measured['nf4']! - 1);
  });

  it('stays within each spec’s roundTrip.maxNmse', () => {
    for (const id of IDS) {
      const maxNmse = (SPECS as Readonly<Record<string, ResolvedSpec>>)[id]!.tolerance.roundTrip!.maxNmse;
      expect(10 ** (-measured[id]! / 10)).toBeLessThan(maxNmse);
    }
  });
});

describe('dynamic blocksize ids', () => {
  it('nf4_bs128 from the dynamic parser has the file spec’s layout, params and derived numbers', () => {
    const dyn = parseDynamicId('nf4_bs128')!;
    const file = SPECS.nf4_bs128;
    expect(dyn.layout.blockElements).toBe(file.layout.blockElements);
    expect(dyn.layout.blockBytes).toBe(file.layout.blockBytes);
    expect(dyn.layout.fields).toEqual(file.layout.fields);
    expect(dyn.params).toEqual(file.params);
    expect(dyn.derived).toEqual(file.derived);
  });

  it('any supported blocksize, with and without double quantization, through the registry', async () => {
    const f = await loadFormat('fp4_dq_bs4096');
    expect(f.blockElements).toBe(4096);
    expect(f.bitsPerWeight).toBe(4 + 8 / 4096 + 32 / (256 * 4096));
    const g = await loadFormat('nf4_bs32');
    expect(g.bitsPerWeight).toBe(5);
    const x = generate({ kind: 'gaussian' }, 100, 3);
    expect(g.reference.decode(g.reference.encode(x), 100).length).toBe(100);
    expect(parseDynamicId('q4_0')).toBeUndefined();
  });

  it('rejects blocksizes bitsandbytes does not support', () => {
    for (const id of ['nf4_bs16', 'nf4_bs48', 'fp4_dq_bs8192', 'nf4_bs0']) {
      expectQbenchError(
        () => parseDynamicId(id),
        'format.blocksize',
        /is not one bitsandbytes supports \(32, 64,/,
      );
    }
  });
});

describe('bad input', () => {
  const nf4 = codec('nf4');

  it('NaN and Inf are rejected by default, naming element, block and offset', () => {
    const x = new Float32Array(200);
    x[130] = Number.NaN;
    const err = expectQbenchError(
      () => nf4.encode(x),
      'codec.nonfinite',
      /element 130 \(block 2, offset 2\) is NaN/,
    );
    expect(err.details).toMatchObject({ index: 130, block: 2, offset: 2 });
    x[130] = 0;
    x[7] = Number.NEGATIVE_INFINITY;
    expectQbenchError(() => codec('fp4_dq').encode(x), 'codec.nonfinite', /element 7 .* -Infinity/);
  });

  it("nonFinite: 'propagate' reproduces the CUDA kernel instead", () => {
    const x = new Float32Array(64).fill(0.5);
    x[1] = Number.NaN;
    const out = nf4.decode(nf4.encode(x, { nonFinite: 'propagate' }), 64);
    expect(out[0]).toBe(0.5);
    expect(out[1]).toBe(-0.5); // NaN → code 0 → −1.0·absmax
  });

  it('a byte buffer of the wrong length names expected and got', () => {
    const q = nf4.encode(new Float32Array(128));
    const err = expectQbenchError(
      () => nf4.decode(q.subarray(1), 128),
      'codec.bytes',
      /128 elements need 72 bytes .* got 71/,
    );
    expect(err.details).toMatchObject({ expected: 72, got: 71 });
    expectQbenchError(
      () => codec('nf4_dq').decode(new Uint8Array(10), 64),
      'codec.bytes',
      /after a 8-byte header/,
    );
  });

  it('negative or fractional element counts are rejected', () => {
    expectQbenchError(() => nf4.encodedBytes(-1), 'codec.length', /non-negative integer, got -1/);
    expectQbenchError(() => nf4.decode(new Uint8Array(0), 1.5), 'codec.length', /got 1.5/);
  });

  it('a spec whose params or layout disagree is rejected when the codec is built', () => {
    const base = SPECS.nf4;
    const withParams = (params: Record<string, unknown>, layout = base.layout): ResolvedSpec => ({
      ...base,
      params: { ...base.params, ...params },
      layout,
    });
    expectQbenchError(() => new BnbCodec(withParams({ blocksize: 48 })), 'format.blocksize', /blocksize 48/);
    expectQbenchError(
      () => new BnbCodec(withParams({ blocksize: 8192 })),
      'format.blocksize',
      /blocksize 8192/,
    );
    expectQbenchError(
      () => new BnbCodec(withParams({ quantType: 'e2m1' })),
      'format.params',
      /quantType .* got "e2m1"/,
    );
    expectQbenchError(() => new BnbCodec(withParams({ blocksize: 128 })), 'format.layout', /needs 128 in 68/);
    expectQbenchError(
      () => new BnbCodec(withParams({ codeTables: 'nf4_bs128' })),
      'format.table',
      /no Float32Array table 'lut'/,
    );
  });
});
