/**
 * Code-execution pivots in a chat template, found on @huggingface/jinja's AST. GGUF templates are rendered
 * by some loaders in a full, unsandboxed Python Jinja2 (CVE-2024-34359, llama-cpp-python), where an
 * attribute walk such as `''.__class__.__mro__[1].__subclasses__()` or `cycler.__init__.__globals__.os`
 * reaches the interpreter. Real chat templates need loops, conditionals, `set`, `namespace()`, filters and
 * string/list methods, never dunder or private attributes, the Jinja2 globals whose `__init__.__globals__`
 * leads to `os`, `|attr` or attribute names built from strings. Each pivot is reported with the construct
 * and its source position (the first occurrence of its text; the AST keeps no positions).
 *
 * A template the parser rejects cannot be vetted on the AST: that is itself reported, and the lexical screen
 * (lexical.ts) still names what it can see in it.
 */
import {
  field,
  filterCall,
  identifierName,
  type JinjaNode,
  nodes,
  operatorOf,
  parseTemplate,
  sourceOf,
  stringValue,
  walk,
} from './ast.ts';
import { DANGEROUS_NAMES, lexicalScreen, type TemplateIssue } from './lexical.ts';

export type { TemplateIssue } from './lexical.ts';

/** Jinja2 globals whose `__init__.__globals__` is a module namespace (the classic sandbox escapes). */
const GLOBALS_WITH_INIT = new Set(['cycler', 'joiner', 'namespace', 'lipsum', 'range', 'dict']);
/** Filters that take an attribute name: an attribute walk in disguise when the name is private. */
const ATTRIBUTE_FILTERS = new Set(['map', 'selectattr', 'rejectattr', 'sort', 'groupby', 'sum', 'unique']);

export interface TemplateSyntax {
  /** The AST, when the parser accepts the template. */
  ast?: JinjaNode;
  /** The parser's message when it rejects the template. */
  parseError?: string;
  /** Code-execution pivots (from the AST, or the lexical screen when the parser rejects the template). */
  pivots: TemplateIssue[];
}

/**
 * The string an expression always evaluates to, when it is built from literals only (`'__cla' + 'ss__'`,
 * `'_' * 2`, `['__', 'class'] | join`, `'x'.replace(...)`): attribute names spelled this way are pivots too.
 */
export function foldString(node: JinjaNode | undefined, depth = 0): string | undefined {
  if (!node || depth > 32) return undefined;
  const d = depth + 1;
  const lit = stringValue(node);
  if (lit !== undefined) return lit;
  if (node.type === 'BinaryExpression') {
    const op = operatorOf(node);
    const l = field(node, 'left');
    const r = field(node, 'right');
    if (op === '+' || op === '~') {
      const a = foldString(l, d);
      const b = foldString(r, d);
      return a !== undefined && b !== undefined ? a + b : undefined;
    }
    if (op === '*') {
      const left = foldString(l, d);
      const [s, n] = left !== undefined ? [left, r] : [foldString(r, d), l];
      const count = n?.type === 'IntegerLiteral' ? Number(n.value) : Number.NaN;
      return s !== undefined && count >= 0 && count <= 64 ? s.repeat(count) : undefined;
    }
    return undefined;
  }
  if (node.type === 'FilterExpression') {
    const f = filterCall(node);
    const operand = field(node, 'operand');
    if (f?.name === 'join' && operand?.type === 'ArrayLiteral') {
      const parts = nodes(operand, 'value').map((x) => foldString(x, d));
      const sep = f.args[0] ? foldString(f.args[0], d) : '';
      return parts.every((p) => p !== undefined) && sep !== undefined ? parts.join(sep) : undefined;
    }
    const s = foldString(operand, d);
    if (s === undefined) return undefined;
    if (f?.name === 'lower') return s.toLowerCase();
    if (f?.name === 'upper') return s.toUpperCase();
    if (f?.name === 'reverse') return [...s].reverse().join('');
    if (f?.name === 'replace' && f.args.length >= 2) {
      const a = foldString(f.args[0], d);
      const b = foldString(f.args[1], d);
      return a !== undefined && b !== undefined ? s.split(a).join(b) : undefined;
    }
    return undefined;
  }
  if (node.type === 'CallExpression') {
    // 'sep'.join([...]) and 'x'.replace(a, b)
    const callee = field(node, 'callee');
    if (callee?.type !== 'MemberExpression' || callee.computed) return undefined;
    const method = identifierName(field(callee, 'property'));
    const self = foldString(field(callee, 'object'), d);
    const args = nodes(node, 'args');
    if (self === undefined) return undefined;
    if (method === 'join' && args[0]?.type === 'ArrayLiteral') {
      const parts = nodes(args[0], 'value').map((x) => foldString(x, d));
      return parts.every((p) => p !== undefined) ? parts.join(self) : undefined;
    }
    if (method === 'replace' && args.length >= 2) {
      const a = foldString(args[0], d);
      const b = foldString(args[1], d);
      return a !== undefined && b !== undefined ? self.split(a).join(b) : undefined;
    }
    if (method === 'lower') return self.toLowerCase();
    if (method === 'upper') return self.toUpperCase();
  }
  return undefined;
}

/** Why an attribute name is a pivot, or undefined when it is an ordinary one. */
function attributeRisk(name: string): string | undefined {
  if (name.startsWith('__')) return 'dunder attribute';
  if (name.startsWith('_')) return 'private attribute';
  if (DANGEROUS_NAMES.has(name.toLowerCase())) return 'attribute naming an interpreter object';
  return undefined;
}

/** True when `node` builds a string at run time (so an attribute name made from it is not visible). */
function buildsString(node: JinjaNode): boolean {
  if (node.type === 'BinaryExpression') {
    const op = operatorOf(node);
    return op === '~' || ((op === '+' || op === '*') && hasStringLiteral(node));
  }
  if (node.type === 'FilterExpression') return true;
  if (node.type === 'CallExpression') return field(node, 'callee')?.type === 'MemberExpression';
  return false;
}

function hasStringLiteral(node: JinjaNode): boolean {
  let found = false;
  walk(
    node,
    (n) => {
      if (n.type === 'StringLiteral') found = true;
    },
    EXPRESSION_WALK_LIMIT,
  );
  return found;
}

/** Nodes looked at inside one expression (an attribute name, a condition side); real ones have a few dozen. */
export const EXPRESSION_WALK_LIMIT = 2000;

/** Identifiers that are names of something else (attribute, filter, test, keyword), not variables. */
function isVariableReference(node: JinjaNode, parent: JinjaNode | undefined, grand: JinjaNode | undefined) {
  if (!parent) return true;
  if (parent.type === 'MemberExpression') return !(parent.property === node && !parent.computed);
  if (parent.type === 'FilterExpression' || parent.type === 'FilterStatement') return parent.filter !== node;
  if (parent.type === 'CallExpression' && parent.callee === node)
    return !(grand?.type === 'FilterExpression' || grand?.type === 'FilterStatement');
  if (parent.type === 'TestExpression') return parent.test !== node;
  if (parent.type === 'KeywordArgumentExpression') return parent.key !== node;
  if (parent.type === 'Macro') return parent.name !== node;
  return true;
}

export function screenAst(template: string, ast: JinjaNode): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const seen = new Set<string>();
  const add = (needle: string, construct: string) => {
    if (seen.has(construct) || issues.length >= 20) return;
    seen.add(construct);
    const at = template.indexOf(needle);
    issues.push({ index: Math.max(0, at), construct });
  };
  walk(ast, (node, parent, grand) => {
    switch (node.type) {
      case 'MemberExpression': {
        const prop = field(node, 'property');
        const name = node.computed ? foldString(prop) : identifierName(prop);
        const chain = sourceOf(node);
        if (name !== undefined) {
          const risk = attributeRisk(name);
          const root = identifierName(field(node, 'object'));
          if (risk && root && GLOBALS_WITH_INIT.has(root) && name.startsWith('__'))
            add(name, `'${root}.${name}': Jinja2 global's ${name} (function-globals pivot)`);
          else if (risk)
            add(name, `${risk} '${name}' in '${chain}'${node.computed ? ' (subscript spelling)' : ''}`);
        } else if (node.computed && prop && buildsString(prop)) {
          add(sourceOf(prop).slice(0, 8), `attribute name built from strings at run time in '${chain}'`);
        }
        break;
      }
      case 'Identifier': {
        const name = identifierName(node)!;
        if (!isVariableReference(node, parent, grand)) break;
        if (name.startsWith('__')) add(name, `dunder name '${name}'`);
        else if (DANGEROUS_NAMES.has(name.toLowerCase()) && name !== 'attr')
          add(name, `name '${name}' (a Jinja2/Python global used for sandbox escapes)`);
        break;
      }
      case 'FilterExpression': {
        const f = filterCall(node);
        if (f?.name === 'attr') {
          const arg = f.args[0];
          const folded = foldString(arg);
          add(
            'attr',
            folded !== undefined
              ? `'|attr(${JSON.stringify(folded)})' filter pivot in '${sourceOf(node)}'`
              : `'|attr(…)' filter with a computed name in '${sourceOf(node)}'`,
          );
        } else if (f && ATTRIBUTE_FILTERS.has(f.name)) {
          for (const a of f.args) {
            const v = foldString(a.type === 'KeywordArgumentExpression' ? field(a, 'value') : a);
            if (v?.split('.').some((part) => attributeRisk(part))) add(v, `'|${f.name}' on attribute '${v}'`);
          }
        }
        break;
      }
      case 'Set': {
        const target = identifierName(field(node, 'assignee'));
        if (target?.startsWith('_')) add(target, `'{% set %}' of a private name '${target}'`);
        break;
      }
      case 'StringLiteral': {
        // Literals in code (not template text) that spell an underscore pair name an attribute somewhere.
        const v = stringValue(node)!;
        const inBody =
          parent !== undefined &&
          ['body', 'alternate', 'defaultBlock'].some(
            (k) => Array.isArray(parent[k]) && (parent[k] as unknown[]).includes(node),
          );
        // A literal subscript is reported as the attribute it names (MemberExpression above).
        const subscript = parent?.type === 'MemberExpression' && parent.computed && parent.property === node;
        if (!inBody && !subscript && v.includes('__'))
          add(v, `string literal '${v.slice(0, 40)}' spelling an underscore pair`);
        break;
      }
    }
  });
  return issues.sort((a, b) => a.index - b.index);
}

/** Parse and screen a template: the AST when the parser takes it, else the parse error and lexical issues. */
export function analyseSyntax(template: string): TemplateSyntax {
  let ast: JinjaNode;
  try {
    ast = parseTemplate(template);
  } catch (e) {
    return { parseError: (e as Error).message, pivots: lexicalScreen(template) };
  }
  // Escapes the lexer decodes (\x5f) are seen on the AST; octal or named escapes it rejects end up above.
  return { ast, pivots: screenAst(template, ast) };
}

/** Constructs in `template` outside the safe subset; empty for an ordinary chat template. */
export function screenChatTemplate(template: string): TemplateIssue[] {
  const s = analyseSyntax(template);
  if (s.parseError === undefined) return s.pivots;
  return [{ index: 0, construct: `template the Jinja parser rejects (${s.parseError})` }, ...s.pivots];
}
