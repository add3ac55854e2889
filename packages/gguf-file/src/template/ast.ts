/**
 * Why @huggingface/jinja (pinned, a direct dependency): it is the Jinja implementation transformers.js
 * renders chat templates with, maintained in huggingface.js and written for exactly this job (chat
 * templates); it is pure JS (runs in the browser and in Node, no native code) and a tree-walking
 * interpreter over its own value types — no eval, no `Function`, no access to JS prototypes or the host —
 * so it can be both parsed for the static screen and run for the behavioural one. Its gaps (no ordering
 * on strings, no `{% import %}`/`{% include %}`) surface as `template.unparsable`/`template.unrenderable`.
 *
 * A typed view of @huggingface/jinja's AST. The package exports `parse` and `tokenize` but not its node
 * classes, so nodes are read structurally by their `type` tag; every accessor here checks the shape it reads,
 * so a future change in the package's AST degrades to "construct not recognised", never to a crash.
 */
import { parse, tokenize } from '@huggingface/jinja';

export interface JinjaNode {
  readonly type: string;
  readonly [field: string]: unknown;
}

export function isNode(v: unknown): v is JinjaNode {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

/** Parse `template` as transformers.js does (lstrip_blocks and trim_blocks on). Throws on a syntax error. */
export function parseTemplate(template: string): JinjaNode {
  return parse(tokenize(template, { lstrip_blocks: true, trim_blocks: true })) as unknown as JinjaNode;
}

// Fields holding tokens (BinaryExpression.operator) are not children.
const NOT_CHILDREN = new Set(['type', 'operator']);

/** The child nodes of `node`, in source order as far as the AST keeps it. */
export function children(node: JinjaNode): JinjaNode[] {
  const out: JinjaNode[] = [];
  for (const k in node) {
    if (NOT_CHILDREN.has(k)) continue;
    const v = node[k];
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      for (const x of v) if (isNode(x)) out.push(x);
    } else if (v instanceof Map) {
      for (const [key, x] of v) {
        if (isNode(key)) out.push(key);
        if (isNode(x)) out.push(x);
      }
    } else if (isNode(v)) out.push(v);
  }
  return out;
}

/**
 * Depth-first walk, each node with its parent and grandparent. Iterative and linear in the node count: a
 * hostile template may nest thousands deep. `limit` bounds the nodes visited (whole-template walks pass
 * none; per-expression walks pass a small one so that nested expressions cannot make a screen quadratic).
 */
export function walk(
  root: JinjaNode,
  visit: (node: JinjaNode, parent: JinjaNode | undefined, grand: JinjaNode | undefined) => void,
  limit = Number.POSITIVE_INFINITY,
): void {
  const stack: [JinjaNode, JinjaNode | undefined, JinjaNode | undefined][] = [[root, undefined, undefined]];
  let visited = 0;
  while (stack.length > 0 && visited++ < limit) {
    const [node, parent, grand] = stack.pop()!;
    visit(node, parent, grand);
    const kids = children(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i]!, node, parent]);
  }
}

export function field(node: JinjaNode, name: string): JinjaNode | undefined {
  const v = node[name];
  return isNode(v) ? v : undefined;
}

export function nodes(node: JinjaNode, name: string): JinjaNode[] {
  const v = node[name];
  return Array.isArray(v) ? v.filter(isNode) : [];
}

export function stringValue(node: JinjaNode | undefined): string | undefined {
  return node?.type === 'StringLiteral' && typeof node.value === 'string' ? node.value : undefined;
}

export function identifierName(node: JinjaNode | undefined): string | undefined {
  return node?.type === 'Identifier' && typeof node.value === 'string' ? node.value : undefined;
}

export function operatorOf(node: JinjaNode): string | undefined {
  const op = node.operator as { value?: unknown } | undefined;
  return typeof op?.value === 'string' ? op.value : undefined;
}

/** The filter's name and arguments of a FilterExpression (`x|f` or `x|f(a)`). */
export function filterCall(node: JinjaNode): { name: string; args: JinjaNode[] } | undefined {
  const f = field(node, 'filter');
  if (!f) return undefined;
  const plain = identifierName(f);
  if (plain !== undefined) return { name: plain, args: [] };
  const callee = identifierName(field(f, 'callee'));
  return callee === undefined ? undefined : { name: callee, args: nodes(f, 'args') };
}

/** Bodies that hold statements: a StringLiteral placed directly in one is template text (or `{{ 'lit' }}`). */
export const BODY_FIELDS = ['body', 'alternate', 'defaultBlock'] as const;

/**
 * Approximate source text of an expression, for messages (`''.__class__.__mro__[1]`). Unknown shapes print
 * as `…`; depth-limited so a pathological chain cannot make the message huge.
 */
export function sourceOf(node: JinjaNode | undefined, depth = 0): string {
  if (!node) return '';
  if (depth > 12) return '…';
  const d = depth + 1;
  switch (node.type) {
    case 'Identifier':
      return String(node.value);
    case 'StringLiteral':
      return JSON.stringify(node.value).replace(/^"|"$/g, "'");
    case 'IntegerLiteral':
    case 'FloatLiteral':
      return String(node.value);
    case 'MemberExpression': {
      const obj = sourceOf(field(node, 'object'), d);
      const prop = field(node, 'property');
      return node.computed ? `${obj}[${sourceOf(prop, d)}]` : `${obj}.${sourceOf(prop, d)}`;
    }
    case 'CallExpression':
      return `${sourceOf(field(node, 'callee'), d)}(${nodes(node, 'args')
        .map((a) => sourceOf(a, d))
        .join(', ')})`;
    case 'FilterExpression': {
      const f = filterCall(node);
      const args = f && f.args.length > 0 ? `(${f.args.map((a) => sourceOf(a, d)).join(', ')})` : '';
      return `${sourceOf(field(node, 'operand'), d)}|${f?.name ?? '…'}${args}`;
    }
    case 'BinaryExpression':
      return `${sourceOf(field(node, 'left'), d)} ${operatorOf(node) ?? '?'} ${sourceOf(field(node, 'right'), d)}`;
    case 'KeywordArgumentExpression':
      return `${sourceOf(field(node, 'key'), d)}=${sourceOf(field(node, 'value'), d)}`;
    default:
      return '…';
  }
}
