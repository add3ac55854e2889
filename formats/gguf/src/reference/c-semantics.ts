/**
 * Where C and JavaScript disagree on the same expression, as ggml's C compiles on x86-64 (gcc, SSE): one
 * place for each rule, so a port cannot quietly take JS's meaning.
 *  - Truth of a float: C's `if (d)`, `d ? a : b`, `!d` test d != 0, and NaN != 0 is true. JS's `d ?` treats
 *    NaN as false. `+0` and `−0` are both false in both.
 *  - Float → int: `(int)x` is cvttss2si: truncation toward zero for |x| < 2^31, and INT_MIN (the "integer
 *    indefinite") for NaN, ±inf and anything out of range. Narrower casts, `(int8_t)x` and `(uint8_t)x`,
 *    go through that int32 and keep its low byte.
 *  - `lroundf(x)` (glibc, x86-64): half away from zero; NaN, ±inf and out-of-range give LONG_MIN. Storing
 *    `lroundf(x) + k` in an int keeps the low 32 bits, so LONG_MIN + k becomes k.
 *  - Zero signs: `a == b` is true for +0 and −0; where the *stored* value matters (a min that becomes an
 *    fp16 field), assign as C does rather than guard the assignment with a comparison.
 */
import { fround } from './float32.ts';

const INT_MIN = -2147483648;

/** C's truth value of a float: true for every non-zero value and for NaN. */
export function cTrue(x: number): boolean {
  return x !== 0;
}

/** ggml's `d ? 1.0f/d : 0.0f`: float32 1/d unless d is ±0 (a NaN d gives NaN, as in C). */
export function cInverse(d: number): number {
  return d !== 0 ? fround(1 / d) : 0;
}

/** C's `(int)x` of a float on x86-64: truncation; NaN, ±inf and |x| ≥ 2^31 give INT_MIN. */
export function x86Int(x: number): number {
  return x > -2147483649 && x < 2147483648 ? Math.trunc(x) | 0 : INT_MIN;
}

/** C's `(int8_t)x` / `(uint8_t)x` of a float on x86-64: x86Int, then the low 8 bits. */
export function x86Byte(x: number, signed: boolean): number {
  const i = x86Int(x);
  return signed ? (i << 24) >> 24 : i & 0xff;
}

/** C's roundf: round half away from zero. */
function roundf(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * `int v = lroundf(x) + k;` on x86-64: the rounded value plus k, wrapped to int32; for NaN, ±inf and
 * |x| ≥ 2^63 lroundf gives LONG_MIN, whose low 32 bits are 0, so the result is k.
 */
export function x86LroundfPlus(x: number, k: number): number {
  // ToInt32 of an integer-valued double is exact modulo 2^32, so wrap first, then add (|x| may exceed 2^53).
  return x > -(2 ** 63) && x < 2 ** 63 ? ((roundf(x) | 0) + k) | 0 : k | 0;
}
