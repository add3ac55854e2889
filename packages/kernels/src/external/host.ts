/**
 * `qbench validate`'s side of an external kernel: a worker thread (worker.ts) hosts the kernel; calls
 * carry a time limit, after which the worker is terminated (a hung kernel cannot be stopped any other
 * way) and started again for the next case. Errors come back as QbenchErrors with the kernel's message.
 */
import { Worker } from 'node:worker_threads';
import { type DecodeKernel, type DotKernel, type KernelOp, QbenchError } from '@qbench/core';
import type { ExternalLoadOptions, LoadedExternal } from '../backends/backend.ts';
import type { Timing, TimingOptions } from '../measure.ts';
import { toMeasurement } from '../throughput.ts';
import type { FormatShape, Reply, Request, WorkerKernelKind } from './protocol.ts';

const bootUrl = new URL('./worker-boot.mjs', import.meta.url);

export interface ExternalOptions {
  /** How the worker loads the file: a JS/TS module's default export, or a .wasm through the ABI host. */
  kind: WorkerKernelKind;
  format?: FormatShape;
  op?: KernelOp;
  /** Limit per call (decode/dot); a call past it terminates the worker. */
  timeoutMs?: number;
  /**
   * Limit for starting a worker and importing the kernel (default 30 s). Separate from the per-call limit:
   * a worker boots tsx's loader, which on a busy machine takes longer than a tight per-call limit, and a
   * kernel must not fail a case because the machine was slow to start a thread.
   */
  loadTimeoutMs?: number;
}

export interface ExternalKernel {
  /** The format the module declares (undefined for .wasm, which carries none). */
  declaredFormat: string | undefined;
  op: KernelOp;
  kind: WorkerKernelKind;
  kernel: DecodeKernel | DotKernel;
  /** Time the kernel inside its worker (prepared: inputs staged once, for .wasm). */
  bench(
    args: { q: Uint8Array; n: number } | { q: Uint8Array; y: Float32Array; rows: number },
    timing: TimingOptions,
  ): Promise<{ timing: Timing; prepared: boolean }>;
  close(): Promise<void>;
}

class WorkerHost {
  private worker: Worker | undefined;
  private ready: Promise<Extract<Reply, { type: 'ready' }>> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly path: string,
    private readonly options: ExternalOptions,
  ) {}

  private start(): Promise<Extract<Reply, { type: 'ready' }>> {
    if (this.ready) return this.ready;
    const w = new Worker(bootUrl);
    this.worker = w;
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill();
        reject(new QbenchError('kernel.timeout', `${this.path}: did not load within ${this.loadLimit()} ms`));
      }, this.loadLimit());
      w.on('message', (r: Reply) => {
        if (r.type === 'ready') {
          clearTimeout(timer);
          resolve(r);
        } else if (r.type === 'error' && r.id === undefined) {
          clearTimeout(timer);
          reject(new QbenchError(r.code, `${this.path}: ${r.message}`));
        } else if ('id' in r && r.id !== undefined) {
          const p = this.pending.get(r.id);
          this.pending.delete(r.id);
          p?.resolve(r);
        }
      });
      w.on('error', (e) => {
        clearTimeout(timer);
        const err = new QbenchError(
          'kernel.crashed',
          `${this.path}: the kernel's worker crashed: ${e.message}`,
        );
        reject(err);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        this.worker = undefined;
        this.ready = undefined;
      });
      const init: Request = {
        type: 'init',
        path: this.path,
        kind: this.options.kind,
        ...(this.options.format ? { format: this.options.format } : {}),
        ...(this.options.op ? { op: this.options.op } : {}),
      };
      w.postMessage(init);
    });
    return this.ready;
  }

  limit(): number {
    return this.options.timeoutMs ?? 10_000;
  }

  loadLimit(): number {
    return this.options.loadTimeoutMs ?? 30_000;
  }

  kill(): void {
    void this.worker?.terminate();
    this.worker = undefined;
    this.ready = undefined;
  }

  async init(): Promise<Extract<Reply, { type: 'ready' }>> {
    return this.start();
  }

  /** Send a request (without id) and wait for its reply within the time limit (longer for benches). */
  async request(make: (id: number) => Request, limitMs = this.limit()): Promise<Reply> {
    await this.start();
    const id = this.nextId++;
    const w = this.worker!;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.kill();
        reject(new QbenchError('kernel.timeout', `did not answer within ${limitMs} ms (worker terminated)`));
      }, limitMs);
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      w.postMessage(make(id));
    });
  }
}

function unwrap(r: Reply): unknown {
  if (r.type === 'error') throw new QbenchError(r.code, r.message);
  if (r.type !== 'result') throw new QbenchError('kernel.protocol', `unexpected reply ${r.type}`);
  return r.value;
}

export async function loadExternalKernel(path: string, options: ExternalOptions): Promise<ExternalKernel> {
  const host = new WorkerHost(path, options);
  const ready = await host.init();
  const kernel: DecodeKernel | DotKernel =
    ready.op === 'decode'
      ? {
          decode: async (q, n) =>
            unwrap(await host.request((id) => ({ type: 'call', id, op: 'decode', q, n }))) as Float32Array,
        }
      : {
          dot: async (q, y, rows) =>
            unwrap(await host.request((id) => ({ type: 'call', id, op: 'dot', q, y, rows }))) as Float32Array,
        };
  return {
    declaredFormat: ready.format,
    op: ready.op,
    kind: ready.kind,
    kernel,
    async bench(args, timing) {
      const limit = Math.max(host.limit(), 10 * ((timing.minTimeMs ?? 300) + 1000));
      const r = await host.request(
        (id) =>
          'n' in args
            ? { type: 'bench', id, op: 'decode', ...args, timing }
            : { type: 'bench', id, op: 'dot', ...args, timing },
        limit,
      );
      if (r.type === 'error') throw new QbenchError(r.code, r.message);
      if (r.type !== 'timing') throw new QbenchError('kernel.protocol', `unexpected reply ${r.type}`);
      return { timing: r.timing, prepared: r.prepared };
    },
    async close() {
      host.kill();
    },
  };
}

/** A backend plugin's external form hosted in a worker: `qbench validate`'s view of it (LoadedExternal). */
export async function hostInWorker(
  path: string,
  o: ExternalLoadOptions,
  kind: WorkerKernelKind,
): Promise<LoadedExternal> {
  const f = o.format;
  const ext = await loadExternalKernel(path, {
    kind,
    ...(f ? { format: { id: f.id, blockElements: f.blockElements, blockBytes: f.blockBytes } } : {}),
    ...(o.op ? { op: o.op } : {}),
    timeoutMs: o.timeoutMs,
  });
  return {
    kernel: ext.kernel,
    op: ext.op,
    declaredFormat: ext.declaredFormat,
    async bench(c, timing) {
      const r = await ext.bench(
        c.op === 'decode' ? { q: c.q, n: c.elements } : { q: c.q, y: c.y!, rows: c.rows! },
        timing,
      );
      return toMeasurement(c, r.timing, r.prepared);
    },
    close: () => ext.close(),
  };
}
