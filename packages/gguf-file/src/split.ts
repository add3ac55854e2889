/**
 * Split GGUF sets as llama.cpp's gguf-split writes them (tools/gguf-split, llama_split_path): parts named
 * `PREFIX-%05d-of-%05d.gguf` with a 1-based part number; every part carries `split.no` (u16, 0-based),
 * `split.count` (u16) and `split.tensors.count` (i32, the tensors of the whole set); the first part holds
 * all other metadata, the loader reads metadata from the first part only and rejects a wrong part index, a
 * tensor count that does not add up and a tensor name that appears twice. These checks run over the parts'
 * scan reports and add their findings to the part they concern; browser-safe (no file access).
 */
import { FindingSink } from './findings.ts';
import { type GgufKv, printable } from './parse.ts';
import type { ScanReport } from './scan.ts';
import type { GgufValue } from './values.ts';

export const SPLIT_KEYS = { no: 'split.no', count: 'split.count', tensors: 'split.tensors.count' } as const;
const SPLIT_NAME = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/;

export interface SplitName {
  prefix: string;
  /** 1-based part number from the name. */
  part: number;
  count: number;
}

/** The split name of a path (`model-00002-of-00003.gguf`), or undefined for a plain name. */
export function splitName(path: string): SplitName | undefined {
  const m = SPLIT_NAME.exec(path);
  if (!m) return undefined;
  return { prefix: m[1]!, part: Number(m[2]), count: Number(m[3]) };
}

/** The path of part `part` (1-based) of `count`, as llama_split_path builds it. */
export function splitPath(prefix: string, part: number, count: number): string {
  return `${prefix}-${String(part).padStart(5, '0')}-of-${String(count).padStart(5, '0')}.gguf`;
}

export interface SplitPart {
  path: string;
  /** Undefined when the part could not be read (missing file). */
  report?: ScanReport;
  /** Why the part could not be read. */
  error?: string;
}

function integer(kv: GgufKv | undefined): number | undefined {
  const v = kv?.value;
  if (!v) return undefined;
  if (v.type === 'u64' || v.type === 'i64') return Number(v.value);
  if (
    v.type === 'u8' ||
    v.type === 'i8' ||
    v.type === 'u16' ||
    v.type === 'i16' ||
    v.type === 'u32' ||
    v.type === 'i32'
  )
    return v.value;
  return undefined;
}

/** Structural equality of two values; undefined when either array was not kept (over the memory budget). */
export function sameValue(a: GgufValue, b: GgufValue): boolean | undefined {
  if (a.type !== b.type) return false;
  if (a.type !== 'arr' || b.type !== 'arr')
    return (a as { value: unknown }).value === (b as { value: unknown }).value;
  if (a.elementType !== b.elementType || a.length !== b.length) return false;
  if (!a.values || !b.values) return undefined;
  for (let i = 0; i < a.values.length; i++) {
    const x = a.values[i] as unknown;
    const y = b.values[i] as unknown;
    if (typeof x === 'object' && x !== null) {
      const same = sameValue(x as GgufValue, y as GgufValue);
      if (same !== true) return same;
    } else if (x !== y) return false;
  }
  return true;
}

/**
 * Check a split set. `parts[i]` is part i+1 as named; the returned sinks hold the set findings for each
 * part (same order), to be merged into that part's report.
 */
export function checkSplitSet(name: SplitName, parts: readonly SplitPart[]): FindingSink[] {
  const sinks = parts.map(() => new FindingSink());
  const first = parts[0]?.report?.parsed;
  parts.forEach((part, i) => {
    if (!part.report)
      sinks[0]!.add(
        'split.missing-part',
        0,
        `part ${i + 1} of ${name.count} '${part.path}' cannot be read: ${part.error ?? 'missing'}`,
      );
  });
  // Per-part split keys against the name and the first part.
  const expectedTensors = integer(first?.kv.get(SPLIT_KEYS.tensors));
  let tensorTotal = 0;
  const owner = new Map<string, number>();
  parts.forEach((part, i) => {
    const p = part.report?.parsed;
    if (!p?.complete) return;
    const sink = sinks[i]!;
    const label = `part ${i + 1} of ${name.count}`;
    for (const [key, want, what] of [
      [SPLIT_KEYS.no, i, 'its 0-based index from the file name'],
      [SPLIT_KEYS.count, name.count, 'the part count in the file name'],
      [SPLIT_KEYS.tensors, expectedTensors, 'the first part'],
    ] as const) {
      const kv = p.kv.get(key);
      const got = integer(kv);
      if (got === undefined)
        sink.add(
          'split.metadata',
          kv?.offset ?? 24,
          `${label}: ${key} is ${kv ? `a ${kv.value.type}, not an integer` : 'missing'}`,
          { key },
        );
      else if (want !== undefined && got !== want)
        sink.add('split.metadata', kv!.offset, `${label}: ${key} = ${got}, expected ${want} (${what})`, {
          key,
        });
    }
    tensorTotal += p.tensors.length;
    for (const t of p.tensors) {
      const prev = owner.get(t.name);
      if (prev !== undefined)
        sink.add(
          'split.tensor-duplicate',
          t.infoOffset,
          `${label}: tensor '${printable(t.name)}' is also in part ${prev + 1}`,
          { tensor: t.name },
        );
      else owner.set(t.name, i);
    }
    // Metadata must agree: a later part's key that the first part lacks or holds with another value is
    // invisible to llama.cpp (it reads the first part only) but not to every loader.
    if (i > 0 && first?.complete) {
      for (const kv of p.kv.values()) {
        if (kv.key === SPLIT_KEYS.no || kv.key === SPLIT_KEYS.count || kv.key === SPLIT_KEYS.tensors)
          continue;
        const ref = first.kv.get(kv.key);
        if (!ref)
          sink.add(
            'split.metadata-mismatch',
            kv.offset,
            `${label}: key ${kv.key} is not in part 1 (loaders read metadata from part 1 only)`,
            { key: kv.key },
          );
        else if (sameValue(ref.value, kv.value) === false)
          sink.add('split.metadata-mismatch', kv.offset, `${label}: ${kv.key} differs from part 1`, {
            key: kv.key,
          });
      }
    }
  });
  const allRead = parts.every((p) => p.report?.parsed.complete);
  if (allRead && expectedTensors !== undefined && tensorTotal !== expectedTensors) {
    const kv = first!.kv.get(SPLIT_KEYS.tensors)!;
    sinks[0]!.add(
      'split.tensor-count',
      kv.offset,
      `the ${name.count} parts hold ${tensorTotal} tensors, ${SPLIT_KEYS.tensors} says ${expectedTensors}`,
      { key: kv.key },
    );
  }
  return sinks;
}

/** A file whose metadata says it is part of a split set but whose name does not let the parts be found. */
export function checkUnsplitName(report: ScanReport): FindingSink {
  const sink = new FindingSink();
  const kv = report.parsed.kv.get(SPLIT_KEYS.count);
  const count = integer(kv);
  if (count !== undefined && count > 1)
    sink.add(
      'split.name',
      kv!.offset,
      `${SPLIT_KEYS.count} = ${count} but the file name is not PREFIX-NNNNN-of-NNNNN.gguf, so the other parts cannot be found and checked`,
      { key: kv!.key },
    );
  return sink;
}
