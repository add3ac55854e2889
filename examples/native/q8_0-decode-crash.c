/*
 * Three ways a native kernel goes wrong that must be verdicts, not a crash of qbench:
 *   on exactly 7 blocks (224 elements) it writes through NULL (a segfault in the kernel's process);
 *   on exactly 3 blocks it writes one float past the end of its output (caught by the guard bytes);
 *   on exactly 31 blocks it never returns (killed at the per-call time limit).
 * Every other call decodes correctly.
 * Build: gcc -O2 -shared -fPIC -o q8_0-decode-crash.so q8_0-decode-crash.c
 */
#include "q8_0.h"

void dequantize_row_q8_0(const void *vx, float *y, int64_t k) {
    const block_q8_0 *x = (const block_q8_0 *)vx;
    const int64_t nb = k / QK8_0;
    if (nb == 7) {
        float *volatile nowhere = 0;
        *nowhere = 1.0f;
    }
    for (int64_t i = 0; i < nb; i++) {
        const float d = fp16_to_fp32(x[i].d);
        for (int j = 0; j < QK8_0; j++) y[i * QK8_0 + j] = x[i].qs[j] * d;
    }
    if (nb == 3) y[k] = 0.0f;
    if (nb == 31)
        for (volatile int spin = 1; spin;) {
        }
}
