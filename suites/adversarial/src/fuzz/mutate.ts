/**
 * Structure-aware mutation of GGUF files. A seed's fields (counts, lengths, type ids, dims, offsets, the
 * tensor data) are located by parsing it, and mutations aim at them with the values that break parsers:
 * boundaries of int32/int64/u64, wrap-around multipliers, off-by-one, the alignment, plus splices,
 * truncations and plain bit flips. Byte flips alone almost never get past the magic and the counts;
 * aiming at fields reaches the deep checks (offsets, dims, types) in most mutants. Key and tensor-name
 * bytes get their own mutations (same length, so the file stays parseable): a NUL byte inside (ggml cuts
 * names there), another name's bytes (a collision, exact or up to a NUL), invalid UTF-8, control bytes.
 */
import { SplitMix64 } from '@qbench/core';
import { bytesSource, parseGguf } from '@qbench/gguf-file';
import type { FieldKind, FieldRecord } from '../corpus/emit.ts';

const enc = new TextEncoder();

/** Locate the fields of a valid seed by parsing it. */
export async function fieldMap(bytes: Uint8Array): Promise<FieldRecord[]> {
  const p = await parseGguf(bytesSource(bytes));
  const f: FieldRecord[] = [
    { offset: 0, size: 4, kind: 'magic' },
    { offset: 4, size: 4, kind: 'version' },
    { offset: 8, size: 8, kind: 'count' },
    { offset: 16, size: 8, kind: 'count' },
  ];
  const add = (offset: number, size: number, kind: FieldKind) => {
    if (offset + size <= bytes.length) f.push({ offset, size, kind });
  };
  for (const kv of p.kvList) {
    const keyLen = enc.encode(kv.key).length;
    add(kv.offset, 8, 'length');
    add(kv.offset + 8, keyLen, 'key');
    const typeAt = kv.offset + 8 + keyLen;
    add(typeAt, 4, 'type');
    const v = kv.value;
    if (v.type === 'arr') {
      add(typeAt + 4, 4, 'type');
      add(typeAt + 8, 8, 'count');
      if (v.elementType === 'str') add(typeAt + 16, 8, 'length');
    } else if (v.type === 'str') add(typeAt + 4, 8, 'length');
    else
      add(
        typeAt + 4,
        v.type === 'u64' || v.type === 'i64' || v.type === 'f64'
          ? 8
          : v.type.endsWith('16')
            ? 2
            : v.type === 'u8' || v.type === 'i8' || v.type === 'bool'
              ? 1
              : 4,
        'value',
      );
  }
  for (const t of p.tensors) {
    const nameLen = enc.encode(t.name).length;
    add(t.infoOffset, 8, 'length');
    add(t.infoOffset + 8, nameLen, 'name');
    const at = t.infoOffset + 8 + nameLen;
    add(at, 4, 'ndims');
    for (let i = 0; i < t.dims.length; i++) add(at + 4 + 8 * i, 8, 'dim');
    add(at + 4 + 8 * t.dims.length, 4, 'type');
    add(at + 8 + 8 * t.dims.length, 8, 'offset');
    const start = p.dataOffset + Number(t.offset);
    if (t.nbytes > 0n) add(start, Math.min(Number(t.nbytes), bytes.length - start), 'data');
  }
  return f;
}

const INTERESTING_U32 = [
  0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 15, 24, 30, 31, 32, 36, 39, 42, 43, 63, 64, 65, 127, 128, 255, 256,
  0x7fff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
];
const INTERESTING_U64 = [
  0n,
  1n,
  2n,
  4n,
  5n,
  31n,
  32n,
  33n,
  63n,
  64n,
  100n,
  255n,
  256n,
  4096n,
  0xffffffffn,
  0x100000000n,
  (1n << 30n) + 1n,
  1n << 40n,
  0x055555555555555an,
  0x1d1d1d1d1d1d1d1dn,
  1n << 62n,
  (1n << 63n) - 1n,
  1n << 63n,
  (1n << 64n) - 32n,
  (1n << 64n) - 1n,
];

export class Mutator {
  private readonly rng: SplitMix64;

  constructor(seed: number) {
    this.rng = new SplitMix64(seed);
  }

  int(n: number): number {
    return Math.floor(this.rng.uniform() * n);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  /** One mutant of `seed`, 1–3 stacked mutations. */
  mutate(seed: Uint8Array, fields: readonly FieldRecord[]): { bytes: Uint8Array; ops: string[] } {
    let bytes: Uint8Array = seed.slice();
    const ops: string[] = [];
    const n = 1 + this.int(3);
    for (let i = 0; i < n; i++) {
      const r = this.mutateOnce(bytes, fields);
      bytes = r.bytes;
      ops.push(r.op);
    }
    return { bytes, ops };
  }

  private mutateOnce(bytes: Uint8Array, fields: readonly FieldRecord[]): { bytes: Uint8Array; op: string } {
    const live = fields.filter((f) => f.offset + f.size <= bytes.length);
    const roll = this.int(100);
    if (roll < 55 && live.length > 0) {
      const f = this.pick(
        live.filter((x) => x.kind !== 'data' && x.kind !== 'bytes').length > 0 && this.int(4) > 0
          ? live.filter((x) => x.kind !== 'data' && x.kind !== 'bytes')
          : live,
      );
      return { bytes: this.setField(bytes, f, live), op: `set ${f.kind}@${f.offset}` };
    }
    if (roll < 65) {
      const at = this.boundary(bytes, live);
      return { bytes: bytes.slice(0, at), op: `truncate@${at}` };
    }
    if (roll < 75 && live.length > 0) {
      // Splice: copy one field's bytes over another (e.g. a count over a length).
      const a = this.pick(live);
      const b = this.pick(live);
      const out = bytes.slice();
      out.set(bytes.subarray(a.offset, a.offset + Math.min(a.size, b.size)), b.offset);
      return { bytes: out, op: `splice ${a.kind}@${a.offset}->${b.kind}@${b.offset}` };
    }
    if (roll < 82) {
      const at = this.boundary(bytes, live);
      const ins = new Uint8Array(1 + this.int(16)).map(() => this.int(256));
      const out = new Uint8Array(bytes.length + ins.length);
      out.set(bytes.subarray(0, at));
      out.set(ins, at);
      out.set(bytes.subarray(at), at + ins.length);
      return { bytes: out, op: `insert ${ins.length}@${at}` };
    }
    if (roll < 88 && live.length > 0) {
      const f = this.pick(live);
      const out = new Uint8Array(bytes.length - f.size);
      out.set(bytes.subarray(0, f.offset));
      out.set(bytes.subarray(f.offset + f.size), f.offset);
      return { bytes: out, op: `delete ${f.kind}@${f.offset}` };
    }
    const out = bytes.slice();
    const k = 1 + this.int(8);
    for (let i = 0; i < k && out.length > 0; i++) out[this.int(out.length)]! ^= 1 << this.int(8);
    return { bytes: out, op: `flip ${k}` };
  }

  private boundary(bytes: Uint8Array, live: readonly FieldRecord[]): number {
    if (live.length > 0 && this.int(2) === 0) {
      const f = this.pick(live);
      return Math.min(bytes.length, f.offset + this.int(f.size + 1));
    }
    return this.int(bytes.length + 1);
  }

  /** Same-length edits of a key or tensor name, aimed at what ggml reads differently from the bytes. */
  private mutateName(out: Uint8Array, f: FieldRecord, fields: readonly FieldRecord[]): Uint8Array {
    const choice = this.int(5);
    const at = f.offset + this.int(f.size);
    if (choice === 0) {
      out[at] = 0; // ggml sees only the part before this
    } else if (choice === 1 || choice === 2) {
      // Another name of the same kind copied over this one: an exact collision when the lengths match,
      // else a collision up to a NUL (choice 2) or a prefix of it.
      const others = fields.filter((g) => g.kind === f.kind && g.offset !== f.offset);
      if (others.length > 0) {
        const g = this.pick(others);
        const src = out.slice(g.offset, g.offset + Math.min(g.size, f.size));
        out.set(src, f.offset);
        if (choice === 2 && src.length < f.size) out[f.offset + src.length] = 0;
      } else out[at] = 0;
    } else if (choice === 3) {
      out[at] = this.pick([0xff, 0xc3, 0x80, 0xed]); // invalid or truncated UTF-8
    } else {
      out[at] = this.pick([0x01, 0x0a, 0x2e, 0x41, 0x7f, 0x20]); // control, '.', upper case, DEL, space
    }
    return out;
  }

  private setField(bytes: Uint8Array, f: FieldRecord, fields: readonly FieldRecord[]): Uint8Array {
    const out = bytes.slice();
    const v = new DataView(out.buffer);
    if (f.kind === 'key' || f.kind === 'name') return this.mutateName(out, f, fields);
    if (f.kind === 'data' || f.kind === 'bytes' || f.kind === 'magic') {
      // Data: poke fp16 NaN/inf patterns or random bytes at random places.
      const k = 1 + this.int(4);
      for (let i = 0; i < k; i++) {
        const at = f.offset + this.int(f.size);
        out[at] = this.pick([0x00, 0x7c, 0x7e, 0xfc, 0xff, 0x80, 0xc3, this.int(256)]);
      }
      return out;
    }
    if (f.size === 8) {
      const orig = v.getBigUint64(f.offset, true);
      const choice = this.int(6);
      const x =
        choice === 0
          ? orig + 1n
          : choice === 1
            ? orig - 1n
            : choice === 2
              ? orig * 2n + 32n
              : choice === 3
                ? this.rng.nextBigInt()
                : this.pick(INTERESTING_U64);
      v.setBigUint64(f.offset, BigInt.asUintN(64, x), true);
    } else if (f.size === 4) {
      const orig = v.getUint32(f.offset, true);
      const choice = this.int(5);
      const x =
        choice === 0
          ? orig + 1
          : choice === 1
            ? orig - 1
            : choice === 2
              ? this.int(2 ** 32)
              : this.pick(INTERESTING_U32);
      v.setUint32(f.offset, x >>> 0, true);
    } else if (f.size === 2) v.setUint16(f.offset, this.pick([0, 1, 0x7c00, 0x7e00, 0xfc00, 0xffff]), true);
    else out[f.offset] = this.pick([0, 1, 2, 0x7f, 0x80, 0xff]);
    return out;
  }
}
