/**
 * A format's own page: what it is (spec, provenance), how it behaves (plots of SQNR per source against the
 * bounds, the error distribution, layer output error, throughput against copy bandwidth, the model-level
 * statistics with what produced them), its neighbours at the same bits and its trends — and the raw records,
 * collapsed, below. URL: formats/<id>.html (stable; plots have stable #ids).
 */
import type { RoundTripTolerance } from '@qbench/core';
import { numericValue, type StoredRecord } from '@qbench/spec';
import type { FormatData, ModelLevel } from './format-data.ts';
import {
  elementErrorPlot,
  layerErrorPlot,
  ratioText,
  sqnrBySourcePlot,
  throughputBarsPlot,
  trendPlot,
} from './format-plots.ts';
import { conformanceCell, DASH, esc, fmt, page, plotFigure } from './html.ts';
import type { FormatRow } from './model.ts';
import { type Delta, NEIGHBOUR_BITS, type Neighbour } from './neighbours.ts';
import type { Trend } from './trends.ts';

export function formatHref(id: string): string {
  return `formats/${encodeURIComponent(id)}.html`;
}

export function compareHref(ids: readonly string[]): string {
  return `compare.html?f=${ids.map(encodeURIComponent).join(',')}`;
}

/** "NMSE ≤ 0.016 on N(0,1); laplace ≤ 0.029, student_t ≤ 0.049, idempotent". */
function roundTripText(rt: RoundTripTolerance): string {
  const by = Object.entries(rt.maxNmseBySource ?? {}).map(([source, bound]) => `${source} ≤ ${bound}`);
  return `NMSE ≤ ${rt.maxNmse}${by.length > 0 ? ` on N(0,1); ${by.join(', ')}` : ''}${rt.idempotent ? ', idempotent' : ''}`;
}

function recordValue(r: StoredRecord): string {
  if (r.error !== undefined) return `<span class="st-fail">error</span>`;
  if (r.unit === 'verdict') return `<span class="st-${esc(String(r.value))}">${esc(String(r.value))}</span>`;
  const n = numericValue(r.value);
  if (n !== undefined) return fmt(n, 4);
  return esc(String(r.value));
}

/** The one-line "why" of a record: its error, behaviour, first failure or skip reason. */
function recordNote(r: StoredRecord): string {
  if (r.error !== undefined) return r.error;
  const d = r.details ?? {};
  for (const key of ['firstFailure', 'behaviour', 'reason']) {
    const v = d[key];
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      return [o['case'], o['op'], o['mismatch']].filter((x) => x !== undefined).join(' · ');
    }
  }
  return '';
}

const sig = (v: number) => Number(v.toPrecision(4));

/** A signed difference with 3 significant digits ("+1.23 dB", "−4.5e-4"), whatever its magnitude. */
function signed(v: number, unit: string): string {
  const a = Math.abs(v);
  const body = a !== 0 && (a < 1e-3 || a >= 1e4) ? a.toExponential(2) : a.toPrecision(3);
  return `${v >= 0 ? '+' : '−'}${body}${unit}`;
}

/** A difference with a word on whether it can be told from noise. */
function deltaCell(d: Delta | undefined, unit: string, ratio = false): string {
  if (d === undefined) return `<td class="num">${DASH}</td>`;
  const text = ratio ? `${fmt(d.value, 2)}×` : signed(d.value, unit);
  const word = {
    'within-noise': 'within noise',
    'no-estimate': 'no noise estimate',
    'beyond-noise': 'beyond noise',
  }[d.resolution];
  return `<td class="num">${esc(text)}<span class="why">${word}</span></td>`;
}

function neighboursSection(row: FormatRow, list: Neighbour[]): string {
  if (row.bitsPerWeight === undefined)
    return `<section id="neighbours"><h3>Neighbours</h3><p class="missing">bits/weight unknown: no neighbours</p></section>`;
  if (list.length === 0)
    return `<section id="neighbours"><h3>Neighbours</h3><p class="muted">No other format in these results within ±${NEIGHBOUR_BITS} bits/weight of ${fmt(row.bitsPerWeight, 4)}.</p></section>`;
  const backends = [...new Set(list.flatMap((n) => n.throughput.map((t) => t.backend)))].sort();
  const rows = list.map(
    (n) =>
      `<tr><td><a href="${esc(formatHref(n.id).slice('formats/'.length))}">${esc(n.id)}</a></td><td>${esc(n.family)}</td><td class="num">${fmt(n.bitsPerWeight, 4)}</td>${deltaCell(n.sqnrDb, ' dB')}${deltaCell(n.kl, '')}${backends.map((b) => deltaCell(n.throughput.find((t) => t.backend === b)?.ratio, '', true)).join('')}</tr>`,
  );
  // The nearest four: an overlay of more lines than that is not readable (the form on the page takes any list).
  const all = [row.id, ...list.slice(0, 4).map((n) => n.id)];
  return `<section id="neighbours"><h3>Neighbours within ±${NEIGHBOUR_BITS} bits/weight</h3>
<p class="small muted">Differences are the neighbour minus ${esc(row.id)} (throughput: the neighbour’s decode GB/s as a multiple of ${esc(row.id)}’s). Throughput is “within noise” when the two measurements’ spreads (repeat times within median ± (median − fastest repeat)) overlap; SQNR and KL have a noise estimate only from history (≥ 5 earlier batches) — both are measured on the same seeded data for every format, so their differences are exact for that data but carry no sampling interval.</p>
<p><a href="../${esc(compareHref(all))}">compare ${esc(all.join(', '))} side by side</a></p>
<table><thead><tr><th scope="col">format</th><th scope="col">family</th><th scope="col">bits/weight</th><th scope="col">Δ SQNR N(0,1)</th><th scope="col">Δ KL (model)</th>${backends.map((b) => `<th scope="col">GB/s ${esc(b)} ×</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

/** The model-level statistics with what produced them, and what their differences can and cannot say. */
function modelSection(m: ModelLevel | undefined, klTrend: Trend | undefined): string {
  if (!m)
    return `<section id="model-level"><h3>Model level</h3><p class="missing">no kl_divergence records yet (accuracy suite, model level)</p></section>`;
  const what = `${m.isFixture ? 'the project’s fixture model' : 'a user’s model'} <code>${esc(m.model)}</code>, evaluated on ${esc(m.evalText ?? 'an unrecorded text')}${m.positions !== undefined ? ` (${m.positions} scored positions)` : ''}, run by ${m.engine ? esc(m.engine) : 'an engine these records do not name'}`;
  const band = klTrend?.band;
  const klNoise = !band
    ? 'no interval available (the records carry no per-position spread and history has fewer than 5 batches)'
    : band.mad === 0
      ? `no interval available: identical in ${band.points} earlier batches (the evaluation is deterministic, so history says nothing about the noise of the evaluation text)`
      : `± ${fmt(band.halfWidth, 5)} (3 × 1.4826 × MAD of ${band.points} earlier batches)`;
  const top1 =
    m.top1 !== undefined && m.top1Interval
      ? `${fmt(100 * m.top1, 2)}% (95% Wilson interval ${fmt(100 * m.top1Interval.lo, 2)}–${fmt(100 * m.top1Interval.hi, 2)}% over ${m.positions} positions, treating positions as independent, which neighbouring positions of one text are not: the true interval is wider)`
      : m.top1 !== undefined
        ? `${fmt(100 * m.top1, 2)}% (no interval available: positions not recorded)`
        : DASH;
  const notes: string[] = [];
  if (m.deltaPpl !== undefined) {
    notes.push(
      `ΔPPL has no interval available: the records carry both perplexities but not the per-token log-probability spread an interval needs.`,
    );
    if (m.deltaPpl < 0)
      notes.push(
        `The quantized model’s perplexity is <em>lower</em> than full precision’s (${fmt(m.perplexityQ, 4)} vs ${fmt(m.perplexityFp, 4)}). Quantization does not make a model better; without an interval this difference is indistinguishable from noise.`,
      );
    if (m.isFixture)
      notes.push(
        `This is a 119k-parameter character-level fixture that checks the pipeline and ranks formats by bits: a ΔPPL of this size (${fmt((100 * m.deltaPpl) / (m.perplexityFp ?? 1), 2)}%) on it is not evidence about any real model. Pass <code>--model DIR</code> for numbers that describe a deployment.`,
      );
  }
  return `<section id="model-level"><h3>Model level</h3>
<p>Measured on ${what}.</p>
<table class="small"><thead><tr><th scope="col">statistic</th><th scope="col">value</th><th scope="col">interval / noise</th></tr></thead><tbody>
<tr><td>mean KL divergence (nats)</td><td class="num">${fmt(m.kl, 6)}</td><td>${klNoise}${m.klP99 !== undefined ? `; per-position p99 ${fmt(m.klP99, 5)}` : ''}</td></tr>
<tr><td>top-1 agreement</td><td class="num">${m.top1 !== undefined ? `${fmt(100 * m.top1, 2)}%` : DASH}</td><td>${top1}</td></tr>
<tr><td>RMS Δp</td><td class="num">${fmt(m.rmsDeltaP, 5)}</td><td>no interval available</td></tr>
<tr><td>perplexity quantized / full precision</td><td class="num">${fmt(m.perplexityQ, 4)} / ${fmt(m.perplexityFp, 4)}</td><td>—</td></tr>
<tr><td>ΔPPL (quantized − full precision)</td><td class="num">${m.deltaPpl !== undefined ? `${m.deltaPpl >= 0 ? '+' : '−'}${fmt(Math.abs(m.deltaPpl), 4)}` : DASH}</td><td>no interval available</td></tr>
</tbody></table>${notes.map((n) => `<p class="note">${n}</p>`).join('')}</section>`;
}

function trendsSection(formatId: string, trends: Trend[]): string {
  const drawn = trends.filter((t) => t.points.length >= 2);
  if (drawn.length === 0)
    return `<section id="trends"><h3>Trends</h3><p class="muted">One result set in history: trend lines appear once several batches are merged (<code>qbench merge</code> keeps them under history/).</p></section>`;
  const figs = drawn.map((t) => {
    const id = `trend-${t.headline.key.replace(/[^a-z0-9]+/gi, '-')}`;
    const verdict =
      t.change === 'regression'
        ? `<span class="regress">regression beyond the noise band</span>`
        : t.change === 'improvement'
          ? `<span class="improve">improved beyond the noise band</span>`
          : t.change === 'within-noise'
            ? `<span class="why">latest within the noise band</span>`
            : `<span class="why">no noise band: fewer than 5 earlier batches</span>`;
    const table = {
      head: ['batch', 'commit', `${t.headline.label} (${t.headline.unit})`],
      rows: t.points.map((p) => [p.batch, p.commit.slice(0, 12), sig(p.value)]),
    };
    return `<div>${plotFigure(id, t.headline.label, trendPlot(formatId, t), '', table)}${verdict}</div>`;
  });
  return `<section id="trends"><h3>Trends across batches</h3><p class="small muted">One point per merged batch (hover for its commit). Grey band: median ± 3 × 1.4826 × MAD of the points before the latest, drawn only with at least 5 of them.</p><div class="trends">${figs.join('')}</div></section>`;
}

export interface FormatPageInput {
  row: FormatRow;
  data: FormatData;
  neighbours: Neighbour[];
  trends: Trend[];
}

export function formatPage({ row, data, neighbours, trends }: FormatPageInput): string {
  const spec = row.spec;
  const prov = spec?.provenance;
  const repo = prov?.repository
    ? `<a href="https://github.com/${esc(prov.repository)}">${esc(prov.repository)}</a>`
    : DASH;
  const specBlock = spec
    ? `<p>${esc(spec.summary)}</p>
<dl class="kv"><dt>family</dt><dd>${esc(spec.family)}</dd><dt>bits/weight</dt><dd>${fmt(spec.derived.bitsPerWeight, 4)} (block ${spec.layout.blockElements} elements in ${spec.layout.blockBytes} bytes)</dd>
<dt>implementation</dt><dd>${esc(prov!.implementation)}</dd><dt>repository</dt><dd>${repo}</dd><dt>commit</dt><dd><code>${esc(prov!.commit)}</code></dd>
${prov!.files?.length ? `<dt>files</dt><dd>${prov!.files.map((f) => `<code>${esc(f)}</code>`).join(' ')}</dd>` : ''}${prov!.paper ? `<dt>paper</dt><dd>${esc(prov!.paper)}</dd>` : ''}
<dt>round-trip tolerance</dt><dd>${spec.tolerance.roundTrip ? esc(roundTripText(spec.tolerance.roundTrip)) : DASH}</dd></dl>`
    : '<p class="muted">No spec in this build of qbench for this format id.</p>';
  const kernels = [...row.kernels].map(
    ([k, c]) =>
      `<tr><td><code>${esc(k)}</code></td><td>${esc(c.backend)}</td>${conformanceCell(c)}<td class="num">${c.pass}</td><td class="num">${c.fail}</td><td class="num">${c.errors}</td><td class="num">${c.skip}</td><td class="small">${esc(c.failed.join(', '))}</td></tr>`,
  );
  const records = [...row.records].sort((a, b) =>
    [a.suite, a.kernel, a.metric, a.dataset]
      .join('\u0000')
      .localeCompare([b.suite, b.kernel, b.metric, b.dataset].join('\u0000')),
  );
  const recRows = records.map(
    (r) =>
      `<tr><td>${esc(r.suite)}</td><td><code>${esc(r.kernel)}</code></td><td>${esc(r.backend)}</td><td>${esc(r.dataset)}</td><td>${esc(r.metric)}</td><td class="num">${recordValue(r)}</td><td>${esc(r.unit)}</td><td class="small">${esc(recordNote(r))}</td></tr>`,
  );
  const regressed = trends.filter((t) => t.change === 'regression');
  const plots = [
    plotFigure(
      'sqnr-by-source',
      'SQNR by source distribution, against the Gaussian distortion-rate bound and the Lloyd–Max quantizer at the same rate (both lines are for N(0,1))',
      sqnrBySourcePlot(data),
      'no tensor-level sqnr_db records yet (accuracy suite)',
      {
        head: ['source', 'SQNR (dB)'],
        rows: [...data.sqnrBySource.map((p) => [p.source, sig(p.value)])],
      },
    ),
    `<p class="small muted">Gaussian bound ${fmt(data.gaussianBoundDb)} dB · Lloyd–Max for N(0,1) ${fmt(data.lloydMaxDb)} dB${data.lloydMaxDb === undefined ? ' (no gap_to_lloyd_max_db record)' : ''}.</p>`,
    plotFigure(
      'element-error',
      'Per-element error distribution by source: quantiles of |x − x̂| / RMS(x)',
      elementErrorPlot(data),
      'no element_error_p50…p999 records yet (accuracy suite, tensor level; added with this page — rerun the accuracy suite)',
      {
        head: ['source', 'quantile', '|x − x̂| / RMS(x)'],
        rows: data.elementError.map((q) => [q.source, q.quantile, sig(q.value)]),
      },
    ),
    plotFigure(
      'layer-error',
      'Layer-level output error percentiles by activation source (y = W·x, W quantized)',
      layerErrorPlot(data),
      'no layer_output_error_* records yet (accuracy suite, layer level)',
      {
        head: ['activation source', 'percentile', '|y − ŷ| / RMS(y)'],
        rows: data.layerError.map((q) => [q.source, q.quantile, sig(q.value)]),
      },
    ),
    plotFigure(
      'throughput',
      `Throughput per backend and op against each backend’s copy bandwidth${data.nativeBackend ? ` and native ggml (${data.nativeBackend})` : ''}`,
      throughputBarsPlot(data),
      'no throughput_gbps records yet (throughput suite)',
      {
        head: [
          'op',
          'backend',
          'kernel',
          'GB/s',
          'spread GB/s (median ± (median − fastest) repeat)',
          'copy GB/s',
          '% of copy',
          '× native ggml',
        ],
        rows: data.throughput.map((b) => [
          b.op,
          b.backend,
          b.kernel,
          sig(b.gbps),
          b.range ? `${fmt(b.range.lo)}–${fmt(b.range.hi)}` : 'not recorded',
          b.copyGbps !== undefined ? sig(b.copyGbps) : DASH,
          b.copyGbps ? fmt((100 * b.gbps) / b.copyGbps, 0) : DASH,
          b.vsNative !== undefined ? ratioText(b.vsNative) : DASH,
        ]),
      },
    ),
    data.throughput.length > 0 && !data.nativeBackend
      ? `<p class="small muted">No native ggml backend in these records: the bars have no native baseline.</p>`
      : '',
  ];
  const headline = `<dl class="kv"><dt>conformance</dt><dd>${row.conformance.status ?? DASH}</dd><dt>SQNR on N(0,1)</dt><dd>${fmt(row.sqnrGaussianDb)} dB</dd><dt>gap to 6.02 dB/bit</dt><dd>${fmt(row.gapToBoundDb)} dB</dd><dt>KL (model)</dt><dd>${fmt(row.kl, 4)}</dd>
${[...row.throughput].map(([b, v]) => `<dt>best GB/s ${esc(b)}</dt><dd>${fmt(v)}</dd>`).join('')}</dl>${regressed.map((t) => `<p class="regress">${esc(t.headline.label)}: regression beyond the noise band (latest ${fmt(t.points.at(-1)!.value, 4)} ${esc(t.headline.unit)}, earlier median ${fmt(t.band!.median, 4)} ± ${fmt(t.band!.halfWidth, 4)})</p>`).join('')}`;
  const body = `<h2>${esc(row.id)}</h2>${specBlock}
<section id="headline"><h3>Headline</h3>${headline}</section>
${neighboursSection(row, neighbours)}
<section id="plots"><h3>Accuracy and throughput</h3>${plots.join('\n')}</section>
${modelSection(
  data.modelLevel,
  trends.find((t) => t.headline.key === 'kl'),
)}
${trendsSection(row.id, trends)}
<section id="kernels"><h3>Kernels and their conformance</h3>${kernels.length ? `<table><thead><tr><th scope="col">kernel</th><th scope="col">backend</th><th scope="col">verdict</th><th scope="col">pass</th><th scope="col">fail</th><th scope="col">errors</th><th scope="col">skipped</th><th scope="col">failed checks (metric/dataset)</th></tr></thead><tbody>${kernels.join('')}</tbody></table>` : `<p class="missing">no conformance records yet</p>`}</section>
<details id="all-metrics"><summary>All metrics (${records.length})</summary><table class="sortable small"><thead><tr><th scope="col">suite</th><th scope="col">kernel</th><th scope="col">backend</th><th scope="col">dataset</th><th scope="col">metric</th><th scope="col">value</th><th scope="col">unit</th><th scope="col">note</th></tr></thead><tbody>${recRows.join('\n')}</tbody></table></details>`;
  return page(`qbench · ${row.id}`, '../', body, true);
}
