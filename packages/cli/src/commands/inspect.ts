/**
 * `qbench inspect FILE [--json]`: what a GGUF file holds — version, alignment, metadata (long arrays
 * summarised), tensors (name, type, shape, offset, bytes, bits/weight) and totals per type. Reads only
 * the metadata; a malformed file is refused with the first error (`qbench scan` lists them all).
 * --json keeps every float exactly: the four JSON cannot hold (−0.0, NaN, ±Infinity) are the strings
 * "-0.0", "NaN", "Infinity", "-Infinity" (the entry's type says it is a float), the rest are numbers.
 */
import { type GgufFile, type GgufValue, openGguf, valueToJson } from '@qbench/gguf-file';
import { withFileSource } from '@qbench/gguf-file/node';
import { flag, parse } from '../args.ts';
import { type Io, table } from '../io.ts';

export const summary = 'show a GGUF file: version, alignment, metadata, tensors, totals per type';

/** Arrays longer than this are shown as their first values and a count. */
const ARRAY_PREVIEW = 8;
const STRING_PREVIEW = 72;

/** Exact integers stay numbers while JSON can hold them, else become decimal strings. */
function num(x: bigint): number | string {
  return x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x.toString();
}

function short(s: string): string {
  const j = JSON.stringify(s);
  return j.length > STRING_PREVIEW ? `${j.slice(0, STRING_PREVIEW - 4)}…"` : j;
}

/** A float32 in the fewest digits that read back to the same float32 (and -0 as -0). */
function f32Text(x: number): string {
  if (Object.is(x, -0)) return '-0';
  if (!Number.isFinite(x)) return String(x);
  for (let p = 1; p <= 9; p++) {
    const s = Number(x.toPrecision(p));
    if (Math.fround(s) === x) return String(s);
  }
  return String(x);
}

function describeValue(v: GgufValue): string {
  if (v.type === 'str') return short(v.value);
  if (v.type === 'f32') return f32Text(v.value);
  if (v.type === 'f64' && Object.is(v.value, -0)) return '-0';
  if (v.type !== 'arr') return String(v.value);
  if (v.elementType === 'f32' && v.values instanceof Float32Array) {
    const shown = [...v.values.subarray(0, ARRAY_PREVIEW)].map(f32Text);
    const more = v.length > BigInt(ARRAY_PREVIEW) ? `, … (${v.length} total)` : '';
    return `[${v.length} × f32] ${shown.join(', ')}${more}`;
  }
  if (v.values === undefined) return `[${v.length} × ${v.elementType}] (not kept in memory)`;
  const shown = (valueToJson(v, ARRAY_PREVIEW) as unknown[]).map((x) =>
    typeof x === 'string' ? short(x) : JSON.stringify(x),
  );
  const more = v.length > BigInt(ARRAY_PREVIEW) ? `, … (${v.length} total)` : '';
  return `[${v.length} × ${v.elementType}] ${shown.join(', ')}${more}`;
}

interface TypeTotal {
  type: string;
  tensors: number;
  elements: bigint;
  bytes: bigint;
}

function totals(f: GgufFile): TypeTotal[] {
  const by = new Map<string, TypeTotal>();
  for (const t of f.tensors) {
    const name = t.type?.name ?? `type ${t.typeId}`;
    const e = by.get(name) ?? { type: name, tensors: 0, elements: 0n, bytes: 0n };
    e.tensors++;
    e.elements += t.dims.reduce((a, d) => a * d, 1n);
    e.bytes += t.nbytes;
    by.set(name, e);
  }
  return [...by.values()].sort((a, b) => (b.bytes > a.bytes ? 1 : b.bytes < a.bytes ? -1 : 0));
}

const bpw = (bytes: bigint, elements: bigint) =>
  elements > 0n ? Number((bytes * 8n * 10000n) / elements) / 10000 : 0;

const EXACT = { exactFloats: true } as const;

function jsonView(path: string, f: GgufFile): unknown {
  return {
    file: path,
    size: f.source.size,
    version: f.version,
    alignment: f.alignment,
    dataOffset: f.dataOffset,
    metadata: f.kvs.map((kv) => {
      const v = kv.value;
      // exactFloats: −0.0, NaN and ±Infinity are the strings "-0.0", "NaN", "Infinity", "-Infinity"
      // (plain JSON would print 0 and null); the key's type says it is a float.
      if (v.type !== 'arr') return { key: kv.key, type: v.type, value: valueToJson(v, 64, EXACT) };
      const truncated = v.length > 64n;
      return {
        key: kv.key,
        type: 'arr',
        elementType: v.elementType,
        length: num(v.length),
        truncated,
        value: v.values === undefined ? null : valueToJson(v, truncated ? ARRAY_PREVIEW : 64, EXACT),
      };
    }),
    tensors: f.tensors.map((t) => ({
      name: t.name,
      type: t.type?.name ?? null,
      ggmlTypeId: t.typeId,
      shape: t.dims.map(num),
      offset: num(t.offset),
      absoluteOffset: f.dataOffset + Number(t.offset),
      bytes: num(t.nbytes),
      bitsPerWeight: t.type?.bitsPerWeight ?? null,
    })),
    totals: totals(f).map((x) => ({
      type: x.type,
      tensors: x.tensors,
      elements: num(x.elements),
      bytes: num(x.bytes),
      bitsPerWeight: bpw(x.bytes, x.elements),
    })),
  };
}

export async function run(argv: string[], io: Io): Promise<number> {
  const p = parse('inspect', argv, { json: { type: 'boolean' } });
  const path = p.positionals[0];
  if (!path || p.positionals.length > 1) {
    io.err('usage: qbench inspect FILE [--json]\n');
    return 2;
  }
  return withFileSource(path, async (src) => {
    const f = await openGguf(src);
    if (flag(p, 'json')) {
      io.out(`${JSON.stringify(jsonView(path, f), null, 2)}\n`);
      return 0;
    }
    const out: string[] = [];
    out.push(
      `${path}: GGUF v${f.version}, ${src.size} bytes, alignment ${f.alignment}, data at ${f.dataOffset}`,
    );
    out.push('', `metadata (${f.kvs.length} keys)`);
    out.push(
      table(
        ['key', 'type', 'value'],
        f.kvs.map((kv) => [kv.key, kv.value.type, describeValue(kv.value)]),
      ),
    );
    out.push(`tensors (${f.tensors.length})`);
    out.push(
      table(
        ['name', 'type', 'shape', 'offset', 'bytes', 'bits/weight'],
        f.tensors.map((t) => [
          t.name,
          t.type?.name ?? String(t.typeId),
          `[${t.dims.join(', ')}]`,
          String(t.offset),
          String(t.nbytes),
          t.type ? Number(t.type.bitsPerWeight.toFixed(4)) : '?',
        ]),
      ),
    );
    const tot = totals(f);
    out.push('totals per type');
    out.push(
      table(
        ['type', 'tensors', 'elements', 'bytes', 'bits/weight'],
        tot.map((x) => [x.type, x.tensors, String(x.elements), String(x.bytes), bpw(x.bytes, x.elements)]),
      ),
    );
    for (const w of f.findings.filter((x) => x.severity !== 'info'))
      out.push(`note: ${w.code}: ${w.message}`);
    io.out(`${out.join('\n')}\n`);
    return 0;
  });
}
