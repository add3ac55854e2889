/**
 * The statistics llama.cpp's `perplexity --kl-divergence` reports when it compares a quantized model with its
 * base (tools/perplexity/README.md), accumulated one scored position at a time:
 *
 *   mean KL(P_base ‖ P_q)   over next-token distributions, in nats
 *   same top p              fraction of positions where both models' most likely token is the same
 *   RMS Δp                  √mean((p_q(y) − p_base(y))²), y the actual next token (a probability, not %)
 *   perplexity              exp(mean −ln p(y)) of each model
 *
 * Everything is computed in float64 from float32 logits, with the max subtracted before exp.
 */

export interface DistributionComparison {
  positions: number;
  meanKl: number;
  /** Median, 99th and 99.9th percentile and maximum of the per-position KL. */
  klP50: number;
  klP99: number;
  klP999: number;
  klMax: number;
  top1Agreement: number;
  rmsDeltaP: number;
  meanDeltaP: number;
  perplexityBase: number;
  perplexityQ: number;
}

function logSoftmaxInto(logits: ArrayLike<number>, offset: number, n: number, out: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[offset + i]!);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(logits[offset + i]! - max);
  const lse = max + Math.log(sum);
  for (let i = 0; i < n; i++) out[i] = logits[offset + i]! - lse;
}

function argmax(x: Float64Array): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i]! > x[best]!) best = i;
  return best;
}

export class DistributionComparer {
  private readonly lp: Float64Array;
  private readonly lq: Float64Array;
  private readonly kls: number[] = [];
  private agree = 0;
  private sumDp = 0;
  private sumDp2 = 0;
  private nllBase = 0;
  private nllQ = 0;

  constructor(readonly vocabSize: number) {
    this.lp = new Float64Array(vocabSize);
    this.lq = new Float64Array(vocabSize);
  }

  /** One scored position: rows `row` of two [T, vocab] logit arrays, and the token that actually came next. */
  add(base: ArrayLike<number>, quant: ArrayLike<number>, row: number, target: number): void {
    const V = this.vocabSize;
    logSoftmaxInto(base, row * V, V, this.lp);
    logSoftmaxInto(quant, row * V, V, this.lq);
    let kl = 0;
    for (let i = 0; i < V; i++) {
      const p = Math.exp(this.lp[i]!);
      if (p > 0) kl += p * (this.lp[i]! - this.lq[i]!);
    }
    // Rounding can leave a tiny negative sum when the distributions are equal; KL is never negative.
    this.kls.push(Math.max(0, kl));
    if (argmax(this.lp) === argmax(this.lq)) this.agree++;
    const dp = Math.exp(this.lq[target]!) - Math.exp(this.lp[target]!);
    this.sumDp += dp;
    this.sumDp2 += dp * dp;
    this.nllBase -= this.lp[target]!;
    this.nllQ -= this.lq[target]!;
  }

  result(): DistributionComparison {
    const n = this.kls.length;
    if (n === 0) throw new RangeError('no positions were scored');
    const sorted = Float64Array.from(this.kls).sort();
    const pct = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))]!;
    return {
      positions: n,
      meanKl: this.kls.reduce((a, b) => a + b, 0) / n,
      klP50: pct(0.5),
      klP99: pct(0.99),
      klP999: pct(0.999),
      klMax: sorted[n - 1]!,
      top1Agreement: this.agree / n,
      rmsDeltaP: Math.sqrt(this.sumDp2 / n),
      meanDeltaP: this.sumDp / n,
      perplexityBase: Math.exp(this.nllBase / n),
      perplexityQ: Math.exp(this.nllQ / n),
    };
  }
}

/**
 * How a token sequence is cut into model calls, as llama.cpp does it: windows of `context` tokens, and only
 * the second half of each window is scored, so every scored token sees at least context/2 tokens before it.
 * Windows overlap by half, so every token after the first context/2 is scored exactly once.
 */
export interface EvalWindow {
  /** The window's input tokens. */
  input: number[];
  /** Positions (rows of the window's logits) that are scored, and the next token at each. */
  scored: { row: number; target: number }[];
}

export function evalWindows(tokens: readonly number[], context: number): EvalWindow[] {
  const half = Math.floor(context / 2);
  if (half < 1) throw new RangeError(`context ${context} is too short to score anything`);
  const out: EvalWindow[] = [];
  for (let s = 0; s + half < tokens.length - 1; s += half) {
    const input = tokens.slice(s, Math.min(s + context, tokens.length - 1));
    const scored: EvalWindow['scored'] = [];
    for (let row = half; row < input.length; row++) scored.push({ row, target: tokens[s + row + 1]! });
    out.push({ input, scored });
  }
  return out;
}
