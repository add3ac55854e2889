/**
 * What `qbench scan FILE.gguf --reference fp.safetensors` runs: every quantized tensor of the GGUF that has
 * a reference codec and a same-named, same-sized tensor in the reference is checked by the reference
 * detectors (re-derivation, residual spike, noise sensitivity) against fixed thresholds, and by the
 * reference-free ones. The caller opens both files; this module only needs a reader per side, so it stays
 * free of node:fs and of the safetensors package.
 *
 * Names are matched exactly (a GGUF converted from Hugging Face names its tensors differently, e.g.
 * blk.0.attn_q.weight vs model.layers.0.self_attn.q_proj.weight; such tensors are listed as unmatched).
 */
import { loadFormat } from '@qbench/core';
import type { GgufFile } from '@qbench/gguf-file';
import { referenceScores } from './reference.ts';
import { conformance, outlierCollapse } from './standalone.ts';
import { SCAN_THRESHOLDS } from './thresholds.ts';
import { type TensorScore, type Verdict, verdict } from './types.ts';

export interface ReferenceReader {
  /** Float32 data of a tensor of the reference, or undefined when it has none of that name. */
  read(name: string): Promise<Float32Array | undefined>;
}

export interface ReferenceScanReport {
  checked: number;
  skipped: { tensor: string; reason: string }[];
  verdicts: Verdict[];
  flagged: Verdict[];
  /** 0 nothing flagged, 1 at least one tensor flagged (suspicious), matching `qbench scan`'s codes. */
  exitCode: 0 | 1;
}

export async function scanWithReference(
  gguf: GgufFile,
  reference: ReferenceReader,
  thresholds: Readonly<Record<string, number>> = SCAN_THRESHOLDS,
): Promise<ReferenceScanReport> {
  const skipped: ReferenceScanReport['skipped'] = [];
  const verdicts: Verdict[] = [];
  let checked = 0;
  for (const t of gguf.tensors) {
    const type = t.type;
    if (!type?.spec) {
      if (type && type.name !== 'f32' && type.name !== 'f16' && type.name !== 'bf16') {
        skipped.push({ tensor: t.name, reason: `type ${type.name} has no reference codec in qbench` });
      }
      continue;
    }
    const nPerRow = Number(t.dims[0] ?? 0n);
    const n = Number(t.dims.reduce((a, b) => a * b, 1n));
    const w = await reference.read(t.name);
    if (!w) {
      skipped.push({ tensor: t.name, reason: 'no tensor of this name in the reference' });
      continue;
    }
    if (w.length !== n) {
      skipped.push({ tensor: t.name, reason: `reference has ${w.length} elements, the GGUF tensor ${n}` });
      continue;
    }
    const format = await loadFormat(type.spec.id);
    const bytes = await gguf.tensorData(t);
    const scores: TensorScore[] = referenceScores({ tensor: t.name, format, reference: w, bytes, nPerRow });
    const c = conformance(t.name, format, bytes);
    if (c) scores.push(c);
    scores.push(outlierCollapse(t.name, format, bytes, n));
    for (const s of scores) {
      const th = thresholds[s.detector];
      if (th !== undefined) verdicts.push(verdict(s, th));
    }
    checked++;
  }
  const flagged = verdicts.filter((v) => v.flagged);
  return { checked, skipped, verdicts, flagged, exitCode: flagged.length > 0 ? 1 : 0 };
}
