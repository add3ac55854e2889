/** The site's pages: overview (leaderboard + plots), one page per format, and the history view. */
import type { RoundTripTolerance } from '@qbench/core';
import { numericValue, type StoredRecord } from '@qbench/spec';
import { conformanceCell, DASH, esc, figure, fmt, numCell, page, runsTable } from './html.ts';
import type { BatchSummary, FormatRow, SiteModel } from './model.ts';
import { detectorPlot, historyPlot, klPlot, paretoPlot, throughputPlots } from './plots.ts';

export function formatHref(id: string): string {
  return `formats/${encodeURIComponent(id)}.html`;
}

export function overviewPage(model: SiteModel, historyCount: number): string {
  const backends = model.backends;
  const head = [
    'format',
    'family',
    'bits/weight',
    'conformance',
    'SQNR N(0,1) dB',
    'gap to 6.02 dB/bit',
    'KL (model)',
    ...(backends.length > 0 ? backends.map((b) => `GB/s ${b}`) : ['throughput GB/s']),
  ];
  const rows = model.rows.map((r) => {
    const tp = backends.length > 0 ? backends.map((b) => numCell(r.throughput.get(b))) : [numCell(undefined)];
    return `<tr data-family="${esc(r.family)}"><td><a href="${formatHref(r.id)}">${esc(r.id)}</a></td><td>${esc(r.family)}</td>${numCell(r.bitsPerWeight, 4)}${conformanceCell(r.conformance)}${numCell(r.sqnrGaussianDb)}${numCell(r.gapToBoundDb)}${numCell(r.kl, 4)}${tp.join('')}</tr>`;
  });
  const families = [...new Set(model.rows.map((r) => r.family))].sort();
  const runs = model.results.runs;
  const commit = runs[0]?.qbench.commit ?? 'unknown';
  const tps = throughputPlots(model);
  const body = `
<p class="muted">${model.rows.length} formats, ${model.records.length} records from ${runs.length} run${runs.length === 1 ? '' : 's'} · commit <code>${esc(commit.slice(0, 12))}</code> · ${esc(runs[0]?.startedAt ?? '')}${historyCount > 1 ? ` · <a href="history.html">${historyCount} result sets in history</a>` : ''}</p>
<section><h2>Leaderboard</h2>
<div class="controls"><input id="filter" type="search" placeholder="filter formats…" aria-label="filter formats">
<select id="family" aria-label="family"><option value="">all families</option>${families.map((f) => `<option>${esc(f)}</option>`).join('')}</select>
<span id="count" class="muted">${model.rows.length} formats</span></div>
<table id="overview" class="sortable"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table>
<p class="small muted">${DASH} = no suite has produced this metric yet. Conformance: round-trip suite verdicts (golden vectors, generated cases, size, NMSE, idempotence, special values); click a format for details.</p>
</section>
<section><h2>Plots</h2>
${figure('Bits/weight vs SQNR on N(0,1), with the Pareto frontier and the 6.02 dB/bit bound', paretoPlot(model), 'no sqnr_db (dataset gaussian) records yet')}
${figure('Bits/weight vs KL divergence on the model fixture', klPlot(model), 'no kl_divergence records yet (accuracy suite, model level)')}
${tps.length > 0 ? tps.map((t) => figure(`Throughput on ${t.backend} (best kernel per format) with the memory-bandwidth line`, t.svg, '')).join('\n') : figure('Throughput per backend', undefined, 'no throughput_gbps records yet (throughput suite)')}
${figure('Detectors: true-positive vs false-positive rate', detectorPlot(model), 'no tpr/fpr records yet (adversarial suite)')}
</section>
<section><h2>Runs</h2>${runsTable(runs)}</section>`;
  return page('qbench leaderboard', '', body, true);
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

export function formatPage(row: FormatRow): string {
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
  const body = `<h2>${esc(row.id)}</h2>${specBlock}
<section><h3>Headline</h3><dl class="kv"><dt>conformance</dt><dd>${row.conformance.status ?? DASH}</dd><dt>SQNR on N(0,1)</dt><dd>${fmt(row.sqnrGaussianDb)} dB</dd><dt>gap to 6.02 dB/bit</dt><dd>${fmt(row.gapToBoundDb)} dB</dd><dt>KL (model)</dt><dd>${fmt(row.kl, 4)}</dd>
${[...row.throughput].map(([b, v]) => `<dt>throughput ${esc(b)}</dt><dd>${fmt(v)} GB/s</dd>`).join('')}</dl></section>
<section><h3>Kernels and their conformance</h3>${kernels.length ? `<table><thead><tr><th>kernel</th><th>backend</th><th>verdict</th><th>pass</th><th>fail</th><th>errors</th><th>skipped</th><th>failed checks (metric/dataset)</th></tr></thead><tbody>${kernels.join('')}</tbody></table>` : `<p class="missing">no conformance records yet</p>`}</section>
<section><h3>All metrics (${records.length})</h3><table class="sortable small"><thead><tr><th>suite</th><th>kernel</th><th>backend</th><th>dataset</th><th>metric</th><th>value</th><th>unit</th><th>note</th></tr></thead><tbody>${recRows.join('\n')}</tbody></table></section>`;
  return page(`qbench · ${row.id}`, '../', body, true);
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
${figure('SQNR on N(0,1) per format across result sets', historyPlot(batches), 'needs at least two result sets with sqnr_db records')}
<table class="sortable"><thead><tr><th>batch</th><th>started (UTC)</th><th>commit</th><th>runs</th><th>records</th><th>formats conforming</th><th>formats failing</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  return page('qbench · history', '', body, true);
}
