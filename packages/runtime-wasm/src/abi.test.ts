/**
 * The wasm ABI host and qbench's own modules: exhaustive fp16 → f32 through the q8_0 kernel, the ABI checks
 * that refuse malformed modules, canaries, stale prepared runs, and kernel discovery by export name.
 */
import { type DecodeKernel, FORMAT_SPECS, fp16Table32 } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { CANARY_BYTES, instantiateAbi } from './abi.ts';
import { abiDecodeKernel } from './kernels.ts';
import { builtFamilies, familyModule, wasmKernels } from './registry.ts';

const built = builtFamilies().includes('gguf');

describe.skipIf(!built)(
  `qbench's wasm modules${built ? '' : ' (skipped: not built, run `pnpm build`)'}`,
  () => {
    it('q8_0 decode turns every fp16 scale into the exact float32 (all 65536 bit patterns)', async () => {
      // block k: d = k (as fp16 bits), codes 1 and −1, so the outputs are exactly ±f16(k)
      const q = new Uint8Array(65536 * 34);
      for (let k = 0; k < 65536; k++) {
        q[k * 34] = k & 0xff;
        q[k * 34 + 1] = k >> 8;
        q[k * 34 + 2] = 1;
        q[k * 34 + 3] = 0xff;
      }
      const k = (await (
        await wasmKernels()
      )
        .find((t) => t.id === 'q8_0/decode/wasm-simd128')!
        .load()) as DecodeKernel;
      const y = (await k.decode(q, 65536 * 32)) as Float32Array;
      const table = fp16Table32();
      const bad: string[] = [];
      for (let h = 0; h < 65536 && bad.length < 3; h++) {
        const want = table[h]!;
        const got = y[h * 32]!;
        const neg = y[h * 32 + 1]!;
        const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
        if (!same(got, want) || !same(neg, -want))
          bad.push(`0x${h.toString(16)}: want ${want}, got ${got} / ${neg}`);
      }
      expect(bad).toEqual([]);
    });

    it('every kernel export names a known format and op', async () => {
      const ks = await wasmKernels();
      expect(ks.length).toBeGreaterThan(10);
      for (const k of ks) {
        expect(Object.hasOwn(FORMAT_SPECS, k.format)).toBe(true);
        expect(k.id).toBe(`${k.format}/${k.op}/wasm-simd128`);
        const be = FORMAT_SPECS[k.format as keyof typeof FORMAT_SPECS].layout.blockElements;
        expect(k.supports({ n: be * 3 })).toBe(true);
        if (be > 1) expect(k.supports({ n: be + 1 })).toMatch(/not a multiple/);
      }
    });

    it('canaries catch a write just past the output and just before it', async () => {
      const mod = await familyModule('gguf');
      mod.reset();
      const out = mod.guarded(128);
      expect(mod.canaryHit(out, 128)).toBeUndefined();
      mod.bytes()[out + 128] = 0;
      expect(mod.canaryHit(out, 128)).toBe(128);
      mod.reset();
      const out2 = mod.guarded(64);
      mod.bytes()[out2 - CANARY_BYTES] = 1;
      expect(() => mod.checkCanaries(out2, 64, 'test')).toThrow(/wrote outside its output: byte -256/);
    });

    it('a prepared run invalidated by a later call says so instead of reading foreign buffers', async () => {
      const mod = await familyModule('gguf');
      const k = abiDecodeKernel(mod, 'q8_0_decode', { id: 'q8_0', blockElements: 32, blockBytes: 34 });
      const first = await k.prepare!(new Uint8Array(34), 32);
      await k.decode(new Uint8Array(34), 32);
      expect(() => first.run()).toThrow(/invalidated by a later call/);
    });

    it('the debug build (assertions on, unoptimised) decodes exactly like the release build', async () => {
      const release = await familyModule('gguf');
      const debug = await familyModule('gguf', 'debug');
      const q = new Uint8Array(33 * 144);
      for (let i = 0; i < q.length; i++) q[i] = (i * 2654435761) >>> 24;
      const shape = { id: 'q4_k', blockElements: 256, blockBytes: 144 };
      const a = await abiDecodeKernel(release, 'q4_k_decode', shape).decode(q, 33 * 256);
      const b = await abiDecodeKernel(debug, 'q4_k_decode', shape).decode(q, 33 * 256);
      expect(new Uint32Array(b.buffer, b.byteOffset, b.length)).toEqual(
        new Uint32Array(a.buffer, a.byteOffset, a.length),
      );
    });

    it('input of the wrong size is refused before the kernel runs', async () => {
      const mod = await familyModule('gguf');
      const k = abiDecodeKernel(mod, 'q4_0_decode', { id: 'q4_0', blockElements: 32, blockBytes: 18 });
      expect(() => k.decode(new Uint8Array(17), 32)).toThrow(/32 elements need 18 bytes, got 17/);
      expect(() => k.decode(new Uint8Array(18), 31)).toThrow(/not a positive multiple of the block size 32/);
    });
  },
);

describe('the ABI host refuses modules that do not follow the ABI', () => {
  it('an empty module: no memory export', async () => {
    const empty = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    await expect(instantiateAbi(empty, 'empty.wasm')).rejects.toThrow(
      /empty\.wasm: does not export its memory as 'memory'/,
    );
  });

  it('bytes that are not wasm', async () => {
    await expect(instantiateAbi(new Uint8Array([1, 2, 3]), 'junk.wasm')).rejects.toThrow(
      /junk\.wasm: not a valid WebAssembly module/,
    );
  });

  it('a module that imports something other than env.abort', async () => {
    // (module (import "wasi" "fd_write" (func)))
    const bytes = new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x02, 0x11, 0x01,
      0x04, 0x77, 0x61, 0x73, 0x69, 0x08, 0x66, 0x64, 0x5f, 0x77, 0x72, 0x69, 0x74, 0x65, 0x00, 0x00,
    ]);
    await expect(instantiateAbi(bytes, 'wasi.wasm')).rejects.toThrow(
      /imports wasi\.fd_write; kernels may import only env\.abort/,
    );
  });
});
