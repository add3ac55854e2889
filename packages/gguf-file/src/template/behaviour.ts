/**
 * The behavioural template check: render the template (sandboxed) on the probe conversations and compare.
 *
 * Definitions (the contract of this check):
 * - The *residue* of a render is the prompt with every probe input (message text, tool name, description,
 *   argument, call id, date as rendered by strftime_now or date_string) replaced by its slot name.
 * - *Scaffolding* is what a template may legitimately write of its own: special-token markup (`<|…|>`,
 *   `<｜…｜>`, `<tag>`/`</tag>`, `[TAG]`/`[/TAG]`), the special tokens it is given (bos/eos), role names
 *   (vocabulary.ts), the keys and constant values of the probe's own tool schema (`type`, `function`, …),
 *   whitespace and punctuation. Any word left in a residue after removing scaffolding is *prose*: text that
 *   comes from no message and is not formatting.
 * - A template *formats* when its residue depends only on the conversation shape: for one shape, every
 *   variant of the contents, the date or the tool names yields the same residue as the base. A difference
 *   is a branch on content, date or tool name, whatever the template's code looks like.
 * Prose in a shape where the user gave a system prompt and no tools is text added behind the user's back
 * (warning); prose that appears only without a system prompt (a default system prompt) or with tools
 * (tool-use instructions) is reported as context (info) with its text, for a reviewer to read.
 */
import type { FindingCode } from '../findings.ts';
import { type Probe, SPECIAL_TOKENS } from './probes.ts';
import type { RenderBatch, RenderResult } from './sandbox.ts';
import { ROLE_NAMES, SCHEMA_WORDS } from './vocabulary.ts';

export interface BehaviourIssue {
  code: FindingCode;
  message: string;
}

/** The render with every input replaced by `⟦slot⟧` (longest inputs first, so no input eats another). */
export function residue(
  output: string,
  slots: ReadonlyMap<string, string>,
  dates: readonly string[],
): string {
  const all = new Map(slots);
  for (const d of dates) if (d.length >= 4 && !all.has(d)) all.set(d, 'date');
  // Longest first, so no input eats part of a longer one; slot names cannot contain an input (inputs
  // start with a probe tag, slot names do not).
  let out = output;
  for (const key of [...all.keys()].sort((a, b) => b.length - a.length))
    out = out.split(key).join(`⟦${all.get(key)}⟧`);
  return out;
}

function outcome(r: RenderResult, slots: ReadonlyMap<string, string>): string {
  return r.ok ? residue(r.output, slots, r.dates) : `error: ${r.error}`;
}

/** The prose in a residue: what is left after removing slots and scaffolding, as the spans it came from. */
export function proseOf(res: string): string[] {
  const stripped = res
    .replace(/⟦[^⟧]*⟧/g, ' ')
    .replace(/<[|｜][^|｜\s]{1,48}[|｜]>/g, ' ')
    .replace(/<\/?[A-Za-z_][\w.-]{0,40}>/g, ' ')
    .replace(/\[\/?[A-Z_]{2,32}\]/g, ' ')
    .split(SPECIAL_TOKENS.bos_token)
    .join(' ')
    .split(SPECIAL_TOKENS.eos_token)
    .join(' ');
  const spans: string[] = [];
  for (const line of stripped.split(/\n+/)) {
    const ws = [...line.matchAll(/[\p{L}][\p{L}\p{N}_'’-]*/gu)].map((m) => m[0]);
    const prose = ws.filter((w) => !ROLE_NAMES.has(w.toLowerCase()) && !SCHEMA_WORDS.has(w.toLowerCase()));
    if (prose.length > 0) spans.push(line.trim().replace(/\s+/g, ' '));
  }
  return spans;
}

/**
 * A metadata header line: a short label (at most four words) and a colon, then nothing (the value was a
 * slot, e.g. the rendered date) or a date or number — `Cutting Knowledge Date: December 2023`,
 * `Today Date:`. It states a fact about the prompt and addresses no instruction to the model, which is why
 * a template that always adds one (Llama 3.1's system header does) is context, not an injected prompt.
 * Anything longer, or with any other value, stays prose.
 */
const HEADER_LINE = /^(?:[\p{L}][\p{L}\p{N}]*)(?: [\p{L}\p{N}]+){0,3}:\s*(.*)$/u;
const HEADER_VALUE =
  /^(?:|\d[\d.,]*|\p{L}{3,9}\.? \d{4}|\d{1,2} \p{L}{3,9}\.? \d{4}|\p{L}{3,9}\.? \d{1,2},? \d{4}|\d{4}-\d{2}(?:-\d{2})?)$/u;
export function isMetadataHeader(span: string): boolean {
  const m = HEADER_LINE.exec(span);
  return m !== null && HEADER_VALUE.test(m[1]!.trim());
}

function quote(s: string, n = 120): string {
  const j = JSON.stringify(s);
  return j.length > n ? `${j.slice(0, n)}…"` : j;
}

/** Where two residues first differ, with a little context from each. */
export function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 30);
  return `at char ${i}: base ${quote(a.slice(from, i + 60), 100)} vs ${quote(b.slice(from, i + 60), 100)}`;
}

const DIMENSION_WORDS: Record<string, string> = {
  content: 'message content',
  date: 'the date',
  'tool-name': 'tool names',
};

/** Issues from the rendered probes (batch.results[i] belongs to probes[i]). */
export function behaviourIssues(probes: readonly Probe[], batch: RenderBatch): BehaviourIssue[] {
  const issues: BehaviourIssue[] = [];
  if (batch.sandboxError !== undefined)
    return [
      {
        code: 'template.unrenderable',
        message: `the template was not rendered, so its behaviour is unchecked: ${batch.sandboxError}`,
      },
    ];
  const limits = batch.results.flatMap((r, i) => (r && !r.ok && r.limit ? [{ r, p: probes[i]! }] : []));
  for (const { r, p } of limits.slice(0, 3))
    if (!r.ok)
      issues.push({
        code: 'template.render-limit',
        message: `rendering stopped on probe '${p.shape}' (${p.variant}): ${r.error}`,
      });
  const base = new Map<string, { probe: Probe; result: RenderResult }>();
  probes.forEach((p, i) => {
    const r = batch.results[i];
    if (p.dimension === 'base' && r) base.set(p.shape, { probe: p, result: r });
  });
  const rendered = [...base.values()].filter((b) => b.result.ok);
  if (base.size > 0 && rendered.length === 0 && limits.length === 0) {
    const first = [...base.values()][0]!.result;
    issues.push({
      code: 'template.unrenderable',
      message: `the template fails on every probe conversation (${first.ok ? '' : first.error}); it cannot be vetted by rendering`,
    });
  }
  const failedShapes = [...base.values()].filter(
    (b) => !b.result.ok && !(b.result as { limit?: boolean }).limit,
  );
  if (failedShapes.length > 0 && rendered.length > 0) {
    const b = failedShapes[0]!;
    issues.push({
      code: 'template.render-error',
      message: `the template rejects ${failedShapes.length} probe shape(s), e.g. '${b.probe.shape}': ${b.result.ok ? '' : b.result.error}`,
    });
  }
  // Content, date and tool-name dependence: one issue per dimension, with the first differing probe.
  const reported = new Set<string>();
  probes.forEach((p, i) => {
    if (p.dimension === 'base' || p.dimension === 'empty' || reported.has(p.dimension)) return;
    const r = batch.results[i];
    const b = base.get(p.shape);
    if (!r || !b || (r.ok === false && r.limit)) return;
    const shared = p.sharedSlots ?? new Map<string, string>();
    const baseRes = outcome(b.result, new Map([...b.probe.slots, ...shared]));
    const varRes = outcome(r, new Map([...p.slots, ...shared]));
    if (baseRes !== varRes) {
      reported.add(p.dimension);
      issues.push({
        code: 'template.content-dependent',
        message: `output depends on ${DIMENSION_WORDS[p.dimension]} beyond formatting: probe '${p.shape}', ${p.variant}, differs from the base ${firstDifference(baseRes, varRes)}`,
      });
    }
  });
  // Prose: warning where the user gave their own system prompt and no tools, context elsewhere.
  const injected: string[] = [];
  const defaults: string[] = [];
  const headers: string[] = [];
  for (const { probe, result } of rendered) {
    if (!result.ok) continue;
    const spans = proseOf(residue(result.output, probe.slots, result.dates));
    for (const s of spans) {
      const list = isMetadataHeader(s) ? headers : probe.userControlled ? injected : defaults;
      if (!list.includes(s)) list.push(s);
    }
  }
  if (injected.length > 0)
    issues.push({
      code: 'template.injected-text',
      message: `the prompt carries text from no message even when the user gives a system prompt: ${injected
        .slice(0, 3)
        .map((s) => quote(s))
        .join('; ')}`,
    });
  if (headers.length > 0)
    issues.push({
      code: 'template.header-text',
      message: `metadata header lines the template adds (a label and a date or number, no instruction): ${headers
        .slice(0, 3)
        .map((s) => quote(s))
        .join('; ')}`,
    });
  const onlyDefaults = defaults.filter((s) => !injected.includes(s));
  if (onlyDefaults.length > 0)
    issues.push({
      code: 'template.default-text',
      message: `text the template adds without a system prompt or with tools (default prompt / tool instructions): ${onlyDefaults
        .slice(0, 3)
        .map((s) => quote(s))
        .join('; ')}`,
    });
  return issues;
}
