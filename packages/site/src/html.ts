/**
 * HTML templates of the static site. Pages are self-contained (inline CSS, inline SVG plots, a small inline
 * script for sorting and filtering the table) so they work from file:// and GitHub Pages with no server.
 * Without JavaScript the table is still complete, just not sortable.
 */
import type { RunMetadata } from '@qbench/spec';
import type { Conformance } from './model.ts';

export function esc(s: string | number): string {
  return String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

export const DASH = '—';

export function fmt(v: number | undefined, digits = 2): string {
  if (v === undefined || Number.isNaN(v)) return DASH;
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(digits);
  return v.toFixed(digits);
}

/** data-v carries the sortable value; missing values sort last. */
export function numCell(v: number | undefined, digits = 2): string {
  const sortable = v === undefined || Number.isNaN(v) ? '' : String(v);
  return `<td class="num" data-v="${esc(sortable)}">${fmt(v, digits)}</td>`;
}

/** A cell whose measurement was skipped or failed: says so, with the reason on hover; sorts after numbers. */
export function skipCell(reason: string): string {
  return `<td class="st-skip" data-v="" title="${esc(reason)}">skip</td>`;
}

export function conformanceCell(c: Conformance): string {
  if (c.status === undefined) return `<td data-v="">${DASH}</td>`;
  const total = c.pass + c.fail + c.errors;
  const text =
    c.status === 'skip' ? 'skipped' : `${c.status === 'pass' ? 'pass' : 'FAIL'} ${c.pass}/${total}`;
  const order = c.status === 'fail' ? 0 : c.status === 'skip' ? 1 : 2;
  // Name what failed, grouped by metric, so a FAIL is never a bare word.
  const byMetric = new Map<string, number>();
  for (const f of c.failed) {
    const m = f.split('/')[0]!;
    byMetric.set(m, (byMetric.get(m) ?? 0) + 1);
  }
  const what = [...byMetric].map(([m, n]) => (n > 1 ? `${m} ×${n}` : m)).join(', ');
  const title = `${c.pass} pass, ${c.fail} fail, ${c.errors} errors, ${c.skip} skipped${c.failed.length ? `: ${c.failed.join(', ')}` : ''}`;
  return `<td class="st-${c.status}" data-v="${order}" title="${esc(title)}">${esc(text)}${what ? ` <span class="why">${esc(what)}</span>` : ''}</td>`;
}

const CSS = `
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --pass: #1a7f37; --fail: #cf222e; --skip: #9a6700; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: var(--fg); margin: 0; background: #fff; }
header { padding: 14px 24px; border-bottom: 1px solid var(--line); display: flex; gap: 24px; align-items: baseline; flex-wrap: wrap; }
header h1 { font-size: 20px; margin: 0; } header nav a { margin-right: 14px; }
main { padding: 16px 24px 40px; max-width: 1400px; }
a { color: #0969da; text-decoration: none; } a:hover { text-decoration: underline; }
p a, dd a, figcaption a, li a { text-decoration: underline; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 20px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; position: sticky; top: 0; cursor: pointer; user-select: none; white-space: nowrap; }
th[aria-sort=ascending]::after { content: ' ▲'; } th[aria-sort=descending]::after { content: ' ▼'; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.st-pass { color: var(--pass); font-weight: 600; } .st-fail { color: var(--fail); font-weight: 700; } .st-skip { color: var(--skip); }
.why { font-weight: 400; font-size: 11px; color: var(--muted); display: block; }
.muted { color: var(--muted); } .small { font-size: 12px; }
.controls { display: flex; gap: 12px; align-items: center; margin: 8px 0; }
.controls input, .controls select { font: inherit; padding: 3px 6px; }
figure.plot { margin: 12px 0 28px; } figure.plot figcaption { font-weight: 600; margin-bottom: 4px; }
section { margin-bottom: 28px; } code { font-size: 12px; background: #f6f8fa; padding: 1px 4px; border-radius: 3px; }
.missing { color: var(--muted); font-style: italic; border: 1px dashed var(--line); padding: 12px; }
details.data { margin: -20px 0 24px; } details.data summary { cursor: pointer; color: var(--muted); font-size: 12px; }
.regress { color: var(--fail); font-weight: 700; font-size: 11px; display: block; } .improve { color: var(--pass); font-size: 11px; display: block; }
.note { background: #fff8c5; border-left: 3px solid #9a6700; padding: 6px 10px; margin: 6px 0; }
.trends { display: flex; flex-wrap: wrap; gap: 8px 24px; } .trends figure.plot { margin: 0 0 8px; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; } dl.kv dt { color: var(--muted); }
`;

/** Sorting (click a header) and filtering (text box, family select) of table.sortable; no dependencies. */
const SCRIPT = `
for (const table of document.querySelectorAll('table.sortable')) {
  const body = table.tBodies[0];
  table.tHead.addEventListener('click', (ev) => {
    const th = ev.target.closest('th'); if (!th) return;
    const i = [...th.parentNode.children].indexOf(th);
    const dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    for (const o of th.parentNode.children) o.removeAttribute('aria-sort');
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    const key = (tr) => { const td = tr.children[i]; return td.dataset.v !== undefined ? td.dataset.v : td.textContent.trim(); };
    const rows = [...body.rows].sort((a, b) => {
      const x = key(a), y = key(b);
      if (x === '' || y === '') return x === y ? 0 : x === '' ? 1 : -1;
      const nx = Number(x), ny = Number(y);
      const c = !Number.isNaN(nx) && !Number.isNaN(ny) ? nx - ny : x.localeCompare(y);
      return c * dir;
    });
    body.append(...rows);
  });
}
const q = document.getElementById('filter'), fam = document.getElementById('family'), count = document.getElementById('count');
function applyFilter() {
  const t = (q ? q.value : '').toLowerCase(), f = fam ? fam.value : '';
  let shown = 0;
  for (const tr of document.querySelectorAll('#overview tbody tr')) {
    const ok = tr.textContent.toLowerCase().includes(t) && (f === '' || tr.dataset.family === f);
    tr.hidden = !ok; if (ok) shown++;
  }
  if (count) count.textContent = shown + ' formats';
}
// A link to a plot's data table (#<plot>-data) opens its collapsed <details>.
function openTarget() {
  const t = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (t && t.tagName === 'DETAILS') t.open = true;
}
window.addEventListener('hashchange', openTarget);
openTarget();
if (q) q.addEventListener('input', applyFilter);
if (fam) fam.addEventListener('change', applyFilter);
`;

export function page(title: string, root: string, body: string, withScript = false): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><header><h1><a href="${root}index.html">qbench</a></h1><nav><a href="${root}index.html">leaderboard</a><a href="${root}compare.html">compare</a><a href="${root}history.html">history</a><a href="${root}results.json">results.json</a></nav></header>
<main>${body}</main>${withScript ? `<script>${SCRIPT}</script>` : ''}</body></html>
`;
}

export function figure(caption: string, svg: string | undefined, missing: string): string {
  if (svg === undefined)
    return `<figure class="plot"><figcaption>${esc(caption)}</figcaption><div class="missing">${esc(missing)}</div></figure>`;
  return `<figure class="plot"><figcaption>${esc(caption)}</figcaption>${svg}</figure>`;
}

export function runsTable(runs: RunMetadata[]): string {
  const rows = runs.map((r) => {
    const shard = r.shard ? `${r.shard.index}/${r.shard.count}` : 'all';
    const gpu = r.machine.gpu ?? DASH;
    const mem = `${(r.machine.memoryBytes / 2 ** 30).toFixed(0)} GiB`;
    return `<tr><td>${esc(r.startedAt.replace('T', ' ').slice(0, 19))}</td><td>${esc(shard)}</td><td>${esc(r.qbench.version)} <code>${esc(r.qbench.commit.slice(0, 10))}</code></td><td>${esc(r.machine.cpu)} × ${r.machine.cores}, ${esc(mem)}</td><td>${esc(gpu)}</td><td>${esc(r.machine.os)}, node ${esc(r.machine.node)}</td><td class="num">${(r.durationMs / 1000).toFixed(1)} s</td><td>${r.complete ? 'complete' : '<span class="st-fail">interrupted</span>'}${r.quick ? ' (quick)' : ''}</td></tr>`;
  });
  return `<table class="small"><thead><tr><th>started (UTC)</th><th>shard</th><th>qbench</th><th>CPU</th><th>GPU</th><th>OS</th><th>duration</th><th>state</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export interface DataTable {
  head: string[];
  /** Cell text (escaped here); numbers are shown as given. */
  rows: (string | number)[][];
}

/**
 * A plot with its text alternative's companion: a link to its data table, which follows the figure in a
 * <details> (collapsed; following the link opens it). `id` is stable across builds (it names the plot, not a
 * position), so `formats/q4_k.html#sqnr-by-source-data` can be shared.
 */
export function plotFigure(
  id: string,
  caption: string,
  svg: string | undefined,
  missing: string,
  table?: DataTable,
): string {
  if (svg === undefined)
    return `<figure class="plot" id="${esc(id)}"><figcaption>${esc(caption)}</figcaption><div class="missing">${esc(missing)}</div></figure>`;
  const data = table
    ? `<details class="data" id="${esc(id)}-data"><summary>data table: ${esc(caption)}</summary><table class="small"><thead><tr>${table.head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${table.rows.map((r) => `<tr>${r.map((c) => (typeof c === 'number' ? `<td class="num">${esc(String(c))}</td>` : `<td>${esc(c)}</td>`)).join('')}</tr>`).join('')}</tbody></table></details>`
    : '';
  const link = table ? ` <a class="small" href="#${esc(id)}-data">data table</a>` : '';
  return `<figure class="plot" id="${esc(id)}" data-points="${table?.rows.length ?? ''}"><figcaption>${esc(caption)}${link}</figcaption>${svg}</figure>${data}`;
}
