/**
 * Layer-level accuracy: the output error of y = W·x when W is quantized, which is what a model sees.
 * Reports the relative Frobenius error ‖Y − Ŷ‖/‖Y‖ over a batch of activations and the distribution of
 * per-output errors (each |y − ŷ| divided by the RMS of that activation's outputs).
 */
import { encodeOptionsFor, type Format } from '@qbench/core';

export interface LayerAccuracy {
  relFrobenius: number;
  /** Percentiles of the normalised per-output error. */
  outputErrorP50: number;
  outputErrorP90: number;
  outputErrorP99: number;
  outputErrorMax: number;
  /** The importance matrix the suites' policy supplied (core's encodeOptionsFor), for the record's details. */
  imatrix?: string;
}

/** What a layer's activation statistics are called in the record where they serve as the importance matrix. */
export const LAYER_IMATRIX_NOTE = 'mean squared activations of the layer batch (format requires one)';

/**
 * Importance matrix from a batch of activations X (cols × batch, column b at b·cols): per column the mean
 * squared input over the batch, plus 1e-6 so that no weight is 0 (what llama-imatrix collects; the adversarial
 * suite's imatrixOf does the same).
 */
export function activationImatrix(x: Float32Array, cols: number, batch: number): Float32Array {
  const out = new Float32Array(cols);
  for (let b = 0; b < batch; b++) for (let c = 0; c < cols; c++) out[c] = out[c]! + x[b * cols + c]! ** 2;
  for (let c = 0; c < cols; c++) out[c] = out[c]! / batch + 1e-6;
  return out;
}

/** Y = W·X for W rows×cols (row-major) and X cols×batch (column j = activation j), in float64. */
export function matmul(
  w: Float32Array,
  rows: number,
  cols: number,
  x: Float32Array,
  batch: number,
): Float64Array {
  const y = new Float64Array(rows * batch);
  for (let b = 0; b < batch; b++) {
    const xo = b * cols;
    for (let r = 0; r < rows; r++) {
      let s = 0;
      const wo = r * cols;
      for (let c = 0; c < cols; c++) s += w[wo + c]! * x[xo + c]!;
      y[b * rows + r] = s;
    }
  }
  return y;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i]!;
}

export function measureLayer(
  format: Format,
  w: Float32Array,
  rows: number,
  cols: number,
  activations: Float32Array,
  batch: number,
): LayerAccuracy {
  const { options, details } = encodeOptionsFor(
    format,
    w.length,
    { nPerRow: cols },
    {
      imatrix: () => activationImatrix(activations, cols, batch),
      note: LAYER_IMATRIX_NOTE,
    },
  );
  const wq = format.reference.decode(format.reference.encode(w, options), w.length);
  const y = matmul(w, rows, cols, activations, batch);
  const yq = matmul(wq, rows, cols, activations, batch);
  let num = 0;
  let den = 0;
  const errors = new Float64Array(rows * batch);
  for (let b = 0; b < batch; b++) {
    let ms = 0;
    for (let r = 0; r < rows; r++) ms += y[b * rows + r]! ** 2;
    const rms = Math.sqrt(ms / rows) || 1;
    for (let r = 0; r < rows; r++) {
      const d = y[b * rows + r]! - yq[b * rows + r]!;
      num += d * d;
      den += y[b * rows + r]! ** 2;
      errors[b * rows + r] = Math.abs(d) / rms;
    }
  }
  errors.sort();
  return {
    relFrobenius: den > 0 ? Math.sqrt(num / den) : 0,
    outputErrorP50: percentile(errors, 0.5),
    outputErrorP90: percentile(errors, 0.9),
    outputErrorP99: percentile(errors, 0.99),
    outputErrorMax: errors.length > 0 ? errors[errors.length - 1]! : 0,
    ...details,
  };
}
