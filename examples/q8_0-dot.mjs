// A worked external DOT kernel for `qbench validate` (see packages/runtime-wasm/KERNEL-ABI.md):
//
//   pnpm -s qbench validate --kernel examples/q8_0-dot.mjs
//
// dot(q, y, rows): one result per row of a q8_0 matrix times float32 activations y, computed the way ggml's
// matmul does: quantize y to q8_0 (d = amax/127, codes roundf(x/d), d stored as fp16), then per 32-element
// block an exact integer dot, scaled by dx·dy in float32. Plain JavaScript, no imports.

const f = Math.fround;

function halfToFloat(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

/** float32 → nearest fp16 value (ties to even), as a number; overflow → ±inf. */
function roundToHalf(x) {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  if (a >= 65520) return Math.sign(x) * Number.POSITIVE_INFINITY;
  const e = Math.max(Math.floor(Math.log2(a)), -14); // subnormals share the 2^-14 binade's quantum
  let quantum = 2 ** (e - 10);
  if (a / quantum >= 2048) quantum *= 2; // log2 rounding at a power of two
  const q = a / quantum;
  let r = Math.round(q);
  if (Math.abs(q - Math.trunc(q) - 0.5) === 0 && r % 2 === 1) r -= 1; // ties to even
  return Math.sign(x) * r * quantum;
}

/** C's roundf: half away from zero. */
const roundf = (v) => (v < 0 ? -Math.round(-v) : Math.round(v));

function quantizeQ8_0(y) {
  const blocks = y.length / 32;
  const d = new Float64Array(blocks);
  const codes = new Int8Array(y.length);
  for (let b = 0; b < blocks; b++) {
    let amax = 0;
    for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(y[b * 32 + j]));
    const db = f(amax / 127);
    const id = db ? f(1 / db) : 0;
    for (let j = 0; j < 32; j++) codes[b * 32 + j] = roundf(f(y[b * 32 + j] * id));
    d[b] = roundToHalf(db);
  }
  return { d, codes };
}

export default {
  format: 'q8_0',
  op: 'dot',
  /**
   * @param {Uint8Array} q rows × (y.length / 32) blocks of 34 bytes
   * @param {Float32Array} y activations
   * @param {number} rows
   */
  dot(q, y, rows) {
    const view = new DataView(q.buffer, q.byteOffset, q.byteLength);
    const yq = quantizeQ8_0(y);
    const blocks = y.length / 32;
    const out = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let sumf = 0;
      for (let b = 0; b < blocks; b++) {
        const o = (r * blocks + b) * 34;
        let sumi = 0;
        for (let j = 0; j < 32; j++) sumi += view.getInt8(o + 2 + j) * yq.codes[b * 32 + j];
        sumf = f(sumf + f(f(sumi * halfToFloat(view.getUint16(o, true))) * yq.d[b]));
      }
      out[r] = sumf;
    }
    return out;
  },
};
