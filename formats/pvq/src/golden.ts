/**
 * The PVQ golden folder (datasets/golden/pvq): libopus' own CWRS indices and op_pvq_search results as
 * JSON (cwrs.json, vq.json) plus a BigInt model past 2^32 (cwrs_bigint.json). It has no manifest.json,
 * so it is not the interchange format; this handler claims it and reports one case per golden vector:
 *   cwrs vectors:       'index' (CWRS encode), 'decode' (CWRS decode), 'fischer_index', 'fischer_decode'
 *   V table:            'count' (V(N,K) as libopus tabulates it)
 *   full enumerations:  'decode' (every index in order), 'index', 'fischer_index', 'bijection'
 *   search cases:       'search' (exact iy and float32 yy), 'index' when the golden gives one
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConformCase, ConformCheck, ConformReport, GoldenHandler, Mismatch } from '@qbench/core';
import { QbenchError } from '@qbench/core';
import { pyramidCount } from './count.ts';
import { type PvqOrder, Pyramid } from './cwrs.ts';
import { pvqSearch } from './search.ts';

const FILES = ['cwrs.json', 'vq.json', 'cwrs_bigint.json'] as const;
const FORMAT = 'pvq';

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readJson(dir: string, file: string): Json {
  const path = join(dir, file);
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new QbenchError('golden.parse', `${path}: not valid JSON (${(e as Error).message})`, {
      file: path,
    });
  }
  if (!isRecord(v))
    throw new QbenchError('golden.parse', `${path}: top level must be an object`, { file: path });
  return v;
}

function list(v: unknown, where: string): Json[] {
  if (!Array.isArray(v) || !v.every(isRecord)) {
    throw new QbenchError('golden.parse', `${where} must be an array of objects`);
  }
  return v;
}

function int(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new QbenchError('golden.parse', `${where} must be an integer`);
  return v;
}

function big(v: unknown, where: string): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  throw new QbenchError('golden.parse', `${where} must be a non-negative integer or decimal string`);
}

function ints(v: unknown, where: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isInteger(x))) {
    throw new QbenchError('golden.parse', `${where} must be an array of integers`);
  }
  return v as number[];
}

function floats(v: unknown, where: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) {
    throw new QbenchError('golden.parse', `${where} must be an array of numbers`);
  }
  return v as number[];
}

/** First differing coordinate of two vectors, as a Mismatch (block = the case's position in its file). */
function vectorMismatch(
  expected: ArrayLike<number>,
  got: ArrayLike<number>,
  block: number,
): Mismatch | undefined {
  let first = -1;
  let count = 0;
  for (let j = 0; j < Math.max(expected.length, got.length); j++) {
    if (expected[j] !== got[j]) {
      if (first < 0) first = j;
      count++;
    }
  }
  if (first < 0) return undefined;
  return {
    index: first,
    block,
    offsetInBlock: first,
    expected: `${expected[first]}`,
    got: `${got[first]}`,
    count,
  };
}

function scalarCheck(
  op: string,
  expected: bigint | number,
  run: () => bigint | number,
  block: number,
): ConformCheck {
  try {
    const got = run();
    if (got.toString() === expected.toString()) return { op, ok: true };
    return {
      op,
      ok: false,
      mismatch: { index: 0, block, offsetInBlock: 0, expected: `${expected}`, got: `${got}`, count: 1 },
    };
  } catch (e) {
    return { op, ok: false, detail: (e as Error).message };
  }
}

function vectorCheck(
  op: string,
  expected: ArrayLike<number>,
  run: () => ArrayLike<number>,
  block: number,
): ConformCheck {
  try {
    const m = vectorMismatch(expected, run(), block);
    return m ? { op, ok: false, mismatch: m } : { op, ok: true };
  } catch (e) {
    return { op, ok: false, detail: (e as Error).message };
  }
}

class PyramidCache {
  private readonly map = new Map<string, Pyramid>();
  get(n: number, k: number): Pyramid {
    const key = `${n},${k}`;
    let p = this.map.get(key);
    if (!p) {
      p = new Pyramid(n, k);
      this.map.set(key, p);
    }
    return p;
  }
}

function codewordCases(file: string, doc: Json, pyramids: PyramidCache): ConformCase[] {
  const out: ConformCase[] = [];
  const cases = list(doc['cases'], `${file}.cases`);
  let block = 0;
  for (const [ci, c] of cases.entries()) {
    const n = int(c['N'], `${file}.cases[${ci}].N`);
    const k = int(c['K'], `${file}.cases[${ci}].K`);
    const p = pyramids.get(n, k);
    const v = big(c['V'], `${file}.cases[${ci}].V`);
    out.push({
      format: FORMAT,
      case: `${file} N=${n} K=${k} V`,
      checks: [scalarCheck('count', v, () => p.size, block++)],
    });
    for (const [vi, vec] of list(c['vectors'], `${file}.cases[${ci}].vectors`).entries()) {
      const where = `${file}.cases[${ci}].vectors[${vi}]`;
      const y = ints(vec['y'], `${where}.y`);
      const index = big(vec['index'], `${where}.index`);
      const fischer = big(vec['fischer_index'], `${where}.fischer_index`);
      const checks: ConformCheck[] = [
        scalarCheck('index', index, () => p.encode(y, 'cwrs'), block),
        vectorCheck('decode', y, () => p.decode(index, 'cwrs'), block),
        scalarCheck('fischer_index', fischer, () => p.encode(y, 'fischer'), block),
        vectorCheck('fischer_decode', y, () => p.decode(fischer, 'fischer'), block),
      ];
      block++;
      out.push({ format: FORMAT, case: `${file} N=${n} K=${k} #${vi} index ${index}`, checks });
    }
  }
  return out;
}

function vTableCases(doc: Json): ConformCase[] {
  if (doc['v_table'] === undefined) return [];
  return list(doc['v_table'], 'cwrs.json.v_table').map((row, i) => {
    const n = int(row['N'], `v_table[${i}].N`);
    const k = int(row['K'], `v_table[${i}].K`);
    const v = big(row['V'], `v_table[${i}].V`);
    return {
      format: FORMAT,
      case: `cwrs.json v_table V(${n},${k})`,
      checks: [scalarCheck('count', v, () => pyramidCount(n, k), i)],
    };
  });
}

function enumerationCases(doc: Json, pyramids: PyramidCache): ConformCase[] {
  if (doc['full_enumerations'] === undefined) return [];
  return list(doc['full_enumerations'], 'cwrs.json.full_enumerations').map((e, ei) => {
    const where = `full_enumerations[${ei}]`;
    const n = int(e['N'], `${where}.N`);
    const k = int(e['K'], `${where}.K`);
    const rawByIndex = e['by_index'];
    if (!Array.isArray(rawByIndex))
      throw new QbenchError('golden.parse', `${where}.by_index must be an array`);
    const byIndex = rawByIndex.map((y, i) => ints(y, `${where}.by_index[${i}]`));
    const fischerOf = ints(e['fischer_index_of_each'], `${where}.fischer_index_of_each`);
    const p = pyramids.get(n, k);
    const flat = (order: PvqOrder): number[] => {
      const all: number[] = [];
      for (let i = 0; i < byIndex.length; i++) all.push(...p.decode(BigInt(i), order));
      return all;
    };
    const checks: ConformCheck[] = [
      scalarCheck('count', byIndex.length, () => Number(p.size), ei),
      vectorCheck('decode', byIndex.flat(), () => flat('cwrs'), ei),
      vectorCheck(
        'index',
        byIndex.map((_, i) => i),
        () => byIndex.map((y) => Number(p.encode(y, 'cwrs'))),
        ei,
      ),
      vectorCheck('fischer_index', fischerOf, () => byIndex.map((y) => Number(p.encode(y, 'fischer'))), ei),
      (() => {
        const seen = new Set(fischerOf);
        const ok = seen.size === byIndex.length && fischerOf.every((i) => i >= 0 && i < byIndex.length);
        return ok
          ? { op: 'bijection', ok: true }
          : {
              op: 'bijection',
              ok: false,
              detail: `fischer_index_of_each is not a permutation of [0, ${byIndex.length})`,
            };
      })(),
    ];
    return { format: FORMAT, case: `cwrs.json full enumeration N=${n} K=${k}`, checks };
  });
}

function searchCases(doc: Json, pyramids: PyramidCache): ConformCase[] {
  return list(doc['cases'], 'vq.json.cases').map((c, i) => {
    const where = `vq.json.cases[${i}]`;
    const n = int(c['N'], `${where}.N`);
    const k = int(c['K'], `${where}.K`);
    const x = Float32Array.from(floats(c['x'], `${where}.x`));
    const iy = ints(c['iy'], `${where}.iy`);
    const yy = c['yy'];
    if (typeof yy !== 'number') throw new QbenchError('golden.parse', `${where}.yy must be a number`);
    const checks: ConformCheck[] = [];
    let found: Int32Array | undefined;
    try {
      const r = pvqSearch(x, k);
      found = r.iy;
      const m = vectorMismatch(iy, r.iy, i);
      if (m) checks.push({ op: 'search', ok: false, mismatch: m });
      else if (r.yy !== Math.fround(yy))
        checks.push({ op: 'search', ok: false, detail: `yy: expected ${yy}, got ${r.yy}` });
      else checks.push({ op: 'search', ok: true });
    } catch (e) {
      checks.push({ op: 'search', ok: false, detail: (e as Error).message });
    }
    if (c['index'] !== undefined) {
      const index = big(c['index'], `${where}.index`);
      checks.push(scalarCheck('index', index, () => pyramids.get(n, k).encode(found ?? iy, 'cwrs'), i));
    }
    return { format: FORMAT, case: `vq.json #${i} ${String(c['kind'])} N=${n} K=${k}`, checks };
  });
}

export const pvqGolden: GoldenHandler = {
  claims(dir: string): boolean {
    if (existsSync(join(dir, 'manifest.json'))) return false;
    return FILES.some((f) => existsSync(join(dir, f)));
  },

  async conform(dir: string, options: { format?: string } = {}): Promise<ConformReport> {
    // The vectors pin the pyramid itself, which every pvq format shares; other formats have no case here.
    const only = options.format;
    if (only !== undefined && only !== FORMAT && !only.startsWith(`${FORMAT}_`))
      return { folder: dir, cases: [] };
    const pyramids = new PyramidCache();
    const cases: ConformCase[] = [];
    if (existsSync(join(dir, 'cwrs.json'))) {
      const doc = readJson(dir, 'cwrs.json');
      cases.push(
        ...vTableCases(doc),
        ...codewordCases('cwrs.json', doc, pyramids),
        ...enumerationCases(doc, pyramids),
      );
    }
    if (existsSync(join(dir, 'cwrs_bigint.json'))) {
      cases.push(...codewordCases('cwrs_bigint.json', readJson(dir, 'cwrs_bigint.json'), pyramids));
    }
    if (existsSync(join(dir, 'vq.json'))) cases.push(...searchCases(readJson(dir, 'vq.json'), pyramids));
    if (cases.length === 0) {
      throw new QbenchError('golden.missing', `${dir}: none of ${FILES.join(', ')} is present`, { dir });
    }
    return { folder: dir, cases };
  },
};
