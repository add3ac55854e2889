/**
 * Node-only host for render-worker.mjs: renders one template on a batch of probe contexts in a worker
 * thread with a per-render time limit, a heap cap and an output-size cap, so a template that loops forever
 * or renders gigabytes becomes a result ("limit"), never a hung or crashed scanner.
 */
import { Worker } from 'node:worker_threads';
import type { RenderContext } from './probes.ts';

export interface RenderLimits {
  /** Wall-clock limit of one render, ms (a benign template renders a probe in well under 10 ms). */
  timeoutMs: number;
  /** Largest rendered prompt accepted, in characters. */
  maxOutputChars: number;
  /** Largest range() a template may build. */
  maxRange: number;
  /** Worker heap cap, MiB. */
  maxHeapMb: number;
}

export const DEFAULT_RENDER_LIMITS: RenderLimits = {
  timeoutMs: 3000,
  maxOutputChars: 4 * 1024 * 1024,
  maxRange: 100_000,
  maxHeapMb: 256,
};

export type RenderResult =
  | { ok: true; output: string; dates: string[] }
  | { ok: false; limit: boolean; error: string };

export interface RenderBatch {
  /** Set when the parser rejects the template (nothing rendered). */
  parseError?: string;
  /** One entry per job, in order; undefined for jobs not run after a render hit a hard limit. */
  results: (RenderResult | undefined)[];
}

type WorkerMessage =
  | { type: 'parse-error'; message: string }
  | { type: 'ready' }
  | { type: 'done' }
  | ({ type: 'result'; id: number } & RenderResult);

const workerUrl = new URL('./render-worker.mjs', import.meta.url);

/** Render `template` on every context, in order, in one worker. Never rejects on template behaviour. */
export function renderInSandbox(
  template: string,
  contexts: readonly RenderContext[],
  limits: RenderLimits = DEFAULT_RENDER_LIMITS,
): Promise<RenderBatch> {
  const results: (RenderResult | undefined)[] = contexts.map(() => undefined);
  return new Promise((resolve) => {
    const worker = new Worker(workerUrl, {
      resourceLimits: {
        maxOldGenerationSizeMb: limits.maxHeapMb,
        maxYoungGenerationSizeMb: 32,
        stackSizeMb: 4,
      },
    });
    let next = 0;
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (batch: RenderBatch) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(batch);
    };
    // The timer covers one render at a time, armed when the previous result (or 'ready') arrives, so
    // worker start-up and the number of probes do not eat into a render's budget.
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        results[next] = {
          ok: false,
          limit: true,
          error: `render did not finish within ${limits.timeoutMs} ms`,
        };
        finish({ results });
      }, limits.timeoutMs);
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'parse-error') finish({ parseError: m.message, results });
      else if (m.type === 'ready') arm();
      else if (m.type === 'result') {
        const { type: _t, id, ...r } = m;
        results[id] = r;
        next = id + 1;
        arm();
      } else finish({ results });
    });
    worker.on('error', (e: Error & { code?: string }) => {
      const heap = e.code === 'ERR_WORKER_OUT_OF_MEMORY';
      results[next] = {
        ok: false,
        limit: true,
        error: heap
          ? `render exceeded the ${limits.maxHeapMb} MiB heap`
          : `render worker failed: ${e.message}`,
      };
      finish({ results });
    });
    worker.on('exit', () => finish({ results }));
    worker.postMessage({
      template,
      jobs: contexts.map((context, id) => ({ id, context })),
      limits: { maxOutputChars: limits.maxOutputChars, maxRange: limits.maxRange },
    });
  });
}
