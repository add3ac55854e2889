/**
 * The WebGPU runtime: exact fp16 → f32 in WGSL (all 65536 patterns through the q8_0 decode shader), WGSL
 * compile errors reported with their line, the dispatch grid, and shader discovery. Skipped, with the
 * reason in the name, where no adapter exists; kernel conformance itself runs in the throughput suite.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DecodeKernel,
  FORMAT_IDS,
  FORMAT_SPECS,
  fp16Table32,
  generate,
  loadFormat,
  SplitMix64,
} from '@qbench/core';
import { afterAll, describe, expect, it } from 'vitest';
import { copyPattern, prepareDeviceCopy } from './copy-bandwidth.ts';
import { computePipeline } from './decode.ts';
import { getGpu } from './device.ts';
import { grid, launchKernel, storageInput } from './launch.ts';
import { loadWgslFile, webgpuKernelSources, webgpuKernels } from './registry.ts';
import {
  assembleElementShader,
  assembleShader,
  assembleTensorShader,
  listElementFiles,
  listShaderFiles,
  listTensorFiles,
  unsupportedFormats,
} from './shaders.ts';

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
      // Counted in the assembled shader: a kernel may take its entry point from an appended body.
      const full = assembleShader(src, f.family, f.op);
      expect(full.match(/@compute/g)?.length, f.path).toBe(1);
      expect(full).toMatch(/fn main\(/);
      // Tuned through the override: declared once, by the kernel (decode) or by common-dot.wgsl (dot).
      expect(full.match(/override WORKGROUP_SIZE/g)?.length, f.path).toBe(1);
      expect(full).toMatch(/const [A-Z0-9_]+_BLOCK_BYTES: u32/);
    }
  });
});

describe('appended bodies', () => {
  it('joins a named family body after the kernel, and names a missing one', () => {
    const full = assembleShader('// @append wide-index.body.wgsl\n', 'pvq');
    expect(full).toMatch(/fn main\(/);
    expect(() => assembleShader('// @append missing.body.wgsl\n', 'pvq')).toThrow(/missing\.body\.wgsl/);
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

describe('tensor includes', () => {
  it('define element_at (no entry point) and assemble into a decode shader', () => {
    const files = listTensorFiles();
    expect(files.map((f) => f.format)).toEqual(expect.arrayContaining(['nf4_dq', 'fp4_dq', 'mwq_r4']));
    for (const f of files) {
      const src = readFileSync(f.path, 'utf8');
      expect(src, f.path).toMatch(/fn element_at\(j: u32\) -> f32/);
      expect(src, f.path).not.toMatch(/@compute/);
      const decode = assembleTensorShader(src, f.family, f.format);
      expect(decode.match(/@compute/g)?.length).toBe(1);
      expect(decode.match(/override WORKGROUP_SIZE/g)?.length).toBe(1);
    }
  });
});

describe('formats without a WebGPU decode', () => {
  const have = new Set<string>(
    webgpuKernelSources()
      .filter((k) => k.op === 'decode')
      .map((k) => k.format),
  );
  const why = unsupportedFormats();
  const gaps = FORMAT_IDS.filter((id) => !have.has(id));
  it('each say why, in formats/<family>/wgsl/unsupported.json (and only those)', () => {
    expect(gaps.filter((id) => !why.has(id))).toEqual([]);
    expect([...why.keys()].filter((id) => have.has(id))).toEqual([]);
  });
  for (const id of gaps) it.skip(`${id} decode (skipped: ${why.get(id) ?? 'no reason given'})`, () => {});
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
    const kernel = (await loadWgslFile(path, format, 'decode')).kernel as DecodeKernel;
    await expect(kernel.decode(new Uint8Array(34 * 4), 128)).rejects.toThrow(
      /wrote outside its output: element 128 \(output has 128\)/,
    );
    const ok = await loadWgslFile(
      listShaderFiles().find((f) => f.format === 'q8_0' && f.op === 'decode')!.path,
      format,
      'decode',
    );
    expect((await (ok.kernel as DecodeKernel).decode(new Uint8Array(34 * 4), 128)).length).toBe(128);
  });

  it("an external WGSL decode written to the ABI compiles under every family's helpers", async () => {
    // the family's common.wgsl is prepended to external kernels too: it may use only what the ABI declares
    const dir = mkdtempSync(join(tmpdir(), 'qbench-wgsl-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'zeros.wgsl');
    writeFileSync(
      path,
      `struct Params { n: u32, blocks: u32, threads_x: u32, _pad: u32 }
@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
override WORKGROUP_SIZE: u32 = 64u;
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  for (var k = gid.x * 4u; k < min(params.n, gid.x * 4u + 4u); k++) { dst[k] = 0.0; }
}`,
    );
    const families = new Map(FORMAT_IDS.map((id) => [FORMAT_SPECS[id].family, id] as const));
    const refused: string[] = [];
    for (const [family, id] of families) {
      try {
        await loadWgslFile(path, await loadFormat(id), 'decode');
      } catch (e) {
        refused.push(`${family} (${id}): ${(e as Error).message}`);
      }
    }
    expect(refused).toEqual([]);
    expect(families.size).toBeGreaterThanOrEqual(7);
  });

  const pvq = FORMAT_IDS.filter((id) => FORMAT_SPECS[id].family === 'pvq');
  it.each(pvq)(
    '%s: correctly rounded step and gain division for every kind of gainMax (subnormal too)',
    async (id) => {
      // the conformance cases have one gainMax each; the integer division and sqrt (pvq common.wgsl) are
      // checked here over gainMax bit patterns from the smallest subnormal to near float32 max (through the
      // inverse rotation too, for the _rht variant)
      const format = await loadFormat(id);
      const n = 2 * format.blockElements;
      const q = format.reference.encode(generate({ kind: 'gaussian' }, n, 7));
      const { kernels } = await webgpuKernels();
      const k = (await kernels.find((t) => t.id === `${id}/decode/webgpu`)!.load()) as DecodeKernel;
      const rng = new SplitMix64(11);
      const patterns = [0x1, 0x3, 0x7fffff, 0x800000, 0x800001, 0x3f800000, 0x7f7fffff];
      for (let i = 0; i < 41; i++) patterns.push((rng.nextHalves()[1]! >>> 0) % 0x7f800000);
      const bad: string[] = [];
      for (const bits of patterns) {
        new DataView(q.buffer, q.byteOffset).setUint32(0, bits, true);
        const want = format.reference.decode(q, n);
        const got = await k.decode(q, n);
        const i = want.findIndex((w, j) => !Object.is(w, got[j]));
        if (i >= 0) bad.push(`gainMax 0x${bits.toString(16)}: element ${i} ${want[i]} → ${got[i]}`);
      }
      expect(bad).toEqual([]);
    },
  );

  it.each(pvq)(
    '%s: uniform valid indices (0, V − 1, around 2^32 and 2^64) decode bit-exactly',
    async (id) => {
      // reference encodings rarely reach the ends of [0, V(N,K)) or the limb boundaries of the 128-bit
      // unranking's carries and borrows: indices drawn here (the stream packed as the spec lays it out) do
      const format = await loadFormat(id);
      const p = FORMAT_SPECS[id].params as Record<string, number>;
      const [d, k, gainBits, indexBits, g] = [
        p['groupSize']!,
        p['pulses']!,
        p['gainBits']!,
        p['indexBits']!,
        p['groupsPerBlock']!,
      ];
      // V(N,K) by Fischer's recurrence, independent of the kernel's U table
      let row: bigint[] = Array.from({ length: k + 1 }, (_, j) => (j === 0 ? 1n : 0n));
      for (let l = 1; l <= d; l++) {
        const next = [1n];
        for (let j = 1; j <= k; j++) next.push(row[j]! + row[j - 1]! + next[j - 1]!);
        row = next;
      }
      const v = row[k]!;
      const blocks = 9;
      const rng = new SplitMix64(0x9e37 + k);
      const edges = [0n, v - 1n, (1n << 32n) - 1n, 1n << 32n, (1n << 64n) - 1n, 1n << 64n, (1n << 64n) + 1n];
      const valid = edges.filter((x) => x < v);
      const q = new Uint8Array(format.reference.encodedBytes(blocks * format.blockElements));
      new DataView(q.buffer).setFloat32(0, 1.75, true);
      for (let b = 0; b < blocks; b++) {
        let stream = 0n;
        let at = 0n;
        for (let t = 0; t < g; t++, at += BigInt(gainBits))
          stream |=
            BigInt(t === 0 ? 0 : t === 1 ? 2 ** gainBits - 1 : rng.nextHalves()[1]! % 2 ** gainBits) << at;
        for (let t = 0; t < g; t++, at += BigInt(indexBits)) {
          const i = b * g + t;
          stream |= (i < valid.length ? valid[i]! : ((rng.nextBigInt() << 64n) | rng.nextBigInt()) % v) << at;
        }
        for (let i = 0; i < format.blockBytes; i++)
          q[4 + b * format.blockBytes + i] = Number((stream >> BigInt(8 * i)) & 0xffn);
      }
      const n = blocks * format.blockElements;
      const want = format.reference.decode(q, n);
      const { kernels } = await webgpuKernels();
      const kernel = (await kernels.find((t) => t.id === `${id}/decode/webgpu`)!.load()) as DecodeKernel;
      const got = await kernel.decode(q, n);
      const i = want.findIndex((w, j) => !Object.is(w, got[j]));
      expect(i < 0 ? 'bit-exact' : `element ${i}: ${want[i]} → ${got[i]}`).toBe('bit-exact');
    },
  );

  it("pvq's integer division and sqrt are correctly rounded (not only where the device's own are)", async () => {
    if (!gpu.ok) return;
    // lavapipe's native f32 division happens to be correctly rounded, so the decode sweep above cannot tell
    // the integer versions from it: this checks pvq_div and pvq_sqrt_int themselves against float64
    const pairs = 4096;
    const roots = 4096;
    const words = new Uint32Array(2 * (pairs + roots));
    const rng = new SplitMix64(5);
    const want = new Float32Array(pairs + roots);
    const f = new Float32Array(2);
    const u = new Uint32Array(f.buffer);
    for (let i = 0; i < pairs; i++) {
      do {
        // a: any finite ≥ 0 (subnormal and 0 too), b: any finite > 0; results past float32 max left out
        u[0] = (rng.nextHalves()[1]! >>> 0) % 0x7f800000;
        u[1] = 1 + ((rng.nextHalves()[1]! >>> 0) % 0x7f7fffff);
        if (i % 4 === 0) u[0] &= 0x807fffff; // a subnormal numerator every fourth pair
        if (i % 4 === 1) {
          // a tiny numerator over a power of two: subnormal quotients, exact halfway cases among them
          u[0] = (rng.nextHalves()[1]! >>> 0) % 0x1000000;
          u[1] = (128 + ((rng.nextHalves()[1]! >>> 0) % 24)) << 23;
        }
      } while (!Number.isFinite(Math.fround(f[0]! / f[1]!)));
      words.set(u, 2 * i);
      want[i] = f[0]! / f[1]!;
    }
    for (let i = 0; i < roots; i++) {
      const v = i < 2048 ? i + 1 : 1 + ((rng.nextHalves()[1]! >>> 0) % 0xffffff);
      words[2 * (pairs + i)] = v;
      want[pairs + i] = Math.sqrt(v);
    }
    const kernel = `struct Params { n: u32, blocks: u32, threads_x: u32, _pad: u32 }
@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
override WORKGROUP_SIZE: u32 = 64u;
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * params.threads_x;
  if (i >= params.n) { return; }
  if (i < params.blocks) {
    dst[i] = pvq_div(bitcast<f32>(src[2u * i]), bitcast<f32>(src[2u * i + 1u]));
  } else {
    dst[i] = pvq_sqrt_int(src[2u * i]);
  }
}`;
    const label = 'pvq arithmetic test';
    const pipeline = await computePipeline(gpu.gpu, assembleShader(kernel, 'pvq'), { label });
    const n = pairs + roots;
    const g = grid(gpu.gpu.device, n, 64);
    const run = launchKernel(gpu.gpu, pipeline, {
      label,
      inputs: [storageInput(gpu.gpu.device, `${label} src`, new Uint8Array(words.buffer))],
      outputs: n,
      params: [n, pairs, g.threadsX, 0],
      grid: g,
    });
    try {
      await run.run();
      const got = await run.result();
      const bad: string[] = [];
      for (let i = 0; i < n && bad.length < 5; i++) {
        if (!Object.is(got[i], want[i]))
          bad.push(
            i < pairs
              ? `0x${words[2 * i]!.toString(16)} / 0x${words[2 * i + 1]!.toString(16)}: ${want[i]} → ${got[i]}`
              : `√${words[2 * i]}: ${want[i]} → ${got[i]}`,
          );
      }
      expect(bad).toEqual([]);
    } finally {
      run.dispose();
    }
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

  it('the device copy (the throughput yardstick) copies every word, its size rounded down to 16 bytes', async () => {
    if (!gpu.ok) return;
    const copy = await prepareDeviceCopy(gpu.gpu, 1024 * 1024 + 40);
    try {
      expect(copy.bytes).toBe(1024 * 1024 + 32);
      await copy.run();
      const words = new Uint32Array((await copy.result()).buffer);
      expect(words.length).toBe(copy.bytes / 4);
      const wrong = words.findIndex((w, i) => w !== copyPattern(i));
      expect(wrong).toBe(-1);
      if (gpu.gpu.timestamps) expect(copy.lastDeviceNs?.()).toBeGreaterThan(0);
    } finally {
      copy.dispose();
    }
  });
});
