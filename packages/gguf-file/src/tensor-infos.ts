/**
 * Tensor infos (name, dims, ggml type, offset) and the alignment in force, with ggml's shape and type
 * checks (src/gguf.cpp d99724f2) in exact BigInt arithmetic: dims non-negative as int64, element count
 * within int64, type in range and not removed, rows a whole number of blocks, byte size within u64.
 */

import { describeForkUses, forkUses } from './fork-types.ts';
import { GGML_TYPE_COUNT } from './ggml-types.ts';
import type { Parser } from './parse.ts';
import {
  GGUF_DEFAULT_ALIGNMENT,
  type GgufTensorInfo,
  INT64_MAX,
  OBJECT_OVERHEAD,
  type ParsedGguf,
  printable,
  U64_MAX,
} from './parse-types.ts';
import { type TensorType, tensorByteSize, tensorType } from './tensor-types.ts';

export async function readTensorInfos(r: Parser, p: ParsedGguf, n: number): Promise<void> {
  const names = new Set<string>();
  for (let i = 0; i < n; i++) {
    const at = r.c.pos;
    const { text, bytes } = await r.string(`the name of tensor ${i}`, 'tensor.truncated', {}, 'name');
    const name = text!;
    const where = { tensor: name };
    if (bytes === 0) r.sink.add('tensor.name-empty', at, `tensor ${i} has an empty name`, where);
    if (bytes >= 64)
      r.sink.add(
        'tensor.name-length',
        at,
        `tensor ${i} name '${printable(name).slice(0, 80)}' is ${bytes} bytes (ggml allows at most 63)`,
        where,
      );
    if (names.has(name))
      r.sink.add('tensor.name-duplicate', at, `tensor name '${printable(name)}' is used twice`, where);
    names.add(name);
    await r.need(4, 'tensor.truncated', `n_dims of '${printable(name)}'`, where);
    const nDims = r.c.u32();
    if (nDims > 4)
      r.fatal(
        'tensor.n-dims',
        r.c.pos - 4,
        `tensor '${printable(name)}' has ${nDims} dimensions (at most 4)`,
        where,
      );
    await r.need(8 * nDims + 12, 'tensor.truncated', `the info of '${printable(name)}'`, where);
    const dimsAt = r.c.pos;
    const dims: bigint[] = [];
    for (let d = 0; d < nDims; d++) dims.push(r.c.u64());
    const typeAt = r.c.pos;
    const typeId = r.c.u32();
    const offset = r.c.u64();
    const info: GgufTensorInfo = { name, dims, typeId, offset, nbytes: 0n, sizeKnown: false, infoOffset: at };
    const type = checkShapeAndType(r, info, dimsAt, typeAt);
    if (type) info.type = type;
    // The info object, its dims and the name set entry (the name itself was charged when read).
    if (!r.charge(4 * OBJECT_OVERHEAD) && !r.reserve(4 * OBJECT_OVERHEAD)) {
      r.fatal('scan.memory-budget', at, `tensor infos exceed the memory budget at tensor ${i}`, where);
    }
    p.tensors.push(info);
  }
}

/** ggml's shape/type checks, each with exact arithmetic; returns the type when the size is known. */
function checkShapeAndType(
  r: Parser,
  t: GgufTensorInfo,
  dimsAt: number,
  typeAt: number,
): TensorType | undefined {
  const where = { tensor: t.name };
  const label = `tensor '${printable(t.name)}'`;
  let shapeOk = true;
  t.dims.forEach((d, j) => {
    if (d > INT64_MAX) {
      r.sink.add(
        'tensor.dim',
        dimsAt + 8 * j,
        `${label} dimension ${j} is ${d} (negative as int64: ${d - (1n << 64n)})`,
        where,
      );
      shapeOk = false;
    }
  });
  let elements = 1n;
  for (const d of t.dims) elements *= d;
  if (shapeOk && elements > INT64_MAX) {
    r.sink.add(
      'tensor.elements-overflow',
      dimsAt,
      `${label} shape [${t.dims.join(', ')}] has ${elements} elements, beyond int64`,
      where,
    );
    shapeOk = false;
  }
  const type = tensorType(t.typeId);
  const forks = forkUses(t.typeId);
  if (type === undefined) {
    if (forks.length > 0) {
      r.sink.add(
        'tensor.type-fork',
        typeAt,
        `${label} has ggml type ${t.typeId}, which is ${describeForkUses(forks)}, not a ggml type (valid: 0..${GGML_TYPE_COUNT - 1}); mainline ggml and llama.cpp reject the file`,
        where,
      );
    } else {
      r.sink.add(
        'tensor.type-unknown',
        typeAt,
        `${label} has ggml type ${t.typeId} (valid: 0..${GGML_TYPE_COUNT - 1})`,
        where,
      );
    }
    return undefined;
  }
  if (type.removed) {
    const fork = forks.length > 0 ? `; ${describeForkUses(forks)} reuses the id` : '';
    r.sink.add(
      'tensor.type-removed',
      typeAt,
      `${label} has ggml type ${t.typeId} (${type.ggmlName}), which ggml removed${fork}`,
      where,
    );
    return type;
  }
  if (forks.length > 0) {
    r.sink.add(
      'tensor.type-fork-collision',
      typeAt,
      `${label} has ggml type ${t.typeId} (${type.ggmlName}); the id is also ${describeForkUses(forks)} (${forks.map((f) => f.relation ?? 'a different type').join('; ')}): read as ggml's ${type.ggmlName}`,
      where,
    );
  }
  const ne0 = t.dims[0] ?? 1n;
  if (shapeOk && ne0 % BigInt(type.blockElements) !== 0n) {
    r.sink.add(
      'tensor.block-size',
      dimsAt,
      `${label} of type ${type.name} has rows of ${ne0} elements, not a multiple of the block size ${type.blockElements}`,
      where,
    );
    shapeOk = false;
  }
  if (!shapeOk) return type;
  const nbytes = tensorByteSize(type, t.dims);
  if (nbytes > U64_MAX) {
    r.sink.add('tensor.size-overflow', dimsAt, `${label} needs ${nbytes} bytes, beyond 64 bits`, where);
    return type;
  }
  t.nbytes = nbytes;
  t.sizeKnown = true;
  return type;
}

export function resolveAlignment(r: Parser, p: ParsedGguf): void {
  const kv = p.kv.get('general.alignment');
  if (!kv) return;
  if (kv.value.type !== 'u32') {
    r.sink.add(
      'align.type',
      kv.offset,
      `general.alignment is ${kv.value.type}, must be u32; using ${GGUF_DEFAULT_ALIGNMENT}`,
      { key: kv.key },
    );
    return;
  }
  const a = kv.value.value;
  if (a === 0 || (a & (a - 1)) !== 0) {
    r.sink.add(
      'align.value',
      kv.offset,
      `general.alignment ${a} is not a non-zero power of two; using ${GGUF_DEFAULT_ALIGNMENT}`,
      { key: kv.key },
    );
    return;
  }
  if (a % 8 !== 0)
    r.sink.add('align.multiple-of-8', kv.offset, `general.alignment ${a} is not a multiple of 8`, {
      key: kv.key,
    });
  p.alignment = a;
}
