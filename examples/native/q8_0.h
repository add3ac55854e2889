/* The q8_0 block (ggml's block_q8_0): an fp16 scale d, then 32 int8 codes; element j = d * qs[j]. */
#ifndef QBENCH_EXAMPLE_Q8_0_H
#define QBENCH_EXAMPLE_Q8_0_H
#include <stdint.h>
#include <string.h>

#define QK8_0 32

typedef struct {
    uint16_t d;
    int8_t qs[QK8_0];
} block_q8_0;

/* IEEE 754 binary16 -> binary32, exact for every input (subnormals, inf, NaN payloads). */
static inline float fp16_to_fp32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1f;
    uint32_t man = h & 0x3ff;
    uint32_t bits;
    if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (man << 13);
    } else if (exp != 0) {
        bits = sign | ((exp + 112) << 23) | (man << 13);
    } else if (man == 0) {
        bits = sign;
    } else {
        /* subnormal: normalise */
        exp = 113;
        while ((man & 0x400) == 0) {
            man <<= 1;
            exp--;
        }
        bits = sign | (exp << 23) | ((man & 0x3ff) << 13);
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

#endif
