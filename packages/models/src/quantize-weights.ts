/**
 * Which initializers of an ONNX model are weights, and their quantize→dequantize image under one format.
 *
 * A weight is a 2-D float initializer that a node consumes as a weight: MatMul's second input, Gemm's second
 * input, or Gather's table (embeddings). Other 2-D constants (masks, rotary tables) are left alone.
 *
 * Blocks run along the contraction axis, as ggml and bitsandbytes lay them out: a MatMul weight is stored
 * [in, out] in ONNX, so it is quantized as its transpose [out, in] (each row one output's input weights) and
 * transposed back; Gemm with transB=1 and Gather tables are already one row per output/token.
 * Row length: the row when it is a multiple of the format's block; otherwise the flattened [out·in] tensor
 * when its size is (so a block may span rows); otherwise the tensor is skipped, and reported as skipped.
 */
import { encodeOptionsFor, type Format, fp32ToBf16Bits, fp32ToFp16Bits } from '@qbench/core';
import { DataType, type TensorInit } from './onnx/model.ts';
import {
  elementCount,
  isFloatTensor,
  type OnnxInitializer,
  type OnnxModel,
  tensorToFloat32,
} from './onnx/read.ts';

export interface WeightTensorInfo {
  name: string;
  dims: [number, number];
  /** 'transposed': stored [in, out] (MatMul B), quantized as [out, in]. 'rows': stored one row per output. */
  layout: 'rows' | 'transposed';
  consumer: string;
}

/** The model's weight tensors, in graph order. */
export function findWeights(model: OnnxModel): WeightTensorInfo[] {
  const inits = new Map(model.initializers.map((t) => [t.name, t]));
  const found = new Map<string, WeightTensorInfo>();
  for (const n of model.nodes) {
    if (n.domain !== '' && n.domain !== 'ai.onnx') continue;
    let name: string | undefined;
    let layout: WeightTensorInfo['layout'] = 'rows';
    if (n.opType === 'MatMul') [name, layout] = [n.inputs[1], 'transposed'];
    else if (n.opType === 'Gemm')
      [name, layout] = [n.inputs[1], n.attributes['transB']?.i === 1 ? 'rows' : 'transposed'];
    else if (n.opType === 'Gather') name = n.inputs[0];
    const t = name === undefined ? undefined : inits.get(name);
    if (!t || found.has(t.name) || t.dims.length !== 2 || !isFloatTensor(t) || t.external) continue;
    found.set(t.name, { name: t.name, dims: [t.dims[0]!, t.dims[1]!], layout, consumer: n.opType });
  }
  return [...found.values()];
}

export interface QuantizedTensorReport {
  name: string;
  dims: [number, number];
  layout: WeightTensorInfo['layout'];
  /** Elements per row handed to the encoder: the row length, or the whole tensor when rows do not fit blocks. */
  nPerRow: number;
  /** The rows did not fit the block, so the whole tensor was quantized as one run (blocks span rows). */
  flattened: boolean;
  encodedBytes: number;
  /**
   * The importance matrix core's encodeOptionsFor supplied (a uniform one, for a format whose spec requires
   * one: no activation statistics are collected here); absent where none was needed.
   */
  imatrix?: string;
}

export interface WeightQuantization {
  replacements: Map<string, TensorInit>;
  quantized: QuantizedTensorReport[];
  skipped: { name: string; dims: [number, number]; reason: string }[];
  /** Weight elements quantized, and the bits they take encoded (side information included). */
  elements: number;
  bitsPerWeight: number;
}

function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c]!;
  return out;
}

/** The float values back in the tensor's own element type (a float16 model stays float16). */
function encodeLike(t: OnnxInitializer, values: Float32Array): TensorInit {
  const n = values.length;
  if (t.dataType === DataType.FLOAT16 || t.dataType === DataType.BFLOAT16) {
    const raw = new Uint8Array(n * 2);
    const v = new DataView(raw.buffer);
    const toBits = t.dataType === DataType.FLOAT16 ? fp32ToFp16Bits : fp32ToBf16Bits;
    for (let i = 0; i < n; i++) v.setUint16(i * 2, toBits(values[i]!), true);
    return { name: t.name, dims: t.dims, dataType: t.dataType, raw };
  }
  const wide = t.dataType === DataType.DOUBLE;
  const raw = new Uint8Array(n * (wide ? 8 : 4));
  const v = new DataView(raw.buffer);
  for (let i = 0; i < n; i++)
    wide ? v.setFloat64(i * 8, values[i]!, true) : v.setFloat32(i * 4, values[i]!, true);
  return { name: t.name, dims: t.dims, dataType: wide ? DataType.DOUBLE : DataType.FLOAT, raw };
}

/** Quantize→dequantize every weight of `model` with `format`'s reference codec. */
export function quantizeWeights(model: OnnxModel, format: Format): WeightQuantization {
  const inits = new Map(model.initializers.map((t) => [t.name, t]));
  const out: WeightQuantization = {
    replacements: new Map(),
    quantized: [],
    skipped: [],
    elements: 0,
    bitsPerWeight: 0,
  };
  let bits = 0;
  const block = format.blockElements;
  for (const w of findWeights(model)) {
    const t = inits.get(w.name)!;
    const [d0, d1] = w.dims;
    // Quantized as [rows, rowLen] with rowLen along the contraction axis.
    const [rows, rowLen] = w.layout === 'transposed' ? [d1, d0] : [d0, d1];
    const total = elementCount(t);
    const nPerRow = rowLen % block === 0 ? rowLen : total % block === 0 ? total : 0;
    if (nPerRow === 0) {
      out.skipped.push({
        name: w.name,
        dims: w.dims,
        reason: `neither the row of ${rowLen} nor the ${total} elements are a multiple of ${format.id}'s block of ${block}`,
      });
      continue;
    }
    try {
      const stored = tensorToFloat32(t);
      const x = w.layout === 'transposed' ? transpose(stored, d0, d1) : stored;
      const { options, details } = encodeOptionsFor(format, x.length, { nPerRow });
      const q = format.reference.encode(x, options);
      const y = format.reference.decode(q, x.length);
      const back = w.layout === 'transposed' ? transpose(y, rows, rowLen) : y;
      out.replacements.set(w.name, encodeLike(t, back));
      out.quantized.push({
        name: w.name,
        dims: w.dims,
        layout: w.layout,
        nPerRow,
        flattened: nPerRow !== rowLen,
        encodedBytes: q.length,
        ...details,
      });
      out.elements += total;
      bits += q.length * 8;
    } catch (e) {
      out.skipped.push({ name: w.name, dims: w.dims, reason: (e as Error).message });
    }
  }
  out.bitsPerWeight = out.elements > 0 ? bits / out.elements : 0;
  return out;
}
