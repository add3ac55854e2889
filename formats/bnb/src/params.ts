/**
 * Reads a bnb spec's params (quant type, blocksize, double quantization) and its constant tables.
 * Tables come only from the generated TABLES (formats/bnb/specs/*.json → pnpm codegen); variants name
 * the spec that holds them (`codeTables`, `dynamicMapTable`) so that no table is written twice.
 */
import { QbenchError, type ResolvedSpec } from '@qbench/core';
import { TABLES } from './generated/specs.ts';

export const QUANT_TYPES = ['nf4', 'fp4'] as const;
export type QuantType = (typeof QUANT_TYPES)[number];

/** bitsandbytes accepts these 4-bit blocksizes (kQuantizeBlockwiseSmall: 32, 64; kQuantizeBlockwise: the rest). */
export const ALLOWED_BLOCKSIZES = [32, 64, 128, 256, 512, 1024, 2048, 4096] as const;

/** quantize_4bit's nested quantize_blockwise call uses blocksize 256 for the absmax statistics. */
export const DEFAULT_NESTED_BLOCKSIZE = 256;

export interface BnbParams {
  readonly quantType: QuantType;
  readonly blocksize: number;
  readonly doubleQuant: boolean;
  readonly nestedBlocksize: number;
  /** Spec id whose tables hold the 4-bit code (lut / thresholds). */
  readonly codeTables: string;
  /** Spec id whose tables hold the 8-bit dynamic map (double quantization only). */
  readonly dynamicMapTable: string;
}

function paramError(spec: ResolvedSpec, what: string, expected: string, got: unknown): QbenchError {
  return new QbenchError(
    'format.params',
    `${spec.id}: params.${what} must be ${expected}, got ${JSON.stringify(got)}`,
    {
      format: spec.id,
      param: what,
      expected,
      got,
    },
  );
}

export function checkBlocksize(id: string, blocksize: unknown): number {
  if (typeof blocksize !== 'number' || !(ALLOWED_BLOCKSIZES as readonly number[]).includes(blocksize)) {
    throw new QbenchError(
      'format.blocksize',
      `${id}: blocksize ${String(blocksize)} is not one bitsandbytes supports (${ALLOWED_BLOCKSIZES.join(', ')})`,
      { format: id, expected: ALLOWED_BLOCKSIZES.join('|'), got: blocksize },
    );
  }
  return blocksize;
}

export function bnbParams(spec: ResolvedSpec): BnbParams {
  const p = spec.params ?? {};
  const quantType = p['quantType'];
  if (quantType !== 'nf4' && quantType !== 'fp4')
    throw paramError(spec, 'quantType', "'nf4' or 'fp4'", quantType);
  const blocksize = checkBlocksize(spec.id, p['blocksize']);
  const doubleQuant = p['doubleQuant'] ?? false;
  if (typeof doubleQuant !== 'boolean') throw paramError(spec, 'doubleQuant', 'a boolean', doubleQuant);
  const nestedBlocksize = p['nestedBlocksize'] ?? DEFAULT_NESTED_BLOCKSIZE;
  if (typeof nestedBlocksize !== 'number' || !Number.isInteger(nestedBlocksize) || nestedBlocksize < 1) {
    throw paramError(spec, 'nestedBlocksize', 'a positive integer', nestedBlocksize);
  }
  const codeTables = p['codeTables'] ?? quantType;
  if (typeof codeTables !== 'string') throw paramError(spec, 'codeTables', 'a spec id', codeTables);
  const dynamicMapTable = p['dynamicMapTable'] ?? 'nf4_dq';
  if (typeof dynamicMapTable !== 'string')
    throw paramError(spec, 'dynamicMapTable', 'a spec id', dynamicMapTable);
  const blockBytes = (doubleQuant ? 1 : 4) + blocksize / 2;
  if (spec.layout.blockElements !== blocksize || spec.layout.blockBytes !== blockBytes) {
    throw new QbenchError(
      'format.layout',
      `${spec.id}: layout says ${spec.layout.blockElements} elements in ${spec.layout.blockBytes} bytes, but blocksize ${blocksize}${doubleQuant ? ' with double quantization' : ''} needs ${blocksize} in ${blockBytes}`,
      { format: spec.id, expected: { blockElements: blocksize, blockBytes }, got: spec.layout },
    );
  }
  return { quantType, blocksize, doubleQuant, nestedBlocksize, codeTables, dynamicMapTable };
}

type TableSet = Readonly<Record<string, Float32Array | Uint8Array>>;

function tableOf<T extends Float32Array | Uint8Array>(
  specId: string,
  name: string,
  kind: new (n: number) => T,
  length: number,
): T {
  const set = (TABLES as Readonly<Record<string, TableSet>>)[specId];
  const t = set?.[name];
  if (!(t instanceof kind) || t.length !== length) {
    throw new QbenchError(
      'format.table',
      `bnb: spec '${specId}' has no ${kind.name} table '${name}' of ${length} entries`,
      {
        spec: specId,
        table: name,
      },
    );
  }
  return t;
}

/** The 4-bit code of one quant type: a signed 16-entry decode table and the decision thresholds. */
export interface FourBitCode {
  readonly quantType: QuantType;
  /** Value of each 4-bit code (index = code); for FP4 the sign of bit 3 is folded in (code 8 = −0). */
  readonly lut: Float32Array;
  /** NF4: 15 ascending thresholds on the scaled value. FP4: 7 ascending thresholds on its magnitude. */
  readonly thresholds: Float32Array;
  /** FP4 only: 3-bit code of the rank-th smallest magnitude. */
  readonly codeByRank?: Uint8Array;
}

const codeCache = new Map<string, FourBitCode>();

export function fourBitCode(quantType: QuantType, tablesFrom: string = quantType): FourBitCode {
  const key = `${quantType}:${tablesFrom}`;
  const hit = codeCache.get(key);
  if (hit) return hit;
  let code: FourBitCode;
  if (quantType === 'nf4') {
    code = {
      quantType,
      lut: tableOf(tablesFrom, 'lut', Float32Array, 16),
      thresholds: tableOf(tablesFrom, 'thresholds', Float32Array, 15),
    };
  } else {
    const magnitude = tableOf(tablesFrom, 'lutMagnitude', Float32Array, 8);
    // dDequantizeFP4Tree returns lut[c & 7] * (1 - 2 * (c >> 3)): a multiply by ±1.0, exact, so a
    // signed 16-entry table gives the same float32 values (including −0 for code 8).
    const lut = new Float32Array(16);
    for (let c = 0; c < 16; c++) lut[c] = Math.fround(magnitude[c & 7]! * (c & 8 ? -1 : 1));
    code = {
      quantType,
      lut,
      thresholds: tableOf(tablesFrom, 'thresholds', Float32Array, 7),
      codeByRank: tableOf(tablesFrom, 'codeByRank', Uint8Array, 8),
    };
  }
  codeCache.set(key, code);
  return code;
}

/** The 256-entry dynamic 8-bit map used for the nested (double) quantization of absmax. */
export function dynamicMapTable(specId = 'nf4_dq'): Float32Array {
  return tableOf(specId, 'dynamicMap', Float32Array, 256);
}
