/**
 * Exact (Clopper–Pearson) bounds of a binomial rate, for the detector table: a TPR or FPR measured on a few
 * hundred pairs is only as good as its interval, and with k = 0 the point estimate says nothing by itself.
 * The one-sided upper bound is the one the adversarial suite records as `fpr_upper95`.
 */

/** P(X ≤ k) for X ~ Binomial(n, p), summed in log space so that large n and p near 1 do not underflow. */
function cdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n || p <= 0) return 1;
  if (p >= 1) return 0;
  const logs: number[] = [];
  let t = n * Math.log1p(-p);
  const step = Math.log(p) - Math.log1p(-p);
  logs.push(t);
  for (let i = 1; i <= k; i++) {
    t += Math.log((n - i + 1) / i) + step;
    logs.push(t);
  }
  const max = Math.max(...logs);
  let sum = 0;
  for (const l of logs) sum += Math.exp(l - max);
  return Math.min(1, Math.exp(max) * sum);
}

/** The p at which P(X ≤ k | p) = target (decreasing in p), by bisection. */
function solve(k: number, n: number, target: number): number {
  let lo = 0;
  let hi = 1;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (cdf(k, n, mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** One-sided 95% upper bound of k/n (for k = 0: 1 − 0.05^(1/n)). */
export function upper95(k: number, n: number): number {
  if (n <= 0) return 1;
  if (k >= n) return 1;
  return solve(k, n, 0.05);
}

/** Two-sided 95% interval of k/n (2.5% in each tail). */
export function interval95(k: number, n: number): { lo: number; hi: number } {
  if (n <= 0) return { lo: 0, hi: 1 };
  return { lo: k <= 0 ? 0 : solve(k - 1, n, 0.975), hi: k >= n ? 1 : solve(k, n, 0.025) };
}
