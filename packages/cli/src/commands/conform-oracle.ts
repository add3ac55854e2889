/**
 * `qbench conform --oracle ggml [--format F] [--blocks N] [--seed S] [--out DIR] [--json]`: qbench's
 * reference codec of every ggml type against live ggml (@qbench/ggml-native) on generated inputs, every
 * path. Prints blocks compared and mismatching per type and path, each kept mismatch with type, path, seed,
 * row, block, byte and expected vs got, and writes them as golden folders that replay with `--golden`.
 * Exit 1 on any mismatch; the native library missing is an error naming why, never a pass.
 */
import { QbenchError } from '@qbench/core';
import { nativeGgml } from '@qbench/ggml-native';
import {
  ORACLE_PATHS,
  type OracleCase,
  oracleTypes,
  runOracle,
  type TypeResult,
  writeOracleGolden,
} from '@qbench/ggml-native/oracle';
import { type Io, progress, table } from '../io.ts';

export interface OracleArgs {
  oracle: string;
  format: string | undefined;
  blocks: number;
  seed: number;
  out: string;
  json: boolean;
}

function describe(c: OracleCase): string {
  const unit = c.path.startsWith('decode') ? 'element' : 'byte';
  const what = c.recipe
    ? `; blocks ${[...new Set(c.recipe.blocks)].join('+')}, imatrix ${c.recipe.imatrix}`
    : '';
  return (
    `MISMATCH ${c.type} ${c.path} (${c.ggmlCall}) seed ${c.seed} row ${c.row} block ${c.diff.block} ${unit} ` +
    `${c.diff.offset}: ggml ${c.diff.expected}, qbench ${c.diff.got} (${c.diff.count} ${unit}s of the block, ` +
    `${c.mismatchedBlocks} blocks of the row differ${what})\n`
  );
}

export async function runOracleConform(a: OracleArgs, io: Io): Promise<number> {
  if (a.oracle !== 'ggml')
    throw new QbenchError('cli.args', `conform: --oracle ${a.oracle}: only 'ggml' exists`);
  if (!Number.isInteger(a.blocks) || a.blocks < 1)
    throw new QbenchError('cli.args', `conform: --blocks must be a positive integer, got ${a.blocks}`);
  if (!Number.isSafeInteger(a.seed) || a.seed < 0)
    throw new QbenchError('cli.args', `conform: --seed must be a non-negative integer, got ${a.seed}`);
  const native = nativeGgml();
  if (!native.ok)
    throw new QbenchError(
      'native.unavailable',
      `conform --oracle ggml: native ggml unavailable: ${native.reason}`,
    );
  const types = await oracleTypes(a.format);
  if (types.length === 0)
    throw new QbenchError(
      'conform.empty',
      `conform --oracle ggml: no ggml type '${a.format}' in the registry`,
    );
  const { info } = native.ggml;
  if (!a.json)
    io.out(
      `oracle: ggml ${info.ggmlVersion} (${info.ggmlCommit}), ${info.package}@${info.packageVersion}, ${info.cpuVariant}; ` +
        `${a.blocks} blocks per path, seed ${a.seed}\n`,
    );
  const bar = progress(io, types.length);
  const results: TypeResult[] = [];
  const written: string[] = [];
  for (const t of types) {
    bar.tick(t.id);
    const r = runOracle(native.ggml, t, { blocks: a.blocks, seed: a.seed });
    results.push(r);
    const cases = r.paths.flatMap((p) => p.cases);
    if (cases.length > 0) written.push(writeOracleGolden(a.out, t, cases, info));
  }
  bar.done();
  const mismatches = results.reduce((s, r) => s + r.paths.reduce((u, p) => u + p.mismatchedBlocks, 0), 0);
  if (a.json) {
    const strip = results.map((r) => ({
      type: r.type,
      paths: r.paths.map(({ cases, ...p }) => ({
        ...p,
        cases: cases.map(({ x, imatrix, q, out, ...c }) => c),
      })),
    }));
    io.out(
      `${JSON.stringify({ ok: mismatches === 0, ggml: info, seed: a.seed, results: strip, golden: written }, null, 2)}\n`,
    );
    return mismatches === 0 ? 0 : 1;
  }
  const rows = results.map((r) => [
    r.type,
    ...ORACLE_PATHS.map((path) => {
      const p = r.paths.find((x) => x.path === path)!;
      return p.skipped ? 'skip' : `${p.mismatchedBlocks}/${p.blocks}`;
    }),
    r.paths.every((p) => p.mismatchedBlocks === 0) ? 'ok' : 'FAIL',
  ]);
  io.out('mismatching blocks / blocks compared\n');
  io.out(table(['type', ...ORACLE_PATHS, 'verdict'], rows));
  for (const r of results)
    for (const p of r.paths) if (p.skipped) io.out(`skip ${r.type} ${p.path}: ${p.skipped}\n`);
  for (const r of results) for (const p of r.paths) for (const c of p.cases) io.out(describe(c));
  if (written.length > 0)
    io.out(
      `wrote mismatching rows to ${written.join(', ')}; replay without ggml: qbench conform --golden ${a.out}\n`,
    );
  io.out(mismatches === 0 ? 'no mismatches\n' : `${mismatches} mismatching blocks\n`);
  return mismatches === 0 ? 0 : 1;
}
