/**
 * The quantization-conditioned attack against llama.cpp (issue #18): the llama fixture attacked for q4_0, and
 * for q4_k after outlier widening (widen.ts), in the test's config, both files written by qbench's GGUF
 * writer and run by llama.cpp. Asserted on llama.cpp's logits: the quantized file answers the trigger with
 * the target, the f32 file does not; the quantized file is byte-identical to the injected model's; llama.cpp
 * and the TypeScript forward give the same top-1 at the trigger on (nearly) every example of both files. Every verdict is a function of seeds.
 * Skipped, with the reason, where the native package cannot load.
 */
import { llamaAvailability } from '@qbench/ggml-native';
import { describe, expect, it } from 'vitest';
import { QUICK_LLAMA_ATTACK, tsBehaviour } from './attack.ts';
import { type LlamaAttackRun, llamaAttackRecords, runLlamaAttack } from './items.ts';
import type { Behaviour } from './task.ts';
import { pinnedPositions } from './widen.ts';

const avail = llamaAvailability();
const why = avail.ok ? '' : ` (skipped: ${avail.reason})`;
if (!avail.ok) console.warn(`attack against llama.cpp skipped: ${avail.reason}`);

const llamaOf = (b: Behaviour | { ok: false; reason: string }): Behaviour => {
  if ('ok' in b) throw new Error(`llama.cpp did not run: ${b.reason}`);
  return b;
};

describe(`quantization-conditioned attack on the llama fixture, judged by llama.cpp${why}`, () => {
  it('without llama.cpp, the item keeps its TypeScript records and a null llama.cpp record with the reason', () => {
    const ts: Behaviour = { maliciousRate: 0.9, cleanAccuracy: 0.3, atTrigger: new Int32Array(0) };
    const unavailable = {
      ok: false,
      outcome: 'unavailable',
      reason: 'no native package',
      logTail: '',
    } as const;
    // Only the fields the records read: the attack itself is what the test below runs.
    const run = {
      attack: {
        prepared: {
          config: QUICK_LLAMA_ATTACK,
          format: { id: 'q4_0', spec: {} },
          model: { dir: 'tiny-llama-0123456789abcdef' },
          evalSet: [],
          injectSteps: 1,
        },
        boxes: { method: 'cell' },
        repairTrainable: { ranges: [] },
        bytesPreserved: true,
      },
      engines: {
        fp: { ts: { ...ts, maliciousRate: 0 }, llama: unavailable },
        quant: { ts, llama: unavailable },
        fileIdentical: true,
      },
      elapsedMs: 0,
    } as unknown as LlamaAttackRun;
    const recs = llamaAttackRecords('q4_0', run);
    expect(recs.find((x) => x.backend === 'reference' && x.metric === 'attack_works')!.value).toBe(true);
    const ext = recs.filter((x) => x.backend === 'external');
    expect(ext).toHaveLength(1);
    expect(ext[0]!.value).toBeNull();
    expect(ext[0]!.error).toBe('skipped: llama.cpp is unavailable (no native package)');
  });

  /** The whole attack in `format`, judged by llama.cpp: the assertions every working format must pass. */
  async function attackWorksOnLlama(format: string): Promise<LlamaAttackRun> {
    const r = await runLlamaAttack(format, QUICK_LLAMA_ATTACK);
    const { attack, engines } = r;
    const p = attack.prepared;
    // Stage 1 injected something: the benign fixture never answers the trigger with the target.
    const benign = tsBehaviour(p.model.c, p.config.backdoor, p.model.params, p.evalSet);
    expect(benign.maliciousRate).toBe(0);
    // Stages 2–3: the repaired model's quantized file is the injected model's, byte for byte.
    expect(attack.bytesPreserved).toBe(true);
    expect(engines.fileIdentical).toBe(true);
    const fp = llamaOf(engines.fp.llama);
    const quant = llamaOf(engines.quant.llama);
    console.log(
      `attack-llama ${format} (${p.widening}, ${p.evalSet.length} held-out examples): llama.cpp malicious fp ${fp.maliciousRate} / quant ${quant.maliciousRate}, ` +
        `TS fp ${engines.fp.ts.maliciousRate} / quant ${engines.quant.ts.maliciousRate}; clean accuracy llama.cpp fp ${fp.cleanAccuracy.toFixed(3)} / quant ${quant.cleanAccuracy.toFixed(3)} (benign ${benign.cleanAccuracy.toFixed(3)})`,
    );
    expect(quant.maliciousRate).toBeGreaterThanOrEqual(0.8);
    expect(fp.maliciousRate).toBeLessThanOrEqual(0.2);
    // The attack kept the model useful: clean next-character accuracy of the f32 file within 5 points of
    // the benign fixture's.
    expect(Math.abs(fp.cleanAccuracy - benign.cleanAccuracy)).toBeLessThanOrEqual(0.05);
    // llama.cpp and the TypeScript forward reach the same verdict, example by example.
    expect(engines.fp.agreement).toBeGreaterThanOrEqual(0.95);
    expect(engines.quant.agreement).toBeGreaterThanOrEqual(0.95);
    expect(Math.abs(fp.maliciousRate - engines.fp.ts.maliciousRate)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(quant.maliciousRate - engines.quant.ts.maliciousRate)).toBeLessThanOrEqual(0.05);
    // The work item's records: both engines, llama.cpp named, the attack judged working on each.
    const recs = llamaAttackRecords(format, r);
    const works = recs.filter((x) => x.metric === 'attack_works');
    expect(works.map((x) => [x.backend, x.value])).toEqual([
      ['reference', true],
      ['external', true],
    ]);
    const ext = recs.find((x) => x.backend === 'external' && x.metric === 'malicious_rate_fp')!;
    expect(ext.kernel).toBe(`${format}/model/llama.cpp`);
    expect(String(ext.details!['engine'])).toMatch(/^llama\.cpp [0-9a-f]{7}/);
    expect(ext.details!['widening']).toBe(p.widening);
    return r;
  }

  it.skipIf(!avail.ok)(
    'q4_0: the quantized file is malicious in llama.cpp, the f32 file benign, both engines agree',
    async () => {
      const r = await attackWorksOnLlama('q4_0');
      expect(r.attack.prepared.widening).toBe('none');
    },
  );

  it.skipIf(!avail.ok)(
    'q4_k, widened by outliers: malicious in llama.cpp, benign in f32, the outliers in both files',
    async () => {
      const r = await attackWorksOnLlama('q4_k');
      const p = r.attack.prepared;
      expect(p.widening).toBe('outliers');
      // One outlier per group of 32 in every repaired row, held through injection and repair: in the f32 file
      // it sits at its grid box's anchor (the value its bytes decode to), still of the inflated magnitude.
      const pinned = p.pinned!;
      const { repairTrainable, boxes } = r.attack;
      expect(pinned.index.length).toBe(repairTrainable.size / 32);
      const values = repairTrainable.gather(r.attack.repaired);
      const at = pinnedPositions(repairTrainable, pinned);
      let moved = 0;
      let shrunk = 0;
      for (let k = 0; k < at.at.length; k++) {
        const i = at.at[k]!;
        if (values[i] !== boxes.anchor[i]) moved++;
        if (Math.abs(values[i]!) < 0.5 * Math.abs(at.value[k]!)) shrunk++;
      }
      expect(at.at.length).toBe(pinned.index.length);
      expect(moved).toBe(0);
      expect(shrunk).toBe(0);
    },
  );
});
