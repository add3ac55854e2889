/** Record builders for the round-trip suite: every verdict is 'pass' | 'fail' | 'skip' with unit 'verdict'. */
import { isQbenchError } from '@qbench/core';
import type { MetricName, ResultRecord } from '@qbench/spec';

export const SUITE = 'roundtrip';

export type Verdict = 'pass' | 'fail' | 'skip';

export interface Subject {
  format: string;
  /** 'reference' or a kernel id `format/op/backend`. */
  kernel: string;
  backend: string;
}

export function reference(format: string): Subject {
  return { format, kernel: 'reference', backend: 'reference' };
}

export function measure(
  s: Subject,
  dataset: string,
  metric: MetricName,
  value: number | string | boolean,
  unit: string,
  details?: Record<string, unknown>,
): ResultRecord {
  return { suite: SUITE, ...s, dataset, metric, value, unit, ...(details ? { details } : {}) };
}

export function verdict(
  s: Subject,
  dataset: string,
  metric: MetricName,
  v: Verdict,
  details: Record<string, unknown>,
): ResultRecord {
  return { suite: SUITE, ...s, dataset, metric, value: v, unit: 'verdict', details };
}

/** A measurement that could not be made: value null with the error, so the rest of the item survives. */
export function failed(s: Subject, dataset: string, metric: MetricName, e: unknown): ResultRecord {
  return { suite: SUITE, ...s, dataset, metric, value: null, unit: '', error: errorText(e) };
}

export function errorText(e: unknown): string {
  if (isQbenchError(e)) return `${e.code}: ${e.message}`;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

/** Let the event loop breathe between CPU-bound steps so Ctrl-C is seen promptly. */
export function breathe(signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) =>
    setImmediate(() => (signal.aborted ? reject(signal.reason ?? new Error('aborted')) : resolve())),
  );
}
