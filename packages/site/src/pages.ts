/** The site's overview (leaderboard + plots + regression marks) and history pages; a format's page is format-page.ts, the comparison compare.ts. */
import { formatHref } from './format-page.ts';
import {
  conformanceCell,
  DASH,
  type DataTable,
  esc,
  figure,
  fmt,
  numCell,
  page,
  plotFigure,
  runsTable,
  skipCell,
} from './html.ts';
import { WASM_BACKEND } from './metrics.ts';
import type { BatchSummary, FormatRow, SiteModel } from './model.ts';
import { paretoTable } from './pareto.ts';
import { detectorPlot, historyPlot, klPlot, paretoPlot, throughputPlots } from './plots.ts';
import type { Trend } from './trends.ts';

const sig = (v: number) => Number(v.toPrecision(4));
const slug = (s: string) => s.replace(/[^a-z0-9]+/gi, '-');

/** A cell with the regression mark of its headline metric when the latest value left the noise band. */
function markedCell(cell: string, trend: Trend | undefined): string {
  if (trend?.change !== 'regression' || !trend.band) return cell;
  const last = trend.points.at(-1)!;
  const title = `${trend.headline.label}: ${fmt(last.value, 4)} ${trend.headline.unit} at ${last.commit.slice(0, 10)}, beyond the noise band ${fmt(trend.band.median, 4)} ± ${fmt(trend.band.halfWidth, 4)} of ${trend.band.points} earlier batches`;
  return cell.replace(
    /<\/td>$/,
    `<span class="regress" data-regression="${esc(trend.headline.key)}" title="${esc(title)}">▼ regression</span></td>`,
  );
}

function regressionSummary(trends: ReadonlyMap<string, Trend[]>): string {
  const all = [...trends.values()].flat();
  const judged = all.filter((t) => t.change !== 'no-band');
  const bad = all.filter((t) => t.change === 'regression');
  if (judged.length === 0)
    return `<p class="small muted">Regressions: no metric has the ≥ 5 earlier batches a noise band needs yet, so none is marked.</p>`;
  if (bad.length === 0)
    return `<p class="small muted">Regressions: none beyond the noise band (${judged.length} headline metrics with a band measured from history).</p>`;
  const list = [...trends]
    .flatMap(([id, ts]) =>
      ts
        .filter((t) => t.change === 'regression')
        .map((t) => `<a href="${formatHref(id)}#trends">${esc(id)}</a> ${esc(t.headline.label)}`),
    )
    .join(', ');
  return `<p class="regress" id="regressions">${bad.length} regression${bad.length === 1 ? '' : 's'} beyond the noise band (median ± 3 × 1.4826 × MAD of earlier batches): ${list}</p>`;
}

/** A throughput cell: the best GB/s, else the skip with its reason (the format's or its backend's), else —. */
function throughputCell(model: SiteModel, r: FormatRow, backend: string): string {
  const v = r.throughput.get(backend);
  if (v !== undefined) return numCell(v);
  const skipped = r.throughputSkips.get(backend);
  if (skipped !== undefined) return skipCell(`${backend}: ${skipped}`);
  const unavailable = model.unavailableBackends.get(backend);
  if (unavailable !== undefined)
    return skipCell(`${backend} unavailable on the machine that ran: ${unavailable}`);
  return numCell(undefined);
}

/** wasm over native ggml GB/s for one op, both timed in one process on the same tensor (the suite's native_ratio). */
function ratioCell(r: FormatRow): string {
  const x = r.wasmNativeRatio;
  if (x === undefined) return numCell(undefined);
  if ('reason' in x) return skipCell(`${x.op}: ${x.reason}`);
  return `<td class="num" data-v="${esc(String(x.value))}" title="${esc(`${WASM_BACKEND} ${x.op} GB/s over native ggml's, same tensor, same process`)}">${fmt(x.value)}× <span class="why">${esc(x.op)}</span></td>`;
}

export function overviewPage(
  model: SiteModel,
  historyCount: number,
  trends: ReadonlyMap<string, Trend[]> = new Map(),
): string {
  const backends = model.backends;
  const withRatio = model.rows.some((r) => r.wasmNativeRatio !== undefined);
  const head = [
    'format',
    'family',
    'bits/weight',
    'conformance',
    'SQNR N(0,1) dB',
    'gap to 6.02 dB/bit',
    'KL (model)',
    ...(backends.length > 0 ? backends.map((b) => `GB/s ${b}`) : ['throughput GB/s']),
    ...(withRatio ? ['wasm/native'] : []),
  ];
  const rows = model.rows.map((r) => {
    const t = (key: string) => trends.get(r.id)?.find((x) => x.headline.key === key);
    const tp =
      backends.length > 0
        ? backends.map((b) => markedCell(throughputCell(model, r, b), t(`throughput:${b}`)))
        : [numCell(undefined)];
    if (withRatio) tp.push(ratioCell(r));
    return `<tr data-family="${esc(r.family)}"><td><a href="${formatHref(r.id)}">${esc(r.id)}</a></td><td>${esc(r.family)}</td>${numCell(r.bitsPerWeight, 4)}${conformanceCell(r.conformance)}${markedCell(numCell(r.sqnrGaussianDb), t('sqnr'))}${numCell(r.gapToBoundDb)}${markedCell(numCell(r.kl, 4), t('kl'))}${tp.join('')}</tr>`;
  });
  const families = [...new Set(model.rows.map((r) => r.family))].sort();
  const runs = model.results.runs;
  const commit = runs[0]?.qbench.commit ?? 'unknown';
  const tps = throughputPlots(model);
  const pareto = paretoTable(model);
  const body = `
<p class="muted">${model.rows.length} formats, ${model.records.length} records from ${runs.length} run${runs.length === 1 ? '' : 's'} · commit <code>${esc(commit.slice(0, 12))}</code> · ${esc(runs[0]?.startedAt ?? '')}${historyCount > 1 ? ` · <a href="history.html">${historyCount} result sets in history</a>` : ''}</p>
<section><h2>Leaderboard</h2>
<div class="controls"><input id="filter" type="search" placeholder="filter formats…" aria-label="filter formats">
<select id="family" aria-label="family"><option value="">all families</option>${families.map((f) => `<option>${esc(f)}</option>`).join('')}</select>
<span id="count" class="muted">${model.rows.length} formats</span></div>
${regressionSummary(trends)}
<table id="overview" class="sortable"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table>
<p class="small muted">${DASH} = no suite has produced this metric yet; skip = it was tried and skipped or failed here (the reason on hover). GB/s: the best op per backend${withRatio ? `; wasm/native: ${WASM_BACKEND} over native ggml for the named op, both timed in one process` : ''}. Conformance: round-trip suite verdicts (golden vectors, generated cases, size, NMSE, idempotence, special values); click a format for details.</p>
</section>
<section><h2>Plots</h2>
${plotFigure('pareto', 'Bits/weight vs SQNR on N(0,1), with the Pareto frontier and the 6.02 dB/bit bound', paretoPlot(model), 'no sqnr_db (dataset gaussian) records yet', { head: ['format', 'family', 'bits/weight', 'SQNR N(0,1) dB', 'on the frontier'], rows: pareto.filter((p) => p.sqnrDb !== null && Number.isFinite(p.sqnrDb)).map((p) => [p.format, p.family, p.bitsPerWeight, sig(p.sqnrDb!), p.onSqnrFrontier ? 'yes' : 'no']) })}
${plotFigure('kl', 'Bits/weight vs KL divergence on the model fixture', klPlot(model), 'no kl_divergence records yet (accuracy suite, model level)', { head: ['format', 'family', 'bits/weight', 'KL (nats)', 'on the frontier'], rows: pareto.filter((p) => p.kl !== null && Number.isFinite(p.kl)).map((p) => [p.format, p.family, p.bitsPerWeight, sig(p.kl!), p.onKlFrontier ? 'yes' : 'no']) })}
${tps.length > 0 ? tps.map((t) => plotFigure(`throughput-${slug(t.backend)}`, `Throughput on ${t.backend} (best kernel per format) with the memory-bandwidth line`, t.svg, '', { head: ['format', 'best GB/s', `copy GB/s (${t.backend})`], rows: model.rows.filter((r) => r.throughput.has(t.backend)).map((r) => [r.id, sig(r.throughput.get(t.backend)!), model.memcpy.has(t.backend) ? sig(model.memcpy.get(t.backend)!) : DASH]) })).join('\n') : figure('Throughput per backend', undefined, 'no throughput_gbps records yet (throughput suite)')}
${plotFigure('detectors', 'Detectors: true-positive vs false-positive rate (bars: TPR 95% interval, FPR to its 95% upper bound; exact Clopper–Pearson)', detectorPlot(model), 'no tpr/fpr records yet (adversarial suite)', detectorTable(model))}
</section>
<section><h2>Runs</h2>${runsTable(runs)}</section>`;
  return page('qbench leaderboard', '', body, true);
}

/** The detectors' data table: each rate with its interval and the counts it comes from. */
function detectorTable(model: SiteModel): DataTable {
  const pct = (v: number) => `${Number((100 * v).toPrecision(3))}%`;
  const counts = (k: number | undefined, n: number | undefined) =>
    k !== undefined && n !== undefined ? `${k}/${n}` : 'not recorded';
  return {
    head: [
      'format',
      'detector / attack',
      'TPR',
      'TPR 95% interval',
      'attacked flagged',
      'FPR',
      'FPR 95% upper bound',
      'benign flagged',
    ],
    rows: model.detectors.map((d) => [
      d.format,
      d.label,
      sig(d.tpr),
      d.tprInterval
        ? `${pct(d.tprInterval.lo)}–${pct(d.tprInterval.hi)}`
        : 'no interval (counts not recorded)',
      counts(d.tp, d.positives),
      sig(d.fpr),
      d.fprUpper95 !== undefined ? pct(d.fprUpper95) : 'no bound (counts not recorded)',
      counts(d.fp, d.negatives),
    ]),
  };
}

export function historyPage(batches: BatchSummary[]): string {
  const rows = [...batches]
    .reverse()
    .map(
      (b) =>
        `<tr><td>${esc(b.batch)}</td><td>${esc(b.startedAt.replace('T', ' ').slice(0, 19))}</td><td><code>${esc(b.commit.slice(0, 10))}</code></td><td class="num">${b.runs}</td><td class="num">${b.records}</td><td class="num st-pass">${b.pass}</td><td class="num ${b.fail ? 'st-fail' : ''}">${b.fail}</td></tr>`,
    );
  const body = `<h2>History</h2>
${batches.length < 2 ? '<p class="missing">Only one result set so far: the history plot appears once several nights (batches) are merged (<code>qbench merge</code> keeps them under history/).</p>' : ''}
${plotFigure('sqnr-history', 'SQNR on N(0,1) per format across result sets', historyPlot(batches), 'needs at least two result sets with sqnr_db records', { head: ['batch', 'commit', 'format', 'SQNR N(0,1) dB'], rows: batches.flatMap((b) => [...b.sqnr].map(([f, v]) => [b.batch, b.commit.slice(0, 12), f, sig(v)])) })}
<table class="sortable"><thead><tr><th>batch</th><th>started (UTC)</th><th>commit</th><th>runs</th><th>records</th><th>formats conforming</th><th>formats failing</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  return page('qbench · history', '', body, true);
}
