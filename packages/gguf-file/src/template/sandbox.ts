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
  /** Wall-clock limit of all renders of one template together, ms (many renders just under timeoutMs). */
  totalMs: number;
  /** Wall-clock limit for the worker to load the interpreter and parse the template, ms. */
  startMs: number;
}

/**
 * The time limits end renders that would not end (nested huge loops); the range and output bounds are the
 * deterministic ones. They sit far above a benign render (150–250 ms for a whole probe set on two busy
 * cores) so that no clean verdict depends on how loaded the machine is.
 */
export const DEFAULT_RENDER_LIMITS: RenderLimits = {
  timeoutMs: 10_000,
  maxOutputChars: 4 * 1024 * 1024,
  maxRange: 100_000,
  maxHeapMb: 256,
  totalMs: 60_000,
  startMs: 30_000,
};

export type RenderResult =
  | { ok: true; output: string; dates: string[] }
  | { ok: false; limit: boolean; error: string };

export interface RenderBatch {
  /** Set when the parser rejects the template (nothing rendered). */
  parseError?: string;
  /** Set when the sandbox itself could not start or parse in time (nothing rendered): never a silent pass. */
  sandboxError?: string;
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
    let worker: Worker;
    try {
      worker = new Worker(workerUrl, {
        resourceLimits: {
          maxOldGenerationSizeMb: limits.maxHeapMb,
          maxYoungGenerationSizeMb: 32,
          stackSizeMb: 4,
        },
      });
    } catch (e) {
      resolve({ sandboxError: `cannot start the render worker: ${(e as Error).message}`, results });
      return;
    }
    let next = 0;
    let ready = false;
    let settled = false;
    let deadline = Number.POSITIVE_INFINITY;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (batch: RenderBatch) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(batch);
    };
    const stop = (error: string) => {
      results[next] = { ok: false, limit: true, error };
      finish({ results });
    };
    // Loading the interpreter and parsing the template get their own limit.
    timer = setTimeout(
      () =>
        finish({
          sandboxError: `the render worker did not load and parse within ${limits.startMs} ms`,
          results,
        }),
      limits.startMs,
    );
    // Then one render at a time, armed when the previous result (or 'ready') arrives, within a total.
    const arm = () => {
      clearTimeout(timer);
      const left = deadline - Date.now();
      if (left <= 0) return stop(`the probe set did not finish within ${limits.totalMs} ms in total`);
      const ms = Math.min(limits.timeoutMs, left);
      timer = setTimeout(
        () =>
          stop(
            ms < limits.timeoutMs
              ? `the probe set did not finish within ${limits.totalMs} ms in total`
              : `render did not finish within ${limits.timeoutMs} ms`,
          ),
        ms,
      );
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'parse-error') finish({ parseError: m.message, results });
      else if (m.type === 'ready') {
        ready = true;
        deadline = Date.now() + limits.totalMs;
        arm();
      } else if (m.type === 'result') {
        const { type: _t, id, ...r } = m;
        results[id] = r;
        next = id + 1;
        arm();
      } else finish({ results });
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (!ready) return finish({ sandboxError: `the render worker failed to start: ${e.message}`, results });
      stop(
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `render exceeded the ${limits.maxHeapMb} MiB heap`
          : `render worker failed: ${e.message}`,
      );
    });
    worker.on('exit', () =>
      finish(ready ? { results } : { sandboxError: 'the render worker exited before starting', results }),
    );
    worker.postMessage({
      template,
      jobs: contexts.map((context, id) => ({ id, context })),
      limits: { maxOutputChars: limits.maxOutputChars, maxRange: limits.maxRange },
    });
  });
}
