/**
 * llama.cpp as a client, from the parent's side: every job runs in a child process (worker.ts), so a file
 * that makes llama.cpp abort or segfault is a recorded outcome — 'crashed', with the signal and the tail of
 * llama.cpp's log — never the end of qbench. A file llama.cpp declines is 'refused' with llama.cpp's reason.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadKoffi } from '../koffi.ts';
import { locateGgml } from '../locate.ts';
import type { LlamaJob, WorkerEvent } from './protocol.ts';

export interface LlamaEngineInfo {
  /** e.g. "llama.cpp 5b4ebc5 (libllama.v0.4.0.so, @node-llama-cpp/linux-x64 3.21.1, libggml-cpu-zen4.so)". */
  readonly name: string;
  readonly library: string;
  readonly cpuVariant: string;
  readonly ggmlCommit: string;
  readonly nVocab: number;
  readonly nCtxTrain: number;
}

export type LlamaFailure = {
  ok: false;
  /** unavailable: no native package here; refused: llama.cpp declined the file or the input; crashed: the child died. */
  outcome: 'unavailable' | 'refused' | 'crashed';
  /** One line: what happened, with llama.cpp's own last error line where it printed one. */
  reason: string;
  /** The last lines llama.cpp logged. */
  logTail: string;
};

/** Whether the engine can run here, answered without starting it (for visible test skips). */
export function llamaAvailability(): { ok: true } | { ok: false; reason: string } {
  const k = loadKoffi();
  if (!k.ok) return k;
  const l = locateGgml();
  if (!l.ok) return l;
  return { ok: true };
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

interface ChildResult {
  events: WorkerEvent[];
  code: number | null;
  signal: NodeJS.Signals | null;
  log: string[];
}

function runChild(job: LlamaJob, onEvent: (e: WorkerEvent) => void): Promise<ChildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'qbench-llama-job-'));
  const jobPath = join(dir, 'job.json');
  writeFileSync(jobPath, JSON.stringify(job));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsxLoader(), WORKER, jobPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const events: WorkerEvent[] = [];
    const log: string[] = [];
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      for (let i = out.indexOf('\n'); i >= 0; i = out.indexOf('\n')) {
        const line = out.slice(0, i);
        out = out.slice(i + 1);
        try {
          const e = JSON.parse(line) as WorkerEvent;
          events.push(e);
          onEvent(e);
        } catch {
          log.push(line);
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      err += s;
      const lines = err.split('\n');
      err = lines.pop()!;
      log.push(...lines);
      if (log.length > 400) log.splice(0, log.length - 200);
    });
    child.on('error', (e) => {
      rmSync(dir, { recursive: true, force: true });
      reject(e);
    });
    child.on('close', (code, signal) => {
      rmSync(dir, { recursive: true, force: true });
      if (err) log.push(err);
      resolve({ events, code, signal, log });
    });
  });
}

/**
 * llama.cpp's own reason: an assertion, else its most specific error line ("error loading model: …" over the
 * generic "failed to load model" that follows it), else the last line it logged.
 */
function llamaReason(log: readonly string[]): string {
  const last = (re: RegExp) => log.filter((l) => re.test(l)).at(-1);
  return (
    last(/GGML_ASSERT|GGML_ABORT|terminate called/) ??
    last(/error loading model:|error:/i) ??
    last(/error|failed|exception|abort/i) ??
    log.at(-1) ??
    ''
  ).trim();
}

function failure(r: ChildResult, what: string): LlamaFailure {
  const tail = r.log.slice(-30).join('\n');
  const err = r.events.find((e) => e.event === 'error');
  if (r.signal || (r.code !== 0 && r.code !== 1) || (!err && r.code !== 0)) {
    return {
      ok: false,
      outcome: 'crashed',
      reason: `llama.cpp child died on ${what} (${r.signal ? `signal ${r.signal}` : `exit code ${r.code}`}): ${llamaReason(r.log)}`,
      logTail: tail,
    };
  }
  const e = err as Extract<WorkerEvent, { event: 'error' }>;
  const outcome = e.code === 'llama.unavailable' ? 'unavailable' : 'refused';
  const native = llamaReason(r.log);
  return {
    ok: false,
    outcome,
    reason: `${e.code}: ${e.message}${native ? ` — llama.cpp: ${native}` : ''}`,
    logTail: tail,
  };
}

function engineInfo(r: ChildResult): LlamaEngineInfo {
  const l = r.events.find((e) => e.event === 'loaded') as Extract<WorkerEvent, { event: 'loaded' }>;
  const located = locateGgml();
  const pkg = located.ok
    ? `${located.install.packageName} ${located.install.packageVersion}`
    : 'unknown package';
  return {
    name: `llama.cpp ${l.ggmlCommit} (${l.library}, ${pkg}, ${l.cpuVariant})`,
    library: l.library,
    cpuVariant: l.cpuVariant,
    ggmlCommit: l.ggmlCommit,
    nVocab: l.nVocab,
    nCtxTrain: l.nCtxTrain,
  };
}

/** What llama_model_default_params() and llama_context_default_params() return, read in a child process. */
export async function llamaDefaults(): Promise<
  { ok: true; model: Record<string, unknown>; context: Record<string, unknown> } | LlamaFailure
> {
  const avail = llamaAvailability();
  if (!avail.ok) return { ok: false, outcome: 'unavailable', reason: avail.reason, logTail: '' };
  const r = await runChild({ kind: 'defaults' }, () => {});
  const d = r.events.find((e) => e.event === 'defaults');
  if (r.code !== 0 || !d) return failure(r, 'the default parameters');
  return { ok: true, model: d.model, context: d.context };
}

/** The model's own tokenization of `text` (BOS added where the model adds one when addSpecial). */
export async function llamaTokenize(
  model: string,
  text: string,
  addSpecial: boolean,
): Promise<{ ok: true; tokens: Int32Array; engine: LlamaEngineInfo } | LlamaFailure> {
  const avail = llamaAvailability();
  if (!avail.ok) return { ok: false, outcome: 'unavailable', reason: avail.reason, logTail: '' };
  const dir = mkdtempSync(join(tmpdir(), 'qbench-llama-tok-'));
  try {
    const out = join(dir, 'tokens.bin');
    const r = await runChild({ kind: 'tokenize', model, text, addSpecial, out }, () => {});
    if (r.code !== 0 || !r.events.some((e) => e.event === 'done')) return failure(r, model);
    const b = readFileSync(out);
    return {
      ok: true,
      tokens: new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
      engine: engineInfo(r),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface LlamaLogits {
  ok: true;
  engine: LlamaEngineInfo;
  nVocab: number;
  /** Window lengths in order: window i's logits are [lengths[i], nVocab]. */
  lengths: readonly number[];
  /** Reads the windows back one at a time (one window's logits in memory). */
  windows(): AsyncGenerator<Float32Array>;
  /** Removes the logits file. */
  dispose(): void;
}

export interface LlamaLogitsOptions {
  threads?: number;
  /** n_ctx; defaults to the longest window. */
  nCtx?: number;
  /** llama.cpp's weight repacking (default true, as llama.cpp runs); false for conformance checks. */
  repack?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** Logits of every window from llama.cpp, kept in a temporary file until dispose(). */
export async function llamaLogits(
  model: string,
  windows: readonly (readonly number[])[],
  options: LlamaLogitsOptions = {},
): Promise<LlamaLogits | LlamaFailure> {
  const avail = llamaAvailability();
  if (!avail.ok) return { ok: false, outcome: 'unavailable', reason: avail.reason, logTail: '' };
  const dir = mkdtempSync(join(tmpdir(), 'qbench-llama-logits-'));
  const out = join(dir, 'logits.f32');
  const lengths = windows.map((w) => w.length);
  const nCtx = options.nCtx ?? Math.max(1, ...lengths);
  const r = await runChild(
    {
      kind: 'logits',
      model,
      windows: windows.map((w) => [...w]),
      nCtx,
      threads: options.threads ?? 1,
      repack: options.repack ?? true,
      out,
    },
    (e) => {
      if (e.event === 'window') options.onProgress?.(e.done, e.total);
    },
  );
  if (r.code !== 0 || !r.events.some((e) => e.event === 'done')) {
    rmSync(dir, { recursive: true, force: true });
    return failure(r, model);
  }
  const engine = engineInfo(r);
  const V = engine.nVocab;
  return {
    ok: true,
    engine,
    nVocab: V,
    lengths,
    async *windows() {
      const fh = await open(out, 'r');
      try {
        for (const T of lengths) {
          const buf = new Float32Array(T * V);
          const bytes = new Uint8Array(buf.buffer);
          let got = 0;
          while (got < bytes.length) {
            const { bytesRead } = await fh.read(bytes, got, bytes.length - got, null);
            if (bytesRead === 0) throw new Error(`llama.cpp logits file ends early (window of ${T})`);
            got += bytesRead;
          }
          yield buf;
        }
      } finally {
        await fh.close();
      }
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
