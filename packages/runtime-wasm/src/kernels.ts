/**
 * Decode and dot kernels over the wasm ABI (abi.ts). The same wrappers serve qbench's own modules and
 * external `.wasm` kernels, so both are checked the same way: input length, trap → QbenchError, canaries.
 */
import {
  type DecodeKernel,
  type DotKernel,
  type PreparedRun,
  QbenchError,
  type ResolvedSpec,
} from '@qbench/core';
import type { AbiModule } from './abi.ts';

export interface BlockShape {
  id: string;
  blockElements: number;
  blockBytes: number;
  /** Bytes of per-tensor side info stored before the first block (e.g. nvfp4's float32 tensor scale). */
  headerBytes?: number;
  /**
   * The encoded size of n elements, where it is not header + blocks (side info per group, e.g. nf4_dq's
   * absmax2 per 256 blocks): the reference codec's encodedBytes.
   */
  encodedBytes?: (n: number) => number;
}

/**
 * How the ABI host sizes a format's inputs (KERNEL-ABI.md), the same for qbench's own modules and external
 * `.wasm` kernels, so that an external kernel is held to the layout qbench's kernels use: an input is the
 * tensor as the reference encodes it, and a dot's rows × n matrix is one such tensor. Per-tensor side info
 * (nvfp4's and ifairy's tensor scales) is `headerBytes` before the first block, so before the first row;
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

function encodedBytes(fmt: BlockShape, n: number, what: string): number {
  if (!Number.isInteger(n) || n <= 0 || n % fmt.blockElements !== 0) {
    throw new QbenchError(
      'kernel.shape',
      `${fmt.id}: ${what} ${n} is not a positive multiple of the block size ${fmt.blockElements}`,
    );
  }
  if (fmt.encodedBytes) return fmt.encodedBytes(n);
  return (fmt.headerBytes ?? 0) + (n / fmt.blockElements) * fmt.blockBytes;
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
    const expected = encodedBytes(fmt, n, 'element count');
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
    encodedBytes(fmt, n, 'row length');
    if (!Number.isInteger(rows) || rows <= 0)
      throw new QbenchError('kernel.shape', `${fmt.id}: rows must be a positive integer, got ${rows}`);
    // the matrix is one tensor: per-tensor side info once before the rows, per-group side info for all rows
    const need = encodedBytes(fmt, rows * n, 'matrix size');
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
