/**
 * ggml's own GGUF loader as a second opinion on files: `gguf_init_from_file(path, {no_alloc: true, ctx:
 * NULL})` run in a child process (worker.mjs), so that a loader that crashes, aborts or hangs on a hostile
 * file is a recorded outcome, not a crash of qbench. One child answers many files in order; when it dies
 * (signal, abort, exit) or stops answering, the file it was on is recorded as a crash, a fresh child is
 * started and the remaining files go to it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { locateGgml } from '../locate.ts';

export type LoaderOutcome = 'accepts' | 'rejects' | 'crashes';

export interface LoaderVerdict {
  readonly outcome: LoaderOutcome;
  /** ggml's log lines for a rejection; the signal, exit status or timeout and stderr tail for a crash. */
  readonly reason: string;
  /** KV and tensor counts ggml read, for an accepted file. */
  readonly nKv?: number;
  readonly nTensors?: number;
}

export interface LoaderJudgeOptions {
  /**
   * A file not answered within this many milliseconds is a hang, recorded as a crash (default 30 s: a
   * safety net for a loader stuck in a loop, far above the ~1 ms a file takes, so no verdict hinges on it).
   */
  readonly fileDeadlineMs?: number;
  /** For tests: a stand-in worker script that speaks worker.mjs's protocol (to simulate crashes). */
  readonly workerScript?: string;
}

export type LoaderJudgeStatus = { ok: true; judge: LoaderJudge } | { ok: false; reason: string };

const WORKER = fileURLToPath(new URL('./worker.mjs', import.meta.url));

interface Reply {
  i?: number;
  ready?: boolean;
  accepted?: boolean;
  nKv?: number;
  nTensors?: number;
  log?: string[];
}

/** One child's life: answers come back in request order; `exit` is set once it is gone. */
class Child {
  readonly proc: ChildProcess;
  readonly replies: Reply[] = [];
  stderr = '';
  exit: string | undefined;
  private wake: (() => void) | undefined;
  private partial = '';

  constructor(script: string, baseLibrary: string) {
    this.proc = spawn(process.execPath, [script, baseLibrary], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout!.setEncoding('utf8');
    this.proc.stdout!.on('data', (chunk: string) => {
      const lines = (this.partial + chunk).split('\n');
      this.partial = lines.pop() ?? '';
      for (const l of lines) if (l.trim() !== '') this.replies.push(JSON.parse(l) as Reply);
      this.notify();
    });
    this.proc.stderr!.setEncoding('utf8');
    this.proc.stderr!.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    this.proc.on('exit', (code, signal) => {
      this.exit = signal ? `killed by ${signal}` : `exited with status ${code}`;
      this.notify();
    });
    this.proc.on('error', (e) => {
      this.exit = `could not run: ${e.message}`;
      this.notify();
    });
    // A child that died mid-write must not take the parent down with EPIPE.
    this.proc.stdin!.on('error', () => {});
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** The next reply, or undefined when the child is gone or `ms` passed without one. */
  async next(ms: number): Promise<Reply | undefined> {
    while (this.replies.length === 0 && this.exit === undefined) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = await new Promise<boolean>((resolve) => {
        this.wake = () => resolve(false);
        timer = setTimeout(() => resolve(true), ms);
      });
      clearTimeout(timer);
      if (timedOut && this.replies.length === 0) return undefined;
    }
    return this.replies.shift();
  }

  send(requests: readonly { i: number; path: string }[]): void {
    this.proc.stdin!.write(requests.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  kill(): void {
    if (this.exit === undefined) this.proc.kill('SIGKILL');
  }

  stderrTail(): string {
    return this.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 600);
  }
}

export class LoaderJudge {
  readonly #baseLibrary: string;
  readonly #deadline: number;
  readonly #script: string;
  #child: Child | undefined;
  /** Children started so far (1 + the crashes and hangs that forced a restart). */
  starts = 0;

  private constructor(baseLibrary: string, options: LoaderJudgeOptions) {
    this.#baseLibrary = baseLibrary;
    this.#deadline = options.fileDeadlineMs ?? 30_000;
    this.#script = options.workerScript ?? WORKER;
  }

  /** A judge over the pinned ggml-base, or the reason there is none (caller skips with it). */
  static open(options: LoaderJudgeOptions = {}): LoaderJudgeStatus {
    // A stand-in worker (tests) needs no ggml: it is started without a library path.
    if (options.workerScript !== undefined) return { ok: true, judge: new LoaderJudge('', options) };
    const located = locateGgml();
    if (!located.ok) return located;
    const { binsDir, baseLibrary } = located.install;
    return { ok: true, judge: new LoaderJudge(join(binsDir, baseLibrary), options) };
  }

  async #start(): Promise<Child> {
    const child = new Child(this.#script, this.#baseLibrary);
    this.starts++;
    const hello = await child.next(this.#deadline);
    if (!hello?.ready) {
      child.kill();
      const why = child.exit ?? 'no answer';
      throw new Error(`ggml loader worker did not start (${why}): ${child.stderrTail()}`);
    }
    return child;
  }

  /**
   * ggml's verdict on each file, in order. One call at a time (one child answers in order). Throws only
   * when a fresh worker cannot start at all.
   */
  async judge(paths: readonly string[]): Promise<LoaderVerdict[]> {
    const out: LoaderVerdict[] = [];
    while (out.length < paths.length) {
      this.#child ??= await this.#start();
      const child = this.#child;
      const from = out.length;
      child.send(paths.slice(from).map((path, k) => ({ i: from + k, path })));
      while (out.length < paths.length) {
        const r = await child.next(this.#deadline);
        if (r === undefined) {
          // Dead or silent: the file it was on is the culprit; the rest go to a fresh child.
          const how = child.exit ?? `no answer within ${this.#deadline} ms (hang)`;
          child.kill();
          this.#child = undefined;
          const tail = child.stderrTail();
          out.push({ outcome: 'crashes', reason: tail ? `${how}: ${tail}` : how });
          break;
        }
        if (r.i !== out.length) throw new Error(`ggml loader worker answered ${r.i}, expected ${out.length}`);
        out.push(
          r.accepted
            ? { outcome: 'accepts', reason: '', nKv: r.nKv ?? 0, nTensors: r.nTensors ?? 0 }
            : {
                outcome: 'rejects',
                reason: (r.log ?? []).join(' | ') || 'gguf_init_from_file returned NULL',
              },
        );
      }
    }
    return out;
  }

  /** Ends the worker (it exits when its stdin closes). */
  close(): void {
    const c = this.#child;
    this.#child = undefined;
    if (c && c.exit === undefined) c.proc.stdin!.end();
  }
}
