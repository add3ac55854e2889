/** Every ggml type this family implements, by spec id. One table; backends look types up here. */
import { bf16, f16, f32 } from './floats.ts';
import { iq4_nl } from './iq4_nl.ts';
import { iq4_xs } from './iq4_xs.ts';
import { mxfp4 } from './mxfp4.ts';
import { nvfp4 } from './nvfp4.ts';
import { q1_0 } from './q1_0.ts';
import { q2_0 } from './q2_0.ts';
import { q2_k } from './q2_k.ts';
import { q3_k } from './q3_k.ts';
import { q4_0 } from './q4_0.ts';
import { q4_1 } from './q4_1.ts';
import { q4_k } from './q4_k.ts';
import { q5_0 } from './q5_0.ts';
import { q5_1 } from './q5_1.ts';
import { q5_k } from './q5_k.ts';
import { q6_k } from './q6_k.ts';
import { q8_0 } from './q8_0.ts';
import { q8_1 } from './q8_1.ts';
import { q8_k } from './q8_k.ts';
import { tq1_0 } from './tq1_0.ts';
import { tq2_0 } from './tq2_0.ts';
import type { GgmlTypeImpl } from './types.ts';

export const GGML_TYPES: Readonly<Record<string, GgmlTypeImpl>> = Object.freeze({
  f32,
  f16,
  bf16,
  q4_0,
  q2_k,
  q8_0,
  q8_1,
  q8_k,
  q4_1,
  q4_k,
  q5_0,
  q5_1,
  q5_k,
  q6_k,
  q3_k,
  iq4_nl,
  iq4_xs,
  tq1_0,
  tq2_0,
  mxfp4,
  nvfp4,
  q1_0,
  q2_0,
});

export type { GgmlTypeImpl } from './types.ts';
