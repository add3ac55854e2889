/**
 * The adversarial suite. Today: hostile GGUF containers — a malformed-file corpus and a mutation fuzzer
 * run against @qbench/gguf-file's scanner. The quantization-conditioned backdoor detectors (issue #9)
 * plug in here as further work items.
 */
import type { Suite } from '@qbench/spec';
import { type LlamaAttackPlan, llamaAttackItems, runLlamaAttackItem } from './attack-llama/items.ts';
import { type BackdoorPlan, backdoorItems, runBackdoorItem } from './detect/suite-items.ts';
import { GGUF_ITEMS, type GgufPlan, runCorpus, runFuzzItem, runGgmlAgreement } from './gguf-suite.ts';

/** What an item does: one of the GGUF checks, one backdoor item on one format, or the attack on llama.cpp. */
export type AdversarialPlan = GgufPlan | BackdoorPlan | LlamaAttackPlan;

const suite: Suite<AdversarialPlan> = {
  name: 'adversarial',
  summary: 'hostile inputs: malformed GGUF corpus and structure-aware fuzzing of the scanner',
  async workItems(options) {
    return [...GGUF_ITEMS, ...backdoorItems(options), ...llamaAttackItems(options)];
  },
  async runItem({ plan }, options, ctx) {
    if (plan.kind === 'attack-llama') return runLlamaAttackItem(plan, options, ctx.log);
    if (plan.kind !== 'gguf') return runBackdoorItem(plan, options, ctx.log);
    if (plan.part === 'corpus') return runCorpus();
    if (plan.part === 'fuzz') return runFuzzItem(options, ctx.signal);
    return runGgmlAgreement(options, ctx.signal);
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
