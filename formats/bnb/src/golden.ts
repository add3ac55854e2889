/**
 * Golden-vector conformance for datasets/golden/bnb/{nf4,fp4}: bitsandbytes' device functions compiled
 * for the host. Each case is checked stage by stage so a failure names the stage: codes, absmax and
 * dequantized output (format nf4/fp4), then the double-quantization stages q8, absmax2, offset,
 * reconstructed absmax and output (format nf4_dq/fp4_dq), and both through the storage layout
 * (encode/decode). A 'tables' case checks the spec tables against the manifest's bit patterns and the
 * shared dynamic_map.f32.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ConformCase,
  type ConformCheck,
  type ConformReport,
  compareBytes,
  compareF32,
  type GoldenCase,
  type GoldenFolder,
  type GoldenHandler,
  type Mismatch,
  openGoldenFolder,
  QbenchError,
  type ResolvedSpec,
} from '@qbench/core';
import { BnbCodec, type BnbTensor } from './codec.ts';
import { parseDynamicId } from './dynamic-spec.ts';
import { SPECS, TABLES } from './generated/specs.ts';
import type { QuantType } from './params.ts';
import { compressStatistics, decompressStatistics } from './reference/double-quant.ts';
import { dequantize4bit, quantize4bit } from './reference/quantize-4bit.ts';

function readManifest(dir: string): Record<string, unknown> | undefined {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) return undefined;
  try {
    const m: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof m === 'object' && m !== null && !Array.isArray(m)
      ? (m as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function quantTypeOf(manifest: Record<string, unknown> | undefined): QuantType | undefined {
  const f = manifest?.['format'];
  const source = manifest?.['source'];
  if ((f === 'nf4' || f === 'fp4') && typeof source === 'string' && source.includes('bitsandbytes')) return f;
  return undefined;
}

function specFor(id: string, blocksize: number): ResolvedSpec {
  const fixed = (SPECS as Readonly<Record<string, ResolvedSpec>>)[id];
  if (blocksize === 64 && fixed) return fixed;
  const dyn = parseDynamicId(`${id}_bs${blocksize}`);
  if (!dyn) throw new QbenchError('golden.manifest', `bnb: no spec for ${id} at blocksize ${blocksize}`);
  return dyn;
}

function check(op: string, mismatch: Mismatch | undefined, detail?: string): ConformCheck {
  return { op, ok: mismatch === undefined, ...(mismatch ? { mismatch } : {}), ...(detail ? { detail } : {}) };
}

/** The first differing component of two tensors, as one check. */
function compareTensors(
  op: string,
  expected: BnbTensor,
  got: BnbTensor,
  n: number,
  blocksize: number,
): ConformCheck {
  const nb = Math.ceil(n / 2);
  const parts: [string, Mismatch | undefined][] = [
    ['codes', compareBytes(expected.codes.subarray(0, nb), got.codes.subarray(0, nb), blocksize / 2)],
  ];
  if (expected.absmax && got.absmax) parts.push(['absmax', compareF32(expected.absmax, got.absmax, 1)]);
  if (expected.nested && got.nested) {
    const e = expected.nested;
    const g = got.nested;
    parts.push(['q8', compareBytes(e.q8, g.q8, 256)]);
    parts.push(['absmax2', compareF32(e.absmax2, g.absmax2, 1)]);
    parts.push(['offset', compareF32(Float32Array.of(e.offset), Float32Array.of(g.offset), 1)]);
  }
  const bad = parts.find(([, m]) => m !== undefined);
  return bad ? check(op, bad[1], `first difference in ${bad[0]}`) : check(op, undefined);
}

/** bnb's planar codes (ceil(n/2) bytes) widened to whole blocks; pad bytes are never decoded. */
function wholeBlocks(codes: Uint8Array, n: number, blocksize: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(n / blocksize) * (blocksize / 2));
  out.set(codes);
  return out;
}

function conformCase(c: GoldenCase, quantType: QuantType, blocksize: number): ConformCase[] {
  const n = c.meta['n'];
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new QbenchError('golden.manifest', `${c.folder.dir}: case ${c.name} needs an element count 'n'`);
  }
  const blocks = Math.ceil(n / blocksize);
  const plain = new BnbCodec(specFor(quantType, blocksize));
  const x = c.f32('in', n);
  const q = c.bytes('q', Math.ceil(n / 2));
  const absmax = c.f32('absmax', blocks);
  const ours = quantize4bit(x, plain.code, blocksize);
  const golden: BnbTensor = { codes: wholeBlocks(q, n, blocksize), absmax };
  const plainChecks: ConformCheck[] = [
    check('codes', compareBytes(q, ours.codes, blocksize / 2)),
    check('absmax', compareF32(absmax, ours.absmax, 1)),
    check(
      'out',
      compareF32(c.f32('out', n), dequantize4bit(q, absmax, n, plain.code.lut, blocksize), blocksize),
    ),
    compareTensors(
      'encode',
      golden,
      plain.unpack(plain.encode(x, { nonFinite: 'propagate' }), n),
      n,
      blocksize,
    ),
    check('decode', compareF32(c.f32('out', n), plain.decode(plain.pack(golden, n), n), blocksize)),
  ];
  const cases: ConformCase[] = [{ format: plain.id, case: c.name, checks: plainChecks }];
  if (!c.has('nested_q8')) return cases;

  const dq = new BnbCodec(specFor(`${quantType}_dq`, blocksize));
  const map = dq.dynamicMap!;
  const nb = dq.params.nestedBlocksize;
  const nested = {
    q8: c.bytes('nested_q8', blocks),
    absmax2: c.f32('nested_absmax2', Math.ceil(blocks / nb)),
    offset: c.f32('nested_offset', 1)[0]!,
  };
  const oursNested = compressStatistics(absmax, map, nb);
  const rec = c.f32('nested_absmax_rec', blocks);
  const nestedOut = c.f32('nested_out', n);
  const goldenDq: BnbTensor = { codes: golden.codes, nested };
  const dqChecks: ConformCheck[] = [
    check('nested_q8', compareBytes(nested.q8, oursNested.q8, nb)),
    check('nested_absmax2', compareF32(nested.absmax2, oursNested.absmax2, 1)),
    check('nested_offset', compareF32(Float32Array.of(nested.offset), Float32Array.of(oursNested.offset), 1)),
    check('nested_absmax_rec', compareF32(rec, decompressStatistics(nested, map, nb), 1)),
    check('nested_out', compareF32(nestedOut, dequantize4bit(q, rec, n, dq.code.lut, blocksize), blocksize)),
    compareTensors('encode', goldenDq, dq.unpack(dq.encode(x, { nonFinite: 'propagate' }), n), n, blocksize),
    check('decode', compareF32(nestedOut, dq.decode(dq.pack(goldenDq, n), n), blocksize)),
  ];
  cases.push({ format: dq.id, case: c.name, checks: dqChecks });
  return cases;
}

function hexTable(values: unknown): Float32Array | undefined {
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) return undefined;
  return new Float32Array(Uint32Array.from(values.map((h) => Number.parseInt(h, 16))).buffer);
}

function tableCheck(op: string, expected: Float32Array | undefined, got: Float32Array): ConformCheck {
  if (!expected) return { op, ok: false, detail: `the manifest has no ${op} table` };
  return check(op, compareF32(expected, got, got.length));
}

/** The spec tables against the manifest's `tables_f32_hex` and the shared dynamic map file. */
function tablesCase(folder: GoldenFolder, quantType: QuantType): ConformCase {
  const t = (folder.manifest['tables_f32_hex'] ?? {}) as Record<string, unknown>;
  const checks: ConformCheck[] = [];
  if (quantType === 'nf4') {
    checks.push(tableCheck('lut', hexTable(t['lut']), TABLES.nf4.lut));
    checks.push(
      tableCheck('thresholds', hexTable(t['thresholds_ascending_strict_gt']), TABLES.nf4.thresholds),
    );
  } else {
    checks.push(tableCheck('lut', hexTable(t['lut_magnitude_by_low3bits']), TABLES.fp4.lutMagnitude));
    // thresholds_on_abs_strict_gt maps each threshold's hex to the code above it ("0b110 above").
    const above = (t['thresholds_on_abs_strict_gt'] ?? {}) as Record<string, unknown>;
    const keys = Object.keys(above).sort((a, b) => hexTable([a])![0]! - hexTable([b])![0]!);
    checks.push(tableCheck('thresholds', hexTable(keys), TABLES.fp4.thresholds));
    const ranks = [
      0,
      ...keys.map((k) => Number.parseInt(String(above[k]).replace(/^0b([01]+).*$/, '$1'), 2)),
    ];
    const same =
      ranks.length === TABLES.fp4.codeByRank.length && ranks.every((r, i) => r === TABLES.fp4.codeByRank[i]);
    checks.push({ op: 'codeByRank', ok: same, ...(same ? {} : { detail: `manifest ${ranks.join(',')}` }) });
  }
  if (folder.manifest['nested_code'] !== undefined) {
    const bytes = folder.topLevelBytes('nested_code', 256 * 4);
    const map = new Float32Array(256);
    new Uint8Array(map.buffer).set(bytes);
    checks.push(tableCheck('dynamic_map', map, TABLES.nf4_dq.dynamicMap));
  }
  return { format: quantType, case: 'tables', checks };
}

export function conformBnbFolder(dir: string, options: { format?: string } = {}): ConformReport {
  const folder = openGoldenFolder(dir);
  const quantType = quantTypeOf(folder.manifest);
  if (!quantType)
    throw new QbenchError('golden.manifest', `${dir}: not a bitsandbytes nf4/fp4 golden folder`);
  const blocksize = folder.manifest['blocksize'];
  if (typeof blocksize !== 'number')
    throw new QbenchError('golden.manifest', `${dir}: manifest has no numeric 'blocksize'`);
  const cases = [
    tablesCase(folder, quantType),
    ...folder.cases.flatMap((c) => conformCase(c, quantType, blocksize)),
  ];
  const wanted = options.format;
  return { folder: dir, cases: wanted ? cases.filter((c) => c.format === wanted) : cases };
}

export const bnbGolden: GoldenHandler = {
  claims: (dir) => quantTypeOf(readManifest(dir)) !== undefined,
  conform: async (dir, options) => conformBnbFolder(dir, options),
};
