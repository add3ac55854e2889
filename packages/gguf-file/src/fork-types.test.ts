/**
 * Type ids the scanner meets in the wild beyond mainline ggml's table: a fork's id past 42 is named as the
 * fork's type (not merely "out of range"), an unknown id stays `tensor.type-unknown`, a removed slot a
 * fork reuses says so, and mainline ids a fork shares (41: q1_0 / ik_llama.cpp's q1_0_g128) are read as
 * ggml's type with an info finding. Nothing crashes and every finding names the tensor.
 */
import { describe, expect, it } from 'vitest';
import { FORK_TYPE_IDS, forkUses } from './fork-types.ts';
import { GGML_TYPE_COUNT } from './ggml-types.ts';
import { scanGguf } from './scan.ts';
import { bytesSource } from './source.ts';
import { writeGguf } from './write.ts';

/** A one-tensor GGUF whose tensor's type id is then overwritten with `typeId` (the writer refuses unknown ids). */
async function fileWithType(typeId: number, dims: number[], data: Uint8Array): Promise<Uint8Array> {
  const bytes = await writeGguf({
    metadata: [['general.architecture', { type: 'str', value: 'llama' }]],
    tensors: [{ name: 'blk.0.w', type: 'f32', dims, data }],
  });
  const name = new TextEncoder().encode('blk.0.w');
  let at = -1;
  for (let o = 24; o + name.length <= bytes.length && at < 0; o++)
    if (name.every((b, k) => bytes[o + k] === b)) at = o;
  const typeAt = at + name.length + 4 + 8 * dims.length;
  new DataView(bytes.buffer).setUint32(typeAt, typeId, true);
  return bytes;
}

describe('fork type ids', () => {
  it('are data with one row per (fork, id), outside or colliding with ggml’s table only where documented', () => {
    const ids = FORK_TYPE_IDS.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const f of FORK_TYPE_IDS) if (f.id < GGML_TYPE_COUNT) expect(f.relation, f.name).toBeDefined();
    expect(forkUses(137).map((f) => f.name)).toEqual(['iq2_k']);
    expect(forkUses(2)).toEqual([]);
  });

  it.each([
    [137, 'tensor.type-fork', /type 137, which is ik_llama.cpp's iq2_k, not a ggml type \(valid: 0\.\.42\)/],
    [43, 'tensor.type-unknown', /type 43 \(valid: 0\.\.42\)/],
    [4000000000, 'tensor.type-unknown', /type 4000000000/],
    [36, 'tensor.type-removed', /iq4_nl_4_4\), which ggml removed; ik_llama.cpp's i2_s reuses the id/],
  ])('type id %d: %s', async (id, code, message) => {
    const r = await scanGguf(bytesSource(await fileWithType(id, [4], new Uint8Array(16))));
    const f = r.findings.find((x) => x.code === code);
    expect(f?.message).toMatch(message);
    expect(f?.message).toContain("'blk.0.w'");
    expect(r.verdict).toBe('malformed');
  });

  it('id 41 is read as ggml’s q1_0, with an info finding naming the fork’s type of the same layout', async () => {
    const block = new Uint8Array(18);
    block[1] = 0x3c; // d = 1.0
    const bytes = await writeGguf({
      metadata: [
        ['general.architecture', { type: 'str', value: 'llama' }],
        ['general.quantization_version', { type: 'u32', value: 2 }],
      ],
      tensors: [{ name: 'blk.0.w', type: 41, dims: [128], data: block }],
    });
    const r = await scanGguf(bytesSource(bytes));
    const f = r.findings.find((x) => x.code === 'tensor.type-fork-collision');
    expect(f?.severity).toBe('info');
    expect(f?.message).toMatch(
      /type 41 \(q1_0\); the id is also ik_llama.cpp's q1_0_g128 \(mainline's q1_0, with the same layout/,
    );
    expect(r.findings.filter((x) => x.severity === 'error')).toEqual([]);
  });
});
