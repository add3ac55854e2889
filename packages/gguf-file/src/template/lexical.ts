/**
 * The lexical chat-template screen, kept as the fallback for templates the Jinja parser rejects (Python's
 * Jinja2, which llama-cpp-python runs, accepts constructs @huggingface/jinja does not, so such a template may
 * still execute somewhere) and for escapes the parser cannot see. pivots.ts is the primary screen.
 * GGUF carries Jinja2 templates (tokenizer.chat_template[.name]) that some
 * loaders render in a full, unsandboxed Jinja2 (CVE-2024-34359, llama-cpp-python): attribute walks such
 * as `''.__class__.__mro__[1].__subclasses__()` reach os/subprocess. Real chat templates need only a
 * small subset — loops, conditionals, `set`, `namespace()`, filters, string/list methods — so anything
 * outside it is reported: dunder or private attribute access (also spelled through `attr`, `[...]` or
 * `\x5f` escapes), import/include/extends, and globals that only matter to an attacker.
 * This is a lexical screen, not a Jinja parser: it may flag an odd but harmless template, never the reverse
 * for the constructs listed.
 */

export interface TemplateIssue {
  /** Character index in the template where the construct starts. */
  index: number;
  construct: string;
}

/** Identifiers that have no use in a chat template but are the usual SSTI pivots. */
export const DANGEROUS_NAMES = new Set([
  'os',
  'subprocess',
  'popen',
  'eval',
  'exec',
  'getattr',
  'setattr',
  'delattr',
  'globals',
  'builtins',
  'config',
  'request',
  'self',
  'lipsum',
  'url_for',
  'get_flashed_messages',
  'cycler',
  'joiner',
  'import',
  'mro',
  'subclasses',
  'attr',
]);
const BLOCK_KEYWORDS = new Set(['import', 'from', 'include', 'extends']);

/** Jinja blocks `{{ … }}` and `{% … %}` (comments `{# … #}` are inert and skipped). */
export function* blocks(t: string): Generator<{ body: string; start: number; statement: boolean }> {
  let i = 0;
  while (i < t.length) {
    const open = t.indexOf('{', i);
    if (open < 0 || open + 1 >= t.length) return;
    const kind = t[open + 1];
    if (kind !== '{' && kind !== '%' && kind !== '#') {
      i = open + 1;
      continue;
    }
    const close = kind === '{' ? '}}' : kind === '%' ? '%}' : '#}';
    let j = open + 2;
    // Closing delimiters inside string literals do not end the block.
    let quote = '';
    for (; j < t.length; j++) {
      const ch = t[j]!;
      if (quote) {
        if (ch === '\\') j++;
        else if (ch === quote) quote = '';
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (t.startsWith(close, j)) break;
    }
    if (kind !== '#') yield { body: t.slice(open + 2, j), start: open + 2, statement: kind === '%' };
    i = j + 2;
  }
}

/** Split a block body into code (string literals blanked) and the literals themselves. */
function splitLiterals(body: string): { code: string; literals: { text: string; index: number }[] } {
  let code = '';
  const literals: { text: string; index: number }[] = [];
  let i = 0;
  while (i < body.length) {
    const ch = body[i]!;
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < body.length && body[j] !== ch) j += body[j] === '\\' ? 2 : 1;
      literals.push({ text: body.slice(i + 1, Math.min(j, body.length)), index: i });
      code += ' '.repeat(Math.min(j + 1, body.length) - i);
      i = j + 1;
    } else {
      code += ch;
      i++;
    }
  }
  return { code, literals };
}

/** Constructs in `template` outside the safe subset, found lexically; empty when it looks ordinary. */
export function lexicalScreen(template: string): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const add = (index: number, construct: string) => {
    if (issues.length < 20) issues.push({ index, construct });
  };
  for (const b of blocks(template)) {
    const { code, literals } = splitLiterals(b.body);
    for (const m of code.matchAll(/\.\s*(_[A-Za-z0-9_]*)/g))
      add(b.start + m.index, `attribute access '.${m[1]}'`);
    for (const m of code.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
      const word = m[0];
      if (word.startsWith('__')) add(b.start + m.index, `dunder name '${word}'`);
      else if (DANGEROUS_NAMES.has(word.toLowerCase())) add(b.start + m.index, `name '${word}'`);
    }
    if (b.statement) {
      const first = /^\s*-?\s*([A-Za-z_]+)/.exec(code)?.[1];
      if (first && BLOCK_KEYWORDS.has(first)) add(b.start, `'{% ${first} %}' statement`);
      // Only the head of the statement: the lazy group would backtrack quadratically on a huge block.
      const set = /^\s*-?\s*set\s+([A-Za-z0-9_.,\s]+?)\s*=/.exec(code.slice(0, 512));
      if (set?.[1]?.split(/[\s,.]+/).some((n) => n.startsWith('_')))
        add(b.start, `'{% set %}' of a private name '${set[1].trim()}'`);
    }
    for (const lit of literals) {
      if (/__|\\x5f|\\u005f|\\137|\\N\{LOW LINE\}/i.test(lit.text))
        add(
          b.start + lit.index,
          `string literal '${lit.text.slice(0, 40)}' spelling an underscore pair or escape`,
        );
    }
  }
  return issues;
}
