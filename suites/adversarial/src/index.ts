/**
 * The adversarial suite. Today: hostile GGUF containers — a malformed-file corpus and a mutation fuzzer
 * run against @qbench/gguf-file's scanner. The quantization-conditioned backdoor detectors (issue #9)
 * plug in here as further work items.
 */
import { METRIC, type Suite } from '@qbench/spec';
import { backdoorItems, runBackdoorItem } from './detect/suite-items.ts';
import { GGUF_ITEMS, runCorpus, runFuzzItem, runGgmlAgreement } from './gguf-suite.ts';

const suite: Suite = {
  name: 'adversarial',
  summary: 'hostile inputs: malformed GGUF corpus and structure-aware fuzzing of the scanner',
  async workItems(options) {
    return [...GGUF_ITEMS, ...backdoorItems(options)];
  },
  async runItem(item, options, ctx) {
    if (item.id === 'adversarial/gguf/corpus') return runCorpus();
    if (item.id === 'adversarial/gguf/fuzz') return runFuzzItem(options, ctx.signal);
    if (item.id === 'adversarial/gguf/ggml-agreement') return runGgmlAgreement(options, ctx.signal);
    const backdoor = await runBackdoorItem(item, options, ctx.log);
    if (backdoor) return backdoor;
    return [
      {
        suite: 'adversarial',
        format: '-',
        kernel: '-',
        backend: '-',
        dataset: item.id,
        metric: METRIC.run,
        value: null,
        unit: '-',
        error: `unknown work item '${item.id}'`,
      },
    ];
  },
};

export default suite;
export { baseSpec, CORPUS, type CorpusCase, corpusFiles, q8Block } from './corpus/cases.ts';
export { buildFile, Emit, type FieldRecord, type FileSpec } from './corpus/emit.ts';
export { writeCorpus } from './corpus/write.ts';
export { type FuzzOptions, type FuzzResult, runFuzz } from './fuzz/fuzz.ts';
export { fieldMap, Mutator } from './fuzz/mutate.ts';
export { defaultSeeds } from './fuzz/seeds.ts';
export { compareWithGgml, corpusFilesForAgreement, fuzzMutants } from './ggml-agree/compare.ts';
export { AgreementTable } from './ggml-agree/table.ts';
