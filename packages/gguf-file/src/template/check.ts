/**
 * The whole chat-template check, node-only because rendering runs in a worker thread: the static checks
 * (static.ts) and the behavioural check on sandboxed renders (behaviour.ts). With a trusted reference
 * template, both are rendered on every probe (variants included): a difference is reported with the first
 * differing probe and text; identical renders mean the template behaves as the trusted one, whose
 * behavioural findings are then not held against it.
 */
import { behaviourIssues, firstDifference } from './behaviour.ts';
import { analyseSyntax } from './pivots.ts';
import { type Probe, probes } from './probes.ts';
import { DEFAULT_RENDER_LIMITS, type RenderBatch, type RenderLimits, renderInSandbox } from './sandbox.ts';
import { seedsOf } from './seeds.ts';
import { staticTemplateIssues, type TemplateCheckIssue } from './static.ts';

export interface TemplateCheckOptions {
  limits?: RenderLimits;
  /** A template known to be good for this model: rendered prompts are compared against it. */
  reference?: string;
}

/** Static and behavioural issues of one template. */
export async function checkChatTemplate(
  template: string,
  options: TemplateCheckOptions = {},
): Promise<TemplateCheckIssue[]> {
  const syntax = analyseSyntax(template);
  return [...staticTemplateIssues(template, syntax), ...(await renderedTemplateIssues(template, options))];
}

/** The issues only rendering finds (nothing when the template does not parse: that is a static finding). */
export async function renderedTemplateIssues(
  template: string,
  options: TemplateCheckOptions = {},
): Promise<TemplateCheckIssue[]> {
  const syntax = analyseSyntax(template);
  if (!syntax.ast) return [];
  const limits = options.limits ?? DEFAULT_RENDER_LIMITS;
  const set = probes(seedsOf(syntax.ast));
  const batch = await renderInSandbox(
    template,
    set.map((p) => p.context),
    limits,
  );
  const out = behaviourIssues(set, batch);
  if (options.reference === undefined) return out;
  const cmp = await compareRenders(set, batch, options.reference, limits);
  if (cmp.issue) return [...out, cmp.issue];
  // Identical on every probe, variants included: what the template does, the trusted one does too, so its
  // behavioural findings are the reference's own (a publisher's knowledge-cutoff header, say).
  const vouched = out.filter((i) => VOUCHED.has(i.code));
  const kept = out.filter((i) => !VOUCHED.has(i.code));
  kept.push({
    code: 'template.reference-match',
    message: `renders identically to the reference template on all ${set.length} probes${
      vouched.length > 0
        ? `; ${vouched.map((i) => i.code).join(', ')} also hold for the reference and are not reported`
        : ''
    }`,
  });
  return kept;
}

const VOUCHED = new Set([
  'template.content-dependent',
  'template.injected-text',
  'template.default-text',
  'template.header-text',
  'template.render-error',
]);

async function compareRenders(
  set: readonly Probe[],
  ours: RenderBatch,
  reference: string,
  limits: RenderLimits,
): Promise<{ issue?: TemplateCheckIssue }> {
  const theirs = await renderInSandbox(
    reference,
    set.map((p) => p.context),
    limits,
  );
  if (theirs.sandboxError !== undefined)
    return {
      issue: {
        code: 'template.reference-diff',
        message: `the reference template was not rendered (${theirs.sandboxError}); nothing to compare against`,
      },
    };
  if (theirs.parseError !== undefined)
    return {
      issue: {
        code: 'template.reference-diff',
        message: `the reference template does not parse (${theirs.parseError}); nothing to compare against`,
      },
    };
  const show = (r: RenderBatch['results'][number]) =>
    r === undefined ? 'not rendered' : r.ok ? r.output : `error: ${r.error}`;
  let first = '';
  let differing = 0;
  set.forEach((p, i) => {
    const a = show(theirs.results[i]);
    const b = show(ours.results[i]);
    if (a === b) return;
    differing++;
    if (!first) first = `'${p.shape}' (${p.variant}) ${firstDifference(a, b).replace('base', 'reference')}`;
  });
  if (differing === 0) return {};
  return {
    issue: {
      code: 'template.reference-diff',
      message: `rendered prompts differ from the reference template on ${differing} of ${set.length} probes; first: ${first}`,
    },
  };
}

/** Render the template and a trusted reference on the probes; the first difference, if any. */
export async function referenceDiff(
  template: string,
  reference: string,
  limits: RenderLimits = DEFAULT_RENDER_LIMITS,
): Promise<TemplateCheckIssue[]> {
  const syntax = analyseSyntax(template);
  const set = probes(syntax.ast ? seedsOf(syntax.ast) : undefined);
  const ours = await renderInSandbox(
    template,
    set.map((p) => p.context),
    limits,
  );
  const cmp = await compareRenders(set, ours, reference, limits);
  return cmp.issue ? [cmp.issue] : [];
}
