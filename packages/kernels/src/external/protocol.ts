/** Messages between `qbench validate` and the worker that hosts an external kernel. */
import type { KernelOp } from '@qbench/core';
import type { Timing, TimingOptions } from '../measure.ts';

export interface FormatShape {
  id: string;
  blockElements: number;
  blockBytes: number;
}

/** How the worker loads a kernel file: a JS/TS module's default export, or a .wasm through the ABI host. */
export type WorkerKernelKind = 'module' | 'wasm';

export type Request =
  | { type: 'init'; path: string; kind: WorkerKernelKind; format?: FormatShape; op?: KernelOp }
  | { type: 'call'; id: number; op: 'decode'; q: Uint8Array; n: number }
  | { type: 'call'; id: number; op: 'dot'; q: Uint8Array; y: Float32Array; rows: number }
  | { type: 'bench'; id: number; op: 'decode'; q: Uint8Array; n: number; timing: TimingOptions }
  | {
      type: 'bench';
      id: number;
      op: 'dot';
      q: Uint8Array;
      y: Float32Array;
      rows: number;
      timing: TimingOptions;
    };

export type Reply =
  | { type: 'ready'; format: string | undefined; op: KernelOp; kind: WorkerKernelKind }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'timing'; id: number; timing: Timing; prepared: boolean }
  | { type: 'error'; id?: number; code: string; message: string };
