/**
 * The whole chat-template check, node-only because rendering runs in a worker thread: the static checks
 * (static.ts) and the behavioural check on sandboxed renders (behaviour.ts). With a trusted reference
 * template, also the difference between the two rendered prompts on every base probe.
 */
import { behaviourIssues, firstDifference } from './behaviour.ts';
import { analyseSyntax } from './pivots.ts';
import { probes } from './probes.ts';
import { DEFAULT_RENDER_LIMITS, type RenderLimits, renderInSandbox } from './sandbox.ts';
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
  if (options.reference !== undefined)
    out.push(...(await referenceDiff(template, options.reference, limits)));
  return out;
}

/** Render the template and the trusted reference on the base probes; report the probes whose prompts differ. */
export async function referenceDiff(
  template: string,
  reference: string,
  limits: RenderLimits = DEFAULT_RENDER_LIMITS,
): Promise<TemplateCheckIssue[]> {
  const set = probes().filter((p) => p.dimension === 'base');
  const contexts = set.map((p) => p.context);
  const ours = await renderInSandbox(template, contexts, limits);
  const theirs = await renderInSandbox(reference, contexts, limits);
  if (theirs.parseError !== undefined)
    return [
      {
        code: 'template.reference-diff',
        message: `the reference template does not parse (${theirs.parseError}); nothing to compare against`,
      },
    ];
  const differing: string[] = [];
  set.forEach((p, i) => {
    const show = (r: (typeof ours.results)[number]) =>
      r === undefined ? 'not rendered' : r.ok ? r.output : `error: ${r.error}`;
    const a = show(theirs.results[i]);
    const b = show(ours.results[i]);
    if (a !== b) differing.push(`'${p.shape}' ${firstDifference(a, b).replace('base', 'reference')}`);
  });
  if (differing.length === 0) return [];
  return [
    {
      code: 'template.reference-diff',
      message: `rendered prompts differ from the reference template on ${differing.length} of ${set.length} probes; first: ${differing[0]}`,
    },
  ];
}
