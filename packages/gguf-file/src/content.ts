/**
 * Content checks over tensor data, streamed in bounded chunks of whole blocks: every floating-point
 * scale field of every block must be finite (fields located from the spec layout, see scaleFields), and
 * blocks must have the invariants of ggml's quantizer (invariants.ts); plain f32/f16/bf16/f64 tensors must
 * hold no NaN or infinity (nonfinite.ts). Memory is one chunk at a time.
 */
import type { FindingSink } from './findings.ts';
import {
  blockInvariant,
  REFERENCE_PATH_MIN_BLOCKS,
  REFERENCE_PATH_MIN_SHARE,
  roundTripInvariant,
} from './invariants.ts';
import { checkFloatTensor, isFloatTensor } from './nonfinite.ts';
import { type GgufTensorInfo, type ParsedGguf, printable } from './parse.ts';
import type { ByteSource } from './source.ts';
import { f16FromTopNibbles, type ScaleField, scaleFields } from './tensor-types.ts';

export interface ContentOptions {
  /** Stop after reading this many tensor bytes in total (default: no limit). */
  maxBytes?: number;
  /** Bytes per read (rounded down to whole blocks). */
  chunkBytes?: number;
}

const DEFAULT_CHUNK = 1 << 20;

/** True when the bits of one scale element encode NaN or ±inf. */
function nonFinite(view: DataView, at: number, type: ScaleField['type']): boolean {
  switch (type) {
    case 'f16':
      return (view.getUint16(at, true) & 0x7c00) === 0x7c00;
    case 'bf16':
      return (view.getUint16(at, true) & 0x7f80) === 0x7f80;
    case 'f32':
      return (view.getUint32(at, true) & 0x7f800000) === 0x7f800000;
    case 'f16-nibbles':
      return (f16FromTopNibbles(view, at) & 0x7c00) === 0x7c00;
    default:
      return view.getUint8(at) === 0xff; // e8m0: 0xFF is the NaN encoding
  }
}

const ELEMENT_BYTES: Readonly<Record<ScaleField['type'], number>> = {
  f16: 2,
  bf16: 2,
  f32: 4,
  e8m0: 1,
  'f16-nibbles': 8,
};

function checkable(t: GgufTensorInfo, p: ParsedGguf): boolean {
  const start = BigInt(p.dataOffset) + t.offset;
  return t.type !== undefined && !t.type.removed && t.nbytes > 0n && start + t.nbytes <= BigInt(p.size);
}

export async function checkContent(
  p: ParsedGguf,
  src: ByteSource,
  sink: FindingSink,
  options: ContentOptions = {},
): Promise<void> {
  if (!p.complete) return;
  let budget = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const uncheckedTypes = new Set<string>();
  for (const t of p.tensors) {
    if (!checkable(t, p)) continue;
    if (isFloatTensor(t)) {
      if (budget <= 0) {
        sink.add(
          'content.partial',
          t.infoOffset,
          `content byte budget spent; tensor '${printable(t.name)}' and later ones not checked`,
          { tensor: t.name },
        );
        return;
      }
      const start = p.dataOffset + Number(t.offset);
      const r = await checkFloatTensor(t, start, src, sink, budget, options.chunkBytes ?? DEFAULT_CHUNK);
      budget -= r.bytesRead;
      if (!r.complete)
        sink.add(
          'content.partial',
          start + r.bytesRead,
          `tensor '${printable(t.name)}' (${t.type!.name}): NaN/inf check covered ${r.bytesRead} of ${t.nbytes} bytes (byte budget)`,
          { tensor: t.name },
        );
      continue;
    }
    if (!t.type!.quantized) continue;
    const type = t.type!;
    if (!type.spec) {
      if (!uncheckedTypes.has(type.name)) {
        uncheckedTypes.add(type.name);
        sink.add(
          'content.unchecked',
          t.infoOffset,
          `type ${type.name} (tensor '${printable(t.name)}' and others) has no spec in qbench; blocks not checked`,
          { tensor: t.name },
        );
      }
      continue;
    }
    if (budget <= 0) {
      sink.add(
        'content.partial',
        t.infoOffset,
        `content byte budget spent; tensor '${printable(t.name)}' and later ones not checked`,
        { tensor: t.name },
      );
      return;
    }
    const fields = scaleFields(type.spec);
    const invariant = blockInvariant(type.spec) ?? (await roundTripInvariant(type.spec));
    const bb = type.blockBytes;
    const blocksPerChunk = Math.max(1, Math.floor((options.chunkBytes ?? DEFAULT_CHUNK) / bb));
    const start = p.dataOffset + Number(t.offset);
    const nBlocks = Number(t.nbytes) / bb;
    let nonFiniteBlocks = 0;
    let firstNonFinite = -1;
    let broken = 0;
    let firstBroken = -1;
    let checked = 0;
    while (checked < nBlocks && budget > 0) {
      const n = Math.min(blocksPerChunk, nBlocks - checked, Math.max(1, Math.floor(budget / bb)));
      const chunk = await src.read(start + checked * bb, n * bb);
      if (chunk.length < n * bb) break; // the layout check already reported a short file
      const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      invariant?.prepare?.(chunk.subarray(0, n * bb));
      for (let i = 0; i < n; i++) {
        const base = i * bb;
        let bad = false;
        for (const f of fields) {
          for (let k = 0; k < f.count && !bad; k++)
            bad = nonFinite(view, base + f.offset + k * ELEMENT_BYTES[f.type], f.type);
        }
        if (bad) {
          nonFiniteBlocks++;
          if (firstNonFinite < 0) firstNonFinite = checked + i;
          continue; // a block with a NaN/inf scale says nothing about the quantizer's invariants
        }
        if (invariant && !invariant.check(chunk, view, base)) {
          broken++;
          if (firstBroken < 0) firstBroken = checked + i;
        }
      }
      checked += n;
      budget -= n * bb;
    }
    const where = { tensor: t.name };
    const label = `tensor '${printable(t.name)}' (${type.name})`;
    if (nonFiniteBlocks > 0) {
      const names = fields.map((f) => f.name).join('/');
      sink.add(
        'content.scale-nonfinite',
        start + firstNonFinite * bb,
        `${label}: ${nonFiniteBlocks} of ${checked} blocks have a NaN or infinite ${names} (first: block ${firstNonFinite})`,
        where,
      );
    }
    if (invariant && broken > 0) {
      const share = broken / Math.max(1, checked - nonFiniteBlocks);
      const report =
        invariant.kind === 'strict' ||
        (checked >= REFERENCE_PATH_MIN_BLOCKS && share >= REFERENCE_PATH_MIN_SHARE);
      if (report) {
        sink.add(
          'content.non-reference-block',
          start + firstBroken * bb,
          `${label}: ${broken} of ${checked} blocks have ${invariant.description} (first: block ${firstBroken})`,
          where,
        );
      }
    }
    if (checked < nBlocks) {
      sink.add(
        'content.partial',
        start + checked * bb,
        `${label}: content checked for ${checked} of ${nBlocks} blocks (byte budget)`,
        where,
      );
    }
  }
}
