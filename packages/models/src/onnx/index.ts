export {
  type Attribute,
  DataType,
  type DataTypeCode,
  encodeModel,
  encodeTensor,
  float32Tensor,
  GraphBuilder,
  type GraphInit,
  int64Tensor,
  type ModelInit,
  type NodeInit,
  singleNodeModel,
  type TensorInit,
  type ValueInit,
} from './model.ts';
export { ProtoWriter, readFields } from './protobuf.ts';
export {
  elementCount,
  isFloatTensor,
  type OnnxAttribute,
  type OnnxInitializer,
  type OnnxModel,
  type OnnxNode,
  parseOnnxModel,
  replaceInitializers,
  tensorToFloat32,
} from './read.ts';
export { type OnnxIndex, openOnnxIndex } from './stream.ts';
