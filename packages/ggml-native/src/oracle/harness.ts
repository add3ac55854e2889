/**
 * The differential oracle: qbench's reference codec of each ggml type (loaded through the registry)
 * against live ggml on generated inputs, on every path — quantize_row_<t>_ref, ggml_quantize_chunk
 * without and with an importance matrix, decoding ggml's bytes, decoding random bytes. Table-driven: every
 * gguf spec with a ggmlTypeId takes part; a path that does not apply is skipped with the reason.
 */
import type { NativeGgml } from '../index.ts';
import { type BlockDiff, diffBytes, diffF32 } from './compare.ts';
import { generateRow, type RowRecipe, randomBytes, rowSeed } from './generators.ts';
import type { OracleType } from './types.ts';

export const ORACLE_PATHS = ['ref', 'chunk', 'chunk_imatrix', 'decode_ggml', 'decode_random'] as const;
export type OraclePath = (typeof ORACLE_PATHS)[number];

/** One mismatching row, with everything needed to write it as a golden case. */
export interface OracleCase {
  readonly type: string;
  readonly path: OraclePath;
  readonly seed: number;
  readonly row: number;
  readonly nPerRow: number;
  /** The first differing block of the row. */
  readonly diff: BlockDiff;
  readonly mismatchedBlocks: number;
  /** ggml's call that produced `q` (or decoded it). */
  readonly ggmlCall: string;
  readonly recipe?: RowRecipe;
  readonly x?: Float32Array;
  readonly imatrix?: Float32Array;
  readonly q: Uint8Array;
  /** ggml's decode of q, where ggml has a decoder. */
  readonly out?: Float32Array;
}

export interface PathResult {
  readonly path: OraclePath;
  blocks: number;
  mismatchedBlocks: number;
  readonly skipped?: string;
  readonly cases: OracleCase[];
}

export interface TypeResult {
  readonly type: string;
  readonly paths: PathResult[];
}

export interface OracleOptions {
  /** Blocks per encode path and for random decode (decode_ggml decodes every encode path's output). */
  readonly blocks: number;
  readonly seed: number;
  /** Mismatching rows kept per path for golden folders (all are counted). */
  readonly maxCases?: number;
}

/** Row geometry: several blocks per row, so row statistics (sigma2 of the legacy imatrix paths) see a mix. */
export function rowElements(blockElements: number): number {
  return blockElements * (blockElements >= 256 ? 4 : 8);
}

const ROWS_PER_BATCH = 16;

function rowOf<T extends Float32Array | Uint8Array>(a: T, r: number, len: number): T {
  return a.slice(r * len, (r + 1) * len) as T;
}

export function runOracle(ggml: NativeGgml, t: OracleType, o: OracleOptions): TypeResult {
  const maxCases = o.maxCases ?? 8;
  const id = t.ggmlTypeId;
  const info = ggml.types.info(id);
  const nPerRow = rowElements(t.blockElements);
  const blocksPerRow = nPerRow / t.blockElements;
  const rowBytes = blocksPerRow * t.blockBytes;
  const rows = Math.max(1, Math.ceil(o.blocks / blocksPerRow));
  const hasDecoder = ggml.dequantize.has(id);
  const result = (path: OraclePath, skipped?: string): PathResult => ({
    path,
    blocks: 0,
    mismatchedBlocks: 0,
    cases: [],
    ...(skipped ? { skipped } : {}),
  });

  const ggmlDecode = (q: Uint8Array, n: number): Float32Array | undefined => {
    if (!hasDecoder) return undefined;
    const y = new Float32Array(n);
    ggml.dequantize.dequantizeRow(id, q, y);
    return y;
  };

  const decodeGgml = result(
    'decode_ggml',
    hasDecoder ? undefined : `ggml has no dequantize_row_${info.name}`,
  );
  /** What a kept case adds to where it was found: ggml's call, its bytes and decode, the input. */
  type CaseData = Pick<OracleCase, 'ggmlCall' | 'q'> &
    Partial<Pick<OracleCase, 'recipe' | 'x' | 'imatrix' | 'out'>>;
  /**
   * Counts a batch's differing blocks into `res`, and keeps the first differing block of each row not yet
   * kept (up to maxCases rows per path) with the row's data from `data`.
   */
  const record = (res: PathResult, diffs: BlockDiff[], firstRow: number, data: (r: number) => CaseData) => {
    res.mismatchedBlocks += diffs.length;
    for (const d of diffs) {
      const r = Math.floor(d.block / blocksPerRow);
      if (res.cases.length >= maxCases || res.cases.some((c) => c.row === firstRow + r)) continue;
      res.cases.push({
        type: t.id,
        path: res.path,
        seed: o.seed,
        row: firstRow + r,
        nPerRow,
        diff: { ...d, block: d.block % blocksPerRow },
        mismatchedBlocks: diffs.filter((e) => Math.floor(e.block / blocksPerRow) === r).length,
        ...data(r),
      });
    }
  };

  /** decode_ggml: qbench's decode of ggml's bytes against ggml's own decode, row by row. */
  const checkDecode = (q: Uint8Array, nRows: number, firstRow: number, ggmlCall: string) => {
    if (decodeGgml.skipped) return;
    const n = nRows * nPerRow;
    const want = ggmlDecode(q, n)!;
    const got = t.codec.decode(q, n);
    decodeGgml.blocks += nRows * blocksPerRow;
    record(decodeGgml, diffF32(want, got, t.blockElements), firstRow, (r) => ({
      ggmlCall: `dequantize_row_${info.name} of ${ggmlCall} output`,
      q: rowOf(q, r, rowBytes),
      out: rowOf(want, r, nPerRow),
    }));
  };

  /** An encode path: ggml's bytes vs qbench's, batch by batch. */
  const encodePath = (
    path: OraclePath,
    skipped: string | undefined,
    stream: number,
    withImatrix: boolean,
    ggmlCall: string,
    quantize: (x: Float32Array, q: Uint8Array, imatrix: Float32Array | undefined) => void,
  ): PathResult => {
    const res = result(path, skipped);
    if (skipped) return res;
    const batch = withImatrix ? 1 : ROWS_PER_BATCH;
    for (let r0 = 0; r0 < rows; r0 += batch) {
      const nRows = Math.min(batch, rows - r0);
      const x = new Float32Array(nRows * nPerRow);
      const imatrix = withImatrix ? new Float32Array(nPerRow) : undefined;
      const recipes: RowRecipe[] = [];
      for (let r = 0; r < nRows; r++)
        recipes.push(
          generateRow(
            rowSeed(o.seed, stream, r0 + r),
            t.blockElements,
            x.subarray(r * nPerRow, (r + 1) * nPerRow),
            imatrix,
          ),
        );
      const want = new Uint8Array(nRows * rowBytes);
      quantize(x, want, imatrix);
      const got = t.codec.encode(x, { nPerRow, nonFinite: 'propagate', ...(imatrix ? { imatrix } : {}) });
      res.blocks += nRows * blocksPerRow;
      record(res, diffBytes(want, got, t.blockBytes), r0, (r) => {
        const q = rowOf(want, r, rowBytes);
        const out = ggmlDecode(q, nPerRow);
        return {
          ggmlCall,
          recipe: recipes[r]!,
          x: rowOf(x, r, nPerRow),
          ...(imatrix ? { imatrix: imatrix.slice() } : {}),
          q,
          ...(out ? { out } : {}),
        };
      });
      checkDecode(want, nRows, r0, ggmlCall);
    }
    return res;
  };

  const noEncoder = t.encodeUnavailable;
  const refName = `quantize_row_${info.name}_ref`;
  const ref = encodePath(
    'ref',
    noEncoder ??
      t.refQuantizerDiffers ??
      (ggml.quantize.hasRef(id) ? undefined : `ggml exports no ${refName}`),
    id * 8 + 0,
    false,
    refName,
    (x, q) => ggml.quantize.quantizeRowRef(id, x, q),
  );
  // ggml_quantize_chunk takes weight types and the float storage types (f32 copied, f16/bf16 converted),
  // not the activation partners (q8_k, q8_1).
  const notWeight =
    t.role === 'activation'
      ? `ggml_quantize_chunk does not quantize activation type ${info.name}`
      : undefined;
  const needsImatrix = ggml.quantize.requiresImatrix(id)
    ? `ggml requires an importance matrix for ${info.name}`
    : undefined;
  const chunk = encodePath(
    'chunk',
    noEncoder ?? notWeight ?? needsImatrix,
    id * 8 + 1,
    false,
    'ggml_quantize_chunk(imatrix=NULL)',
    (x, q) => ggml.quantize.quantizeChunk(id, x, q, nPerRow),
  );
  const chunkImatrix = encodePath(
    'chunk_imatrix',
    noEncoder ?? notWeight,
    id * 8 + 2,
    true,
    'ggml_quantize_chunk(imatrix)',
    (x, q, im) => ggml.quantize.quantizeChunk(id, x, q, nPerRow, im),
  );

  const random = result('decode_random', decodeGgml.skipped);
  if (!random.skipped) {
    for (let r0 = 0; r0 < rows; r0 += ROWS_PER_BATCH) {
      const nRows = Math.min(ROWS_PER_BATCH, rows - r0);
      const q = new Uint8Array(nRows * rowBytes);
      for (let r = 0; r < nRows; r++)
        randomBytes(rowSeed(o.seed, id * 8 + 3, r0 + r), q.subarray(r * rowBytes, (r + 1) * rowBytes));
      const n = nRows * nPerRow;
      const want = ggmlDecode(q, n)!;
      const got = t.codec.decode(q, n);
      random.blocks += nRows * blocksPerRow;
      record(random, diffF32(want, got, t.blockElements), r0, (r) => ({
        ggmlCall: `dequantize_row_${info.name} of random bytes`,
        q: rowOf(q, r, rowBytes),
        out: rowOf(want, r, nPerRow),
      }));
    }
  }
  return { type: t.id, paths: [ref, chunk, chunkImatrix, decodeGgml, random] };
}
