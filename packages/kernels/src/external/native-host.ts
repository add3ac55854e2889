/**
 * `qbench validate`'s side of a native kernel (a `.so` with ggml's C signatures): a child process
 * (native-child.ts) hosts it, so that a segfault, an abort or a hang is a verdict for the case that caused
 * it — the child is killed on a timeout, its death by a signal is reported with the call — and the next
 * case starts a fresh child. qbench itself never loads the user's library.
 */
import { type ChildProcess, fork } from 'node:child_process';
import {
  type DecodeKernel,
  type DotKernel,
  type EncodeKernel,
  type Format,
  type KernelOp,
  loadFormat,
  QbenchError,
} from '@qbench/core';
import type { ExternalLoadOptions, LoadedExternal } from '../backends/backend.ts';
import { toMeasurement } from '../throughput.ts';
import type { NativeCall, NativeInit, NativeReply, NativeRequest } from './native-protocol.ts';

const bootUrl = new URL('./native-child-boot.mjs', import.meta.url);
const LOAD_TIMEOUT_MS = 30_000;

/** What a ggml symbol name says about its kernel: op and format (lower case), where it follows ggml's names. */
export function parseGgmlSymbol(symbol: string): { op: KernelOp; format: string } | undefined {
  const s = symbol.toLowerCase();
  let m = /^(?:ggml_)?dequantize_row_([a-z0-9_]+?)(?:_generic)?$/.exec(s);
  if (m) return { op: 'decode', format: m[1]! };
  m = /^(?:ggml_)?quantize_row_([a-z0-9_]+?)(?:_ref|_generic)?$/.exec(s);
  if (m) return { op: 'encode', format: m[1]! };
  m = /^(?:ggml_)?vec_dot_([a-z0-9]+_[a-z0-9]+)_(?:q8_0|q8_1|q8_k)(?:_generic)?$/.exec(s);
  if (m) return { op: 'dot', format: m[1]! };
  return undefined;
}

class ChildHost {
  #child: ChildProcess | undefined;
  #ready: Promise<void> | undefined;
  #pending = new Map<
    number,
    { resolve: (r: NativeReply) => void; reject: (e: Error) => void; what: string }
  >();
  #next = 1;

  constructor(
    readonly init: NativeInit,
    readonly timeoutMs: number,
  ) {}

  /** Starts the child and loads the library and symbol; rejects with the reason when they do not load. */
  start(): Promise<void> {
    if (this.#ready) return this.#ready;
    const child = fork(bootUrl, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.#child = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    this.#ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill();
        reject(
          new QbenchError(
            'kernel.timeout',
            `${this.init.path}: the kernel process did not start within ${LOAD_TIMEOUT_MS} ms`,
          ),
        );
      }, LOAD_TIMEOUT_MS);
      child.on('message', (r: NativeReply) => {
        if (r.type === 'ready') {
          clearTimeout(timer);
          resolve();
        } else if (r.type === 'error' && r.id === undefined) {
          clearTimeout(timer);
          reject(new QbenchError(r.code, r.message));
        } else if ('id' in r && r.id !== undefined) {
          const p = this.#pending.get(r.id);
          this.#pending.delete(r.id);
          p?.resolve(r);
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (this.#child === child) {
          this.#child = undefined;
          this.#ready = undefined;
        }
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const last = stderr.trim().split('\n').slice(-2).join(' / ');
        for (const [id, p] of this.#pending) {
          this.#pending.delete(id);
          p.reject(
            new QbenchError(
              'kernel.crashed',
              `crashed: the kernel process ${how} during ${p.what}${last ? ` (stderr: ${last})` : ''}`,
            ),
          );
        }
        reject(
          new QbenchError(
            'kernel.crashed',
            `${this.init.path}: the kernel process ${how} while loading${last ? ` (stderr: ${last})` : ''}`,
          ),
        );
      });
      child.send({ ...this.init } satisfies NativeRequest);
    });
    return this.#ready;
  }

  kill(): void {
    this.#child?.kill('SIGKILL');
    this.#child = undefined;
    this.#ready = undefined;
  }

  async request(
    make: (id: number) => NativeRequest,
    what: string,
    limitMs = this.timeoutMs,
  ): Promise<NativeReply> {
    await this.start();
    const id = this.#next++;
    const child = this.#child!;
    return new Promise<NativeReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        this.kill();
        reject(
          new QbenchError(
            'kernel.timeout',
            `timeout: ${what} did not return within ${limitMs} ms (kernel process killed)`,
          ),
        );
      }, limitMs);
      this.#pending.set(id, {
        what,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      child.send(make(id));
    });
  }

  async call(c: NativeCall, what: string): Promise<Float32Array | Uint8Array> {
    const r = await this.request((id) => ({ type: 'call', id, ...c }), what);
    if (r.type === 'error') throw new QbenchError(r.code, r.message);
    if (r.type !== 'result') throw new QbenchError('kernel.protocol', `unexpected reply ${r.type}`);
    return r.value;
  }
}

/** The format a dot's activation is quantized to (the spec's params.vecDotType), by qbench's reference. */
async function partnerOf(format: Format): Promise<Format> {
  const id = format.spec.params?.['vecDotType'];
  if (typeof id !== 'string')
    throw new QbenchError(
      'validate.format',
      `${format.id} names no vecDotType: a native vec_dot needs its activation type`,
    );
  return loadFormat(id);
}

/** A `.so` kernel with ggml's signature, hosted in a child process: `qbench validate`'s view of it. */
export async function hostNative(path: string, o: ExternalLoadOptions): Promise<LoadedExternal> {
  if (!o.symbol)
    throw new QbenchError(
      'cli.args',
      `validate: ${path} is a native library: pass --symbol NAME (the C function)`,
    );
  const named = parseGgmlSymbol(o.symbol);
  const op = o.op ?? named?.op;
  if (!op)
    throw new QbenchError(
      'cli.args',
      `validate: cannot tell the op of '${o.symbol}' from its name: pass --op decode|dot|encode`,
    );
  const format = o.format ?? (named ? await loadFormat(named.format).catch(() => undefined) : undefined);
  if (!format)
    throw new QbenchError(
      'cli.args',
      `validate: cannot tell the format of '${o.symbol}' from its name: pass --format`,
    );
  const partner = op === 'dot' ? await partnerOf(format) : undefined;
  const host = new ChildHost(
    {
      type: 'init',
      path,
      symbol: o.symbol,
      op,
      blockElements: format.blockElements,
      blockBytes: format.blockBytes,
      ...(partner ? { partnerBlockBytes: partner.blockBytes } : {}),
    },
    o.timeoutMs,
  );
  // a library or symbol that does not load is said here, once, before any case runs
  await host.start();
  // a dot's activation is quantized by qbench's reference of the partner type, as the reference dot does
  const quantizeY = (y: Float32Array) => partner!.reference.encode(y);
  const calls = {
    decode: (q: Uint8Array, n: number): NativeCall => ({ op: 'decode', q, n }),
    encode: (x: Float32Array): NativeCall => ({ op: 'encode', x }),
    dot: (q: Uint8Array, y: Float32Array, rows: number): NativeCall => ({
      op: 'dot',
      q,
      yq: quantizeY(y),
      n: y.length,
      rows,
    }),
  };
  const kernel: DecodeKernel | DotKernel | EncodeKernel =
    op === 'decode'
      ? {
          decode: async (q, n) =>
            (await host.call(calls.decode(q, n), `${o.symbol}(k=${n})`)) as Float32Array,
        }
      : op === 'encode'
        ? {
            encode: async (x) =>
              (await host.call(calls.encode(x), `${o.symbol}(k=${x.length})`)) as Uint8Array,
          }
        : {
            dot: async (q, y, rows) =>
              (await host.call(
                calls.dot(q, y, rows),
                `${o.symbol}(n=${y.length}) over ${rows} rows`,
              )) as Float32Array,
          };
  return {
    kernel,
    op,
    declaredFormat: named && o.format === undefined ? format.id : undefined,
    describe: `native ${op} ${o.symbol} (ggml C signature), child process`,
    async bench(c, timing) {
      const call =
        c.op === 'decode'
          ? calls.decode(c.q, c.elements)
          : c.op === 'encode'
            ? calls.encode(c.x!)
            : calls.dot(c.q, c.y!, c.rows!);
      const limit = Math.max(o.timeoutMs, 10 * ((timing.minTimeMs ?? 300) + 1000));
      const r = await host.request(
        (id) => ({ type: 'bench', id, timing, ...call }),
        `timing ${o.symbol}`,
        limit,
      );
      if (r.type === 'error') throw new QbenchError(r.code, r.message);
      if (r.type !== 'timing') throw new QbenchError('kernel.protocol', `unexpected reply ${r.type}`);
      return toMeasurement(c, r.timing, true);
    },
    async close() {
      host.kill();
    },
  };
}
