/**
 * Dynamic ids for any blocksize bitsandbytes supports: `nf4_bs<k>`, `fp4_bs<k>`, `nf4_dq_bs<k>`,
 * `fp4_dq_bs<k>`. The spec is the matching file spec (nf4, fp4, nf4_dq, fp4_dq) with the blocksize
 * and the layout numbers that follow from it; bits/weight is derived from that layout as codegen does.
 */
import { deriveNumbers, type ResolvedSpec } from '@qbench/core';
import { SPECS } from './generated/specs.ts';
import { checkBlocksize } from './params.ts';

const DYNAMIC_ID = /^(nf4|fp4)(_dq)?_bs(\d+)$/;

/** A copy of `base` with another blocksize (codes blocksize/2 bytes; nested groups stay 256 blocks). */
export function withBlocksize(base: ResolvedSpec, id: string, blocksize: number): ResolvedSpec {
  checkBlocksize(id, blocksize);
  const spec = structuredClone(base) as ResolvedSpec;
  const doubleQuant = spec.params?.['doubleQuant'] === true;
  const nestedBlocksize = Number(spec.params?.['nestedBlocksize'] ?? 256);
  spec.id = id;
  spec.summary = `${base.summary.replace(/ in blocks of 64| blocks of 64/, '')} Blocksize ${blocksize} (dynamic id).`;
  spec.params = { ...spec.params, blocksize };
  spec.layout.blockElements = blocksize;
  spec.layout.blockBytes = (doubleQuant ? 1 : 4) + blocksize / 2;
  spec.layout.fields = spec.layout.fields.map((f) => (f.name === 'qs' ? { ...f, count: blocksize } : f));
  if (spec.layout.sideInfo) {
    spec.layout.sideInfo = spec.layout.sideInfo.map((s) =>
      s.name === 'absmax2' ? { ...s, per: nestedBlocksize * blocksize } : s,
    );
  }
  // The round-trip bound was measured at the base blocksize; larger blocks lose accuracy, so a dynamic
  // id carries no bound rather than a wrong one.
  delete spec.tolerance.roundTrip;
  delete spec.tables;
  delete spec.golden;
  spec.derived = deriveNumbers(spec.layout);
  return spec;
}

export function parseDynamicId(id: string): ResolvedSpec | undefined {
  const m = DYNAMIC_ID.exec(id);
  if (!m) return undefined;
  const base = (SPECS as Readonly<Record<string, ResolvedSpec>>)[`${m[1]}${m[2] ?? ''}`];
  if (!base) return undefined;
  return withBlocksize(base, id, Number(m[3]));
}
