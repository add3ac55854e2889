/**
 * The chat-template checks that need no rendering (browser-safe, synchronous, run by every scan): the AST
 * screen for code-execution pivots (or the parser's rejection plus the lexical screen), payloads in the
 * constant text, and conditions that compare inputs with constants.
 */
import type { FindingCode } from '../findings.ts';
import { constantTexts, screenPayloads } from './payload.ts';
import { analyseSyntax, type TemplateSyntax } from './pivots.ts';
import { screenTriggers } from './triggers.ts';

export interface TemplateCheckIssue {
  code: FindingCode;
  message: string;
}

function located(what: string, issues: { index: number; construct: string }[]): string {
  const shown = issues.slice(0, 8).map((i) => `${i.construct} at char ${i.index}`);
  if (issues.length > 8) shown.push(`and ${issues.length - 8} more`);
  return what + shown.join('; ');
}

export function staticTemplateIssues(
  template: string,
  syntax: TemplateSyntax = analyseSyntax(template),
): TemplateCheckIssue[] {
  const out: TemplateCheckIssue[] = [];
  if (syntax.parseError !== undefined)
    out.push({
      code: 'template.unparsable',
      message: `the Jinja parser rejects the template (${syntax.parseError}); it cannot be vetted on the AST or by rendering`,
    });
  if (syntax.pivots.length > 0)
    out.push({ code: 'template.unsafe', message: located('code-execution pivots: ', syntax.pivots) });
  const payloads = screenPayloads(template, syntax.ast ? constantTexts(syntax.ast) : [template]);
  if (payloads.length > 0)
    out.push({ code: 'template.payload', message: located('payload in constant text: ', payloads) });
  if (syntax.ast) {
    const triggers = screenTriggers(syntax.ast);
    if (triggers.length > 0)
      out.push({
        code: 'template.content-dependent',
        message: `branch on ${[...new Set(triggers.map((t) => t.source))].join(', ')}: ${triggers
          .slice(0, 4)
          .map((t) => t.construct)
          .join('; ')}`,
      });
  }
  return out;
}
