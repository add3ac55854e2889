/**
 * What the suite and `qbench validate` time: one kernel on one tensor, data resident where the kernel reads
 * it (PreparedRun) when the kernel can stage it, else whole calls. GB/s counts bytes read + bytes written
 * (decode: encoded bytes + 4·n; dot: encoded bytes + 4·n activations + 4·rows results; encode: 4·n + encoded
 * bytes), so every figure can
 * be set against the machine's memory-copy bandwidth measured in the same process (read + write, too).
 *
 * Test tensors repeat one reference-encoded tile of 64Ki elements (encoding 16M elements with a reference
 * quantizer would take minutes and decode speed does not depend on the values, only on the layout).
 */
import {
  type DecodeKernel,
  type DotKernel,
  type EncodeKernel,
  encodeForSuite,
  type Format,
  generate,
  type Kernel,
  type KernelOp,
  type PreparedRun,
} from '@qbench/core';
import type { CopyBandwidth, CopyYardstick } from './backends/backend.ts';
import { gbps, type Timing, type TimingOptions, timeRuns } from './measure.ts';

export const FULL_ELEMENTS = 16 * 1024 * 1024;
export const QUICK_ELEMENTS = 1024 * 1024;
const TILE = 64 * 1024;
/** Row length of the dot benchmark matrix (a multiple of every block size, incl. 256-element k-quants). */
export const DOT_N = 4096;

export interface ThroughputCase {
  format: Format;
  op: KernelOp;
  elements: number;
  q: Uint8Array;
  /** encode only: the float32 input */
  x?: Float32Array;
  /** dot only */
  y?: Float32Array;
  rows?: number;
  bytesRead: number;
  bytesWritten: number;
}

function repeatTile(tile: Uint8Array, times: number): Uint8Array {
  const out = new Uint8Array(tile.byteLength * times);
  for (let i = 0; i < times; i++) out.set(tile, i * tile.byteLength);
  return out;
}

export function makeCase(format: Format, op: KernelOp, elements: number): ThroughputCase {
  const times = Math.max(1, Math.round(elements / TILE));
  const total = times * TILE;
  if (op === 'encode') {
    // the values matter to a quantizer's search, so the whole tensor is generated, not tiled
    const x = generate({ kind: 'gaussian', sigma: 0.02 }, total, 42);
    const bytes = format.reference.encodedBytes(total);
    return {
      format,
      op,
      elements: total,
      q: new Uint8Array(0),
      x,
      bytesRead: 4 * total,
      bytesWritten: bytes,
    };
  }
  const x = generate({ kind: 'gaussian', sigma: 0.02 }, TILE, 42);
  const ref = format.reference;
  // Tiling is valid only when the encoding is self-contained blocks back to back (no tensor header such as
  // nvfp4_torchao's scale, no side info gathered elsewhere): checked by decoding two tiles with the reference, which
  // must give the tile's decode twice. Otherwise the whole tensor is encoded (slower, but right).
  const tiled = (tile: Uint8Array, n = TILE) => {
    if (times === 1) return true;
    if (ref.encodedBytes(total) !== tile.byteLength * times) return false;
    try {
      const one = ref.decode(tile, n);
      const two = ref.decode(repeatTile(tile, 2), 2 * n);
      const a = new Uint32Array(one.buffer, one.byteOffset, n);
      const b = new Uint32Array(two.buffer, two.byteOffset, 2 * n);
      for (let i = 0; i < 2 * n; i++) if (a[i % n] !== b[i]) return false;
      return true;
    } catch {
      return false;
    }
  };
  if (op === 'dot') {
    const tileQ = encodeForSuite(format, x, { nPerRow: DOT_N });
    const q = tiled(tileQ)
      ? repeatTile(tileQ, times)
      : encodeForSuite(format, generate({ kind: 'gaussian', sigma: 0.02 }, total, 42), { nPerRow: DOT_N });
    const rows = total / DOT_N;
    const y = generate({ kind: 'gaussian' }, DOT_N, 43);
    return {
      format,
      op,
      elements: total,
      q,
      y,
      rows,
      bytesRead: q.byteLength + 4 * DOT_N,
      bytesWritten: 4 * rows,
    };
  }
  const tileQ = encodeForSuite(format, x);
  const q = tiled(tileQ)
    ? repeatTile(tileQ, times)
    : encodeForSuite(format, generate({ kind: 'gaussian', sigma: 0.02 }, total, 42));
  return { format, op, elements: total, q, bytesRead: q.byteLength, bytesWritten: 4 * total };
}

export interface Measurement {
  timing: Timing;
  /** Inputs staged once and only the kernel timed (false: whole calls incl. the backend's copies). */
  prepared: boolean;
  /** Bytes read + written over the median wall time of a run (submit to completion on a GPU). */
  throughputGBps: number;
  /** The same bytes over the median device time, where the backend measures it (GPU timestamp queries). */
  deviceThroughputGBps?: number;
  elementsPerSecond: number;
  /** Median device time where the backend measures it (GPU timestamp queries). */
  deviceMedianNs?: number;
}

export function toMeasurement(
  c: ThroughputCase,
  timing: Timing,
  prepared: boolean,
  deviceMedianNs?: number,
): Measurement {
  return {
    timing,
    prepared,
    throughputGBps: gbps(c.bytesRead + c.bytesWritten, timing.medianNs),
    elementsPerSecond: c.elements / (timing.medianNs * 1e-9),
    ...(deviceMedianNs === undefined
      ? {}
      : { deviceMedianNs, deviceThroughputGBps: gbps(c.bytesRead + c.bytesWritten, deviceMedianNs) }),
  };
}

export async function measureKernel(
  kernel: Kernel,
  c: ThroughputCase,
  timing: TimingOptions = {},
): Promise<Measurement> {
  if (c.op === 'decode') {
    const k = kernel as DecodeKernel;
    if (k.prepare) return measurePrepared(c, await k.prepare(c.q, c.elements), timing);
    const out = new Float32Array(c.elements);
    return toMeasurement(c, await timeRuns(() => k.decode(c.q, c.elements, out), timing), false);
  }
  if (c.op === 'encode') {
    const e = kernel as EncodeKernel;
    if (e.prepare) return measurePrepared(c, await e.prepare(c.x!), timing);
    return toMeasurement(c, await timeRuns(() => e.encode(c.x!), timing), false);
  }
  const k = kernel as DotKernel;
  if (k.prepare) return measurePrepared(c, await k.prepare(c.q, c.y!, c.rows!), timing);
  return toMeasurement(c, await timeRuns(() => k.dot(c.q, c.y!, c.rows!), timing), false);
}

/** Times run() alone (inputs staged once), with the device time of each run where the backend reports it. */
async function measurePrepared(
  c: ThroughputCase,
  p: PreparedRun,
  timing: TimingOptions,
): Promise<Measurement> {
  const t = await timePrepared(p, timing);
  p.dispose();
  return toMeasurement(c, t.timing, true, t.deviceMedianNs);
}

/** Repeated run() of a staged kernel: wall timing, and the median device time where the backend has one. */
export async function timePrepared(
  p: PreparedRun,
  timing: TimingOptions,
): Promise<{ timing: Timing; deviceMedianNs: number | undefined }> {
  const device: number[] = [];
  const t = await timeRuns(async () => {
    await p.run();
    const ns = p.lastDeviceNs?.();
    if (ns !== undefined) device.push(ns);
  }, timing);
  return { timing: t, deviceMedianNs: median(device) };
}

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1]! + s[m]!) / 2;
}

/** A kernel's measurement on its backend's clock, beside the copy bandwidth of the memory it works in. */
export interface OwnCopyFigure {
  /** Bytes read + written per second: device time where the backend measures it, else wall time. */
  gbps: number;
  elementsPerSecond: number;
  clock: 'gpu timestamps' | 'wall clock';
  /** The yardstick's record (memcpy/typed-array, memcpy/wasm, memcpy/webgpu) and its GB/s on the same clock. */
  against: string;
  copyGBps: number | undefined;
}

/**
 * Each backend against its own memory (its plugin's yardstick: the host's typed-array copy, wasm's
 * memory.copy, the GPU's copy kernel), on the device clock where both the kernel and the yardstick have one.
 * `copy` is the yardstick's measure() answer (a string: none here). The suite and `qbench validate` share it.
 */
export function againstOwnCopy(
  yardstick: CopyYardstick,
  copy: CopyBandwidth | string,
  m: Measurement,
  elements: number,
): OwnCopyFigure {
  const y = typeof copy === 'object' ? copy : undefined;
  const onDevice = y?.deviceGBps !== undefined && m.deviceMedianNs !== undefined;
  return {
    gbps: onDevice ? m.deviceThroughputGBps! : m.throughputGBps,
    elementsPerSecond: onDevice ? elements / (m.deviceMedianNs! * 1e-9) : m.elementsPerSecond,
    clock: onDevice ? 'gpu timestamps' : 'wall clock',
    against: yardstick.kernel,
    copyGBps: y && (onDevice ? y.deviceGBps : y.wallGBps),
  };
}
