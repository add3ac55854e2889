/**
 * Data-section checks: where the tensor bytes are, against the file and against each other. All offset
 * arithmetic is BigInt (offsets and sizes are u64 from the file). ggml requires the canonical packed
 * layout — tensor i at Σ_{j<i} PAD(nbytes_j, alignment) — so gaps and reorderings are errors too.
 * Padding is read in bounded pieces: a hostile 2^31 alignment costs at most PADDING_CHECK_BYTES of I/O.
 */
import type { FindingSink } from './findings.ts';
import { type GgufTensorInfo, type ParsedGguf, padTo, printable } from './parse.ts';
import type { ByteSource } from './source.ts';

/** How many bytes of any one padding region are read to check they are zero. */
const PADDING_CHECK_BYTES = 1 << 16;

function padBig(n: bigint, a: bigint): bigint {
  return ((n + a - 1n) / a) * a;
}

async function firstNonZero(src: ByteSource, start: bigint, end: bigint): Promise<number> {
  const size = BigInt(src.size);
  const e = end < size ? end : size;
  if (e <= start) return -1;
  const n = Number(e - start < BigInt(PADDING_CHECK_BYTES) ? e - start : BigInt(PADDING_CHECK_BYTES));
  const bytes = await src.read(Number(start), n);
  const i = bytes.findIndex((b) => b !== 0);
  return i < 0 ? -1 : Number(start) + i;
}

export async function checkLayout(p: ParsedGguf, src: ByteSource, sink: FindingSink): Promise<void> {
  if (!p.complete) return;
  const size = BigInt(p.size);
  const align = BigInt(p.alignment);
  const dataStart = BigInt(p.dataOffset);

  if (p.tensors.length === 0) {
    const end = BigInt(padTo(p.infoEnd, p.alignment));
    const nz = await firstNonZero(src, BigInt(p.infoEnd), end);
    if (nz >= 0)
      sink.add('layout.padding', nz, `non-zero byte in the padding after the metadata at offset ${nz}`);
    if (size > end)
      sink.add(
        'layout.trailing-bytes',
        Number(end),
        `${size - end} bytes after the end of the metadata (no tensors)`,
      );
    return;
  }

  if (dataStart > size) {
    sink.add(
      'layout.data-start',
      p.infoEnd,
      `data section starts at ${dataStart} (metadata end ${p.infoEnd} padded to ${p.alignment}), beyond the ${size}-byte file`,
    );
    return;
  }
  const nz = await firstNonZero(src, BigInt(p.infoEnd), dataStart);
  if (nz >= 0)
    sink.add('layout.padding', nz, `non-zero byte in the padding before the data section at offset ${nz}`);

  let expected: bigint | undefined = 0n;
  let totalElements = 0n;
  let paddedEnd = 0n;
  let unpaddedEnd = 0n;
  let layoutErrors = 0;
  const gaps: { t: GgufTensorInfo; end: bigint }[] = [];
  for (const t of p.tensors) {
    const where = { tensor: t.name };
    const label = `tensor '${printable(t.name)}'`;
    const infoAt = t.infoOffset;
    if (t.sizeKnown) totalElements += t.dims.reduce((a, d) => a * d, 1n);
    if (t.offset % align !== 0n) {
      layoutErrors++;
      sink.add(
        'layout.misaligned',
        infoAt,
        `${label} offset ${t.offset} is not a multiple of the alignment ${p.alignment}`,
        where,
      );
    }
    const abs = dataStart + t.offset;
    const end = abs + t.nbytes;
    if (end > size) {
      layoutErrors++;
      sink.add(
        'layout.out-of-bounds',
        infoAt,
        `${label} data [${abs}, ${end}) extends beyond the ${size}-byte file`,
        where,
      );
    }
    // After a tensor of unknown size (bad type or shape, already reported) the expected offset is unknown.
    if (expected !== undefined && t.offset !== expected) {
      layoutErrors++;
      sink.add(
        'layout.non-canonical',
        infoAt,
        `${label} has offset ${t.offset}, ggml expects ${expected} (tensors must be packed in order)`,
        where,
      );
    } else if (end <= size) gaps.push({ t, end });
    // Re-sync on the stored offset so one displaced tensor yields one finding, not one per later tensor.
    expected = t.sizeKnown ? padBig(t.offset + t.nbytes, align) : undefined;
    if (abs + padBig(t.nbytes, align) > paddedEnd) paddedEnd = abs + padBig(t.nbytes, align);
    if (end > unpaddedEnd) unpaddedEnd = end;
  }

  const ranges = p.tensors
    .filter((t) => t.nbytes > 0n)
    .map((t) => ({ t, start: t.offset, end: t.offset + t.nbytes }))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  for (let i = 1; i < ranges.length; i++) {
    const prev = ranges[i - 1]!;
    const cur = ranges[i]!;
    if (cur.start < prev.end) {
      layoutErrors++;
      sink.add(
        'layout.overlap',
        cur.t.infoOffset,
        `tensor '${printable(cur.t.name)}' data [${cur.start}, ${cur.end}) overlaps tensor '${printable(prev.t.name)}' [${prev.start}, ${prev.end})`,
        { tensor: cur.t.name },
      );
    }
  }

  // Padding is only meaningful where the layout itself holds; otherwise "padding" is someone's data.
  if (layoutErrors === 0) {
    for (const { t, end } of gaps) {
      const z = await firstNonZero(src, end, padBig(end, align));
      if (z >= 0)
        sink.add(
          'layout.padding',
          z,
          `non-zero padding byte after tensor '${printable(t.name)}' at offset ${z}`,
          { tensor: t.name },
        );
    }
    if (unpaddedEnd <= size && size < paddedEnd) {
      sink.add(
        'layout.padding',
        p.size,
        `file ends ${paddedEnd - size} bytes short of the padded end of the data (${paddedEnd}); ggml's full loader reads the padded size`,
      );
    }
  }
  // With a tensor of unknown size (already an error) the end of the data is unknown too.
  if (p.tensors.every((t) => t.sizeKnown) && size > paddedEnd) {
    sink.add(
      'layout.trailing-bytes',
      Number(paddedEnd),
      `${size - paddedEnd} bytes after the end of the tensor data (${paddedEnd})`,
    );
  }
  // Every supported type stores at least one bit per weight, so more than 8 weights per file byte is impossible.
  if (totalElements > size * 8n) {
    sink.add(
      'tensor.param-count',
      8,
      `tensors declare ${totalElements} parameters, more than 8 per byte of a ${size}-byte file`,
    );
  }
}
