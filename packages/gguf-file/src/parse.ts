/**
 * The structural GGUF parser shared by the reader (which throws on the first error) and the scanner
 * (which reports everything it can). It reads header, key/values and tensor infos in one forward pass,
 * checking every count and length against the bytes left *before* allocating, with BigInt for u64 and
 * a memory budget for what it keeps. When the structure cannot be followed any further (unknown value
 * type, a length past EOF) it records a fatal error and stops; everything read so far stays usable.
 *
 * Layout per ggml docs/gguf.md: magic "GGUF", u32 version, u64 n_tensors, u64 n_kv, KVs, tensor infos,
 * zero padding to the alignment, tensor data. Checks mirror ggml src/gguf.cpp gguf_init_from_reader
 * (d99724f2) plus the stricter spec rules listed in findings.ts.
 */
import { Cursor } from './cursor.ts';
import { type FindingCode, FindingSink } from './findings.ts';
import {
  DEFAULT_PARSE_OPTIONS,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  type GgufKv,
  ggmlName,
  INT64_MAX,
  KEY_GRAMMAR,
  MIN_KV_BYTES,
  MIN_TENSOR_INFO_BYTES,
  NAME_RESERVE,
  OBJECT_OVERHEAD,
  type ParsedGguf,
  type ParseOptions,
  padTo,
  printable,
  RESERVED_KEYS,
} from './parse-types.ts';
import type { ByteSource } from './source.ts';
import { readTensorInfos, resolveAlignment } from './tensor-infos.ts';
import {
  GGUF_SCALAR_BYTES,
  type GgufArray,
  type GgufNumericArray,
  type GgufValue,
  type GgufValueTypeName,
  numericArrayFromBytes,
  valueTypeName,
} from './values.ts';

export {
  DEFAULT_PARSE_OPTIONS,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  type GgufKv,
  type GgufTensorInfo,
  ggmlName,
  type ParsedGguf,
  type ParseOptions,
  padTo,
  printable,
} from './parse-types.ts';

export class Stop extends Error {}

const scratch = new DataView(new ArrayBuffer(8));

/** The forward reader and its budget; tensor-infos.ts continues where kvs() stops. */
export class Parser {
  readonly c: Cursor;
  readonly o: Required<ParseOptions>;
  readonly sink: FindingSink;
  private budget: number;
  private nameReserve = NAME_RESERVE;
  /** Every key as spelled (bytes, NULs included) → its offset: ggml's duplicate check compares these. */
  private readonly spelled = new Map<string, number>();
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private readonly lossy = new TextDecoder('utf-8');

  constructor(src: ByteSource, options: ParseOptions) {
    this.o = { ...DEFAULT_PARSE_OPTIONS, ...options };
    this.c = new Cursor(src);
    this.sink = new FindingSink(this.o.maxFindingsPerCode);
    this.budget = this.o.memoryBudgetBytes;
  }

  /** Record an error that ends the parse. */
  fatal(
    code: FindingCode,
    offset: number,
    message: string,
    where: { key?: string; tensor?: string } = {},
  ): never {
    this.sink.add(code, offset, message, where);
    throw new Stop(message);
  }

  charge(bytes: number): boolean {
    if (bytes > this.budget) return false;
    this.budget -= bytes;
    return true;
  }

  /** Spend from the reserve kept for names and records once the main budget is gone. */
  reserve(bytes: number): boolean {
    if (bytes > this.nameReserve) return false;
    this.nameReserve -= bytes;
    return true;
  }

  async need(
    n: number,
    code: FindingCode,
    what: string,
    where: { key?: string; tensor?: string } = {},
  ): Promise<void> {
    if (this.c.has(n)) return;
    if (!(await this.c.fill(n))) {
      this.fatal(
        code,
        this.c.pos,
        `file ends inside ${what} (needs ${n} bytes at offset ${this.c.pos}, ${this.c.remaining} left)`,
        where,
      );
    }
  }

  /**
   * A string: u64 length + bytes. Names (keys, tensor names) are always kept, from a reserve of their
   * own once the main budget is spent; values over the budget are skipped and `text` is undefined.
   * `truncCode` is the code used when the file ends inside it.
   */
  async string(
    what: string,
    truncCode: FindingCode,
    where: { key?: string; tensor?: string },
    kind: 'name' | 'value' = 'value',
  ): Promise<{ text: string | undefined; bytes: number }> {
    await this.need(8, truncCode, `the length of ${what}`, where);
    const at = this.c.pos;
    const len = this.c.u64();
    if (len > BigInt(this.c.remaining) || len > BigInt(this.o.maxStringBytes)) {
      this.fatal(
        'kv.string-length',
        at,
        `${what} has length ${len}, but ${this.c.remaining} bytes remain (cap ${this.o.maxStringBytes})`,
        where,
      );
    }
    const n = Number(len);
    if (!this.charge(n + OBJECT_OVERHEAD)) {
      if (kind === 'value') {
        this.c.skip(n);
        return { text: undefined, bytes: n };
      }
      if (!this.reserve(n + OBJECT_OVERHEAD)) {
        this.fatal(
          'scan.memory-budget',
          at,
          `${what}: names exceed the memory budget (${this.o.memoryBudgetBytes} bytes plus a ${NAME_RESERVE}-byte reserve)`,
          where,
        );
      }
    }
    await this.need(n, truncCode, what, where);
    const raw = this.c.bytes(n);
    try {
      return { text: this.utf8.decode(raw), bytes: n };
    } catch {
      this.sink.add('kv.utf8', at, `${what} is not valid UTF-8`, where);
      return { text: this.lossy.decode(raw), bytes: n };
    }
  }

  async header(p: ParsedGguf): Promise<void> {
    if (this.c.size < 4 || !(await this.c.fill(4)))
      this.fatal('header.truncated', 0, `file is ${this.c.size} bytes, too short for the magic`);
    const magic = this.c.u32();
    if (magic !== GGUF_MAGIC) {
      const hex = magic.toString(16).padStart(8, '0');
      this.fatal(
        'header.magic',
        0,
        `magic is 0x${hex} (bytes ${hex.match(/../g)!.reverse().join(' ')}), expected 'GGUF'`,
      );
    }
    if (!(await this.c.fill(4))) this.fatal('header.truncated', 4, 'file ends before the version');
    const version = this.c.u32();
    p.version = version;
    if ((version & 0xffff) === 0 && version !== 0) {
      const swapped = ((version >>> 24) | ((version >>> 8) & 0xff00)) >>> 0;
      this.fatal(
        'header.byte-order',
        4,
        `version reads as 0x${version.toString(16)}: a big-endian file (version ${swapped} byte-swapped); only little-endian is supported`,
      );
    }
    if (version === 0 || version === 1 || version > 3) {
      this.fatal(
        'header.version',
        4,
        `version ${version} is not supported (2 and 3 are; ggml rejects 0, 1 and > 3)`,
      );
    }
    if (!(await this.c.fill(16)))
      this.fatal('header.truncated', 8, `file ends inside the header (${this.c.size} bytes)`);
    const nTensors = this.c.u64();
    const nKv = this.c.u64();
    p.tensorCount = nTensors;
    p.kvCount = nKv;
    const left = BigInt(this.c.remaining);
    // Both counts are checked before anything is allocated for them, with exact arithmetic.
    this.checkCount(
      'header.tensor-count',
      8,
      'tensor count',
      nTensors,
      this.o.maxTensorCount,
      MIN_TENSOR_INFO_BYTES,
      left,
    );
    this.checkCount('header.kv-count', 16, 'KV count', nKv, this.o.maxKvCount, MIN_KV_BYTES, left);
    if (nTensors * BigInt(MIN_TENSOR_INFO_BYTES) + nKv * BigInt(MIN_KV_BYTES) > left) {
      this.fatal(
        'header.tensor-count',
        8,
        `${nTensors} tensor infos and ${nKv} KVs cannot fit in the ${left} bytes after the header`,
      );
    }
  }

  private checkCount(
    code: FindingCode,
    at: number,
    what: string,
    n: bigint,
    cap: number,
    min: number,
    left: bigint,
  ): void {
    if (n > INT64_MAX) this.fatal(code, at, `${what} ${n} is negative as int64 (ggml reads it signed)`);
    if (n > BigInt(cap)) this.fatal(code, at, `${what} ${n} is above the cap ${cap}`);
    if (n * BigInt(min) > left)
      this.fatal(code, at, `${what} ${n} needs at least ${n * BigInt(min)} bytes, ${left} remain`);
  }

  async kvs(p: ParsedGguf, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const at = this.c.pos;
      const { text } = await this.string(`key ${i}`, 'kv.truncated', {}, 'name');
      const key = text!;
      const where = { key };
      if (key.length === 0) this.sink.add('kv.key-empty', at, `key ${i} is empty`);
      else if (!KEY_GRAMMAR.test(key) || key.length > 65535) {
        this.sink.add(
          'kv.key-grammar',
          at,
          `key '${printable(key)}' is not dot-separated lower_snake_case ASCII (≤ 65535 bytes)`,
          where,
        );
      }
      if (RESERVED_KEYS.has(key)) {
        this.sink.add(
          'kv.reserved-key',
          at,
          `key '${key}' collides with a header field or an object-prototype name in naive parsers`,
          where,
        );
      }
      // ggml rejects a key spelled twice byte for byte; keys equal only up to a NUL byte both load, and
      // every lookup (gguf_find_key's strcmp) finds the first of them: p.kv holds that one.
      const lookup = ggmlName(key);
      const twin = this.spelled.get(key);
      if (twin !== undefined)
        this.sink.add(
          'kv.key-duplicate',
          at,
          `key '${printable(key)}' appears twice (first at offset ${twin})`,
          where,
        );
      else this.spelled.set(key, at);
      if (lookup !== key) {
        const first = p.kv.get(lookup);
        const shadow = first
          ? `; '${printable(first.key)}' at offset ${first.offset} comes first and is the one they read`
          : `; it is the value they read for '${printable(lookup)}'`;
        this.sink.add(
          'kv.key-nul',
          at,
          `key '${printable(key)}' contains a NUL byte: ggml and llama.cpp look it up as '${printable(lookup)}'${shadow}`,
          where,
        );
      } else if (twin === undefined && p.kv.has(lookup)) {
        this.sink.add(
          'kv.key-nul',
          at,
          `key '${printable(key)}' is shadowed by '${printable(p.kv.get(lookup)!.key)}' at offset ${p.kv.get(lookup)!.offset}, which ggml and llama.cpp find first`,
          where,
        );
      }
      const duplicate = twin !== undefined || p.kv.has(lookup);
      await this.need(4, 'kv.truncated', `the type of '${printable(key)}'`, where);
      const typeAt = this.c.pos;
      const typeId = this.c.u32();
      const value = await this.value(typeId, typeAt, 0, key);
      // The KV record, its Map entry and value object cost memory too; a flood of tiny KVs must not evade the budget.
      if (!this.charge(3 * OBJECT_OVERHEAD) && !this.reserve(3 * OBJECT_OVERHEAD)) {
        this.fatal('scan.memory-budget', at, `metadata exceeds the memory budget at key ${i}`, where);
      }
      const entry: GgufKv = { key, value, offset: at };
      p.kvList.push(entry);
      if (!duplicate) p.kv.set(lookup, entry);
    }
  }

  async value(typeId: number, typeAt: number, depth: number, key: string): Promise<GgufValue> {
    const where = { key };
    const type = valueTypeName(typeId);
    if (type === undefined)
      this.fatal('kv.type', typeAt, `'${printable(key)}' has unknown value type ${typeId}`, where);
    if (type === 'arr') return this.array(depth + 1, key);
    if (type === 'str') {
      const at = this.c.pos;
      const { text, bytes } = await this.string(`the value of '${printable(key)}'`, 'kv.truncated', where);
      if (text === undefined)
        this.sink.add(
          'kv.not-materialised',
          at,
          `'${printable(key)}': ${bytes}-byte string over the memory budget, checked for length only`,
          where,
        );
      return { type: 'str', value: text ?? '' };
    }
    const size = GGUF_SCALAR_BYTES[type];
    await this.need(size, 'kv.truncated', `the value of '${printable(key)}'`, where);
    const at = this.c.pos;
    switch (type) {
      case 'bool': {
        const b = this.c.u8();
        if (b > 1) this.sink.add('kv.bool', at, `'${printable(key)}' has bool byte ${b}`, where);
        return { type, value: b !== 0 };
      }
      case 'u64':
        return { type, value: this.c.u64() };
      case 'i64':
        return { type, value: this.c.i64() };
      case 'u8':
        return { type, value: this.c.u8() };
      case 'i8':
        return { type, value: this.c.i8() };
      case 'u16':
        return { type, value: this.c.u16() };
      case 'i16':
        return { type, value: this.c.i16() };
      case 'u32':
        return { type, value: this.c.u32() };
      case 'i32':
        return { type, value: this.c.i32() };
      case 'f32': {
        // Read as bits first: a NaN keeps its exact bits beside the (quieted) number.
        const bits = this.c.u32();
        scratch.setUint32(0, bits, true);
        const value = scratch.getFloat32(0, true);
        return Number.isNaN(value) ? { type, value, bits } : { type, value };
      }
      default: {
        const bits = this.c.u64();
        scratch.setBigUint64(0, bits, true);
        const value = scratch.getFloat64(0, true);
        return Number.isNaN(value) ? { type: 'f64', value, bits } : { type: 'f64', value };
      }
    }
  }

  async array(depth: number, key: string): Promise<GgufArray> {
    const where = { key };
    const at = this.c.pos;
    if (depth > this.o.maxArrayDepth)
      this.fatal(
        'kv.array-depth',
        at,
        `'${printable(key)}' nests arrays deeper than ${this.o.maxArrayDepth}`,
        where,
      );
    await this.need(12, 'kv.truncated', `the array header of '${printable(key)}'`, where);
    const elemId = this.c.u32();
    const length = this.c.u64();
    const elementType = valueTypeName(elemId);
    if (elementType === undefined)
      this.fatal('kv.type', at, `'${printable(key)}' is an array of unknown type ${elemId}`, where);
    // ggml reads an array's element type and refuses ARRAY there ("invalid GGUF type 9"), so the file
    // does not load; the nested values are still walked (to the depth cap) so every later finding shows.
    if (elementType === 'arr' && depth === 1) {
      this.sink.add(
        'kv.array-nested',
        at,
        `'${printable(key)}' is an array of arrays: ggml rejects nested arrays (element type 9)`,
        where,
      );
    }
    const min = elementType === 'str' ? 8 : elementType === 'arr' ? 12 : GGUF_SCALAR_BYTES[elementType];
    if (length > BigInt(this.o.maxArrayElements)) {
      this.fatal(
        'kv.array-length',
        at + 4,
        `'${printable(key)}' has ${length} elements, above the cap ${this.o.maxArrayElements}`,
        where,
      );
    }
    // u64 count times element size, exact: 2^62 elements of 8 bytes must not wrap to something small.
    if (length * BigInt(min) > BigInt(this.c.remaining)) {
      this.fatal(
        'kv.array-length',
        at + 4,
        `'${printable(key)}' has ${length} ${elementType} elements (≥ ${length * BigInt(min)} bytes), ${this.c.remaining} bytes remain`,
        where,
      );
    }
    const n = Number(length);
    if (elementType === 'str') return this.stringArray(n, length, key);
    if (elementType === 'arr') {
      let items: GgufArray[] | undefined = [];
      for (let i = 0; i < n; i++) {
        const item = await this.array(depth + 1, key);
        if (items && !this.charge(OBJECT_OVERHEAD)) items = undefined;
        items?.push(item);
      }
      return items
        ? { type: 'arr', elementType, length, values: items }
        : { type: 'arr', elementType, length };
    }
    const bytes = n * min;
    if (!this.charge(bytes + OBJECT_OVERHEAD)) {
      await this.checkBoolBytes(elementType, n, key);
      if (elementType !== 'bool') this.c.skip(bytes);
      this.sink.add(
        'kv.not-materialised',
        at,
        `'${printable(key)}': ${n}-element array over the memory budget, skipped`,
        where,
      );
      return { type: 'arr', elementType, length };
    }
    await this.need(bytes, 'kv.truncated', `the array '${printable(key)}'`, where);
    const raw = this.c.bytes(bytes);
    if (elementType === 'bool') {
      const bad = raw.findIndex((b) => b > 1);
      if (bad >= 0)
        this.sink.add(
          'kv.bool',
          at + 12 + bad,
          `'${printable(key)}' element ${bad} has bool byte ${raw[bad]}`,
          where,
        );
    }
    return {
      type: 'arr',
      elementType,
      length,
      values: numericArrayFromBytes(elementType, raw) as GgufNumericArray,
    };
  }

  /** Bool arrays over the budget are still checked, in window-sized pieces. */
  private async checkBoolBytes(elementType: GgufValueTypeName, n: number, key: string): Promise<void> {
    if (elementType !== 'bool') return;
    let left = n;
    while (left > 0) {
      const k = Math.min(left, 1 << 16);
      await this.need(k, 'kv.truncated', `the array '${printable(key)}'`, { key });
      const at = this.c.pos;
      const raw = this.c.bytes(k);
      const bad = raw.findIndex((b) => b > 1);
      if (bad >= 0)
        this.sink.add('kv.bool', at + bad, `'${printable(key)}' has bool byte ${raw[bad]}`, { key });
      left -= k;
    }
  }

  private async stringArray(n: number, length: bigint, key: string): Promise<GgufArray> {
    const at = this.c.pos;
    let items: string[] | undefined = [];
    for (let i = 0; i < n; i++) {
      const { text } = await this.string(`element ${i} of '${printable(key)}'`, 'kv.truncated', { key });
      if (items && (text === undefined || !this.charge(OBJECT_OVERHEAD))) items = undefined;
      items?.push(text!);
    }
    if (items) return { type: 'arr', elementType: 'str', length, values: items };
    this.sink.add(
      'kv.not-materialised',
      at,
      `'${printable(key)}': ${n}-string array over the memory budget, checked but not kept`,
      { key },
    );
    return { type: 'arr', elementType: 'str', length };
  }
}

/** Parse header, KVs and tensor infos. Never throws on file content; problems become findings. */
export async function parseGguf(src: ByteSource, options: ParseOptions = {}): Promise<ParsedGguf> {
  const parser = new Parser(src, options);
  const p: ParsedGguf = {
    size: src.size,
    kv: new Map(),
    kvList: [],
    tensors: [],
    alignment: GGUF_DEFAULT_ALIGNMENT,
    infoEnd: 0,
    dataOffset: 0,
    complete: false,
    findings: parser.sink,
  };
  try {
    await parser.header(p);
    await parser.kvs(p, Number(p.kvCount));
    resolveAlignment(parser, p);
    await readTensorInfos(parser, p, Number(p.tensorCount));
    p.infoEnd = parser.c.pos;
    p.dataOffset = p.tensors.length > 0 ? padTo(p.infoEnd, p.alignment) : p.infoEnd;
    p.complete = true;
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    p.infoEnd = parser.c.pos;
    p.dataOffset = p.infoEnd;
  }
  return p;
}
