/**
 * The scanner's block-scale check against ggml_validate_row_data (what llama.cpp's loader runs with
 * --check-tensors), type by type: a tensor of random blocks, every sixth with a non-finite pattern written
 * into each float scale field its spec declares (fp16/fp32 all-ones exponent, E8M0 0xFF; iq1_m's fp16 spread
 * over the top nibbles of its scales), is scanned, and
 * the number of blocks `content.scale-nonfinite` reports, and the first, equal the blocks ggml rejects
 * one by one. nvfp4's UE4M3 bytes are all valid in ggml and are never reported. q8_1 is left out: ggml's
 * validator has no case for it and rejects every q8_1 row ("invalid type"). Skipped with the reason
 * without the native library.
 */
import { FORMAT_SPECS, type ResolvedSpec } from '@qbench/core';
import { bytesSource, scaleFields, scanGguf, writeGguf } from '@qbench/gguf-file';
import { describe, expect, it } from 'vitest';
import { nativeGgml } from '../index.ts';

const native = nativeGgml();
const reason = native.ok ? undefined : native.reason;

const specs = (Object.values(FORMAT_SPECS) as ResolvedSpec[]).filter(
  (s) =>
    s.family === 'gguf' &&
    typeof s.params?.['ggmlTypeId'] === 'number' &&
    s.role !== 'container' &&
    s.id !== 'q8_1',
);

/** Deterministic bytes (xorshift32), so a failure names a reproducible block. */
function randomBlocks(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    b[i] = s & 0xff;
  }
  return b;
}

describe.skipIf(reason !== undefined)(
  `block scales vs ggml_validate_row_data${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    it.each(specs.map((s) => [s.id, s] as const))('%s', async (_id, spec) => {
      if (!native.ok) return;
      const be = spec.layout.blockElements;
      const bb = spec.layout.blockBytes;
      const blocks = 96;
      const data = randomBlocks(blocks * bb, spec.params!['ggmlTypeId'] as number);
      for (let b = 0; b < blocks; b += 6) {
        for (const f of scaleFields(spec)) {
          const at = b * bb + f.offset;
          if (f.type === 'e8m0') data[at] = 0xff;
          else if (f.type === 'f32') data.set([0, 0, 0x80, 0x7f], at);
          else if (f.type === 'f16-nibbles')
            // fp16 0x7C01 (NaN), nibble k in the top nibble of u16 k; the low 12 bits keep their random bytes
            for (const [k, nib] of [1, 0, 0xc, 0x7].entries())
              data[at + 2 * k + 1] = (data[at + 2 * k + 1]! & 0x0f) | (nib << 4);
          else data.set([0x01, 0x7c], at); // f16 0x7C01: NaN
        }
      }
      const rejected: number[] = [];
      for (let b = 0; b < blocks; b++)
        if (
          !native.ggml.validateRowData(
            spec.params!['ggmlTypeId'] as number,
            data.subarray(b * bb, (b + 1) * bb),
          )
        )
          rejected.push(b);
      const bytes = await writeGguf({
        metadata: [
          ['general.architecture', { type: 'str', value: 'llama' }],
          ['general.quantization_version', { type: 'u32', value: 2 }],
        ],
        tensors: [{ name: 'w', type: spec.id, dims: [be * blocks], data }],
      });
      const r = await scanGguf(bytesSource(bytes));
      const f = r.findings.find((x) => x.code === 'content.scale-nonfinite');
      if (rejected.length === 0) {
        expect(f).toBeUndefined();
      } else {
        expect(f?.message).toMatch(
          new RegExp(`: ${rejected.length} of ${blocks} blocks .*\\(first: block ${rejected[0]}\\)`),
        );
      }
    });
  },
);
