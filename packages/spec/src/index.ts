export { type DiscoveredSpec, type Discovery, discoverSpecs } from './discover.ts';
export { METRIC, METRIC_NAMES, type MetricName } from './generated/metrics.ts';
export {
  assertResults,
  checkResults,
  encodeValue,
  type GgmlRunInfo,
  jsonReplacer,
  type MachineInfo,
  numericValue,
  RESULTS_SCHEMA_VERSION,
  type ResultsFile,
  type ResultsProblem,
  type RunMetadata,
  readResultsFile,
  recordKey,
  SCHEMA_PATH,
  type StoredRecord,
  writeResultsFile,
} from './results.ts';
export {
  batchFileName,
  findResultsFiles,
  type MergedResults,
  mergeResults,
  readResultsDirs,
} from './results-merge.ts';
export type { ResultRecord, RunContext, Suite, SuiteOptions, WorkItem } from './suite.ts';
export { formatProblem, type SpecProblem, validateSpec } from './validate-spec.ts';
