/**
 * The comparison page's script (plain ES2017, no dependencies): reads ?f=a,b,c, looks the formats up in
 * window.QBENCH_COMPARE (compare-data.js) and draws each overlay as an inline SVG — one <g class="series"
 * data-format="…"> per format, a colour per format in request order — with role="img", <title>, <desc> and a
 * link to the plot's data table. Unknown ids are named on the page, never silently dropped.
 */
export const COMPARE_SCRIPT = `
(function () {
  var DATA = window.QBENCH_COMPARE;
  var root = document.getElementById('compare');
  var COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; }); }
  function fmt(v, d) { if (v === null || v === undefined || !isFinite(v)) return '—'; if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(2); return v.toFixed(d === undefined ? 2 : d); }
  if (!DATA) { root.innerHTML = '<p class="missing">compare-data.js is missing beside this page (rebuild the site).</p>'; return; }
  var byId = {}; DATA.formats.forEach(function (f) { byId[f.id] = f; });
  var asked = (new URLSearchParams(location.search).get('f') || '').split(',').map(function (s) { return s.trim(); }).filter(Boolean);
  var seen = {}; asked = asked.filter(function (id) { if (seen[id]) return false; seen[id] = true; return true; });
  var unknown = asked.filter(function (id) { return !byId[id]; });
  var formats = asked.filter(function (id) { return byId[id]; }).map(function (id) { return byId[id]; });
  var input = document.getElementById('f'); if (input && asked.length) input.value = asked.join(',');
  var address = document.getElementById('address'); if (address && asked.length) address.textContent = 'compare.html?f=' + asked.join(',');
  var html = '';
  if (unknown.length) html += '<p class="missing" id="unknown">Not in these results: ' + unknown.map(esc).join(', ') + '.</p>';
  if (formats.length < 2) {
    html += '<p class="missing">Give two or more format ids, e.g. <code>compare.html?f=' + esc(DATA.formats.slice(0, 3).map(function (f) { return f.id; }).join(',')) + '</code>.</p>';
    root.innerHTML = html; return;
  }
  document.title = 'qbench · compare ' + formats.map(function (f) { return f.id; }).join(', ');
  var color = {}; formats.forEach(function (f, i) { color[f.id] = COLORS[i % COLORS.length]; });

  function legend() {
    return '<p class="legend">' + formats.map(function (f) { return '<span><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="' + color[f.id] + '"></rect></svg> <a href="' + encodeURI('formats/' + f.id + '.html') + '">' + esc(f.id) + '</a></span>'; }).join(' ') + '</p>';
  }
  function ticks(lo, hi, log) {
    var out = [];
    if (log) { for (var e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) [1, 2, 5].forEach(function (m) { out.push(Number((m * Math.pow(10, e)).toPrecision(1))); }); return out; }
    var step = Math.pow(10, Math.floor(Math.log10((hi - lo) / 4 || 1)));
    if ((hi - lo) / step > 10) step *= 2.5; if ((hi - lo) / step > 10) step *= 2;
    for (var t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) out.push(Number(t.toPrecision(6)));
    return out;
  }
  function tableOf(id, caption, cats, catLabel, unit) {
    return '<details class="data" id="' + id + '-data"><summary>data table: ' + esc(caption) + '</summary><table class="small"><thead><tr><th scope="col">' + esc(catLabel) + '</th>' +
      formats.map(function (f) { return '<th scope="col">' + esc(f.id) + ' (' + esc(unit) + ')</th>'; }).join('') + '</tr></thead><tbody>' +
      cats.map(function (c) { return '<tr><td>' + esc(c.label) + '</td>' + formats.map(function (f) { var v = c.get(f); return '<td class="num">' + (v === undefined ? '—' : fmt(v, 4)) + '</td>'; }).join('') + '</tr>'; }).join('') +
      '</tbody></table></details>';
  }
  // kind 'line': categories on x, one polyline + dots per format; kind 'bar': grouped bars per category.
  function chart(o) {
    var W = 760, H = 340, L = 64, R = 16, T = 16, B = 64;
    var vals = [];
    o.cats.forEach(function (c) { formats.forEach(function (f) { var v = c.get(f); if (v !== undefined && isFinite(v) && (!o.log || v > 0)) vals.push(v); }); });
    if (!vals.length) return '<figure class="plot" id="' + o.id + '"><figcaption>' + esc(o.caption) + '</figcaption><div class="missing">' + esc(o.missing) + '</div></figure>';
    var lo = o.kind === 'bar' ? 0 : Math.min.apply(null, vals), hi = Math.max.apply(null, vals);
    if (o.log) { lo = Math.pow(10, Math.floor(Math.log10(lo))); hi = Math.pow(10, Math.ceil(Math.log10(hi))); }
    else { var pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.1 || 1; lo = o.kind === 'bar' ? 0 : lo - pad; hi = hi + pad; }
    function y(v) { var t = o.log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo); return T + (1 - t) * (H - T - B); }
    var band = (W - L - R) / o.cats.length;
    function x(i) { return L + band * (i + 0.5); }
    var s = '<svg role="img" width="' + W + '" height="' + H + '" viewBox="0 0 ' + W + ' ' + H + '" aria-label="' + esc(o.title + '. ' + o.desc) + '" style="background:white;font:11px system-ui,sans-serif">';
    s += '<title>' + esc(o.title) + '</title><desc>' + esc(o.desc) + '</desc>';
    ticks(lo, hi, o.log).forEach(function (t) { if (t < lo || t > hi) return; s += '<g class="tick"><line x1="' + L + '" x2="' + (W - R) + '" y1="' + y(t) + '" y2="' + y(t) + '" stroke="#e5e5e5"></line><text x="' + (L - 6) + '" y="' + (y(t) + 4) + '" text-anchor="end" fill="#333">' + esc(String(t)) + '</text></g>'; });
    s += '<text x="12" y="' + (T + (H - T - B) / 2) + '" transform="rotate(-90 12 ' + (T + (H - T - B) / 2) + ')" text-anchor="middle" fill="#333">' + esc(o.yLabel) + '</text>';
    o.cats.forEach(function (c, i) { var parts = c.label.split(' · '); s += '<text x="' + x(i) + '" y="' + (H - B + 16) + '" text-anchor="middle" fill="#333">' + parts.map(function (p, j) { return '<tspan x="' + x(i) + '" dy="' + (j ? 13 : 0) + '">' + esc(p) + '</tspan>'; }).join('') + '</text>'; });
    s += '<line x1="' + L + '" x2="' + (W - R) + '" y1="' + (H - B) + '" y2="' + (H - B) + '" stroke="#333"></line>';
    formats.forEach(function (f, k) {
      var g = '<g class="series" data-format="' + esc(f.id) + '" fill="' + color[f.id] + '" stroke="' + color[f.id] + '">';
      if (o.kind === 'line') {
        var pts = [];
        o.cats.forEach(function (c, i) { var v = c.get(f); if (v !== undefined && isFinite(v) && (!o.log || v > 0)) pts.push([x(i), y(v), c.label, v]); });
        g += '<polyline fill="none" stroke-width="2" points="' + pts.map(function (p) { return p[0].toFixed(1) + ',' + p[1].toFixed(1); }).join(' ') + '"></polyline>';
        pts.forEach(function (p) { g += '<circle class="mark" cx="' + p[0].toFixed(1) + '" cy="' + p[1].toFixed(1) + '" r="4"><title>' + esc(f.id + ' · ' + p[2] + ': ' + fmt(p[3], 4)) + '</title></circle>'; });
      } else {
        var bw = (band * 0.8) / formats.length;
        o.cats.forEach(function (c, i) { var v = c.get(f); if (v === undefined || !isFinite(v)) return; var x0 = L + band * i + band * 0.1 + bw * k; g += '<rect class="mark" x="' + x0.toFixed(1) + '" y="' + y(v).toFixed(1) + '" width="' + bw.toFixed(1) + '" height="' + (H - B - y(v)).toFixed(1) + '" stroke="none"><title>' + esc(f.id + ' · ' + c.label + ': ' + fmt(v, 4)) + '</title></rect>'; });
      }
      s += g + '</g>';
    });
    s += '</svg>';
    return '<figure class="plot" id="' + o.id + '"><figcaption>' + esc(o.caption) + ' <a class="small" href="#' + o.id + '-data">data table</a></figcaption>' + legend() + s + '</figure>' + tableOf(o.id, o.caption, o.cats, o.catLabel, o.unit);
  }
  function cats(keys, field) { return keys.map(function (k) { return { label: k, get: function (f) { return f[field][k]; } }; }); }
  var sources = DATA.sources;
  var tput = []; formats.forEach(function (f) { Object.keys(f.throughput).forEach(function (k) { if (tput.indexOf(k) < 0) tput.push(k); }); }); tput.sort();
  var names = formats.map(function (f) { return f.id; }).join(', ');
  html += '<table id="summary"><thead><tr><th scope="col">format</th><th scope="col">family</th><th scope="col">bits/weight</th><th scope="col">SQNR N(0,1) dB</th><th scope="col">KL (model)</th><th scope="col">top-1</th></tr></thead><tbody>' +
    formats.map(function (f) { return '<tr><td><a href="' + encodeURI('formats/' + f.id + '.html') + '">' + esc(f.id) + '</a></td><td>' + esc(f.family) + '</td><td class="num">' + fmt(f.bitsPerWeight, 4) + '</td><td class="num">' + fmt(f.sqnrGaussianDb) + '</td><td class="num">' + fmt(f.kl, 5) + '</td><td class="num">' + (f.top1 === null ? '—' : fmt(100 * f.top1, 2) + '%') + '</td></tr>'; }).join('') + '</tbody></table>';
  html += chart({ id: 'sqnr-by-source', kind: 'line', caption: 'SQNR by source distribution', title: 'SQNR by source: ' + names, desc: 'One line per format across the accuracy suite sources; higher is better.', yLabel: 'SQNR (dB)', unit: 'dB', catLabel: 'source', cats: cats(sources, 'sqnr'), missing: 'no tensor-level sqnr_db records for these formats' });
  html += chart({ id: 'element-error', kind: 'line', log: true, caption: 'Per-element error p99 by source (|x − x̂| / RMS(x), log scale)', title: 'Per-element error p99: ' + names, desc: 'The 99th percentile of the per-element error per source, one line per format; lower is better.', yLabel: 'p99 |x − x̂| / RMS(x)', unit: 'ratio', catLabel: 'source', cats: cats(sources, 'elementP99'), missing: 'no element_error_p99 records for these formats (rerun the accuracy suite)' });
  html += chart({ id: 'layer-error', kind: 'line', log: true, caption: 'Layer output error p99 by activation source (log scale)', title: 'Layer output error p99: ' + names, desc: 'The 99th percentile of |y − ŷ| / RMS(y) for y = W·x with W quantized, one line per format; lower is better.', yLabel: 'p99 |y − ŷ| / RMS(y)', unit: 'ratio', catLabel: 'activation source', cats: cats(sources, 'layerP99'), missing: 'no layer_output_error_p99 records for these formats' });
  html += chart({ id: 'throughput', kind: 'bar', caption: 'Throughput per op and backend (best kernel, GB/s)', title: 'Throughput: ' + names, desc: 'Grouped bars, one bar per format for each op and backend measured; higher is better.', yLabel: 'GB/s', unit: 'GB/s', catLabel: 'op · backend', cats: cats(tput, 'throughput'), missing: 'no throughput_gbps records for these formats' });
  root.innerHTML = html;
  // The tables exist only now: open the one the address points at, as the shared script does on other pages.
  var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (target && target.tagName === 'DETAILS') target.open = true;
})();
`;
