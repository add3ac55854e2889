/**
 * The plots of a format's own page, rendered at build time like the index's (Observable Plot on linkedom).
 * Each returns undefined when the records hold nothing to draw; the page then names the missing metric.
 * Every data point is one mark (a dot or a bar), so a test can count marks against the data table.
 */
import * as Plot from '@observablehq/plot';
import type { FormatData } from './format-data.ts';
import { fmt } from './html.ts';
import { render } from './plots.ts';
import type { Trend } from './trends.ts';

const BOUND = '#b35806';
const LLOYD = '#542788';
const COPY = '#b2182b';

export function sqnrBySourcePlot(d: FormatData): string | undefined {
  if (d.sqnrBySource.length === 0) return undefined;
  const ys = d.sqnrBySource.map((p) => p.value).filter(Number.isFinite);
  const refs = [d.gaussianBoundDb, d.lloydMaxDb].filter((v): v is number => v !== undefined);
  // A dot plot need not start at 0: a few dB below the lowest point keeps the differences visible.
  const top = Math.max(...ys, ...refs) + 2;
  const bottom = Math.max(0, Math.floor(Math.min(...ys, ...refs) - 3));
  const marks: Plot.Markish[] = [
    Plot.dot(d.sqnrBySource, {
      x: 'source',
      y: 'value',
      r: 5,
      fill: '#1f77b4',
      title: (p: { source: string; value: number }) => `${p.source}: ${fmt(p.value)} dB`,
    }),
    Plot.text(d.sqnrBySource, {
      x: 'source',
      y: 'value',
      text: (p: { value: number }) => fmt(p.value, 1),
      dy: -10,
    }),
  ];
  const ref = (v: number | undefined, color: string, label: string) => {
    if (v === undefined) return;
    marks.push(Plot.ruleY([v], { stroke: color, strokeDasharray: '5,3', strokeWidth: 1.5 }));
    marks.push(
      // Labelled in the right margin, clear of the dots and their value labels.
      Plot.text([v], {
        y: (x: number) => x,
        frameAnchor: 'right',
        text: () => label,
        textAnchor: 'start',
        dx: 6,
        fill: color,
      }),
    );
  };
  ref(d.gaussianBoundDb, BOUND, `Gaussian bound ${fmt(d.gaussianBoundDb, 1)} dB`);
  ref(d.lloydMaxDb, LLOYD, `Lloyd–Max ${fmt(d.lloydMaxDb, 1)} dB`);
  const desc = `SQNR of ${d.id} per source: ${d.sqnrBySource.map((p) => `${p.source} ${fmt(p.value, 1)} dB`).join(', ')}${d.gaussianBoundDb !== undefined ? `; Gaussian distortion-rate bound ${fmt(d.gaussianBoundDb, 1)} dB` : ''}${d.lloydMaxDb !== undefined ? `; Lloyd–Max quantizer for N(0,1) at the same rate ${fmt(d.lloydMaxDb, 1)} dB` : ''}.`;
  return render(
    {
      width: 720,
      height: 320,
      marginRight: 160,
      grid: true,
      x: { label: 'source distribution', domain: d.sqnrBySource.map((p) => p.source), padding: 0.5 },
      y: { label: 'SQNR (dB)', domain: [bottom, top] },
      marks,
    },
    `SQNR of ${d.id} by source distribution`,
    desc,
  );
}

/** Quantile curves (x: quantile, y: value on a log axis), one line and one dot per point, a colour per source. */
function quantilePlot(
  points: FormatData['elementError'],
  title: string,
  yLabel: string,
  desc: string,
): string | undefined {
  const pts = points.filter((p) => p.value > 0 && Number.isFinite(p.value));
  if (pts.length === 0) return undefined;
  const quantiles = [...new Set(pts.map((p) => p.quantile))];
  return render(
    {
      width: 720,
      height: 320,
      grid: true,
      x: { label: 'quantile', domain: quantiles, type: 'point', padding: 0.3 },
      y: { label: yLabel, type: 'log', tickFormat: '~g' },
      color: {
        legend: true,
        label: 'source',
        domain: [...new Set(pts.map((p) => p.source))],
        scheme: 'tableau10',
      },
      marks: [
        Plot.line(pts, { x: 'quantile', y: 'value', stroke: 'source', z: 'source' }),
        Plot.dot(pts, {
          x: 'quantile',
          y: 'value',
          fill: 'source',
          r: 3.5,
          title: (p: { source: string; quantile: string; value: number }) =>
            `${p.source} ${p.quantile}: ${p.value.toPrecision(3)}`,
        }),
      ],
    },
    title,
    desc,
  );
}

export function elementErrorPlot(d: FormatData): string | undefined {
  return quantilePlot(
    d.elementError,
    `Per-element error of ${d.id} by source`,
    '|x − x̂| / RMS(x)',
    `Quantiles (p50 to p99.9) of the per-element error |x − x̂| divided by the RMS of the source, one curve per source, log scale.`,
  );
}

export function layerErrorPlot(d: FormatData): string | undefined {
  return quantilePlot(
    d.layerError,
    `Layer output error of ${d.id} by activation source`,
    '|y − ŷ| / RMS(y)',
    `Percentiles (p50, p90, p99, max) of the per-output error of y = W·x with W quantized (per-channel scale spread weights), divided by the RMS of the outputs, one curve per activation source, log scale.`,
  );
}

/** A ratio with two decimals, or two significant digits below 0.1 (0.0031×, not 0.00×). */
export function ratioText(v: number): string {
  return v >= 0.1 || v === 0 ? v.toFixed(2) : v.toPrecision(2);
}

/** Bars per backend and op; a red tick at each backend's copy bandwidth; a whisker for the repeat spread. */
export function throughputBarsPlot(d: FormatData): string | undefined {
  if (d.throughput.length === 0) return undefined;
  const rows = d.throughput.map((b) => ({ ...b, label: `${b.op} · ${b.backend}` }));
  type Row = (typeof rows)[number];
  const xMax = Math.max(...rows.map((b) => Math.max(b.gbps, b.copyGbps ?? 0, b.range?.hi ?? 0))) * 1.1;
  const withCopy = rows.filter((b) => b.copyGbps !== undefined);
  const withRange = rows.filter((b) => b.range !== undefined);
  const marks: Plot.Markish[] = [
    Plot.barX(rows, {
      y: 'label',
      x: 'gbps',
      fill: 'backend',
      title: (b: Row) =>
        `${b.kernel}: ${fmt(b.gbps)} GB/s${b.copyGbps ? `, ${fmt((100 * b.gbps) / b.copyGbps, 0)}% of copy bandwidth` : ''}${b.vsNative !== undefined ? `, ${ratioText(b.vsNative)}× native ggml` : ''}`,
    }),
    Plot.ruleX([0]),
  ];
  // Value labels last, with a white halo, so a copy-bandwidth tick behind one does not make it unreadable.
  const label = Plot.text(rows, {
    y: 'label',
    x: 'gbps',
    text: (b: Row) =>
      `${fmt(b.gbps)}${b.vsNative !== undefined ? ` (${ratioText(b.vsNative)}× native)` : ''}`,
    textAnchor: 'start',
    dx: 4,
    stroke: 'white',
    strokeWidth: 3,
    paintOrder: 'stroke',
    fill: '#1b1f24',
  });
  if (withRange.length > 0)
    marks.push(
      Plot.ruleY(withRange, {
        y: 'label',
        x1: (b: Row) => b.range!.lo,
        x2: (b: Row) => b.range!.hi,
        stroke: '#333',
      }),
    );
  if (withCopy.length > 0)
    marks.push(Plot.tickX(withCopy, { y: 'label', x: 'copyGbps', stroke: COPY, strokeWidth: 2.5 }));
  marks.push(label);
  return render(
    {
      width: 720,
      height: 50 + rows.length * 26,
      marginLeft: 170,
      marginRight: 110,
      x: {
        label: 'GB/s (bytes read + written; red tick: the backend’s copy bandwidth)',
        domain: [0, xMax],
        grid: true,
      },
      y: { label: null, domain: rows.map((r) => r.label) },
      color: {
        legend: true,
        label: 'backend',
        domain: [...new Set(rows.map((r) => r.backend))],
        scheme: 'set2',
      },
      marks,
    },
    `Throughput of ${d.id} per backend and op`,
    `Best GB/s per backend and op: ${rows.map((b) => `${b.label} ${fmt(b.gbps)} GB/s${b.copyGbps ? ` (copy bandwidth ${fmt(b.copyGbps)})` : ''}`).join('; ')}.`,
  );
}

/** A small trend line: one dot per batch (its commit in the tooltip), the noise band shaded where measured. */
export function trendPlot(formatId: string, t: Trend): string | undefined {
  if (t.points.length < 2) return undefined;
  const pts = t.points.map((p, i) => ({
    ...p,
    i,
    t: new Date(p.startedAt),
    last: i === t.points.length - 1,
  }));
  const marks: Plot.Markish[] = [];
  if (t.band)
    marks.push(
      Plot.rectY([t.band], {
        x1: pts[0]!.t,
        x2: pts.at(-2)!.t,
        y1: (b: { median: number; halfWidth: number }) => b.median - b.halfWidth,
        y2: (b: { median: number; halfWidth: number }) => b.median + b.halfWidth,
        fill: '#ccc',
        fillOpacity: 0.5,
      }),
    );
  marks.push(
    Plot.line(pts, { x: 't', y: 'value', stroke: '#555' }),
    Plot.dot(pts, {
      x: 't',
      y: 'value',
      r: 3,
      fill: (p: { last: boolean }) => (p.last && t.change === 'regression' ? COPY : '#1f77b4'),
      title: (p: { batch: string; commit: string; value: number }) =>
        `${p.batch} · commit ${p.commit.slice(0, 10)}: ${fmt(p.value, 4)} ${t.headline.unit}`,
    }),
  );
  // A constant series (deterministic metrics) gets a small symmetric domain instead of a degenerate one.
  const ys = [
    ...pts.map((p) => p.value),
    ...(t.band ? [t.band.median - t.band.halfWidth, t.band.median + t.band.halfWidth] : []),
  ];
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const pad = (hi - lo) * 0.15 || Math.abs(hi) * 0.01 || 1e-6;
  return render(
    {
      width: 300,
      height: 110,
      marginLeft: 56,
      x: { type: 'utc', label: null, ticks: 3 },
      y: { label: t.headline.unit, ticks: 3, domain: [lo - pad, hi + pad], tickFormat: '~g' },
      color: { type: 'identity' },
      marks,
    },
    `${t.headline.label} of ${formatId} across ${t.points.length} batches`,
    `From ${fmt(t.points[0]!.value, 4)} to ${fmt(t.points.at(-1)!.value, 4)} ${t.headline.unit}; ${t.change === 'no-band' ? 'no noise band (too few earlier points)' : t.change.replace('-', ' ')}.`,
  );
}
