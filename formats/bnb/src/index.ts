/** bitsandbytes 4-bit formats (NF4, FP4, with and without double quantization): reference codecs bit-exact with bnb's CUDA kernels. */
import type { FormatFamily } from '@qbench/core';
import { bnbCodec } from './codec.ts';
import { parseDynamicId } from './dynamic-spec.ts';
import { bnbGolden } from './golden.ts';

const family: FormatFamily = {
  family: 'bnb',
  codec: bnbCodec,
  parseDynamicId,
  golden: bnbGolden,
};

export default family;
export { BnbCodec, type BnbTensor, bnbCodec } from './codec.ts';
export { conformBnbFolder } from './golden.ts';
export {
  ALLOWED_BLOCKSIZES,
  type BnbParams,
  bnbParams,
  dynamicMapTable,
  type FourBitCode,
  fourBitCode,
  type QuantType,
} from './params.ts';
export { compressStatistics, decompressStatistics, type NestedAbsmax } from './reference/double-quant.ts';
export {
  createDynamicMap,
  dequantizeBlockwise8bit,
  linspaceF32,
  quantizeBlockwise8bit,
  quantizeDynamic,
} from './reference/dynamic-map.ts';
export {
  blockAbsmax,
  dequantize4bit,
  type Quantized4bit,
  quantize4bit,
  quantizeScaledFp4,
  quantizeScaledNf4,
} from './reference/quantize-4bit.ts';
export { torchMeanF32, torchSumF32 } from './reference/torch-mean.ts';
