/**
 * The one interface every kernel backend implements (see ../../README.md). A backend is a plugin: one
 * folder under backends/ and one line in backends/index.ts. Nothing outside its folder compares a backend
 * id: suites, `qbench validate` and the harness ask the plugin.
 */
import type { Format, Kernel, KernelOp, KernelTraits } from '@qbench/core';
import type { TimingOptions } from '../measure.ts';
import type { Measurement, ThroughputCase } from '../throughput.ts';

/** A backend's kernels for some formats, or why it has none here (a visible skip, never a fallback). */
export type BackendListing =
  | {
      kernels: KernelTraits[];
      /** Kernels the backend cannot offer for a format it otherwise covers, with the reason (a visible skip). */
      missing?: { kernel: string; reason: string }[];
    }
  | { unavailable: string };

/** The memory-copy bandwidth of the memory a backend's kernels work in: the line its throughput is set against. */
export interface CopyBandwidth {
  /** Bytes copied per run (read + written traffic is twice this). */
  bytes: number;
  /** Read + written bytes over the median wall time of a run. */
  wallGBps: number;
  /** The same over the median device time, where the backend measures it (GPU timestamp queries). */
  deviceGBps?: number;
  /** How it copies, e.g. 'Float32Array.prototype.set'. */
  method: string;
  /** Backend-specific facts for the record (adapter, clock). */
  details?: Record<string, unknown>;
}

export interface CopyYardstick {
  /** The yardstick's record id (kernel column), e.g. 'memcpy/typed-array'; shared yardsticks share it. */
  kernel: string;
  /** Measured once per process, so every figure of a run shares it; a string says why there is none. */
  measure(options: { quick: boolean }): Promise<CopyBandwidth | string>;
}

export interface ExternalLoadOptions {
  /** --format, when given (a JS module may declare its own). */
  format: Format | undefined;
  /** --op, when given. */
  op: KernelOp | undefined;
  /** Per-call time limit. */
  timeoutMs: number;
  /** --symbol NAME: the C function of a native library (ggml's signatures). */
  symbol?: string | undefined;
  /** --override NAME=VALUE, for forms that take tuning constants. */
  overrides: Record<string, number>;
}

export interface LoadedExternal {
  kernel: Kernel;
  op: KernelOp;
  /** The format the kernel declares itself, where its form carries one. */
  declaredFormat: string | undefined;
  /** How this kernel runs, where it says more than its form's describe (e.g. which host). */
  describe?: string;
  /** Times the kernel where it is hosted (a worker thread); absent: time it in this process. */
  bench?(c: ThroughputCase, timing: TimingOptions): Promise<Measurement>;
  close(): Promise<void>;
}

/** What a user's kernel of this backend looks like on disk, and how `qbench validate` loads it. */
export interface ExternalForm {
  /** File name endings (with the dot) of kernels of this form, e.g. ['.wgsl']. */
  extensions: readonly string[];
  /** How it runs, for validate's header line. */
  describe: string;
  /** Whether `--override NAME=VALUE` applies (WGSL override constants). */
  takesOverrides: boolean;
  load(path: string, options: ExternalLoadOptions): Promise<LoadedExternal>;
}

export interface KernelBackend {
  /** The backend column of kernel ids (`format/op/backend`) and records. */
  readonly id: string;
  readonly summary: string;
  /**
   * Its kernels define the expected answers (the reference codec): the round-trip suite checks them through
   * the format items, not as kernel verdicts.
   */
  readonly oracle: boolean;
  /**
   * Its figures are the baseline every other backend's figure for the same format and op is also given as a
   * ratio to (native ggml: the home implementation), measured in the same run on the same tensor.
   */
  readonly baseline?: boolean;
  /**
   * Whether this backend is meant to have kernels for the format at all, answerable without loading anything
   * (a baseline uses it: a format it does not cover has no ratio, not a skipped one).
   */
  covers?(format: Format): boolean;
  /** Relative cost of timing one of its kernels, for sharding (reference kernels are ~10× slower). */
  readonly timingWeight: number;
  /** Its kernels for these formats (listing never compiles a shader or loads a GPU; `load()` does). */
  list(formats: readonly Format[]): Promise<BackendListing>;
  /** The copy bandwidth its kernels are set against. */
  readonly yardstick: CopyYardstick;
  /** The device it runs on, for the run's machine record (e.g. the GPU adapter); undefined: the host CPU. */
  device?(): Promise<string | undefined>;
  /** The form a user's kernel of this backend takes, where `qbench validate` can load one. */
  readonly external?: ExternalForm;
}
