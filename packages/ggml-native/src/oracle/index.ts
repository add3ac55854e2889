/** The live ggml oracle: generators, the differential harness, and mismatch → golden folder. */
export { type BlockDiff, diffBytes, diffF32 } from './compare.ts';
export {
  BLOCK_KINDS,
  type BlockKind,
  fillBlock,
  fillImatrix,
  generateRow,
  IMATRIX_KINDS,
  type ImatrixKind,
  type RowRecipe,
  randomBytes,
  rowSeed,
} from './generators.ts';
export { caseName, type GoldenTypeInfo, provenance, writeOracleGolden } from './golden-out.ts';
export {
  ORACLE_PATHS,
  type OracleCase,
  type OracleOptions,
  type OraclePath,
  type PathResult,
  rowElements,
  runOracle,
  type TypeResult,
} from './harness.ts';
export { type OracleType, oracleTypes } from './types.ts';
