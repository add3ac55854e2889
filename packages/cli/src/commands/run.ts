/**
 * `qbench run [--suite S]… [--format F]… [--shard i/n] [--out DIR] [--resume] [--quick | --full] [--batch NAME] [--no-site] [--list]
 *   [--weights FILE] [--tensors GLOB] [--model DIR | --model BASE.gguf --compare QUANT.gguf] [--text FILE]`
 * Runs every discovered suite (suites/<name>/src/index.ts) or the named ones, writes `<out>/results.json`
 * (default reports/latest) and builds the leaderboard site into the same folder. Records are journaled per
 * item (`<out>/records.jsonl`): Ctrl-C keeps what finished, `--resume` continues. `--list` prints the work items
 * (of the shard) with their weights and runs nothing.
 */
import { existsSync } from 'node:fs';
import { QbenchError, resolveSpec } from '@qbench/core';
import { buildSite } from '@qbench/site';
import { flag, parse, str } from '../args.ts';
import type { Io } from '../io.ts';
import { CLI_ROOT, REPO_ROOT, SUITES_DIR } from '../run/paths.ts';
import { planItems, runSuites } from '../run/runner.ts';
import { parseShard, selectShard } from '../run/shard.ts';
import { discoverSuites } from '../run/suites.ts';

export const summary =
  'run the suites (all, or --suite/--format), sharded with --shard i/n; writes results + site to --out';

/** `--x a,b --x c` → [a, b, c]; undefined when the option is absent. */
export function listOption(values: unknown): string[] | undefined {
  if (values === undefined) return undefined;
  const arr = Array.isArray(values) ? values : [values];
  const out = arr
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
  return out.length > 0 ? [...new Set(out)] : undefined;
}

export async function run(argv: string[], io: Io): Promise<number> {
  const p = parse(
    'run',
    argv,
    {
      suite: { type: 'string', multiple: true },
      format: { type: 'string', multiple: true },
      shard: { type: 'string' },
      out: { type: 'string' },
      resume: { type: 'boolean' },
      quick: { type: 'boolean' },
      full: { type: 'boolean' },
      batch: { type: 'string' },
      'no-site': { type: 'boolean' },
      list: { type: 'boolean' },
      weights: { type: 'string' },
      tensors: { type: 'string' },
      model: { type: 'string' },
      compare: { type: 'string' },
      text: { type: 'string' },
    },
    false,
  );
  const shardText = str(p, 'shard');
  const shard = shardText === undefined ? null : parseShard(shardText);
  const out = str(p, 'out') ?? 'reports/latest';
  const formats = listOption(p.values['format']);
  // Unknown ids fail here, once, with suggestions — not as an error record in every suite.
  for (const f of formats ?? []) await resolveSpec(f);
  if (flag(p, 'quick') && flag(p, 'full'))
    throw new QbenchError('cli.args', 'run: --quick and --full ask for opposite sizes; pass one');
  const wanted = listOption(p.values['suite']);
  const found = await discoverSuites(SUITES_DIR);
  for (const note of found.notes) io.err(`note: ${note}\n`);
  let suites = found.suites;
  if (wanted) {
    const names = suites.map((s) => s.name);
    const unknown = wanted.filter((w) => !names.includes(w));
    if (unknown.length > 0) {
      throw new QbenchError(
        'cli.args',
        `run: unknown suite '${unknown[0]}' (available: ${names.join(', ') || 'none'})`,
      );
    }
    suites = suites.filter((s) => wanted.includes(s.name));
  }
  if (suites.length === 0) throw new QbenchError('run.empty', 'run: no suite to run (see the notes above)');
  // User inputs: a local model's weights (accuracy tensor level), a tensor glob, a local ONNX LM folder or a
  // base GGUF with a quantized GGUF to compare on llama.cpp, and the text they are evaluated on.
  const inputs: Record<string, string> = {};
  for (const key of ['weights', 'tensors', 'model', 'compare', 'text'] as const) {
    const v = str(p, key);
    if (v === undefined) continue;
    if (key !== 'tensors' && !existsSync(v))
      throw new QbenchError('cli.args', `run: --${key} ${v}: no such file or folder`);
    inputs[key] = v;
  }
  if (inputs['compare'] && !inputs['model']?.toLowerCase().endsWith('.gguf'))
    throw new QbenchError(
      'cli.args',
      'run: --compare QUANT.gguf needs --model BASE.gguf (both run by llama.cpp)',
    );
  if (flag(p, 'list')) {
    const options = {
      quick: flag(p, 'quick'),
      ...(flag(p, 'full') ? { full: true } : {}),
      ...(formats ? { formats } : {}),
      ...(Object.keys(inputs).length ? { inputs } : {}),
    };
    const mine = selectShard(await planItems(suites, options, (l) => io.err(`${l}\n`)), shard);
    for (const it of mine) io.out(`${it.id}\t${it.weight}\n`);
    io.err(`${mine.length} items, total weight ${mine.reduce((n, it) => n + it.weight, 0)}\n`);
    return 0;
  }
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    io.err('\ninterrupted: keeping the finished items (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const batch = str(p, 'batch');
  try {
    const outcome = await runSuites({
      root: REPO_ROOT,
      cliRoot: CLI_ROOT,
      suites,
      ...(formats ? { formats } : {}),
      quick: flag(p, 'quick'),
      full: flag(p, 'full'),
      inputs,
      shard,
      out,
      resume: flag(p, 'resume'),
      ...(batch ? { batch } : {}),
      io,
      signal: controller.signal,
    });
    const n = outcome.results.records.length;
    io.err(
      `${outcome.file}: ${n} records from ${outcome.ran} items${outcome.resumed ? ` (+${outcome.resumed} resumed)` : ''}` +
        `${outcome.errorRecords ? `, ${outcome.errorRecords} with errors` : ''}${outcome.failedItems ? `, ${outcome.failedItems} items crashed` : ''}\n`,
    );
    if (!outcome.complete) {
      io.err(`run interrupted: rerun with --resume --out ${out} to finish\n`);
      return 130;
    }
    if (!flag(p, 'no-site')) {
      const site = buildSite({ current: outcome.results, history: [], outDir: out });
      io.err(`${site.index}: site with ${site.pages.length} pages\n`);
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
