/**
 * The wasm-simd128 backend: qbench's AssemblyScript kernels (@qbench/runtime-wasm, one per module export
 * `<format>_decode` / `<format>_dot`). Its yardstick is memory.copy inside a wasm module's memory; a user's
 * `.wasm` following KERNEL-ABI.md is its external form, hosted in a worker thread.
 */
import { familyModule, wasmKernels } from '@qbench/runtime-wasm';
import { hostInWorker } from '../../external/host.ts';
import { gbps, timeRuns } from '../../measure.ts';
import type { CopyBandwidth, CopyYardstick, KernelBackend } from '../backend.ts';

const COPY_BYTES = 64 * 1024 * 1024;

let wasmCopy: Promise<CopyBandwidth | string> | undefined;

/** memory.copy between two touched regions of qbench's gguf module (fresh pages would only read the zero page). */
export const wasmCopyYardstick: CopyYardstick = {
  kernel: 'memcpy/wasm',
  measure() {
    wasmCopy ??= (async () => {
      let mod: Awaited<ReturnType<typeof familyModule>>;
      try {
        mod = await familyModule('gguf');
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
      mod.reset();
      const a = mod.alloc(COPY_BYTES);
      const b = mod.alloc(COPY_BYTES);
      mod.bytes().fill(0x5a, a, a + COPY_BYTES);
      mod.bytes().fill(0xa5, b, b + COPY_BYTES);
      const copy = mod.fn('copy');
      const t = await timeRuns(() => copy(b, a, COPY_BYTES), { minRuns: 10, minTimeMs: 300 });
      mod.reset();
      return { bytes: COPY_BYTES, wallGBps: gbps(2 * COPY_BYTES, t.medianNs), method: 'wasm memory.copy' };
    })();
    return wasmCopy;
  },
};

export const wasmSimd128Backend: KernelBackend = {
  id: 'wasm-simd128',
  summary: 'AssemblyScript kernels compiled with SIMD (@qbench/runtime-wasm)',
  oracle: false,
  timingWeight: 1,
  async list() {
    const kernels = await wasmKernels();
    return kernels.length === 0 ? { unavailable: 'no wasm module is built: run `pnpm build`' } : { kernels };
  },
  yardstick: wasmCopyYardstick,
  external: {
    extensions: ['.wasm'],
    describe: 'wasm module (KERNEL-ABI), worker thread',
    takesOverrides: false,
    load(path, o) {
      return hostInWorker(path, o, 'wasm');
    },
  },
};
