export {
  compareWithLlama,
  type EngineCompareOptions,
  type EngineComparison,
  engineWindows,
} from './engine-compare.ts';
export {
  ensureFixture,
  FIXTURE_CONFIG,
  FIXTURE_TEXT_PATH,
  type FixtureConfig,
  type FixtureInfo,
  fixtureKey,
  splitText,
} from './fixture/build.ts';
export { type LlamaFixtureAccuracy, llamaFixtureAccuracy } from './fixture/llama/accuracy.ts';
export {
  ensureLlamaFixture,
  LLAMA_FIXTURE_CONFIG,
  readLlamaFixtureWeights,
  writeLlamaFixtureAs,
} from './fixture/llama/build.ts';
export { float32Tensors, ggufWeightFormats, llamaFileWeights } from './fixture/llama/gguf.ts';
export {
  type LlamaConfig,
  type LlamaParamSpec,
  type LlamaWeights,
  llamaBackward,
  llamaForward,
  llamaParamLayout,
  paramWeights,
} from './fixture/llama/model.ts';
export { type GgufQuantizeReport, quantizeGgufFile } from './gguf-quantize.ts';
export {
  DistributionComparer,
  type DistributionComparison,
  type EvalWindow,
  evalWindows,
} from './kl-stats.ts';
export * from './onnx/index.ts';
export {
  findWeights,
  type QuantizedTensorReport,
  quantizeWeights,
  type WeightQuantization,
  type WeightTensorInfo,
} from './quantize-weights.ts';
export {
  BaselineRun,
  type LanguageModel,
  LogitsSession,
  loadLocalTokenizer,
  type ModelAccuracy,
  measureModel,
  openLanguageModel,
} from './runner.ts';
export {
  encodeSafetensors,
  FLOAT_DTYPES,
  type FloatDtype,
  openSafetensors,
  type SafetensorsFile,
  type SafetensorsTensor,
} from './safetensors.ts';
