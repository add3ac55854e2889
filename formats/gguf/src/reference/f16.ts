/** ggml's F16 (type id 1): IEEE binary16, laid out by floats.ts. */
import { fp16BitsToFp32, fp32ToFp16Bits } from '@qbench/core';
import { half16Type } from './floats.ts';

export const f16 = half16Type('f16', { encode: fp32ToFp16Bits, decode: fp16BitsToFp32 });
