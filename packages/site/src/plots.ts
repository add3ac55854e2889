/**
 * The leaderboard's plots, rendered to SVG at build time with Observable Plot on a linkedom document, so
 * the pages need no JavaScript to show them and work from file://. Each function returns the SVG markup,
 * or undefined when there is no data yet (the page then says which metric is missing).
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import {
  type BatchSummary,
  DB_PER_BIT,
  type DetectorPoint,
  paretoFrontier,
  type SiteModel,
} from './model.ts';

type PlotOptions = NonNullable<Parameters<typeof Plot.plot>[0]>;

/** One colour per family across every plot (Plot would otherwise assign colours per chart). */
function familyColor(model: SiteModel): PlotOptions['color'] {
  const families = [...new Set(model.rows.map((r) => r.family))].sort();
  return { legend: true, label: 'family', domain: families, scheme: 'tableau10' };
}

/**
 * Plot → SVG markup with a text alternative: the chart's <svg> gets role="img", an aria-label, and a <title>
 * and <desc> (what the plot shows, in words a screen reader can speak; the figure links its data table).
 */
export function render(options: PlotOptions, title: string, description = ''): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const el = Plot.plot({
    ...options,
    document,
    style: { background: 'white', fontSize: '11px' },
    ariaLabel: title,
  } as PlotOptions) as unknown as Element;
  // With a legend Plot returns a <figure> holding the swatches and the chart; the chart is its own <svg> child.
  const svg =
    el.tagName.toLowerCase() === 'svg'
      ? el
      : Array.from(el.children).find((c) => c.tagName.toLowerCase() === 'svg');
  if (svg) {
    // Plot names each mark's <g> with aria-label ('dot', 'bar', …), which ARIA prohibits on an element with
    // no role (axe: aria-prohibited-attr); inside role="img" they are presentational anyway. Keep the name as
    // data-mark, for tests and styles.
    for (const g of Array.from(svg.querySelectorAll('[aria-label]'))) {
      g.setAttribute('data-mark', g.getAttribute('aria-label') ?? '');
      g.removeAttribute('aria-label');
      g.removeAttribute('aria-description');
    }
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', description ? `${title}. ${description}` : title);
    const t = document.createElement('title');
    t.textContent = title;
    const d = document.createElement('desc');
    d.textContent = description || title;
    svg.insertBefore(d, svg.firstChild);
    svg.insertBefore(t, svg.firstChild);
  }
  return el.outerHTML;
}

interface Point {
  id: string;
  family: string;
  x: number;
  y: number;
}

export function paretoPlot(model: SiteModel): string | undefined {
  const pts: Point[] = model.rows
    .filter(
      (r) =>
        r.bitsPerWeight !== undefined && r.sqnrGaussianDb !== undefined && Number.isFinite(r.sqnrGaussianDb),
    )
    .map((r) => ({ id: r.id, family: r.family, x: r.bitsPerWeight!, y: r.sqnrGaussianDb! }));
  if (pts.length === 0) return undefined;
  const front = paretoFrontier(pts);
  const xMax = Math.max(...pts.map((p) => p.x)) * 1.05;
  const bound = [
    { x: 0, y: 0 },
    { x: xMax, y: DB_PER_BIT * xMax },
  ];
  return render(
    {
      width: 760,
      height: 420,
      grid: true,
      x: { label: 'bits / weight', domain: [0, xMax] },
      y: {
        label: 'SQNR on N(0,1) (dB)',
        domain: [Math.min(0, ...pts.map((p) => p.y)), Math.max(...pts.map((p) => p.y)) * 1.1],
      },
      color: familyColor(model),
      marks: [
        Plot.line(bound, { x: 'x', y: 'y', stroke: '#999', strokeDasharray: '4,3' }),
        Plot.text([bound[1]!], { x: 'x', y: 'y', text: () => '6.02 dB/bit', dx: -40, dy: -8, fill: '#555' }),
        Plot.line(front, { x: 'x', y: 'y', stroke: '#333', strokeWidth: 1.5, curve: 'step-after' }),
        Plot.dot(pts, {
          x: 'x',
          y: 'y',
          fill: 'family',
          r: 4,
          title: (d: Point) => `${d.id}: ${d.x.toFixed(3)} b/w, ${d.y.toFixed(2)} dB`,
        }),
        // Only the frontier is labelled: with dozens of formats, labelling every dot makes none readable
        // (the others name themselves on hover).
        Plot.text(front, { x: 'x', y: 'y', text: 'id', dy: -9, fontSize: 9 }),
      ],
    },
    'Pareto frontier: bits/weight vs SQNR',
  );
}

export function klPlot(model: SiteModel): string | undefined {
  const pts: Point[] = model.rows
    .filter((r) => r.bitsPerWeight !== undefined && r.kl !== undefined && Number.isFinite(r.kl))
    .map((r) => ({ id: r.id, family: r.family, x: r.bitsPerWeight!, y: r.kl! }));
  if (pts.length === 0) return undefined;
  const positive = pts.every((p) => p.y > 0);
  return render(
    {
      width: 760,
      height: 380,
      grid: true,
      x: { label: 'bits / weight' },
      y: { label: 'KL divergence on the model fixture (nats)', type: positive ? 'log' : 'linear' },
      color: familyColor(model),
      marks: [
        Plot.dot(pts, {
          x: 'x',
          y: 'y',
          fill: 'family',
          r: 4,
          title: (d: Point) => `${d.id}: ${d.y.toPrecision(3)} nats`,
        }),
        Plot.text(pts, { x: 'x', y: 'y', text: 'id', dy: -9, fontSize: 9 }),
      ],
    },
    'bits/weight vs KL divergence',
  );
}

/** One bar chart per backend: best throughput per format, with the memcpy bandwidth as a vertical rule. */
export function throughputPlots(model: SiteModel): { backend: string; svg: string }[] {
  // a backend that timed nothing (skipped, unavailable) has a leaderboard column of skips, not an empty plot
  const measured = model.backends.filter((b) => model.rows.some((r) => r.throughput.has(b)));
  return measured.map((backend) => {
    const bars = model.rows
      .filter((r) => r.throughput.has(backend))
      .map((r) => ({ id: r.id, family: r.family, v: r.throughput.get(backend)! }))
      .sort((a, b) => b.v - a.v);
    const bw = model.memcpy.get(backend);
    const xMax = Math.max(bw ?? 0, ...bars.map((b) => b.v)) * 1.08;
    const marks = [
      Plot.barX(bars, {
        y: 'id',
        x: 'v',
        fill: 'family',
        title: (d: { id: string; v: number }) => `${d.id}: ${d.v.toFixed(2)} GB/s`,
      }),
      Plot.ruleX([0]),
    ];
    if (bw !== undefined) {
      marks.push(Plot.ruleX([bw], { stroke: '#c00', strokeDasharray: '5,3', strokeWidth: 1.5 }));
      marks.push(
        Plot.text([bw], {
          x: (d: number) => d,
          frameAnchor: 'top',
          text: () => `memcpy ${bw.toFixed(1)} GB/s`,
          dy: -2,
          fill: '#c00',
          textAnchor: 'end',
          dx: -4,
        }),
      );
    }
    const svg = render(
      {
        width: 760,
        height: 40 + bars.length * 18,
        marginLeft: 110,
        marginTop: 24,
        x: { label: 'GB/s of encoded data decoded (best kernel)', domain: [0, xMax], grid: true },
        y: { label: null, domain: bars.map((b) => b.id) },
        color: familyColor(model),
        marks,
      },
      `throughput on ${backend}`,
    );
    return { backend, svg };
  });
}

export function detectorPlot(model: SiteModel): string | undefined {
  const pts = model.detectors;
  if (pts.length === 0) return undefined;
  return render(
    {
      width: 520,
      height: 420,
      grid: true,
      x: { label: 'false-positive rate', domain: [0, 1] },
      y: { label: 'true-positive rate', domain: [0, 1] },
      color: { legend: true, label: 'format' },
      marks: [
        Plot.line(
          [
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ],
          { x: 'x', y: 'y', stroke: '#aaa', strokeDasharray: '4,3' },
        ),
        // The TPR's 95% interval as a vertical bar, the FPR's one-sided 95% bound as a horizontal one.
        Plot.ruleX(
          pts.filter((d) => d.tprInterval),
          {
            x: 'fpr',
            y1: (d: DetectorPoint) => d.tprInterval!.lo,
            y2: (d: DetectorPoint) => d.tprInterval!.hi,
            stroke: 'format',
          },
        ),
        Plot.ruleY(
          pts.filter((d) => d.fprUpper95 !== undefined),
          { y: 'tpr', x1: 'fpr', x2: 'fprUpper95', stroke: 'format' },
        ),
        Plot.dot(pts, {
          x: 'fpr',
          y: 'tpr',
          fill: 'format',
          r: 5,
          title: (d: DetectorPoint) =>
            `${d.label}: TPR ${d.tpr}${d.tprInterval ? ` (95% ${d.tprInterval.lo.toFixed(3)}–${d.tprInterval.hi.toFixed(3)})` : ''}, FPR ${d.fpr}${d.fprUpper95 !== undefined ? ` (95% upper ${d.fprUpper95.toFixed(4)})` : ''}`,
        }),
        Plot.text(pts, { x: 'fpr', y: 'tpr', text: 'label', dy: -9, fontSize: 9 }),
      ],
    },
    'detector TPR vs FPR',
  );
}

/** SQNR on N(0,1) per format across batches (nights), one line per format. */
export function historyPlot(batches: BatchSummary[]): string | undefined {
  const pts = batches.flatMap((b) =>
    [...b.sqnr].map(([format, y]) => ({ batch: b.batch, t: new Date(b.startedAt), format, y })),
  );
  if (pts.length === 0 || batches.length < 2) return undefined;
  return render(
    {
      width: 760,
      height: 380,
      grid: true,
      x: { label: 'run started', type: 'utc' },
      y: { label: 'SQNR on N(0,1) (dB)' },
      color: { legend: true, label: 'format' },
      marks: [
        Plot.line(pts, { x: 't', y: 'y', stroke: 'format', z: 'format' }),
        Plot.dot(pts, {
          x: 't',
          y: 'y',
          fill: 'format',
          r: 3,
          title: (d: { format: string; batch: string; y: number }) =>
            `${d.format} ${d.batch}: ${d.y.toFixed(2)} dB`,
        }),
      ],
    },
    'SQNR history',
  );
}
