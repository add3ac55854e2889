// A worked external kernel for `qbench validate` (see packages/runtime-wasm/KERNEL-ABI.md):
//
//   pnpm -s qbench validate --kernel examples/q8_0-decode.mjs
//
// The default export names the format and the op and provides decode(bytes, n, out?). This one is plain
// JavaScript with no imports, written from the q8_0 layout alone: blocks of 34 bytes, an fp16 scale d
// (little-endian) followed by 32 int8 codes; element j of a block is code[j]·d, one float32 multiply.

/** IEEE binary16 bits → number, exact for every input (subnormals, ±inf and NaN included). */
function halfToFloat(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24; // zero and subnormals: no implicit bit
  if (exp === 31) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

export default {
  format: 'q8_0',
  op: 'decode',
  /**
   * @param {Uint8Array} bytes n/32 blocks of 34 bytes (may start at any byteOffset)
   * @param {number} n elements, a multiple of 32
   * @param {Float32Array} [out] where to write (n values), if the caller provides it
   * @returns {Float32Array}
   */
  decode(bytes, n, out = new Float32Array(n)) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let b = 0; b < n / 32; b++) {
      const d = halfToFloat(view.getUint16(b * 34, true));
      for (let j = 0; j < 32; j++) {
        // code·d is exact in double (8-bit × 11-bit significands); storing into a Float32Array rounds once,
        // exactly like the float32 multiply of the reference.
        out[b * 32 + j] = view.getInt8(b * 34 + 2 + j) * d;
      }
    }
    return out;
  },
};
