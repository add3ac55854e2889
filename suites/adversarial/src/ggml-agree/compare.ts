/**
 * Runs files through both `qbench scan` (in memory) and ggml's loader (LoaderJudge: gguf_init_from_file in
 * a child process, which needs a path), batch by batch through a temporary folder, and fills the
 * agreement table. The files are the hostile-file corpus and the fuzzer's mutants: the same seeds,
 * mutator and PRNG seed as the fuzz work item, so mutant #i here is mutant #i there.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoaderJudge } from '@qbench/ggml-native';
import { bytesSource, scanGguf } from '@qbench/gguf-file';
import { CORPUS } from '../corpus/cases.ts';
import { fieldMap, Mutator } from '../fuzz/mutate.ts';
import { defaultSeeds } from '../fuzz/seeds.ts';
import { AgreementTable } from './table.ts';

export interface NamedFile {
  /** How the file is named in the table's lists: corpus/<id> or mutant#<i> <seed> <ops>. */
  readonly name: string;
  readonly bytes: Uint8Array;
}

export function* corpusFilesForAgreement(): Generator<NamedFile> {
  for (const c of CORPUS) yield { name: `corpus/${c.id}`, bytes: c.bytes() };
}

/** The fuzzer's valid seeds as they are (two built here, two golden files written by ggml itself). */
export async function* seedFiles(): AsyncGenerator<NamedFile> {
  for (const s of await defaultSeeds()) yield { name: `seed/${s.name}`, bytes: s.bytes };
}

/** The fuzz item's mutants #0..count-1 (runFuzz's order: seed i mod n, one Mutator with PRNG seed `seed`). */
export async function* fuzzMutants(count: number, seed = 1): AsyncGenerator<NamedFile> {
  const seeds = [];
  for (const s of await defaultSeeds()) seeds.push({ ...s, fields: await fieldMap(s.bytes) });
  const mut = new Mutator(seed);
  for (let i = 0; i < count; i++) {
    const s = seeds[i % seeds.length]!;
    const { bytes, ops } = mut.mutate(s.bytes, s.fields);
    yield { name: `mutant#${i} ${s.name} ${ops.join('; ')}`, bytes };
  }
}

export interface CompareOptions {
  /** Files per child round trip (default 256). */
  readonly batch?: number;
  readonly signal?: AbortSignal;
  /** Called after each batch with the files done so far. */
  readonly progress?: (done: number) => void;
}

export interface CompareResult {
  readonly table: AgreementTable;
  /** Files whose scan threw (a scanner crash; the fuzz item reports these as crashes too). */
  readonly scanThrew: string[];
}

export async function compareWithGgml(
  judge: LoaderJudge,
  files: Iterable<NamedFile> | AsyncIterable<NamedFile>,
  options: CompareOptions = {},
  into: CompareResult = { table: new AgreementTable(), scanThrew: [] },
): Promise<CompareResult> {
  const batchSize = options.batch ?? 256;
  const dir = await mkdtemp(join(tmpdir(), 'qbench-ggml-agree-'));
  try {
    let batch: NamedFile[] = [];
    const flush = async () => {
      const paths = batch.map((_, i) => join(dir, `${i}.gguf`));
      await Promise.all(batch.map((f, i) => writeFile(paths[i]!, f.bytes)));
      const verdicts = await judge.judge(paths);
      for (let i = 0; i < batch.length; i++) {
        const f = batch[i]!;
        const g = verdicts[i]!;
        let report: Awaited<ReturnType<typeof scanGguf>>;
        try {
          report = await scanGguf(bytesSource(f.bytes));
        } catch (e) {
          into.scanThrew.push(`${f.name}: ${(e as Error).message}`);
          continue;
        }
        into.table.add(f.name, report.verdict, report.findings, g.outcome, g.reason);
      }
      batch = [];
      options.progress?.(into.table.files);
    };
    for await (const f of files) {
      if (options.signal?.aborted) break;
      batch.push(f);
      if (batch.length >= batchSize) await flush();
    }
    if (batch.length > 0) await flush();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return into;
}
