/**
 * Writes oracle mismatches as golden folders in the interchange format (datasets/golden/README.md): one
 * folder per type, one case per mismatching row, with ggml's bytes (`q`), ggml's decode (`out`), the input
 * (`in`, `imatrix`) for encode paths, sha256 per file and the ggml that produced them. `qbench conform
 * --golden DIR` replays them without the native library. Cases already in a folder are kept.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NativeGgmlInfo } from '../index.ts';
import type { OracleCase } from './harness.ts';

export interface GoldenTypeInfo {
  readonly id: string;
  readonly ggmlTypeId: number;
  readonly blockElements: number;
  readonly blockBytes: number;
}

function bytesOf(a: Float32Array | Uint8Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

export function caseName(c: OracleCase): string {
  return `${c.path}_s${c.seed}_r${c.row}`;
}

export function provenance(info: NativeGgmlInfo): string {
  return (
    `ggml ${info.ggmlVersion} (commit ${info.ggmlCommit}) from ${info.package}@${info.packageVersion}` +
    ` (llama.cpp ${info.llamaCpp.release ?? 'release unknown'}), CPU variant ${info.cpuVariant};` +
    ' written by qbench conform --oracle ggml'
  );
}

/** Writes (or extends) `<dir>/<type>/`; returns the folder. */
export function writeOracleGolden(
  dir: string,
  t: GoldenTypeInfo,
  cases: readonly OracleCase[],
  info: NativeGgmlInfo,
): string {
  const folder = join(dir, t.id);
  mkdirSync(folder, { recursive: true });
  const manifestPath = join(folder, 'manifest.json');
  const old = existsSync(manifestPath)
    ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { cases?: Record<string, unknown>[] })
    : {};
  const entries: Record<string, unknown>[] = [...(old.cases ?? [])];
  const have = new Set(entries.map((e) => e['name']));
  for (const c of cases) {
    const name = caseName(c);
    if (have.has(name)) continue;
    have.add(name);
    const roles: [string, string, Uint8Array][] = [];
    if (c.x) roles.push(['in', `${name}.in.f32`, bytesOf(c.x)]);
    if (c.imatrix) roles.push(['imatrix', `${name}.imatrix.f32`, bytesOf(c.imatrix)]);
    roles.push(['q', `${name}.q`, c.q]);
    if (c.out) roles.push(['out', `${name}.out.f32`, bytesOf(c.out)]);
    for (const [, file, bytes] of roles) writeFileSync(join(folder, file), bytes);
    entries.push({
      name,
      nrows: 1,
      n_per_row: c.nPerRow,
      imatrix: c.imatrix !== undefined,
      oracle_path: c.path,
      ggml_call: c.ggmlCall,
      seed: c.seed,
      row: c.row,
      ...(c.recipe
        ? {
            distribution: `blocks: ${c.recipe.blocks.join(',')}${c.imatrix ? `; imatrix: ${c.recipe.imatrix}` : ''}`,
          }
        : {}),
      first_mismatch: {
        block: c.diff.block,
        offset: c.diff.offset,
        ggml: c.diff.expected,
        qbench: c.diff.got,
        mismatched_blocks: c.mismatchedBlocks,
      },
      files: Object.fromEntries(roles.map(([role, file]) => [role, file])),
      sha256: Object.fromEntries(roles.map(([role, , bytes]) => [role, sha256(bytes)])),
    });
  }
  const manifest = {
    type: t.id,
    ggml_type_id: t.ggmlTypeId,
    block_size: t.blockElements,
    type_size: t.blockBytes,
    source: provenance(info),
    ggml: {
      version: info.ggmlVersion,
      commit: info.ggmlCommit,
      package: `${info.package}@${info.packageVersion}`,
      llama_cpp: info.llamaCpp,
      cpu_variant: info.cpuVariant,
    },
    cases: entries,
  };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return folder;
}
