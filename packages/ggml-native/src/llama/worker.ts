/**
 * The llama.cpp child process: `node --import tsx/esm worker.ts JOB.json`. Runs one job (protocol.ts) and
 * exits; if llama.cpp aborts or segfaults on a file, this process dies and the parent records that.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { isQbenchError } from '@qbench/core';
import { LlamaSession, loadLlama } from './engine.ts';
import type { LlamaJob, WorkerEvent } from './protocol.ts';

const say = (e: WorkerEvent) => process.stdout.write(`${JSON.stringify(e)}\n`);

function run(job: LlamaJob): void {
  const loaded = loadLlama();
  if (!loaded.ok) throw Object.assign(new Error(loaded.reason), { code: 'llama.unavailable' });
  const l = loaded.llama;
  if (job.kind === 'defaults') {
    // Pointers and 64-bit fields as strings: they are compared, not used.
    const plain = (o: object) =>
      Object.fromEntries(
        Object.entries(o).map(([k, v]) => [
          k,
          typeof v === 'bigint' || (v !== null && typeof v === 'object' && !Array.isArray(v)) ? String(v) : v,
        ]),
      );
    say({ event: 'defaults', model: plain(l.defaults.model), context: plain(l.defaults.context) });
    say({ event: 'done' });
    return;
  }
  const nCtx = job.kind === 'logits' ? job.nCtx : 64;
  const s = LlamaSession.open(l, job.model, {
    nCtx,
    threads: job.kind === 'logits' ? job.threads : 1,
    repack: job.kind === 'logits' ? job.repack : true,
  });
  try {
    say({
      event: 'loaded',
      nVocab: s.nVocab,
      nCtxTrain: s.nCtxTrain,
      library: l.library,
      cpuVariant: l.cpuVariant,
      ggmlCommit: l.ggmlCommit,
    });
    const fd = openSync(job.out, 'w');
    try {
      if (job.kind === 'tokenize') {
        const ids = s.tokenize(job.text, job.addSpecial);
        writeSync(fd, new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength));
        say({ event: 'tokens', count: ids.length });
      } else {
        job.windows.forEach((w, i) => {
          const logits = s.logits(w);
          writeSync(fd, new Uint8Array(logits.buffer, logits.byteOffset, logits.byteLength));
          say({ event: 'window', done: i + 1, total: job.windows.length });
        });
      }
    } finally {
      closeSync(fd);
    }
    say({ event: 'done' });
  } finally {
    s.close();
  }
}

try {
  run(JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LlamaJob);
} catch (e) {
  const code = isQbenchError(e) ? e.code : ((e as { code?: string }).code ?? 'llama.worker');
  say({ event: 'error', code: String(code), message: (e as Error).message });
  process.exitCode = 1;
}
