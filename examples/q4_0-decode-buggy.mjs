// A deliberately buggy q4_0 decoder: `qbench validate` must reject it.
//
//   pnpm -s qbench validate --kernel examples/q4_0-decode-buggy.mjs     # exits 1, names the first bad element
//
// The bug is a common shortcut in hand-written half→float conversions: fp16 subnormal scales are flushed
// to zero. Typical weights never produce such scales, so a test on a few "realistic" tensors passes; the
// conformance harness's random-bytes case (every scale bit pattern) and the golden vectors do not.
// Everything else is right: layout (fp16 d, then 16 bytes of nibbles; element j is the low nibble of
// byte j, element j+16 its high nibble) and value (code − 8)·d.

function halfToFloatFtz(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * 0; // BUG: subnormals (mant ≠ 0) should be mant·2^-24
  if (exp === 31) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

export default {
  format: 'q4_0',
  op: 'decode',
  decode(bytes, n, out = new Float32Array(n)) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let b = 0; b < n / 32; b++) {
      const d = halfToFloatFtz(view.getUint16(b * 18, true));
      for (let j = 0; j < 16; j++) {
        const byte = view.getUint8(b * 18 + 2 + j);
        out[b * 32 + j] = ((byte & 0x0f) - 8) * d;
        out[b * 32 + j + 16] = ((byte >>> 4) - 8) * d;
      }
    }
    return out;
  },
};
