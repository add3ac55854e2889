/** ggml's BF16 (type id 30): bfloat16, laid out by floats.ts. */
import { bf16BitsToFp32, fp32ToBf16Bits } from '@qbench/core';
import { half16Type } from './floats.ts';

export const bf16 = half16Type('bf16', { encode: fp32ToBf16Bits, decode: bf16BitsToFp32 });
