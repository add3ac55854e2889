/**
 * Text and JSON views of a reference scan, for `qbench scan --reference`: one line per flagged tensor ×
 * detector with the score, the threshold and the evidence, then what could not be checked.
 */
import type { ReferenceScanReport } from './scan-reference.ts';

export function referenceScanText(r: ReferenceScanReport): string {
  const lines: string[] = [];
  lines.push(
    `reference check: ${r.checked} tensors checked, ${r.flagged.length} findings, ${r.skipped.length} skipped — ${r.exitCode === 1 ? 'SUSPICIOUS' : 'no quantization-conditioned tampering found'}`,
  );
  for (const v of r.flagged) {
    lines.push(
      `  FLAG ${v.tensor} [${v.format}] ${v.detector}: score ${v.score.toPrecision(4)} > threshold ${v.threshold} — ${v.evidence}`,
    );
  }
  for (const s of r.skipped) lines.push(`  skip ${s.tensor}: ${s.reason}`);
  return `${lines.join('\n')}\n`;
}

export function referenceScanJson(r: ReferenceScanReport): unknown {
  return {
    checked: r.checked,
    exitCode: r.exitCode,
    flagged: r.flagged,
    skipped: r.skipped,
    verdicts: r.verdicts,
  };
}
