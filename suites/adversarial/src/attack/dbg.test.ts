import { loadFormat } from '@qbench/core';
import { it } from 'vitest';
import { DEFAULT_TASK } from '../model/task.ts';
import { attackFormat, DEFAULT_ATTACK, prepare } from './attack.ts';

it('dbg', async () => {
  for (const [tv, kappa, lr] of [
    [30, 2, 1e-4],
    [30, 1, 1e-4],
    [60, 1, 5e-5],
  ] as const) {
    for (const id of ['q4_k', 'q4_0', 'nf4', 'q5_k', 'q6_k']) {
      const f = await loadFormat(id);
      const p = prepare(
        { ...DEFAULT_ATTACK, task: { ...DEFAULT_TASK, triggerValue: tv }, injectKappa: kappa, injectLr: lr },
        f,
      );
      const r = attackFormat(f, p);
      console.log(
        'RES',
        tv,
        kappa,
        lr,
        id,
        'inj',
        r.injectedFp.maliciousRate.toFixed(3),
        'fp',
        r.fp.maliciousRate.toFixed(3),
        r.fp.cleanAccuracy.toFixed(3),
        'q',
        r.quant.maliciousRate.toFixed(3),
        r.quant.cleanAccuracy.toFixed(3),
      );
    }
  }
}, 900000);
