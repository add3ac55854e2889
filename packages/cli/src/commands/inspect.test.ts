/**
 * `qbench inspect --json` prints floats faithfully: −0.0, NaN and ±Infinity (which JSON.stringify turns
 * into 0 and null) come out as the strings "-0.0", "NaN", "Infinity", "-Infinity", scalars and array
 * elements alike; every other float is a number that reads back to the same value, and the output parses.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GgufValue, writeGguf } from '@qbench/gguf-file';
import { describe, expect, it } from 'vitest';
import { run } from './inspect.ts';

describe('qbench inspect --json', () => {
  it('keeps -0.0, NaN and ±Infinity', async () => {
    const f32s = new Float32Array([-0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.1]);
    const metadata: [string, GgufValue][] = [
      ['general.architecture', { type: 'str', value: 't' }],
      ['x.f32_neg_zero', { type: 'f32', value: -0 }],
      ['x.f32_snan', { type: 'f32', value: Number.NaN, bits: 0x7fa00001 }],
      ['x.f64_inf', { type: 'f64', value: Number.NEGATIVE_INFINITY }],
      ['x.f64', { type: 'f64', value: 0.1 }],
      ['x.f32s', { type: 'arr', elementType: 'f32', length: 5n, values: f32s }],
      ['x.strs', { type: 'arr', elementType: 'str', length: 1n, values: ['NaN'] }],
    ];
    const dir = await mkdtemp(join(tmpdir(), 'qbench-inspect-'));
    try {
      const path = join(dir, 'floats.gguf');
      await writeFile(path, await writeGguf({ metadata }));
      let out = '';
      const code = await run([path, '--json'], { out: (t) => (out += t), err: () => {}, interactive: false });
      expect(code).toBe(0);
      const view = JSON.parse(out) as { metadata: { key: string; type: string; value: unknown }[] };
      const value = (key: string) => view.metadata.find((m) => m.key === key)?.value;
      expect(value('x.f32_neg_zero')).toBe('-0.0');
      expect(value('x.f32_snan')).toBe('NaN');
      expect(value('x.f64_inf')).toBe('-Infinity');
      expect(value('x.f64')).toBe(0.1);
      expect(value('x.f32s')).toEqual(['-0.0', 'NaN', 'Infinity', '-Infinity', Math.fround(0.1)]);
      // A string that says NaN stays a string of a string array: the key's type tells them apart.
      expect(value('x.strs')).toEqual(['NaN']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
