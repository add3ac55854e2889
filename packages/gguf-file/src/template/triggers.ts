/**
 * Static trigger screen: conditions that compare message content, the date or a tool name with a constant.
 * The behavioural check finds such branches by rendering, but only when the interpreter can evaluate them
 * (@huggingface/jinja has no ordering on strings, so `strftime_now('%Y-%m-%d') >= '2026-03-01'` fails to
 * render rather than firing) and when a probe input happens to hit the constant. On the AST the comparison
 * itself is visible. Formatting compares roles, types and markup (`'</think>' in content`), never content
 * against a word, so markup, role names and the empty string do not count.
 */
import {
  field,
  identifierName,
  type JinjaNode,
  nodes,
  operatorOf,
  sourceOf,
  stringValue,
  walk,
} from './ast.ts';
import { EXPRESSION_WALK_LIMIT, foldString } from './pivots.ts';
import { ROLE_NAMES } from './vocabulary.ts';

export interface TriggerIssue {
  /** What the condition reads: 'message content', 'the date' or 'tool names'. */
  source: string;
  construct: string;
}

const COMPARISONS = new Set(['==', '!=', '<', '>', '<=', '>=', 'in', 'not in']);
const STRING_TESTS = new Set(['startswith', 'endswith', 'find', 'count', 'index', 'rfind']);
/** What input an expression reads, if any (taint through `set` is tracked by `tainted`). */
function sourceRead(node: JinjaNode, tainted: ReadonlyMap<string, string>): string | undefined {
  let found: string | undefined;
  walk(
    node,
    (n) => {
      if (found) return;
      if (n.type === 'CallExpression' && identifierName(field(n, 'callee')) === 'strftime_now')
        found = 'the date';
      else if (n.type === 'Identifier') {
        const name = identifierName(n)!;
        if (name === 'date_string') found = 'the date';
        else if (tainted.has(name)) found = tainted.get(name);
      } else if (n.type === 'MemberExpression') {
        const prop = field(n, 'property');
        const name = n.computed ? stringValue(prop) : identifierName(prop);
        if (name === 'content') found = 'message content';
        else if (name === 'name' && /function|tool/.test(sourceOf(field(n, 'object')))) found = 'tool names';
      }
    },
    EXPRESSION_WALK_LIMIT,
  );
  return found;
}

function triggerConstant(node: JinjaNode | undefined, source: string): string | undefined {
  if (!node) return undefined;
  if (source === 'the date' && (node.type === 'IntegerLiteral' || node.type === 'FloatLiteral'))
    return String(node.value);
  const s = foldString(node);
  if (s === undefined || s.trim() === '') return undefined;
  if (/^\s*[<[].*[>\]]\s*$/s.test(s) || ROLE_NAMES.has(s.trim().toLowerCase())) return undefined;
  return s;
}

function comparisonsIn(cond: JinjaNode, tainted: ReadonlyMap<string, string>, out: TriggerIssue[]): void {
  walk(cond, (n) => {
    if (n.type === 'BinaryExpression' && COMPARISONS.has(operatorOf(n) ?? '')) {
      const l = field(n, 'left')!;
      const r = field(n, 'right')!;
      for (const [side, other] of [
        [l, r],
        [r, l],
      ] as const) {
        const source = sourceRead(side, tainted);
        const constant = source && triggerConstant(other, source);
        if (source && constant !== undefined) {
          out.push({
            source,
            construct: `condition '${sourceOf(n)}' compares ${source} with constant '${constant}'`,
          });
          return;
        }
      }
    } else if (n.type === 'CallExpression') {
      const callee = field(n, 'callee');
      const method =
        callee?.type === 'MemberExpression' ? identifierName(field(callee, 'property')) : undefined;
      if (!method || !STRING_TESTS.has(method)) return;
      const source = sourceRead(field(callee!, 'object')!, tainted);
      const constant = source && triggerConstant(nodes(n, 'args')[0], source);
      if (source && constant !== undefined)
        out.push({
          source,
          construct: `condition '${sourceOf(n)}' tests ${source} for constant '${constant}'`,
        });
    }
  });
}

export function screenTriggers(ast: JinjaNode): TriggerIssue[] {
  // Taint: variables set from an input (two passes reach `set a = content` then `set b = a`).
  const tainted = new Map<string, string>();
  for (let pass = 0; pass < 2; pass++)
    walk(ast, (n) => {
      if (n.type !== 'Set') return;
      const target = identifierName(field(n, 'assignee'));
      const value = field(n, 'value');
      const source = value && sourceRead(value, tainted);
      if (target && source) tainted.set(target, source);
    });
  const out: TriggerIssue[] = [];
  walk(ast, (n) => {
    const cond =
      n.type === 'If'
        ? field(n, 'test')
        : n.type === 'Ternary'
          ? field(n, 'condition')
          : n.type === 'SelectExpression'
            ? field(n, 'test')
            : undefined;
    if (cond) comparisonsIn(cond, tainted, out);
  });
  const seen = new Set<string>();
  return out.filter((i) => !seen.has(i.construct) && seen.add(i.construct));
}
