/**
 * Payloads in a chat template's constant text (template text and string literals): text an attacker plants
 * so that every rendered prompt carries it. A chat template formats a conversation; it has no reason to hold
 * a URL, a base64 or hex blob, invisible or direction-changing characters, or a role tag spelled with
 * look-alike letters (which a tokenizer does not map to the special token, so it smuggles a fake turn).
 */
import { type JinjaNode, stringValue, walk } from './ast.ts';
import type { TemplateIssue } from './lexical.ts';
import { MARKUP_NAMES, ROLE_NAMES } from './vocabulary.ts';

/** Words that name a turn or a special token in the common chat formats. */
const ROLE_WORDS = new Set([...ROLE_NAMES, ...MARKUP_NAMES]);

/** Every constant string of the template, text and literals, in walk order. */
export function constantTexts(ast: JinjaNode): string[] {
  const out: string[] = [];
  walk(ast, (n) => {
    const v = stringValue(n);
    if (v !== undefined && v.length > 0) out.push(v);
  });
  return out;
}

const URL = /\b(?:https?|ftp|wss?|file|data):\/\/?[^\s'"<>`]{2,}|\bwww\.[a-z0-9-]+\.[a-z]{2,}[^\s'"<>`]*/gi;
const BASE64 = /[A-Za-z0-9+/]{32,}={0,2}|[A-Za-z0-9_-]{40,}/g;
const HEX = /\b(?:0x)?[0-9a-fA-F]{32,}\b/g;

/** Invisible and direction-changing code points (Trojan Source, ASCII smuggling through tag characters). */
const INVISIBLE: [RegExp, string][] = [
  [/[\u200B-\u200D\u2060-\u2064\uFEFF\u00AD\u180E]/u, 'zero-width or invisible character'],
  [/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u, 'bidirectional control character'],
  [/[\u{E0000}-\u{E007F}]/u, 'Unicode tag character (hidden ASCII)'],
];

/**
 * Letters from scripts with Latin look-alikes (Cyrillic, Greek, Armenian, Cherokee, fullwidth Latin).
 * Letters only: fullwidth punctuation is part of real special tokens (DeepSeek's `<｜User｜>` uses U+FF5C).
 */
const CONFUSABLE = /[\u0370-\u03FF\u0400-\u04FF\u0530-\u058F\u13A0-\u13FF\uFF21-\uFF3A\uFF41-\uFF5A]/u;
const CONFUSABLE_TO_LATIN: Record<string, string> = {
  а: 'a',
  е: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  һ: 'h',
  ӏ: 'l',
  α: 'a',
  ε: 'e',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  ν: 'v',
  κ: 'k',
  ι: 'i',
  ѵ: 'v',
  ｓ: 's',
  ｙ: 'y',
  ｔ: 't',
  ｅ: 'e',
  ｍ: 'm',
  ｕ: 'u',
  ｒ: 'r',
  ａ: 'a',
  ｉ: 'i',
  ｎ: 'n',
  ｏ: 'o',
  ｌ: 'l',
  '｜': '|',
  '＜': '<',
  '＞': '>',
};
function skeleton(word: string): string {
  return [...word.normalize('NFKC')]
    .map((c) => CONFUSABLE_TO_LATIN[c] ?? c)
    .join('')
    .toLowerCase();
}

function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Mostly-alphanumeric runs that look like data, not words: mixed case and digits, or long hex. */
function looksEncoded(s: string): boolean {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((r) => r.test(s)).length;
  return classes >= 3 || (/[+/]/.test(s) && classes >= 2);
}

export function screenPayloads(template: string, texts: readonly string[]): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const seen = new Set<string>();
  const add = (needle: string, construct: string) => {
    if (seen.has(construct) || issues.length >= 20) return;
    seen.add(construct);
    issues.push({ index: Math.max(0, template.indexOf(needle)), construct });
  };
  for (const text of texts) {
    for (const m of text.matchAll(URL)) add(m[0], `URL '${m[0].slice(0, 80)}' in constant text`);
    for (const m of text.matchAll(BASE64))
      if (looksEncoded(m[0]))
        add(m[0], `base64-like blob of ${m[0].length} chars '${m[0].slice(0, 24)}…' in constant text`);
    // Digits and letters both: a run of one letter ('aaaa…', a divider) is not data.
    for (const m of text.matchAll(HEX))
      if (/[0-9]/.test(m[0]) && /[a-f]/i.test(m[0].replace(/^0x/i, '')))
        add(m[0], `hex blob of ${m[0].length} digits '${m[0].slice(0, 24)}…' in constant text`);
    for (const [re, what] of INVISIBLE) {
      const m = re.exec(text);
      if (m) add(m[0], `${what} ${codePoint(m[0])} in constant text '${printableAround(text, m.index)}'`);
    }
    for (const m of text.matchAll(/[\p{L}\p{N}_|<>＜＞｜]+/gu)) {
      const word = m[0];
      if (!CONFUSABLE.test(word)) continue;
      const latin = /[A-Za-z]/.test(word);
      const sk = skeleton(word);
      const role =
        sk.split(/[|<>_]+/).some((p) => ROLE_WORDS.has(p)) || ROLE_WORDS.has(sk.replace(/[|<>]/g, ''));
      const odd = [...word].find((c) => CONFUSABLE.test(c))!;
      if (role) add(word, `homoglyph role tag '${word}' (reads as '${sk}'; ${codePoint(odd)} is not Latin)`);
      else if (latin) add(word, `mixed-script word '${word}' (${codePoint(odd)} among Latin letters)`);
    }
  }
  return issues.sort((a, b) => a.index - b.index);
}

function printableAround(text: string, i: number): string {
  const s = text.slice(Math.max(0, i - 20), i + 20);
  return s.replace(/[^\x20-\x7E]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}
