/**
 * How one ggml type plugs into the gguf family: row-level quantize (the imatrix paths of the legacy
 * types compute sigma2 over the whole row, so the row is the unit), row-level dequantize, and vec_dot
 * against the partner activation type. Implementations work on subarray views; offsets are the caller's.
 */
export interface GgmlTypeImpl {
  /** ggml's name in lower case, equal to the spec id. */
  readonly name: string;
  readonly blockElements: number;
  readonly blockBytes: number;
  /**
   * Quantize one row of `x.length` elements into `q` (x.length / blockElements blocks) exactly as
   * ggml_quantize_chunk does. `imatrix` (length x.length) selects the importance-matrix path where the
   * type has one; types without one ignore it, as ggml does.
   */
  quantizeRow(x: Float32Array, q: Uint8Array, imatrix?: Float32Array): void;
  /**
   * ggml_quantize_requires_imatrix: ggml's quantizer asserts an importance matrix (iq2_xxs, iq2_xs,
   * iq1_s); the codec refuses to encode without one ('codec.imatrix-required').
   */
  readonly requiresImatrix?: boolean;
  /** ggml's dequantize_row_*: `y.length` elements from `q`. */
  dequantizeRow(q: Uint8Array, y: Float32Array): void;
  /** Spec id of ggml's vec_dot_type for this type (the activation partner). */
  readonly vecDotType?: string;
  /** ggml's vec_dot of a row in this type with a row in the partner type, n elements. */
  vecDot?(x: Uint8Array, y: Uint8Array, n: number): number;
}
