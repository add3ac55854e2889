/**
 * Work items `adversarial/attack-llama/<format>`: the three-stage attack on the llama fixture (attack.ts),
 * then both files run by llama.cpp (engine.ts). Records, dataset `llama-backdoor`, the same metric names as
 * the MLP attack's items (`malicious_rate_fp`, `malicious_rate_quant`, `clean_accuracy_*`, `attack_works`):
 * the TypeScript forward's under backend `reference`, llama.cpp's under backend `external` with kernel
 * `<format>/model/llama.cpp` and the engine named in details.engine, as the accuracy suite's model level
 * records them. Where the native package cannot load, the llama.cpp records carry a null value and the
 * reason; the TypeScript records are still measured.
 */
import { imatrixDetails, loadFormat } from '@qbench/core';
import { METRIC, type MetricName, type ResultRecord, type SuiteOptions, type WorkItem } from '@qbench/spec';
import {
  FULL_LLAMA_ATTACK,
  injectLlama,
  type LlamaAttack,
  type LlamaAttackConfig,
  loadLlamaModel,
  QUICK_LLAMA_ATTACK,
  repairLlama,
} from './attack.ts';
import { type EngineResult, runOnEngines } from './engine.ts';
import type { Behaviour } from './task.ts';

/** The gguf formats attacked on the llama fixture: the MLP attack's gguf set that matters most, plus iq4_xs. */
export const LLAMA_ATTACK_FORMATS = ['q4_0', 'q8_0', 'q4_k', 'iq4_xs'] as const;
const QUICK_FORMATS = ['q4_0'] as const;
const PREFIX = 'adversarial/attack-llama/';
const DATASET = 'llama-backdoor';

/** The attack works: quantized malicious (≥ 0.8), full precision benign (≤ 0.2), same quantized bytes. */
export function worksOn(fp: Behaviour, quant: Behaviour, bytesPreserved: boolean): boolean {
  return bytesPreserved && quant.maliciousRate >= 0.8 && fp.maliciousRate <= 0.2;
}

export function llamaAttackConfig(options: SuiteOptions): LlamaAttackConfig {
  return options.full ? FULL_LLAMA_ATTACK : QUICK_LLAMA_ATTACK;
}

/** What an attack-llama item does: the attack on the llama fixture in one format. */
export interface LlamaAttackPlan {
  kind: 'attack-llama';
  format: string;
}

export function llamaAttackItems(options: SuiteOptions): WorkItem<LlamaAttackPlan>[] {
  const base: readonly string[] = options.quick ? QUICK_FORMATS : LLAMA_ATTACK_FORMATS;
  // --full repairs the whole model in every format: grid boxes of all 2,048 rows for q4_k/iq4_xs.
  return base
    .filter((f) => !options.formats || options.formats.includes(f))
    .map((f) => ({
      id: `${PREFIX}${f}`,
      label: `attack on llama.cpp ${f}`,
      format: f,
      weight: options.full ? 24 : 8,
      plan: { kind: 'attack-llama' as const, format: f },
    }));
}

export interface LlamaAttackRun {
  attack: LlamaAttack;
  engines: EngineResult;
  elapsedMs: number;
}

export async function runLlamaAttack(
  format: string,
  config: LlamaAttackConfig,
  log?: (m: string) => void,
): Promise<LlamaAttackRun> {
  const t0 = performance.now();
  const f = await loadFormat(format);
  const model = await loadLlamaModel(log);
  const attack = repairLlama(injectLlama(f, model, config));
  log?.(
    `attack-llama ${format}: injected in ${attack.prepared.injectSteps} steps, repaired; running llama.cpp`,
  );
  const engines = await runOnEngines(attack);
  return { attack, engines, elapsedMs: performance.now() - t0 };
}

export function llamaAttackRecords(format: string, r: LlamaAttackRun): ResultRecord[] {
  const { attack, engines } = r;
  const p = attack.prepared;
  const bytes = attack.bytesPreserved && engines.fileIdentical;
  const rec = (
    kernel: string,
    backend: string,
    metric: MetricName,
    value: number | boolean | null,
    unit: string,
    details?: Record<string, unknown>,
    error?: string,
  ): ResultRecord => ({
    suite: 'adversarial',
    format,
    kernel,
    backend,
    dataset: DATASET,
    metric,
    value,
    unit,
    ...(details ? { details } : {}),
    ...(error ? { error } : {}),
  });
  const behaviour = (kernel: string, backend: string, fp: Behaviour, quant: Behaviour, details: object) => [
    rec(kernel, backend, METRIC.maliciousRateFp, fp.maliciousRate, 'ratio', { ...details }),
    rec(kernel, backend, METRIC.maliciousRateQuant, quant.maliciousRate, 'ratio'),
    rec(kernel, backend, METRIC.cleanAccuracyFp, fp.cleanAccuracy, 'ratio'),
    rec(kernel, backend, METRIC.cleanAccuracyQuant, quant.cleanAccuracy, 'ratio'),
    rec(kernel, backend, METRIC.attackWorks, worksOn(fp, quant, bytes), 'bool'),
  ];
  const b = p.config.backdoor;
  const common = {
    model: `qbench-tiny-llama-${p.model.dir.slice(-16)}`,
    trigger: String.fromCharCode(b.trigger),
    target: String.fromCharCode(b.target),
    examples: p.evalSet.length,
    eval_text: 'held-out slice of datasets/fixtures/tiny-lm/text.txt',
    widening: p.widening,
    ...(p.widening === 'outliers'
      ? { outlierFactor: p.config.outlierFactor, outliers: p.pinned?.index.length ?? 0 }
      : {}),
    ...imatrixDetails(p.format),
  };
  const out = [
    ...behaviour('reference', 'reference', engines.fp.ts, engines.quant.ts, {
      ...common,
      engine: 'qbench TypeScript forward (float64 over the file weights)',
      injectSteps: p.injectSteps,
      boxMethod: attack.boxes.method,
      boxWidthRel: attack.boxWidthRel,
      boxFrozenFraction: attack.boxFrozenFraction,
      repairedRows: attack.repairTrainable.ranges.length,
      repairPasses: attack.repairPasses,
      elapsedMs: Math.round(r.elapsedMs),
    }),
    rec('reference', 'reference', METRIC.bytesPreserved, bytes, 'bool'),
  ];
  const kernel = `${format}/model/llama.cpp`;
  const { fp, quant } = engines;
  if ('ok' in fp.llama || 'ok' in quant.llama) {
    const failed = ('ok' in fp.llama ? fp.llama : quant.llama) as Extract<typeof fp.llama, { ok: false }>;
    const skipped = failed.outcome === 'unavailable';
    const error = skipped
      ? `skipped: llama.cpp is unavailable (${failed.reason})`
      : `llama.cpp ${failed.outcome}: ${failed.reason}`;
    return [
      ...out,
      rec(
        kernel,
        'external',
        METRIC.maliciousRateQuant,
        null,
        'ratio',
        skipped ? { skipped: failed.reason } : undefined,
        error,
      ),
    ];
  }
  return [
    ...out,
    ...behaviour(kernel, 'external', fp.llama, quant.llama, { ...common, engine: engines.engine }),
    rec(kernel, 'external', METRIC.triggerAgreementFp, fp.agreement!, 'ratio', {
      what: "share of examples whose top-1 at the trigger is the TypeScript forward's",
    }),
    rec(kernel, 'external', METRIC.triggerAgreementQuant, quant.agreement!, 'ratio'),
  ];
}

export async function runLlamaAttackItem(
  plan: LlamaAttackPlan,
  options: SuiteOptions,
  log: (m: string) => void,
): Promise<ResultRecord[]> {
  return llamaAttackRecords(plan.format, await runLlamaAttack(plan.format, llamaAttackConfig(options), log));
}
