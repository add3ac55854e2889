/*
 * A q8_0 decoder with ggml's signature, for `qbench validate --kernel q8_0-decode.so --symbol dequantize_row_q8_0`.
 * Build: gcc -O2 -shared -fPIC -o q8_0-decode.so q8_0-decode.c
 */
#include "q8_0.h"

void dequantize_row_q8_0(const void *vx, float *y, int64_t k) {
    const block_q8_0 *x = (const block_q8_0 *)vx;
    const int64_t nb = k / QK8_0;
    for (int64_t i = 0; i < nb; i++) {
        const float d = fp16_to_fp32(x[i].d);
        for (int j = 0; j < QK8_0; j++) y[i * QK8_0 + j] = x[i].qs[j] * d;
    }
}
