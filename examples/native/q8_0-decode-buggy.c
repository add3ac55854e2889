/*
 * The q8_0 decoder of q8_0-decode.c with a one-element bug: a hand-unrolled last element of block 0 that
 * forgets the scale. `qbench validate` fails it naming element 31 (block 0, offset 31).
 * Build: gcc -O2 -shared -fPIC -o q8_0-decode-buggy.so q8_0-decode-buggy.c
 */
#include "q8_0.h"

void dequantize_row_q8_0(const void *vx, float *y, int64_t k) {
    const block_q8_0 *x = (const block_q8_0 *)vx;
    const int64_t nb = k / QK8_0;
    for (int64_t i = 0; i < nb; i++) {
        const float d = fp16_to_fp32(x[i].d);
        for (int j = 0; j < QK8_0 - 1; j++) y[i * QK8_0 + j] = x[i].qs[j] * d;
        y[i * QK8_0 + QK8_0 - 1] = i == 0 ? (float)x[i].qs[QK8_0 - 1] : x[i].qs[QK8_0 - 1] * d; /* the bug */
    }
}
