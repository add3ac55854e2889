/**
 * NaN/inf in plain float tensors, on files written with the project's writer: the finding names the
 * tensor, the first element index (and row/column) and the counts, whatever the chunk size; finite data
 * (including the largest finite values and negative zero) gives no finding.
 */
import { describe, expect, it } from 'vitest';
import { scanGguf } from './scan.ts';
import { bytesSource } from './source.ts';
import { writeGguf } from './write.ts';

const arch = ['general.architecture', { type: 'str', value: 'llama' }] as const;

function f32(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}
function u16(bits: number[]): Uint8Array {
  return new Uint8Array(new Uint16Array(bits).buffer);
}

async function scan(tensors: Parameters<typeof writeGguf>[0]['tensors'], chunkBytes?: number) {
  const bytes = await writeGguf({ metadata: [arch], tensors });
  return scanGguf(bytesSource(bytes), { content: chunkBytes ? { chunkBytes } : true });
}

describe('NaN and infinity in float tensors', () => {
  const data = Array.from({ length: 64 }, (_, i) => i / 7 - 3);
  data[37] = Number.NaN;
  data[40] = Number.POSITIVE_INFINITY;
  data[63] = Number.NEGATIVE_INFINITY;

  it.each([undefined, 8, 12])('f32: first index, row/column and counts (chunk %s bytes)', async (chunk) => {
    const r = await scan(
      [{ name: 'blk.0.attn_q.weight', type: 'f32', dims: [16, 4], data: f32(data) }],
      chunk,
    );
    const f = r.findings.filter((x) => x.code === 'content.nonfinite');
    expect(f).toHaveLength(1);
    expect(f[0]!.tensor).toBe('blk.0.attn_q.weight');
    expect(f[0]!.message).toContain(
      '1 NaN and 2 infinite of 64 elements; first at element 37 (NaN, row 2 column 5)',
    );
    expect(f[0]!.severity).toBe('warning');
    const start = r.parsed.dataOffset + Number(r.parsed.tensors[0]!.offset);
    expect(f[0]!.offset).toBe(start + 37 * 4);
  });

  it('f16 and bf16: infinity and NaN encodings, each tensor reported on its own', async () => {
    const r = await scan([
      // f16: 0x3c00 = 1, 0x7c00 = +inf, 0xfe00 = NaN
      { name: 'half', type: 'f16', dims: [4], data: u16([0x3c00, 0x3c00, 0x7c00, 0xfe00]) },
      // bf16: 0x3f80 = 1, 0x7fc0 = NaN
      { name: 'brain', type: 'bf16', dims: [4], data: u16([0x3f80, 0x7fc0, 0x3f80, 0x3f80]) },
    ]);
    const msgs = r.findings
      .filter((x) => x.code === 'content.nonfinite')
      .map((x) => `${x.tensor}: ${x.message}`);
    expect(msgs).toEqual([
      expect.stringMatching(/^half: .*1 NaN and 1 infinite of 4 elements; first at element 2 \(inf\)/),
      expect.stringMatching(/^brain: .*1 NaN and 0 infinite of 4 elements; first at element 1 \(NaN\)/),
    ]);
  });

  it('finite extremes and -0 are clean', async () => {
    const r = await scan([
      { name: 'ok', type: 'f32', dims: [4], data: f32([3.4028234e38, -3.4028234e38, -0, 1e-45]) },
      { name: 'ok16', type: 'f16', dims: [3], data: u16([0x7bff, 0xfbff, 0x8000]) },
    ]);
    expect(r.findings.filter((x) => x.code === 'content.nonfinite')).toEqual([]);
  });

  it('stops at the byte budget and says so', async () => {
    const bytes = await writeGguf({
      metadata: [arch],
      tensors: [{ name: 'w', type: 'f32', dims: [64], data: f32(data) }],
    });
    const r = await scanGguf(bytesSource(bytes), { content: { maxBytes: 100 } });
    expect(r.findings.some((x) => x.code === 'content.nonfinite')).toBe(false); // NaN is at byte 148
    expect(r.findings.find((x) => x.code === 'content.partial')?.message).toContain(
      'covered 100 of 256 bytes',
    );
  });
});
