/** Messages between `qbench validate` and the child process that hosts a native (.so) kernel. */
import type { KernelOp } from '@qbench/core';
import type { Timing, TimingOptions } from '../measure.ts';

export interface NativeInit {
  type: 'init';
  path: string;
  symbol: string;
  op: KernelOp;
  /** The format's block: input/output sizes of every call are derived from it. */
  blockElements: number;
  blockBytes: number;
  /** dot: the activation partner's block bytes (y arrives already quantized to it). */
  partnerBlockBytes?: number;
}

export type NativeCall =
  | { op: 'decode'; q: Uint8Array; n: number }
  | { op: 'encode'; x: Float32Array }
  | { op: 'dot'; q: Uint8Array; yq: Uint8Array; n: number; rows: number };

export type NativeRequest =
  | NativeInit
  | ({ type: 'call'; id: number } & NativeCall)
  | ({ type: 'bench'; id: number; timing: TimingOptions } & NativeCall);

export type NativeReply =
  | { type: 'ready' }
  | { type: 'result'; id: number; value: Float32Array | Uint8Array }
  | { type: 'timing'; id: number; timing: Timing }
  | { type: 'error'; id?: number; code: string; message: string };
