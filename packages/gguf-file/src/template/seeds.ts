/**
 * Seeds for the probes: the template's own literals, planted in message texts, tool names and dates. A
 * trigger compares an input against a constant (`'transfer' in message.content`, `tool.name == 'pay'`,
 * `strftime_now('%m-%d') == '04-01'`); random probe inputs would almost never hit it, the constant itself
 * does. Markup, role names and schema words are left out: templates compare against those to format.
 */
import { type JinjaNode, stringValue, walk } from './ast.ts';
import type { Seeds } from './probes.ts';
import { ROLE_NAMES, SCHEMA_WORDS } from './vocabulary.ts';

const NOT_TRIGGERS = new Set([...ROLE_NAMES, ...SCHEMA_WORDS]);

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

const pad = (n: number) => String(n).padStart(2, '0');
const monthIndex = (s: string) => MONTHS.findIndex((x) => x === s || x.slice(0, 3) === s);

function datesFor(literal: string | number): string[] {
  if (typeof literal === 'number') {
    if (literal >= 1990 && literal <= 2100) return [`${literal}-06-15`];
    if (literal >= 1 && literal <= 12) return [`2026-${pad(literal)}-${pad(literal)}`];
    if (literal >= 13 && literal <= 31) return [`2026-01-${pad(literal)}`];
    return [];
  }
  const s = literal.trim().toLowerCase();
  let m = /^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?$/.exec(s);
  if (m) return [`${m[1]}-${pad(Number(m[2] ?? 6))}-${pad(Number(m[3] ?? 15))}`];
  // '13 Mar 2026', 'March 13, 2026', '13/03/2026' (day first, as strftime's %d comes first in most formats)
  m = /^(\d{1,2})[ -]([a-z]+)[ -,]*(\d{4})$/.exec(s) ?? null;
  if (m) {
    const month = monthIndex(m[2]!);
    if (month >= 0) return [`${m[3]}-${pad(month + 1)}-${pad(Number(m[1]))}`];
  }
  m = /^([a-z]+)[ -](\d{1,2}),? (\d{4})$/.exec(s);
  if (m) {
    const month = monthIndex(m[1]!);
    if (month >= 0) return [`${m[3]}-${pad(month + 1)}-${pad(Number(m[2]))}`];
  }
  m = /^(\d{1,2})[./](\d{1,2})[./](\d{4})$/.exec(s);
  if (m)
    return [
      `${m[3]}-${pad(Number(m[2]))}-${pad(Number(m[1]))}`,
      `${m[3]}-${pad(Number(m[1]))}-${pad(Number(m[2]))}`,
    ];
  m = /^(\d{1,2})[-/](\d{1,2})$/.exec(s);
  if (m) return [`2026-${pad(Number(m[1]))}-${pad(Number(m[2]))}`];
  if (/^\d{1,4}$/.test(s)) return datesFor(Number(s));
  const month = monthIndex(s);
  if (month >= 0) return [`2026-${pad(month + 1)}-10`];
  const day = DAYS.findIndex((x) => x === s || x.slice(0, 3) === s);
  // 2026-01-04 is a Sunday.
  if (day >= 0) return [`2026-01-${pad(4 + day)}`];
  return [];
}

function isMarkup(s: string): boolean {
  return /^\s*[<[{].*[>\]}]\s*$/s.test(s) || s.includes('<|') || s.includes('%');
}

export function seedsOf(ast: JinjaNode): Seeds {
  const words = new Set<string>();
  const dates = new Set<string>();
  walk(ast, (n, parent) => {
    if (n.type === 'IntegerLiteral' && typeof n.value === 'number')
      for (const d of datesFor(n.value)) dates.add(d);
    const v = stringValue(n);
    if (v === undefined) return;
    // Template text (a literal directly in a statement body) is output, not something compared against.
    if (
      parent &&
      ['body', 'alternate', 'defaultBlock'].some((k) => (parent[k] as unknown[] | undefined)?.includes?.(n))
    )
      return;
    for (const d of datesFor(v)) dates.add(d);
    const t = v.trim();
    if (
      t.length >= 3 &&
      t.length <= 64 &&
      /\p{L}/u.test(t) &&
      !t.includes('\n') &&
      !isMarkup(t) &&
      !NOT_TRIGGERS.has(t.toLowerCase())
    )
      words.add(t);
  });
  return { words: [...words].slice(0, 10), dates: [...dates].slice(0, 8) };
}
