/**
 * The attacked llama fixture as the files a victim downloads, run by llama.cpp: the repaired weights written
 * by qbench's GGUF writer in f32 (the full-precision file) and in the attacked format (the quantized file),
 * each run through the llama.cpp client (@qbench/ggml-native, a child process, weights repacked as llama.cpp
 * runs by default), and the behaviour measured on llama.cpp's logits next to the TypeScript forward's
 * (float64 over the file's weights: the f32 values, or the quantized values decoded by the reference).
 * The quantized file of the repaired model is compared byte for byte with the quantized file of the injected
 * model: the attack's premise, checked on the very bytes llama.cpp loads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LlamaFailure, llamaLogits } from '@qbench/ggml-native';
import { type LlamaConfig, llamaParamLayout, writeLlamaFixtureAs } from '@qbench/models';
import { type LlamaAttack, quantizedParams, tsBehaviour } from './attack.ts';
import { type Behaviour, BehaviourMeter, type Example, type LlamaBackdoor } from './task.ts';

export interface FileBehaviour {
  /** The TypeScript forward of the file's weights. */
  ts: Behaviour;
  /** llama.cpp's logits, or why there are none. */
  llama: Behaviour | LlamaFailure;
  /** Share of examples whose top-1 at the trigger is the same on both engines (when llama.cpp ran). */
  agreement?: number;
}

export interface EngineResult {
  fp: FileBehaviour;
  quant: FileBehaviour;
  /** The repaired model's quantized file is byte-identical to the injected model's. */
  fileIdentical: boolean;
  /** llama.cpp as named by the client, when it ran. */
  engine?: string;
}

function weightsOf(c: LlamaConfig, params: Float64Array): Map<string, Float32Array> {
  return new Map(
    llamaParamLayout(c).map((s) => [s.name, Float32Array.from(params.subarray(s.offset, s.offset + s.size))]),
  );
}

async function runLlama(
  file: string,
  b: LlamaBackdoor,
  V: number,
  set: readonly Example[],
): Promise<{ behaviour: Behaviour; engine: string } | LlamaFailure> {
  const r = await llamaLogits(
    file,
    set.map((e) => e.input),
  );
  if (!r.ok) return r;
  try {
    const meter = new BehaviourMeter(b, V);
    let i = 0;
    for await (const logits of r.windows()) meter.add(set[i++]!, logits);
    return { behaviour: meter.result(), engine: r.engine.name };
  } finally {
    r.dispose();
  }
}

function agreement(a: Behaviour, b: Behaviour): number {
  let same = 0;
  for (let i = 0; i < a.atTrigger.length; i++) if (a.atTrigger[i] === b.atTrigger[i]) same++;
  return a.atTrigger.length ? same / a.atTrigger.length : 0;
}

/** Writes both files of the attacked model (and the injected model's quantized file), runs both engines. */
export async function runOnEngines(a: LlamaAttack): Promise<EngineResult> {
  const p = a.prepared;
  const { c } = p.model;
  const b = p.config.backdoor;
  const tmp = mkdtempSync(join(tmpdir(), 'qbench-attack-llama-'));
  try {
    const fpFile = join(tmp, 'attacked-f32.gguf');
    const quantFile = join(tmp, `attacked-${p.format.id}.gguf`);
    const injectedFile = join(tmp, `injected-${p.format.id}.gguf`);
    await writeLlamaFixtureAs(weightsOf(c, a.repaired), c, 'f32', fpFile);
    await writeLlamaFixtureAs(weightsOf(c, a.repaired), c, p.format.id, quantFile);
    await writeLlamaFixtureAs(weightsOf(c, p.injected), c, p.format.id, injectedFile);
    const [q, i] = await Promise.all([readFile(quantFile), readFile(injectedFile)]);
    const fileIdentical = q.equals(i);
    let engine: string | undefined;
    const measure = async (file: string, params: Float64Array): Promise<FileBehaviour> => {
      const ts = tsBehaviour(c, b, params, p.evalSet);
      const r = await runLlama(file, b, c.vocabSize, p.evalSet);
      if ('ok' in r) return { ts, llama: r };
      engine = r.engine;
      return { ts, llama: r.behaviour, agreement: agreement(r.behaviour, ts) };
    };
    const fp = await measure(fpFile, a.repaired);
    const quant = await measure(quantFile, quantizedParams(c, p.format, a.repaired));
    return { fp, quant, fileIdentical, ...(engine ? { engine } : {}) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
