/**
 * Hosts one external kernel in a worker thread, so that a kernel that hangs can be terminated and one that
 * crashes takes only this thread down. JS/TS modules: the default export `{ format, op, decode | dot }`;
 * `.wasm`: the ABI of KERNEL-ABI.md (exports memory, alloc, and decode or dot). JS kernels get an output
 * array surrounded by canaries; wasm kernels get the same through the ABI host.
 */

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';
// A worker is an entry point of its own: it installs the format registry its harness uses.
import '@qbench/formats';
import {
  type DecodeKernel,
  type DotKernel,
  isQbenchError,
  type KernelOp,
  loadFormat,
  QbenchError,
} from '@qbench/core';
import { abiDecodeKernel, abiDotKernel, abiShape, instantiateAbi } from '@qbench/runtime-wasm';
import { timeRuns } from '../measure.ts';
import type { Reply, Request } from './protocol.ts';

const CANARY_VALUES = 64;
const CANARY_BITS = 0x7fa5a5a5; // a NaN payload no float arithmetic produces

type Decode = (q: Uint8Array, n: number, out?: Float32Array) => unknown;
type Dot = (q: Uint8Array, y: Float32Array, rows: number) => unknown;

let decodeFn: Decode | undefined;
let dotFn: Dot | undefined;
let guardJs = false;
/** wasm kernels can stage their inputs once (PreparedRun), so they are timed without the copies. */
let staged: DecodeKernel | DotKernel | undefined;

function post(r: Reply, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(r, transfer);
}

function fail(e: unknown, id?: number): void {
  const code = isQbenchError(e) ? e.code : 'kernel.threw';
  const message =
    e instanceof Error
      ? `${e.name === 'Error' || isQbenchError(e) ? '' : `${e.name}: `}${e.message}`
      : String(e);
  post({ type: 'error', ...(id === undefined ? {} : { id }), code, message });
}

async function init(m: Extract<Request, { type: 'init' }>): Promise<void> {
  if (m.kind === 'wasm') {
    if (!m.format)
      throw new QbenchError(
        'validate.format',
        'a .wasm kernel needs --format (the ABI carries no format id)',
      );
    const mod = await instantiateAbi(new Uint8Array(readFileSync(m.path)), m.path);
    const op: KernelOp = m.op ?? (mod.has('decode') ? 'decode' : 'dot');
    // sized as qbench's own modules are: the tensor as the reference encodes it, a dot's matrix one tensor
    const format = await loadFormat(m.format.id);
    const shape = abiShape(format.spec, (n) => format.reference.encodedBytes(n));
    if (op === 'decode') {
      const k = abiDecodeKernel(mod, 'decode', shape);
      decodeFn = (q, n) => k.decode(q, n);
      staged = k;
    } else {
      const k = abiDotKernel(mod, 'dot', shape);
      dotFn = (q, y, rows) => k.dot(q, y, rows);
      staged = k;
    }
    post({ type: 'ready', format: m.format.id, op, kind: 'wasm' });
    return;
  }
  const module = (await import(pathToFileURL(m.path).href)) as { default?: unknown };
  const k = module.default as { format?: unknown; op?: unknown; decode?: unknown; dot?: unknown } | undefined;
  if (typeof k !== 'object' || k === null) {
    throw new QbenchError(
      'validate.module',
      `${m.path}: the default export must be an object { format, op, decode | dot }`,
    );
  }
  const op = (m.op ?? k.op ?? (typeof k.decode === 'function' ? 'decode' : 'dot')) as KernelOp;
  if (op === 'decode' && typeof k.decode === 'function') decodeFn = k.decode.bind(k) as Decode;
  else if (op === 'dot' && typeof k.dot === 'function') dotFn = k.dot.bind(k) as Dot;
  else throw new QbenchError('validate.module', `${m.path}: the default export has no ${op}() function`);
  guardJs = true;
  post({ type: 'ready', format: typeof k.format === 'string' ? k.format : undefined, op, kind: 'module' });
}

/** Decode into a canary-guarded output; returns the kernel's result (checked by the harness). */
async function guardedDecode(q: Uint8Array, n: number): Promise<unknown> {
  if (!guardJs) return decodeFn!(q, n);
  const buf = new Float32Array(n + 2 * CANARY_VALUES);
  const bits = new Uint32Array(buf.buffer);
  bits.fill(CANARY_BITS);
  const out = buf.subarray(CANARY_VALUES, CANARY_VALUES + n);
  const got = await decodeFn!(q, n, out);
  for (let i = 0; i < bits.length; i++) {
    if (i >= CANARY_VALUES && i < CANARY_VALUES + n) continue;
    if (bits[i] !== CANARY_BITS) {
      throw new QbenchError(
        'kernel.out-of-bounds',
        `wrote outside its output: element ${i - CANARY_VALUES} (output has ${n})`,
      );
    }
  }
  return got;
}

async function call(m: Extract<Request, { type: 'call' }>): Promise<void> {
  const got = m.op === 'decode' ? await guardedDecode(m.q, m.n) : await dotFn!(m.q, m.y, m.rows);
  if (got instanceof Float32Array) {
    const copy = got.slice();
    post({ type: 'result', id: m.id, value: copy }, [copy.buffer]);
  } else {
    post({ type: 'result', id: m.id, value: Object.prototype.toString.call(got) });
  }
}

async function bench(m: Extract<Request, { type: 'bench' }>): Promise<void> {
  if (staged?.prepare) {
    const p =
      m.op === 'decode'
        ? await (staged as DecodeKernel).prepare!(m.q, m.n)
        : await (staged as DotKernel).prepare!(m.q, m.y, m.rows);
    const timing = await timeRuns(() => p.run(), m.timing);
    p.dispose();
    post({ type: 'timing', id: m.id, timing, prepared: true });
    return;
  }
  const out = m.op === 'decode' ? new Float32Array(m.n) : undefined;
  const run = m.op === 'decode' ? () => decodeFn!(m.q, m.n, out) : () => dotFn!(m.q, m.y, m.rows);
  post({ type: 'timing', id: m.id, timing: await timeRuns(run, m.timing), prepared: false });
}

parentPort!.on('message', (m: Request) => {
  const job = m.type === 'init' ? init(m) : m.type === 'call' ? call(m) : bench(m);
  job.catch((e: unknown) => fail(e, m.type === 'init' ? undefined : m.id));
});
