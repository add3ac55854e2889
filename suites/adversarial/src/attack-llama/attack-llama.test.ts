/**
 * The quantization-conditioned attack against llama.cpp (issue #18): the llama fixture attacked for q4_0 in
 * the test's config, both files written by qbench's GGUF writer and run by llama.cpp. Asserted on
 * llama.cpp's logits: the quantized file answers the trigger with the target, the f32 file does not; the
 * quantized file is byte-identical to the injected model's; llama.cpp and the TypeScript forward give the
 * same top-1 at the trigger on (nearly) every example of both files. Every verdict is a function of seeds.
 * Skipped, with the reason, where the native package cannot load.
 */
import { llamaAvailability } from '@qbench/ggml-native';
import { describe, expect, it } from 'vitest';
import { QUICK_LLAMA_ATTACK, tsBehaviour } from './attack.ts';
import { type LlamaAttackRun, llamaAttackRecords, runLlamaAttack } from './items.ts';
import type { Behaviour } from './task.ts';

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

  it.skipIf(!avail.ok)(
    'q4_0: the quantized file is malicious in llama.cpp, the f32 file benign, both engines agree',
    async () => {
      const r = await runLlamaAttack('q4_0', QUICK_LLAMA_ATTACK);
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
        `attack-llama q4_0 (${p.evalSet.length} held-out examples): llama.cpp malicious fp ${fp.maliciousRate} / quant ${quant.maliciousRate}, ` +
          `TS fp ${engines.fp.ts.maliciousRate} / quant ${engines.quant.ts.maliciousRate}; clean accuracy llama.cpp fp ${fp.cleanAccuracy.toFixed(3)} / quant ${quant.cleanAccuracy.toFixed(3)} (benign ${benign.cleanAccuracy.toFixed(3)})`,
      );
      expect(quant.maliciousRate).toBeGreaterThanOrEqual(0.8);
      expect(fp.maliciousRate).toBeLessThanOrEqual(0.2);
      // The repair kept the model useful: clean next-character accuracy of the f32 file within 5 points of
      // the benign fixture's.
      expect(Math.abs(fp.cleanAccuracy - benign.cleanAccuracy)).toBeLessThanOrEqual(0.05);
      // llama.cpp and the TypeScript forward reach the same verdict, example by example.
      expect(engines.fp.agreement).toBeGreaterThanOrEqual(0.95);
      expect(engines.quant.agreement).toBeGreaterThanOrEqual(0.95);
      expect(Math.abs(fp.maliciousRate - engines.fp.ts.maliciousRate)).toBeLessThanOrEqual(0.05);
      expect(Math.abs(quant.maliciousRate - engines.quant.ts.maliciousRate)).toBeLessThanOrEqual(0.05);
      // The work item's records: both engines, llama.cpp named, the attack judged working on each.
      const recs = llamaAttackRecords('q4_0', r);
      const works = recs.filter((x) => x.metric === 'attack_works');
      expect(works.map((x) => [x.backend, x.value])).toEqual([
        ['reference', true],
        ['external', true],
      ]);
      const ext = recs.find((x) => x.backend === 'external' && x.metric === 'malicious_rate_fp')!;
      expect(ext.kernel).toBe('q4_0/model/llama.cpp');
      expect(String(ext.details!['engine'])).toMatch(/^llama\.cpp [0-9a-f]{7}/);
    },
  );
});
