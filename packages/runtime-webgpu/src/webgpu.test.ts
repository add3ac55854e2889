/**
 * The WebGPU runtime: exact fp16 → f32 in WGSL (all 65536 patterns through the q8_0 decode shader), WGSL
 * compile errors reported with their line, the dispatch grid, and shader discovery. Skipped, with the
 * reason in the name, where no adapter exists; kernel conformance itself runs in the throughput suite.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DecodeKernel, fp16Table32, loadFormat } from '@qbench/core';
import { afterAll, describe, expect, it } from 'vitest';
import { computePipeline } from './decode.ts';
import { getGpu } from './device.ts';
import { grid } from './launch.ts';
import { loadWgslFile, webgpuKernels } from './registry.ts';
import { assembleElementShader, assembleShader, listElementFiles, listShaderFiles } from './shaders.ts';

const gpu = await getGpu();
const reason = gpu.ok ? undefined : gpu.reason;

describe('shader files', () => {
  it('are named <format>.<op>.wgsl, one entry point `main` each, and assemble with their constants', () => {
    const files = listShaderFiles();
    expect(files.map((f) => `${f.format}.${f.op}`)).toEqual(
      expect.arrayContaining(['q8_0.decode', 'q4_0.decode', 'q4_k.decode', 'q4_0.dot']),
    );
    for (const f of files) {
      const src = readFileSync(f.path, 'utf8');
      expect(src.match(/@compute/g)?.length, f.path).toBe(1);
      expect(src).toMatch(/fn main\(/);
      const full = assembleShader(src, f.family, f.op);
      // Tuned through the override: declared once, by the kernel (decode) or by common-dot.wgsl (dot).
      expect(full.match(/override WORKGROUP_SIZE/g)?.length, f.path).toBe(1);
      expect(full).toMatch(/const [A-Z0-9_]+_BLOCK_BYTES: u32/);
    }
  });
});

describe('element includes', () => {
  it('define decode_element (no entry point) and assemble into a decode and a matvec shader', () => {
    const files = listElementFiles();
    expect(files.map((f) => f.format)).toEqual(
      expect.arrayContaining(['q4_1', 'tq1_0', 'nf4', 'e2m1', 'bfp16']),
    );
    for (const f of files) {
      const src = readFileSync(f.path, 'utf8');
      expect(src, f.path).toMatch(/fn decode_element\(base: u32, e: u32\) -> f32/);
      expect(src, f.path).not.toMatch(/@compute/);
      const decode = assembleElementShader(src, f.family, f.format, 'decode');
      expect(decode.match(/@compute/g)?.length).toBe(1);
      expect(decode).toMatch(new RegExp(`const BLOCK_BYTES: u32 = ${f.format.toUpperCase()}_BLOCK_BYTES;`));
      const dot = assembleElementShader(src, f.family, f.format, 'dot');
      expect(dot).toMatch(/fn y_element\(j: u32\) -> f32/);
    }
  });
});

describe.skipIf(reason !== undefined)(`WebGPU device${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('f16_to_f32 is exact for all 65536 fp16 bit patterns (q8_0 decode with codes ±1)', async () => {
    const q = new Uint8Array(65536 * 34);
    for (let k = 0; k < 65536; k++) {
      q[k * 34] = k & 0xff;
      q[k * 34 + 1] = k >> 8;
      q[k * 34 + 2] = 1;
      q[k * 34 + 3] = 0xff;
    }
    const { kernels } = await webgpuKernels();
    const k = (await kernels.find((t) => t.id === 'q8_0/decode/webgpu')!.load()) as DecodeKernel;
    const y = await k.decode(q, 65536 * 32);
    const table = fp16Table32();
    const bad: string[] = [];
    const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
    for (let h = 0; h < 65536 && bad.length < 3; h++) {
      if (!same(y[h * 32]!, table[h]!) || !same(y[h * 32 + 1]!, -table[h]!))
        bad.push(`0x${h.toString(16)}: ${table[h]} → ${y[h * 32]}`);
    }
    expect(bad).toEqual([]);
  });

  it('an external .wgsl that writes past its output is caught by the canaries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qbench-wgsl-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const good = readFileSync(
      listShaderFiles().find((f) => f.format === 'q8_0' && f.op === 'decode')!.path,
      'utf8',
    );
    // the same kernel, plus one stray write just past the last output element
    const bad = good.replace('let b = i / 8u;', 'if (i == 0u) { dst[params.n] = 1.0; }\n  let b = i / 8u;');
    expect(bad).not.toBe(good);
    const path = join(dir, 'q8_0-oob.wgsl');
    writeFileSync(path, bad);
    const format = await loadFormat('q8_0');
    const { kernel } = await loadWgslFile(path, format, 'decode');
    await expect(kernel.decode(new Uint8Array(34 * 4), 128)).rejects.toThrow(
      /wrote outside its output: element 128 \(output has 128\)/,
    );
    const ok = await loadWgslFile(
      listShaderFiles().find((f) => f.format === 'q8_0' && f.op === 'decode')!.path,
      format,
      'decode',
    );
    expect((await ok.kernel.decode(new Uint8Array(34 * 4), 128)).length).toBe(128);
  });

  it('a WGSL error is a QbenchError naming the line', async () => {
    if (!gpu.ok) return;
    await expect(
      computePipeline(gpu.gpu, 'fn main() { let x: u32 = 1.5; }', { label: 'broken' }),
    ).rejects.toThrow(/broken: WGSL does not compile: line 1/);
  });

  it('the dispatch grid covers every invocation within the per-dimension limit', () => {
    if (!gpu.ok) return;
    const { device } = gpu.gpu;
    const limit = device.limits.maxComputeWorkgroupsPerDimension;
    for (const invocations of [1, 63, 64, 65, 4 * 1024 * 1024, (limit + 1) * 64]) {
      const g = grid(device, invocations, 64);
      expect(g.x).toBeLessThanOrEqual(limit);
      expect(g.x * g.y * 64).toBeGreaterThanOrEqual(invocations);
      expect(g.threadsX).toBe(g.x * 64);
    }
  });
});
