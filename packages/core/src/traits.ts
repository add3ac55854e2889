/**
 * The contracts every format and kernel implements. A format family (formats/<family>/src/index.ts)
 * default-exports a `FormatFamily`; the generated registry finds it by the spec's `family` field, so
 * adding a format is adding a spec and its code — nothing else is edited by hand.
 */

import { QbenchError } from './errors.ts';
import type { ResolvedSpec } from './spec.ts';

export const KERNEL_OPS = ['encode', 'decode', 'dot'] as const;
export type KernelOp = (typeof KERNEL_OPS)[number];

/**
 * A kernel backend's id: 'reference', 'wasm-simd128', 'webgpu', 'external', … Backends are plugins of
 * @qbench/kernels (its BACKENDS list is the one place that says which there are).
 */
export type Backend = string;

export interface EncodeOptions {
  /** Importance matrix: one positive weight per column, shared by all rows (ggml's quant_weights). */
  imatrix?: Float32Array;
  /** Row length; encode works row by row where a format's search is row-dependent. Defaults to x.length. */
  nPerRow?: number;
  /**
   * NaN/Inf inputs: 'error' (default) rejects them naming the element; 'propagate' reproduces what the
   * home implementation does with them.
   */
  nonFinite?: 'error' | 'propagate';
}

/** The readable oracle of one format. All lengths are in elements unless named `...Bytes`. */
export interface ReferenceCodec {
  /** Bytes needed to store n elements (n must be a whole number of blocks unless the format pads). */
  encodedBytes(n: number): number;
  encode(x: Float32Array, options?: EncodeOptions): Uint8Array;
  decode(q: Uint8Array, n: number): Float32Array;
  /**
   * Dot product of an encoded weight row with float32 activations, computed the way the home
   * implementation does (e.g. ggml quantizes y to the partner type, then runs vec_dot).
   */
  dot?(q: Uint8Array, y: Float32Array): number;
}

export interface FormatTraits {
  readonly id: string;
  readonly family: string;
  readonly spec: ResolvedSpec;
  readonly blockElements: number;
  readonly blockBytes: number;
  readonly bitsPerWeight: number;
}

export interface Format extends FormatTraits {
  readonly reference: ReferenceCodec;
}

export interface Shape {
  /** Elements per row. */
  n: number;
  /** Rows (dot / matvec). */
  rows?: number;
}

/**
 * How a kernel's input is sized, the same for every backend: the tensor as the reference encodes it (a dot's
 * rows × n matrix is one such tensor). Blocks back to back after `headerBytes` of per-tensor side info, or,
 * where side info is per group of blocks (nf4_dq's absmax2, mwq's scales and planes), the reference's
 * `encodedBytes`.
 */
export interface TensorShape {
  id: string;
  blockElements: number;
  blockBytes: number;
  /** Bytes of per-tensor side info stored before the first block (e.g. nvfp4_torchao's float32 tensor scale). */
  headerBytes?: number;
  /** The encoded size of n elements where it is not header + blocks: the reference codec's encodedBytes. */
  encodedBytes?: (n: number) => number;
}

/** Bytes of a tensor of n elements of `shape`; n (named `what` in the error) must be whole blocks. */
export function tensorBytes(shape: TensorShape, n: number, what = 'element count'): number {
  if (!Number.isInteger(n) || n <= 0 || n % shape.blockElements !== 0) {
    throw new QbenchError(
      'kernel.shape',
      `${shape.id}: ${what} ${n} is not a positive multiple of the block size ${shape.blockElements}`,
    );
  }
  if (shape.encodedBytes) return shape.encodedBytes(n);
  return (shape.headerBytes ?? 0) + (n / shape.blockElements) * shape.blockBytes;
}

/** Bytes of a dot's rows × n matrix, encoded as one tensor of `shape`; n whole blocks and rows ≥ 1. */
export function matrixBytes(shape: TensorShape, n: number, rows: number): number {
  tensorBytes(shape, n, 'row length');
  if (!Number.isInteger(rows) || rows <= 0)
    throw new QbenchError('kernel.shape', `${shape.id}: rows must be a positive integer, got ${rows}`);
  return tensorBytes(shape, rows * n, 'matrix size');
}

/**
 * One kernel invocation whose inputs already sit where the kernel reads them (wasm memory, GPU buffers), so
 * that run() is the kernel alone: what the throughput suite times. Copies in and out happen in
 * prepare() and result(), never in run().
 */
export interface PreparedRun {
  run(): void | Promise<void>;
  /** Outputs of the last run(), copied out. */
  result(): Float32Array | Promise<Float32Array>;
  /** Device time of the last run() in ns where the backend measures it (GPU timestamp queries), else undefined. */
  lastDeviceNs?(): number | undefined;
  dispose(): void;
}

/** A kernel that decodes `n` elements from `q` into float32. */
export interface DecodeKernel {
  decode(q: Uint8Array, n: number, out?: Float32Array): Float32Array | Promise<Float32Array>;
  /** Optional: stage q once for repeated timed runs (see PreparedRun). */
  prepare?(q: Uint8Array, n: number): PreparedRun | Promise<PreparedRun>;
  dispose?(): void;
}

/** A kernel that computes one dot product per row of an encoded matrix against float32 activations. */
export interface DotKernel {
  dot(q: Uint8Array, y: Float32Array, rows: number): Float32Array | Promise<Float32Array>;
  /** Optional: stage q and y once for repeated timed runs (see PreparedRun). */
  prepare?(q: Uint8Array, y: Float32Array, rows: number): PreparedRun | Promise<PreparedRun>;
  /**
   * Optional, for kernels that quantize the activation apart from the product (ggml: from_float to the
   * vec_dot_type once per activation row, then vec_dot per weight row; prepare() does it, run() does not):
   * that quantization alone, staged, so the throughput suite times and reports it on its own.
   */
  prepareActivation?(y: Float32Array): { run(): void; dispose(): void; describe: string };
  dispose?(): void;
}

/**
 * A kernel that quantizes float32 values (a whole number of blocks) into the format's bytes, as the reference
 * encodes them (one row of x.length elements).
 */
export interface EncodeKernel {
  encode(x: Float32Array): Uint8Array | Promise<Uint8Array>;
  /** Optional: stage x once for repeated timed runs (see PreparedRun; result() is not used for bytes). */
  prepare?(x: Float32Array): PreparedRun | Promise<PreparedRun>;
  dispose?(): void;
}

export type Kernel = DecodeKernel | DotKernel | EncodeKernel;

export interface KernelTraits {
  /** `format/op/backend` */
  readonly id: `${string}/${KernelOp}/${Backend}`;
  readonly format: string;
  readonly op: KernelOp;
  readonly backend: Backend;
  /** true, or the reason this shape is not supported (shown as a visible skip, never a silent fallback). */
  supports(shape: Shape): true | string;
  load(): Promise<Kernel>;
}

export interface FormatFamily {
  readonly family: string;
  /** Build the reference codec of one variant from its spec. */
  codec(spec: ResolvedSpec): ReferenceCodec;
  /** Specs for ids that are not files (e.g. `e3m4` for any ExMy minifloat). */
  parseDynamicId?(id: string): ResolvedSpec | undefined;
  /** Golden folders this family checks itself (see GoldenHandler). */
  golden?: GoldenHandler;
}

export function kernelId(format: string, op: KernelOp, backend: Backend): KernelTraits['id'] {
  return `${format}/${op}/${backend}`;
}

/**
 * A family that ships golden vectors in a layout other than the interchange format (or needs extra
 * checks, like ggml's vec_dot folder) claims those folders here.
 */
export interface GoldenHandler {
  /** True when this family knows how to check the folder at `dir`. */
  claims(dir: string): boolean;
  conform(dir: string, options: { format?: string }): Promise<import('./conform.ts').ConformReport>;
}

/** Whether `format`'s spec says its encoder needs an importance matrix (params.requiresImatrix, as ggml's). */
export function requiresImatrix(format: Pick<FormatTraits, 'spec'>): boolean {
  return format.spec.params?.['requiresImatrix'] === true;
}

/**
 * Whether the format's encoder reads an importance matrix (the spec's `readsImatrix`, or `requiresImatrix`):
 * for ggml types, whether ggml_quantize_chunk passes quant_weights to a weighted search. The live oracle's
 * chunk_imatrix path checks the fact against ggml; the gguf property tests check the codec follows it.
 */
export function readsImatrix(format: Pick<FormatTraits, 'spec'>): boolean {
  return requiresImatrix(format) || format.spec.params?.['readsImatrix'] === true;
}

/** What the suites state in a record's details when they supplied the all-ones importance matrix. */
export const UNIFORM_IMATRIX_NOTE = 'uniform (format requires one)';

/** Activation statistics a suite has for a tensor: how to build its importance matrix, and what to call it. */
export interface ActivationImatrix {
  /** One positive weight per column (e.g. the mean squared input of the layer, what llama-imatrix collects). */
  imatrix: () => Float32Array;
  /** What the record's details say, e.g. 'mean squared activations (format requires one)'. */
  note: string;
}

/**
 * The one imatrix policy of the suites: the options to encode a tensor of `n` elements of `format` with. Options
 * that carry an imatrix are used as they are, and a format whose spec does not require one gets the options
 * unchanged. A format whose spec requires one (params.requiresImatrix) and got none gets the suite's activation
 * statistics where it has them (`activations`), else a uniform (all-ones) importance matrix, one value per
 * column of the row (`nPerRow`, else `n`); `details` then says which, for the record ({ imatrix: note }).
 */
export function encodeOptionsFor(
  format: Pick<FormatTraits, 'spec'>,
  n: number,
  options: EncodeOptions = {},
  activations?: ActivationImatrix,
): { options: EncodeOptions; details: { imatrix?: string } } {
  if (options.imatrix || !requiresImatrix(format)) return { options, details: {} };
  if (activations)
    return {
      options: { ...options, imatrix: activations.imatrix() },
      details: { imatrix: activations.note },
    };
  const columns = options.nPerRow ?? n;
  return {
    options: { ...options, imatrix: new Float32Array(columns).fill(1) },
    details: { imatrix: UNIFORM_IMATRIX_NOTE },
  };
}

/** What a record's details add under the imatrix policy for `format` ({ imatrix } where it supplies one). */
export function imatrixDetails(
  format: Pick<FormatTraits, 'spec'>,
  options: EncodeOptions = {},
): { imatrix?: string } {
  return options.imatrix || !requiresImatrix(format) ? {} : { imatrix: UNIFORM_IMATRIX_NOTE };
}

/** format.reference.encode(x, options) under the suites' imatrix policy (encodeOptionsFor). */
export function encodeForSuite(format: Format, x: Float32Array, options: EncodeOptions = {}): Uint8Array {
  return format.reference.encode(x, encodeOptionsFor(format, x.length, options).options);
}
