/**
 * Cross-check against an independent implementation: onnxruntime's com.microsoft.MatMulBnb4 contrib op
 * (a port of bitsandbytes' 4-bit dequantization; quant_type 0 = FP4, 1 = NF4). B is the flattened
 * [N, K] weight packed as bnb packs it (even flat index in the high nibble), absmax one float per block
 * of the flattened weight, Y = A · dequant(B)ᵀ.
 *
 * With A = identity every output is a single product plus zeros, so Y must equal our decode bit for bit
 * (up to the sign of zero, which the matmul's +0 accumulation erases). With a random A the result is
 * compared with the float64 dot of our decoded weights, within float32 GEMM accuracy.
 *
 * If this onnxruntime-node build lacks the op, the tests are skipped visibly with the reason.
 */
import { fileURLToPath } from 'node:url';
import { generate, openGoldenFolder, type ResolvedSpec } from '@qbench/core';
import { DataType, singleNodeModel } from '@qbench/models';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { BnbCodec } from './codec.ts';
import { parseDynamicId } from './dynamic-spec.ts';
import { SPECS } from './generated/specs.ts';

const QUANT_TYPE = { fp4: 0, nf4: 1 } as const;

async function matMulBnb4Session(K: number, N: number, blockSize: number, quantType: 0 | 1) {
  const model = singleNodeModel({
    opset: 17,
    extraOpsets: [{ domain: 'com.microsoft', version: 1 }],
    node: {
      opType: 'MatMulBnb4',
      domain: 'com.microsoft',
      inputs: ['A', 'B', 'absmax'],
      outputs: ['Y'],
      attributes: [
        { name: 'K', int: K },
        { name: 'N', int: N },
        { name: 'block_size', int: blockSize },
        { name: 'quant_type', int: quantType },
      ],
    },
    inputs: [
      { name: 'A', dataType: DataType.FLOAT, dims: ['M', K] },
      { name: 'B', dataType: DataType.UINT8, dims: [Math.ceil((N * K) / 2)] },
      { name: 'absmax', dataType: DataType.FLOAT, dims: [Math.ceil((N * K) / blockSize)] },
    ],
    outputs: [{ name: 'Y', dataType: DataType.FLOAT, dims: ['M', N] }],
  });
  return ort.InferenceSession.create(model);
}

async function runMatMulBnb4(
  codes: Uint8Array,
  absmax: Float32Array,
  a: Float32Array,
  M: number,
  K: number,
  N: number,
  blockSize: number,
  quantType: 0 | 1,
): Promise<Float32Array> {
  const session = await matMulBnb4Session(K, N, blockSize, quantType);
  const nb = Math.ceil((N * K) / 2);
  const out = await session.run({
    A: new ort.Tensor('float32', a, [M, K]),
    B: new ort.Tensor('uint8', codes.subarray(0, nb), [nb]),
    absmax: new ort.Tensor('float32', absmax, [absmax.length]),
  });
  await session.release();
  return out['Y']!.data as Float32Array;
}

function identity(k: number): Float32Array {
  const a = new Float32Array(k * k);
  for (let i = 0; i < k; i++) a[i * k + i] = 1;
  return a;
}

/** Y[m][n] of A = I against W = decoded weights [N, K]; zeros of either sign compare equal. */
function transposeMismatches(y: Float32Array, w: Float32Array, K: number, N: number): string[] {
  const bad: string[] = [];
  for (let k = 0; k < K; k++) {
    for (let n = 0; n < N; n++) {
      const got = y[k * N + n]!;
      const want = w[n * K + k]!;
      if (got !== want && !(Number.isNaN(got) && Number.isNaN(want)))
        bad.push(`w[${n},${k}]: ort ${got}, ours ${want}`);
    }
  }
  return bad;
}

// Probe once: a session that cannot be created means the op (or the contrib domain) is missing here.
let unavailable: string | undefined;
try {
  await (await matMulBnb4Session(64, 1, 64, 1)).release();
} catch (e) {
  unavailable = `onnxruntime-node ${ort.env.versions.node ?? '?'} cannot run com.microsoft.MatMulBnb4: ${(e as Error).message.split('\n')[0]}`;
}

const spec = (id: string): ResolvedSpec =>
  (SPECS as Readonly<Record<string, ResolvedSpec>>)[id] ?? parseDynamicId(id)!;

describe.skipIf(unavailable !== undefined)(
  `onnxruntime MatMulBnb4 oracle${unavailable ? ` — SKIPPED: ${unavailable}` : ''}`,
  () => {
    for (const [id, N, K] of [
      ['nf4', 8, 256],
      ['fp4', 8, 256],
      ['nf4_dq', 8, 256],
      ['fp4_dq', 4, 320],
      ['nf4_bs128', 4, 384],
      ['fp4_bs32', 3, 96],
    ] as const) {
      it(`${id}: identity A gives our decoded weights bit for bit (${N}×${K})`, async () => {
        const c = new BnbCodec(spec(id));
        // Blocks of very different scale, a zero block, and ±0 / ties on thresholds inside.
        const w = generate({ kind: 'student_t', nu: 3 }, N * K, 77);
        for (let i = 0; i < w.length; i++)
          w[i] = w[i]! * 10 ** ((Math.floor(i / c.params.blocksize) % 7) - 3);
        w.fill(0, c.params.blocksize, 2 * c.params.blocksize);
        const t = c.unpack(c.encode(w), w.length);
        const decoded = c.decode(c.encode(w), w.length);
        const y = await runMatMulBnb4(
          t.codes,
          c.scales(t),
          identity(K),
          K,
          K,
          N,
          c.params.blocksize,
          QUANT_TYPE[c.params.quantType],
        );
        expect(transposeMismatches(y, decoded, K, N)).toEqual([]);
      });
    }

    it('nf4: random A matches the float64 product with our decoded weights (float32 GEMM accuracy)', async () => {
      const [M, N, K] = [5, 16, 512];
      const c = new BnbCodec(spec('nf4'));
      const w = generate({ kind: 'gaussian' }, N * K, 5);
      const a = generate({ kind: 'gaussian' }, M * K, 6);
      const t = c.unpack(c.encode(w), w.length);
      const decoded = c.decode(c.encode(w), w.length);
      const y = await runMatMulBnb4(t.codes, c.scales(t), a, M, K, N, 64, 1);
      for (let m = 0; m < M; m++) {
        for (let n = 0; n < N; n++) {
          let dot = 0;
          let mag = 0;
          for (let k = 0; k < K; k++) {
            dot += a[m * K + k]! * decoded[n * K + k]!;
            mag += Math.abs(a[m * K + k]! * decoded[n * K + k]!);
          }
          expect(Math.abs(y[m * N + n]! - dot)).toBeLessThanOrEqual(mag * 1e-6);
        }
      }
    });

    it.each(['nf4', 'fp4'])(
      '%s golden gaussian: ORT decodes the golden codes to the golden output',
      async (fmt) => {
        const folder = openGoldenFolder(
          fileURLToPath(new URL(`../../../datasets/golden/bnb/${fmt}`, import.meta.url)),
        );
        const g = folder.cases.find((c) => c.name === 'gaussian')!;
        const [N, K] = [8, 512];
        const y = await runMatMulBnb4(
          g.bytes('q'),
          g.f32('absmax'),
          identity(K),
          K,
          K,
          N,
          64,
          QUANT_TYPE[fmt as 'nf4' | 'fp4'],
        );
        expect(transposeMismatches(y, g.f32('out', N * K), K, N)).toEqual([]);
      },
    );
  },
);
