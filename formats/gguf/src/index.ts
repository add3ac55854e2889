/** The GGUF / ggml quantization types: reference codecs bit-exact with ggml. */
import { type FormatFamily, QbenchError } from '@qbench/core';
import { ggmlCodec } from './codec.ts';
import { ggmlDotGolden } from './golden-dot.ts';
import { GGML_TYPES } from './reference/index.ts';

const family: FormatFamily = {
  family: 'gguf',
  codec(spec) {
    const impl = GGML_TYPES[spec.id];
    if (!impl) throw new QbenchError('format.unimplemented', `gguf: no reference codec for '${spec.id}'`);
    return ggmlCodec(spec, impl, (id) => GGML_TYPES[id]);
  },
  // ggml's vec_dot folder (datasets/golden/ggml/dot); the per-type folders use the interchange format.
  golden: ggmlDotGolden,
};

export default family;
export { GGML_TYPES } from './reference/index.ts';
export type { GgmlTypeImpl } from './reference/types.ts';
