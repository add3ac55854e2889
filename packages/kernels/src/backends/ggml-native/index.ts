/**
 * The ggml-native backend: ggml's own CPU code (the pinned @node-llama-cpp prebuilt, best CPU variant for
 * this machine, through @qbench/ggml-native) as kernels, so that every ggml type's wasm and WebGPU figures
 * stand beside the home implementation's, measured in the same run on the same tensors. Single-threaded:
 *   decode: dequantize_row_<t> over the whole tensor, one call (the tensor is one row of k elements);
 *   dot:    the activation quantized once to the type's vec_dot_type with the CPU from_float (what llama.cpp
 *           does per token), then ggml_mul_mat on the CPU backend, one thread, one graph compute per matrix
 *           (so koffi's per-call cost enters once, not per row); prepare() stages both, run() is the product;
 *   encode: quantize_row_<t>_ref over the whole tensor, one call (ggml's deterministic reference quantizer,
 *           the one qbench's reference codecs are bit-exact with; the SIMD from_float of q8_0/q8_1/q8_K is
 *           not, and is checked through `qbench validate --kernel` instead).
 * Its yardstick is the host's memory copy, the memory ggml works in.
 */
import type { DecodeKernel, DotKernel, EncodeKernel, Format, KernelTraits, PreparedRun } from '@qbench/core';
import { kernelId, QbenchError } from '@qbench/core';
import { type NativeGgml, nativeGgml } from '@qbench/ggml-native';
import type { CopyYardstick, KernelBackend } from '../backend.ts';
import { hostCopyYardstick } from '../reference/index.ts';

const ID = 'ggml-native';

/** The ggml type id a spec names (params.ggmlTypeId), if it is a ggml type. */
function ggmlTypeOf(format: Format): number | undefined {
  const id = format.spec.params?.['ggmlTypeId'];
  return typeof id === 'number' ? id : undefined;
}

/** Why ggml's type `type` cannot stand for `format` here (layout differs), or undefined when it can. */
function layoutMismatch(ggml: NativeGgml, format: Format, type: number): string | undefined {
  const t = ggml.types.info(type);
  if (t.blockSize === format.blockElements && t.typeSize === format.blockBytes) return undefined;
  return `ggml ${t.name} blocks are ${t.blockSize} elements in ${t.typeSize} bytes, the ${format.id} spec says ${format.blockElements} in ${format.blockBytes}`;
}

function wholeBlocks(format: Format) {
  return (s: { n: number }) =>
    s.n % format.blockElements === 0
      ? (true as const)
      : `n = ${s.n} is not a multiple of the ${format.id} block (${format.blockElements} elements)`;
}

function decodeKernel(ggml: NativeGgml, type: number): DecodeKernel {
  return {
    decode(q, n, out) {
      const y = out ?? new Float32Array(n);
      if (y.length < n) throw new QbenchError('kernel.shape', `output holds ${y.length} values, ${n} needed`);
      // one call for the whole tensor: dequantize_row takes any whole number of blocks as one row
      ggml.dequantize.dequantizeRow(type, q, y.length === n ? y : y.subarray(0, n));
      return y;
    },
  };
}

function encodeKernel(ggml: NativeGgml, type: number): EncodeKernel {
  const rowBytes = (n: number) => ggml.types.rowBytes(type, n);
  return {
    encode(x) {
      const q = new Uint8Array(rowBytes(x.length));
      ggml.quantize.quantizeRowRef(type, x, q);
      return q;
    },
    prepare(x) {
      const q = new Uint8Array(rowBytes(x.length));
      return {
        run: () => ggml.quantize.quantizeRowRef(type, x, q),
        result: () => new Float32Array(0),
        dispose() {},
      };
    },
  };
}

function dotKernel(ggml: NativeGgml, format: Format, type: number): DotKernel {
  const traits = ggml.cpu.get(type);
  const vdt = traits.vecDotType;
  const quantizer = ggml.cpu.get(vdt);
  const prepare = (q: Uint8Array, y: Float32Array, rows: number): PreparedRun => {
    const n = y.length;
    if (!Number.isInteger(rows) || rows <= 0 || n % format.blockElements !== 0)
      throw new QbenchError(
        'kernel.shape',
        `${format.id}: ${rows} rows of ${n} elements is not a matrix of whole blocks`,
      );
    const yq = new Uint8Array(ggml.types.rowBytes(vdt, n));
    quantizer.fromFloat(y, yq);
    return ggml.matmul.stage(type, vdt, q, n, rows, yq);
  };
  return {
    prepare,
    prepareActivation(y) {
      const yq = new Uint8Array(ggml.types.rowBytes(vdt, y.length));
      return {
        run: () => quantizer.fromFloat(y, yq),
        dispose() {},
        describe: `${y.length} activations to ${ggml.types.info(vdt).name} (ggml CPU from_float, once per activation row)`,
      };
    },
    dot(q, y, rows) {
      const p = prepare(q, y, rows);
      try {
        p.run();
        return p.result();
      } finally {
        p.dispose();
      }
    },
  };
}

function nativeKernels(
  ggml: NativeGgml,
  formats: readonly Format[],
): { kernels: KernelTraits[]; missing: { kernel: string; reason: string }[] } {
  const out: KernelTraits[] = [];
  const missing: { kernel: string; reason: string }[] = [];
  for (const format of formats) {
    const type = ggmlTypeOf(format);
    if (type === undefined) continue;
    const mismatch = layoutMismatch(ggml, format, type);
    const load = async <K>(make: () => K): Promise<K> => {
      if (mismatch) throw new QbenchError('kernel.layout', mismatch);
      return make();
    };
    const supports = wholeBlocks(format);
    if (ggml.dequantize.has(type))
      out.push({
        id: kernelId(format.id, 'decode', ID),
        format: format.id,
        op: 'decode',
        backend: ID,
        supports,
        load: () => load(() => decodeKernel(ggml, type)),
      });
    // a spec that documents a difference from quantize_row_<t>_ref (iq4_nl's search) makes it a visible skip
    const refDiffers = format.spec.params?.['ggmlRefDiffers'];
    if (!ggml.quantize.hasRef(type))
      // iq2_xxs, iq2_xs, iq1_s, iq1_m: ggml quantizes them only through ggml_quantize_chunk (with the grids
      // of ggml_quantize_init), which is not the row-by-row reference this backend times
      missing.push({
        kernel: kernelId(format.id, 'encode', ID),
        reason: `ggml-base exports no quantize_row_${ggml.types.info(type).name}_ref: ggml has no reference quantizer for ${format.id} (only ggml_quantize_chunk${format.spec.params?.['requiresImatrix'] === true ? ', with an importance matrix' : ''})`,
      });
    else
      out.push({
        id: kernelId(format.id, 'encode', ID),
        format: format.id,
        op: 'encode',
        backend: ID,
        supports: (s) =>
          typeof refDiffers === 'string'
            ? `the ${format.id} spec says quantize_row_${ggml.types.info(type).name}_ref differs: ${refDiffers}`
            : supports(s),
        load: () => load(() => encodeKernel(ggml, type)),
      });
    const traits = ggml.cpu.get(type);
    // a dot needs ggml's vec_dot for the type and a from_float for its partner, and a qbench dot to check against
    if (
      traits.hasVecDot &&
      ggml.cpu.get(traits.vecDotType).hasFromFloat &&
      (format.reference.dot !== undefined || format.spec.tolerance.dot !== undefined)
    )
      out.push({
        id: kernelId(format.id, 'dot', ID),
        format: format.id,
        op: 'dot',
        backend: ID,
        supports,
        load: () => load(() => dotKernel(ggml, format, type)),
      });
  }
  return { kernels: out, missing };
}

/**
 * The host's copy bandwidth (the same measurement as the reference backend's typed-array copy, which V8 does
 * with memmove) under this backend's own record, so the site draws native ggml's copy line too.
 */
const nativeCopyYardstick: CopyYardstick = {
  kernel: 'memcpy/native',
  async measure(o) {
    const c = await hostCopyYardstick.measure(o);
    return typeof c === 'string' ? c : { ...c, method: `${c.method} (V8 memmove in host memory)` };
  },
};

export const ggmlNativeBackend: KernelBackend = {
  id: ID,
  summary:
    "ggml's own CPU kernels (pinned @node-llama-cpp prebuilt, best CPU variant, one thread) through koffi",
  oracle: false,
  baseline: true,
  // ggml's own types: the specs that name a ggml type id
  covers: (format) => format.spec.params?.['ggmlTypeId'] !== undefined,
  timingWeight: 1,
  async list(formats) {
    const s = nativeGgml();
    if (!s.ok) return { unavailable: `native ggml: ${s.reason}` };
    return nativeKernels(s.ggml, formats);
  },
  yardstick: nativeCopyYardstick,
  async device() {
    return undefined;
  },
};
