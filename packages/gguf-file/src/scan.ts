/**
 * The hardened scanner: structure (parse.ts), layout (layout.ts), meaning (semantics.ts) and content
 * (content.ts), reported as findings with a verdict. It never throws on file content: whatever the bytes,
 * the result is a report (an exception escaping scanGguf is a bug, which the fuzzer counts as a crash).
 */
import { type ContentOptions, checkContent } from './content.ts';
import { exitCodeOf, type Finding, type Verdict, verdictOf } from './findings.ts';
import { checkLayout } from './layout.ts';
import { type ParsedGguf, type ParseOptions, parseGguf } from './parse.ts';
import { checkSemantics, TEMPLATE_KEY } from './semantics.ts';
import type { ByteSource } from './source.ts';
import type { TemplateCheckIssue } from './template/static.ts';

export interface ScanOptions extends ParseOptions {
  /** Content checks over tensor data: true (default), false, or limits. */
  content?: boolean | ContentOptions;
  /**
   * The rendering (behavioural) chat-template check, run on every tokenizer.chat_template* string. It needs
   * a worker thread, so the Node entry supplies it (`renderedTemplateIssues`); the browser-safe scan runs
   * only the static template checks.
   */
  renderTemplate?: (template: string) => Promise<TemplateCheckIssue[]>;
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
  if (options.renderTemplate && parsed.complete) {
    for (const kv of parsed.kv.values()) {
      if (!TEMPLATE_KEY.test(kv.key) || kv.value.type !== 'str') continue;
      for (const issue of await options.renderTemplate(kv.value.value))
        sink.add(issue.code, kv.offset, `${kv.key}: ${issue.message}`, { key: kv.key });
    }
  }
  if (options.content !== false)
    await checkContent(parsed, src, sink, typeof options.content === 'object' ? options.content : {});
  const findings = [...sink.findings].sort((a, b) => a.offset - b.offset);
  const verdict = verdictOf(findings);
  return { verdict, exitCode: exitCodeOf(verdict), findings, parsed };
}
