/**
 * C's float → int conversion as x86 performs it (cvttss2si): truncation toward zero, and INT_MIN for NaN,
 * ±inf and anything outside the int32 range, where C leaves the result undefined. ggml's quantizers reach
 * that case on non-finite input and on scales whose reciprocal overflows, so a port must reproduce it.
 */
export const INT_MIN = -2147483648;

export function cInt(x: number): number {
  if (!(x > -2147483649 && x < 2147483648)) return INT_MIN;
  return Math.trunc(x);
}
