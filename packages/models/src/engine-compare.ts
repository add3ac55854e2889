/**
 * Model-level accuracy from the engine people deploy: llama.cpp runs the base GGUF and then the quantized
 * GGUF over the same token windows (each in its own child process, so one model is in memory at a time), and
 * llama.cpp's `perplexity --kl-divergence` statistics are computed from the two logit streams, one window at
 * a time, by the same DistributionComparer the TypeScript model level uses.
 */

import { QbenchError } from '@qbench/core';
import { type LlamaEngineInfo, type LlamaFailure, llamaLogits, llamaTokenize } from '@qbench/ggml-native';
import {
  DistributionComparer,
  type DistributionComparison,
  type EvalWindow,
  evalWindows,
} from './kl-stats.ts';

export interface EngineComparison {
  ok: true;
  comparison: DistributionComparison;
  engine: LlamaEngineInfo;
  windows: number;
}

export interface EngineCompareOptions {
  threads?: number;
  /** llama.cpp's CPU weight repacking (its default: on). */
  repack?: boolean;
  /** Called as each model's windows finish: which file (base or quant), done, total. */
  onProgress?: (which: 'base' | 'quant', done: number, total: number) => void;
}

/** KL & co. of `quant` against `base`, both run by llama.cpp over `windows` (token ids). */
export async function compareWithLlama(
  base: string,
  quant: string,
  windows: readonly EvalWindow[],
  options: EngineCompareOptions = {},
): Promise<EngineComparison | (LlamaFailure & { file: string })> {
  const inputs = windows.map((w) => w.input);
  const run = async (file: string, which: 'base' | 'quant') => {
    const r = await llamaLogits(file, inputs, {
      threads: options.threads ?? 1,
      repack: options.repack ?? true,
      onProgress: (d, t) => options.onProgress?.(which, d, t),
    });
    return r.ok ? r : { ...r, file };
  };
  const b = await run(base, 'base');
  if (!b.ok) return b;
  try {
    const q = await run(quant, 'quant');
    if (!q.ok) return q;
    try {
      if (q.nVocab !== b.nVocab)
        throw new QbenchError('engine.vocab', `${quant} has ${q.nVocab} tokens, the base ${b.nVocab}`);
      const cmp = new DistributionComparer(b.nVocab);
      const bi = b.windows();
      const qi = q.windows();
      try {
        for (const w of windows) {
          const [lb, lq] = [(await bi.next()).value, (await qi.next()).value];
          if (!lb || !lq)
            throw new QbenchError('engine.logits', 'llama.cpp returned fewer windows than asked');
          for (const s of w.scored) cmp.add(lb, lq, s.row, s.target);
        }
      } finally {
        // Stepped with next(), a generator stays suspended at its last yield and its finally (which closes the
        // logits file) never runs: Node then closes the handle on garbage collection, with a warning.
        await Promise.all([bi.return(undefined), qi.return(undefined)]);
      }
      return { ok: true, comparison: cmp.result(), engine: b.engine, windows: windows.length };
    } finally {
      q.dispose();
    }
  } finally {
    b.dispose();
  }
}

/**
 * Tokens of a text as the base model's own tokenizer splits it (with its BOS, as perplexity does), checked to
 * be the quantized model's tokenization too, cut into llama.cpp's perplexity windows of `context` tokens.
 */
export async function engineWindows(
  base: string,
  quant: string,
  text: string,
  context: number,
): Promise<{ ok: true; windows: EvalWindow[]; tokens: number } | (LlamaFailure & { file: string })> {
  const tb = await llamaTokenize(base, text, true);
  if (!tb.ok) return { ...tb, file: base };
  const tq = await llamaTokenize(quant, text, true);
  if (!tq.ok) return { ...tq, file: quant };
  if (tb.tokens.length !== tq.tokens.length || tb.tokens.some((t, i) => t !== tq.tokens[i]))
    throw new QbenchError('engine.tokenizer', `${quant} tokenizes the text differently from ${base}`);
  const ctx = Math.min(context, tb.engine.nCtxTrain > 0 ? tb.engine.nCtxTrain : context);
  return { ok: true, windows: evalWindows([...tb.tokens], ctx), tokens: tb.tokens.length };
}
