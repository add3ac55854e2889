/**
 * The hardened scanner: structure (parse.ts), layout (layout.ts), meaning (semantics.ts) and content
 * (content.ts), reported as findings with a verdict. It never throws on file content: whatever the bytes,
 * the result is a report (an exception escaping scanGguf is a bug, which the fuzzer counts as a crash).
 */
import { type ContentOptions, checkContent } from './content.ts';
import { exitCodeOf, type Finding, type Verdict, verdictOf } from './findings.ts';
import { checkLayout } from './layout.ts';
import { type ParsedGguf, type ParseOptions, parseGguf } from './parse.ts';
import { checkSemantics } from './semantics.ts';
import type { ByteSource } from './source.ts';

export interface ScanOptions extends ParseOptions {
  /** Content checks over tensor data: true (default), false, or limits. */
  content?: boolean | ContentOptions;
}

export interface ScanReport {
  verdict: Verdict;
  exitCode: 0 | 1 | 2;
  findings: Finding[];
  /** The parsed structure, as far as it could be read. */
  parsed: ParsedGguf;
}

export async function scanGguf(src: ByteSource, options: ScanOptions = {}): Promise<ScanReport> {
  const parsed = await parseGguf(src, options);
  const sink = parsed.findings;
  await checkLayout(parsed, src, sink);
  checkSemantics(parsed, sink);
  if (options.content !== false)
    await checkContent(parsed, src, sink, typeof options.content === 'object' ? options.content : {});
  const findings = [...sink.findings].sort((a, b) => a.offset - b.offset);
  const verdict = verdictOf(findings);
  return { verdict, exitCode: exitCodeOf(verdict), findings, parsed };
}
