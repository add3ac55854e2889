/**
 * The agreement table between `qbench scan` and ggml's own loader (gguf_init_from_file): qbench clean /
 * suspicious / malformed × ggml accepts / rejects / crashes. Two kinds of disagreement:
 * - **bugs**: ggml rejects or crashes on a file qbench lets through (clean or suspicious). The target is
 *   zero; each one is listed with ggml's reason.
 * - **stricter**: qbench calls malformed a file ggml accepts. Deliberate where the scanner's README says so
 *   (spec rules ggml does not enforce, data bounds ggml checks only when it loads the data); counted per
 *   finding code so the list reads as "which rule", with a few example files each.
 * Any ggml crash is listed too, whatever qbench said.
 */

import type { LoaderOutcome } from '@qbench/ggml-native';
import type { Finding, Verdict } from '@qbench/gguf-file';

export type Cell = `${Verdict}/${LoaderOutcome}`;

export interface Disagreement {
  readonly file: string;
  readonly qbench: Verdict;
  readonly ggml: LoaderOutcome;
  /** qbench's first error (or warning) codes and ggml's reason. */
  readonly qbenchCodes: readonly string[];
  readonly ggmlReason: string;
}

export interface AgreementSummary {
  readonly files: number;
  readonly cells: Readonly<Record<Cell, number>>;
  /** Files ggml rejects or crashes on that qbench passes (clean or suspicious): qbench bugs. */
  readonly bugs: number;
  readonly bugList: readonly Disagreement[];
  /** qbench malformed, ggml accepts: per deciding error code, the count and up to 3 example files. */
  readonly stricter: Readonly<Record<string, { count: number; examples: string[] }>>;
  readonly crashList: readonly Disagreement[];
}

/**
 * The error codes by which qbench calls malformed a file ggml's gguf_init_from_file (no_alloc, no
 * context) accepts, and why that is deliberate. The agreement test fails on any other code in that cell.
 * (Also in packages/gguf-file/README.md, "Stricter than ggml".)
 */
export const DELIBERATE_STRICTER: Readonly<Record<string, string>> = {
  'kv.utf8': 'the spec requires UTF-8 strings; ggml does not check encodings',
  'kv.bool': 'the spec allows only 0 and 1; ggml reads any non-zero byte as true',
  'tensor.name-empty': 'an empty tensor name cannot be looked up; ggml does not reject it',
  'tensor.elements-overflow':
    'ggml skips its element-count guard when the int64 product wraps to 0 (e.g. 2^32 × 2^32)',
  'tensor.param-count':
    'more parameters than the file could hold: a size lie ggml only meets when it reads data',
  'layout.out-of-bounds':
    'tensor data past the end of the file: without a context ggml does not read data, llama.cpp fails later',
  'layout.data-start': 'the data section starts past the end of the file (as out-of-bounds)',
  'tokenizer.token-id':
    'a special token id ≥ the vocabulary is an out-of-bounds read in loaders (GHSA-g4cc-763q-h9h6)',
};

const VERDICTS: readonly Verdict[] = ['clean', 'suspicious', 'malformed'];
const OUTCOMES: readonly LoaderOutcome[] = ['accepts', 'rejects', 'crashes'];
/** Lists keep this many entries; counts are always complete. */
const KEEP = 50;

export class AgreementTable {
  readonly cells = Object.fromEntries(
    VERDICTS.flatMap((v) => OUTCOMES.map((o) => [`${v}/${o}`, 0])),
  ) as Record<Cell, number>;
  files = 0;
  bugs = 0;
  readonly bugList: Disagreement[] = [];
  readonly crashList: Disagreement[] = [];
  readonly stricter: Record<string, { count: number; examples: string[] }> = {};

  add(
    file: string,
    verdict: Verdict,
    findings: readonly Finding[],
    ggml: LoaderOutcome,
    reason: string,
  ): void {
    this.files++;
    this.cells[`${verdict}/${ggml}`]++;
    const errors = findings.filter((f) => f.severity === 'error').map((f) => f.code);
    const warnings = findings.filter((f) => f.severity === 'warning').map((f) => f.code);
    const d: Disagreement = {
      file,
      qbench: verdict,
      ggml,
      qbenchCodes: [...new Set(errors.length > 0 ? errors : warnings)].slice(0, 4),
      ggmlReason: reason,
    };
    if (verdict !== 'malformed' && ggml !== 'accepts') {
      this.bugs++;
      if (this.bugList.length < KEEP) this.bugList.push(d);
    }
    if (ggml === 'crashes' && this.crashList.length < KEEP) this.crashList.push(d);
    if (verdict === 'malformed' && ggml === 'accepts') {
      // The first error is the one that decided the verdict (the parse stops at fatal ones).
      const code = errors[0] ?? 'unknown';
      const s = (this.stricter[code] ??= { count: 0, examples: [] });
      s.count++;
      if (s.examples.length < 3) s.examples.push(file);
    }
  }

  summary(): AgreementSummary {
    return {
      files: this.files,
      cells: { ...this.cells },
      bugs: this.bugs,
      bugList: [...this.bugList],
      stricter: structuredClone(this.stricter),
      crashList: [...this.crashList],
    };
  }

  /** The table as text rows, for notes and test failure messages. */
  render(): string {
    const rows = VERDICTS.map(
      (v) => `${v.padEnd(10)} ${OUTCOMES.map((o) => String(this.cells[`${v}/${o}`]).padStart(8)).join('')}`,
    );
    return [`${'qbench'.padEnd(10)} ${OUTCOMES.map((o) => o.padStart(8)).join('')}`, ...rows].join('\n');
  }
}
