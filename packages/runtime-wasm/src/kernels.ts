/**
 * Decode and dot kernels over the wasm ABI (abi.ts). The same wrappers serve qbench's own modules and
 * external `.wasm` kernels, so both are checked the same way: input length, trap → QbenchError, canaries.
 */
import {
  type DecodeKernel,
  type DotKernel,
  matrixBytes,
  type PreparedRun,
  QbenchError,
  type ResolvedSpec,
  type TensorShape,
  tensorBytes,
} from '@qbench/core';
import type { AbiModule } from './abi.ts';

/** The wasm ABI's input sizing: core's TensorShape (one rule for every backend). */
export type BlockShape = TensorShape;

/**
 * How the ABI host sizes a format's inputs (KERNEL-ABI.md), the same for qbench's own modules and external
 * `.wasm` kernels, so that an external kernel is held to the layout qbench's kernels use: an input is the
 * tensor as the reference encodes it, and a dot's rows × n matrix is one such tensor. Per-tensor side info
 * (nvfp4_torchao's and ifairy's tensor scales) is `headerBytes` before the first block, so before the first row;
 * side info per group of blocks (nf4_dq's absmax2, mwq's scales and its bit planes across the whole tensor)
 * is not block-local, and `encodedBytes` (the reference's) sizes the tensor.
 */
export function abiShape(spec: ResolvedSpec, encodedBytes: (n: number) => number): BlockShape {
  const perTensorOnly = (spec.layout.sideInfo ?? []).every((x) => x.per === 'tensor');
  return {
    id: spec.id,
    blockElements: spec.layout.blockElements,
    blockBytes: spec.layout.blockBytes,
    headerBytes: perTensorOnly ? spec.derived.tensorOverheadBits / 8 : 0,
    ...(perTensorOnly ? {} : { encodedBytes }),
  };
}

function call(mod: AbiModule, name: string, args: number[]): void {
  try {
    mod.fn(name)(...args);
  } catch (e) {
    if (e instanceof QbenchError) throw e;
    throw new QbenchError('kernel.trap', `${mod.where}: ${name} trapped: ${(e as Error).message}`);
  }
}

/**
 * One staged call at a time per module: prepare() resets the module's allocator, so an older prepared run
 * of the same module is invalidated (and says so) rather than reading someone else's buffers.
 */
const generation = new WeakMap<AbiModule, number>();

function stage(mod: AbiModule): () => void {
  const g = (generation.get(mod) ?? 0) + 1;
  generation.set(mod, g);
  mod.reset();
  return () => {
    if (generation.get(mod) !== g) {
      throw new QbenchError(
        'kernel.stale',
        `${mod.where}: this prepared run was invalidated by a later call on the same module`,
      );
    }
  };
}

export function abiDecodeKernel(mod: AbiModule, exportName: string, fmt: BlockShape): DecodeKernel {
  mod.fn(exportName); // fail at load time, not at the first call
  const prepare = (q: Uint8Array, n: number): PreparedRun => {
    const expected = tensorBytes(fmt, n);
    if (q.byteLength !== expected) {
      throw new QbenchError(
        'kernel.shape',
        `${fmt.id}: ${n} elements need ${expected} bytes, got ${q.byteLength}`,
      );
    }
    const live = stage(mod);
    const src = mod.put(q);
    const dst = mod.guarded(n * 4);
    return {
      run() {
        live();
        call(mod, exportName, [src, n, dst]);
      },
      result() {
        live();
        mod.checkCanaries(dst, n * 4, `${mod.where}: ${exportName}`);
        return mod.readF32(dst, n);
      },
      dispose() {},
    };
  };
  return {
    prepare,
    decode(q, n, out) {
      const p = prepare(q, n);
      p.run();
      const y = p.result() as Float32Array;
      if (out) {
        if (out.length < n)
          throw new QbenchError('kernel.shape', `${fmt.id}: output holds ${out.length} values, ${n} needed`);
        out.set(y);
        return out;
      }
      return y;
    },
  };
}

export function abiDotKernel(mod: AbiModule, exportName: string, fmt: BlockShape): DotKernel {
  mod.fn(exportName);
  const prepare = (q: Uint8Array, y: Float32Array, rows: number): PreparedRun => {
    const n = y.length;
    // the matrix is one tensor, as the reference encodes rows × n elements
    const need = matrixBytes(fmt, n, rows);
    if (q.byteLength !== need) {
      throw new QbenchError(
        'kernel.shape',
        `${fmt.id}: ${rows} rows of ${n} elements need ${need} bytes, got ${q.byteLength}`,
      );
    }
    const live = stage(mod);
    const w = mod.put(q);
    const yp = mod.put(new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
    const dst = mod.guarded(rows * 4);
    return {
      run() {
        live();
        call(mod, exportName, [w, yp, rows, n, dst]);
      },
      result() {
        live();
        mod.checkCanaries(dst, rows * 4, `${mod.where}: ${exportName}`);
        return mod.readF32(dst, rows);
      },
      dispose() {},
    };
  };
  return {
    prepare,
    dot(q, y, rows) {
      const p = prepare(q, y, rows);
      p.run();
      return p.result();
    },
  };
}
