import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import type { StoredRecord } from '@qbench/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { upper95 } from './binomial.ts';
import { buildSite } from './build.ts';
import type { CompareData } from './compare.ts';
import { FIXTURE_SOURCES, fixtureFormats, fixtureResults } from './fixture.ts';
import { buildModel, DB_PER_BIT, paretoFrontier } from './model.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function build(withHistory: boolean) {
  const outDir = mkdtempSync(join(tmpdir(), 'qbench-site-'));
  dirs.push(outDir);
  const older = fixtureResults('2026-01-01', '2026-01-01T03:00:00.000Z', -1);
  const current = fixtureResults();
  return { outDir, out: buildSite({ current, history: withHistory ? [older, current] : [], outDir }) };
}

describe('site model', () => {
  it('reads the metric names of every suite', () => {
    const m = buildModel(fixtureResults());
    const [a, b, c] = fixtureFormats().map((id) => m.rows.find((r) => r.id === id)!);
    expect(a!.conformance.status).toBe('pass');
    expect(c!.conformance.status).toBe('fail');
    expect(c!.conformance.errors).toBe(1);
    expect(a!.sqnrGaussianDb).toBeCloseTo(DB_PER_BIT * 0 + 6.02 * a!.bitsPerWeight! - 4, 9);
    expect(a!.gapToBoundDb).toBeCloseTo(DB_PER_BIT * a!.bitsPerWeight! - a!.sqnrGaussianDb!, 9);
    expect(b!.kl).toBeCloseTo(0.005, 12);
    expect(m.backends).toEqual(['wasm-simd128', 'webgpu']);
    expect(b!.throughput.get('webgpu')).toBe(80);
    expect(m.memcpy.get('webgpu')).toBe(150);
    expect(m.detectors).toHaveLength(3);
    const [d0, d1] = m.detectors;
    // The suite's fpr_upper95 record wins; without one the bound comes from the counts.
    expect(d0!.fprUpper95).toBe(0.025);
    expect(d1!.fprUpper95).toBeCloseTo(upper95(6, 300), 12);
    expect(d1!.tprInterval!.lo).toBeLessThan(0.8);
    expect(d1!.tprInterval!.hi).toBeGreaterThan(0.8);
    expect(m.rows.map((r) => r.id).sort()).toEqual([...fixtureFormats()].sort());
  });

  it('shows — for metrics no suite produced', () => {
    const only = fixtureResults();
    only.records = only.records.filter((r) => r.suite === 'roundtrip');
    const m = buildModel(only);
    expect(
      m.rows.every((r) => r.sqnrGaussianDb === undefined && r.kl === undefined && r.throughput.size === 0),
    ).toBe(true);
  });

  it('finds the Pareto frontier', () => {
    const pts = [
      { x: 4, y: 20 },
      { x: 4.5, y: 19 },
      { x: 5, y: 25 },
      { x: 8.5, y: 40 },
      { x: 3, y: 10 },
    ];
    expect(paretoFrontier(pts).map((p) => p.x)).toEqual([3, 4, 5, 8.5]);
  });
});

describe('buildSite', () => {
  it('writes the overview, one page per format and the history view, with SVG plots', () => {
    const { outDir, out } = build(true);
    const index = readFileSync(out.index, 'utf8');
    for (const id of fixtureFormats()) {
      expect(index).toContain(`href="formats/${id}.html"`);
      expect(existsSync(join(outDir, 'formats', `${id}.html`))).toBe(true);
    }
    expect((index.match(/<figure class="plot"/g) ?? []).length).toBe(5);
    // Every plot links its data table, which follows it collapsed.
    expect((index.match(/<details class="data" id="[^"]+-data">/g) ?? []).length).toBe(5);
    expect((index.match(/<svg[^>]*role="img"/g) ?? []).length).toBe(5);
    expect((index.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(5);
    expect(index).not.toContain('class="missing"');
    // The detector table gives each rate its interval and the counts behind it (fixture: 9/10 and 3/300).
    const detectors = index.slice(index.indexOf('id="detectors-data"'));
    expect(detectors).toContain('<th scope="col">TPR 95% interval</th>');
    expect(detectors).toContain('<td>9/10</td>');
    expect(detectors).toContain('<td>3/300</td>');
    expect(detectors).toContain('<td>2.5%</td>');
    expect(index).not.toMatch(/src="http|href="http[^"]*\.js/);
    const history = readFileSync(join(outDir, 'history.html'), 'utf8');
    expect(history).toContain('<svg');
    expect(history).toContain('2026-01-01');
    const page = readFileSync(join(outDir, 'formats', `${fixtureFormats()[2]}.html`), 'utf8');
    expect(page).toContain('x: boom');
    expect(page).toContain('decodes to ±inf');
  });

  it('writes a comparison page whose data script holds every format, and format pages around plots', () => {
    const { outDir } = build(true);
    const compare = readFileSync(join(outDir, 'compare.html'), 'utf8');
    expect(compare).toContain('<script src="compare-data.js"></script>');
    expect(compare).not.toMatch(/fetch\(/);
    // compare-data.js is a plain script setting one global: run it in a sandbox and read the data back.
    const sandbox: { window: { QBENCH_COMPARE?: CompareData } } = { window: {} };
    runInNewContext(readFileSync(join(outDir, 'compare-data.js'), 'utf8'), sandbox);
    const data = sandbox.window.QBENCH_COMPARE!;
    expect(data.formats.map((f) => f.id).sort()).toEqual([...fixtureFormats()].sort());
    expect(data.sources).toEqual([...FIXTURE_SOURCES]);
    const first = data.formats.find((f) => f.id === fixtureFormats()[0])!;
    expect(Object.keys(first.sqnr)).toEqual([...FIXTURE_SOURCES]);
    expect(first.elementP99['laplace']).toBeCloseTo(0.08, 12);
    expect(first.throughput).toEqual({ 'decode · wasm-simd128': 3, 'decode · webgpu': 40 });
    const page = readFileSync(join(outDir, 'formats', `${fixtureFormats()[0]}.html`), 'utf8');
    for (const id of ['sqnr-by-source', 'element-error', 'layer-error', 'throughput'])
      expect(page).toMatch(
        new RegExp(`<figure class="plot" id="${id}" data-points="\\d+">.*<svg[^>]*role="img"`, 's'),
      );
    expect(page).toMatch(/<details id="all-metrics"><summary>All metrics \(\d+\)<\/summary>/);
    expect(page).not.toMatch(/<details id="all-metrics" open/);
    expect(page).toContain('onnxruntime-node (CPU, 1 thread)');
    expect(page).toContain('no interval available');
    expect(page).toContain('119k-parameter');
  });

  it('says which metric is missing instead of drawing an empty plot', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'qbench-site-'));
    dirs.push(outDir);
    const only = fixtureResults();
    only.records = only.records.filter((r) => r.suite === 'roundtrip');
    const out = buildSite({ current: only, history: [], outDir });
    const index = readFileSync(out.index, 'utf8');
    expect(index).toContain('no kl_divergence records yet');
    expect(index).toContain('no throughput_gbps records yet');
    expect(index).toMatch(/<td class="num" data-v="">—<\/td>/);
  });
});

describe('the Pareto table', () => {
  it('marks the frontier of bits/weight vs SQNR and vs KL', async () => {
    const { paretoTable } = await import('./pareto.ts');
    const { buildModel } = await import('./model.ts');
    const rec = (format: string, metric: string, dataset: string, value: number) => ({
      run: 'r',
      item: `accuracy:${format}`,
      suite: 'accuracy',
      format,
      kernel: 'reference',
      backend: 'reference',
      dataset,
      metric,
      value,
      unit: '',
    });
    const results = {
      schemaVersion: 1 as const,
      runs: [],
      records: [
        rec('q4_0', 'sqnr_db', 'gaussian', 21.3),
        rec('q4_k', 'sqnr_db', 'gaussian', 22.9),
        rec('q8_0', 'sqnr_db', 'gaussian', 45.4),
        rec('q4_1', 'sqnr_db', 'gaussian', 22.1),
        rec('q4_0', 'kl_divergence', 'fixture', 0.002),
        rec('q4_k', 'kl_divergence', 'fixture', 0.0013),
        rec('q4_1', 'kl_divergence', 'fixture', 0.0015),
      ],
    };
    const rows = paretoTable(buildModel(results as never));
    const by = new Map(rows.map((r) => [r.format, r]));
    // q4_0 and q4_k share 4.5 bits; q4_k has more SQNR and less KL, so q4_0 is dominated on both.
    expect(by.get('q4_k')?.onSqnrFrontier).toBe(true);
    expect(by.get('q4_0')?.onSqnrFrontier).toBe(false);
    expect(by.get('q4_1')?.onSqnrFrontier).toBe(false); // 5 bits, less SQNR than q4_k at 4.5
    expect(by.get('q8_0')?.onSqnrFrontier).toBe(true);
    expect(by.get('q4_k')?.onKlFrontier).toBe(true);
    expect(by.get('q4_0')?.onKlFrontier).toBe(false);
    expect(by.get('q8_0')?.kl).toBeNull();
  });
});

describe('the leaderboard’s model KL and throughput columns', () => {
  const rec = (
    r: Omit<StoredRecord, 'run' | 'item' | 'unit'> & { item?: string; unit?: string },
  ): StoredRecord => ({
    run: 'run-2026-01-02',
    item: r.item ?? `${r.suite}:${r.format}`,
    unit: r.unit ?? '',
    ...r,
  });
  const index = (results: ReturnType<typeof fixtureResults>) => {
    const outDir = mkdtempSync(join(tmpdir(), 'qbench-site-'));
    dirs.push(outDir);
    return readFileSync(buildSite({ current: results, history: [], outDir }).index, 'utf8');
  };

  it('ranks every format by the fixture’s KL whatever the record order (a merge puts model-llama items first)', () => {
    const results = fixtureResults();
    const b = fixtureFormats()[1]!;
    // llama.cpp's fixture: another model, and a reference-backend record that comes first
    results.records.unshift(
      rec({
        suite: 'accuracy',
        format: b,
        kernel: `${b}/decode/reference`,
        backend: 'reference',
        dataset: 'fixture-llama',
        metric: 'kl_divergence',
        value: 0.5,
        item: `accuracy/model-llama/${b}`,
      }),
    );
    const row = buildModel(results).rows.find((r) => r.id === b)!;
    expect(row.kl).toBeCloseTo(0.005, 12);
    // a user's model still wins over both
    results.records.push(
      rec({
        suite: 'accuracy',
        format: b,
        kernel: '-',
        backend: 'external',
        dataset: 'model:m.gguf',
        metric: 'kl_divergence',
        value: 0.25,
      }),
    );
    expect(buildModel(results).rows.find((r) => r.id === b)!.kl).toBe(0.25);
  });

  it('shows a backend that timed nothing as skip with the reason, not as a missing column or —', () => {
    const results = fixtureResults();
    const [a] = fixtureFormats();
    results.records.push(
      // the round-trip suite's record of a backend with no kernels on this machine
      rec({
        suite: 'roundtrip',
        format: '-',
        kernel: '-',
        backend: 'ggml-native',
        dataset: 'kernels',
        metric: 'kernel_conformance',
        value: 'skip',
        unit: 'verdict',
        details: { reason: 'no native ggml build here' },
        item: 'roundtrip:kernels:unavailable',
      }),
      // a kernel that was listed but not timed
      rec({
        suite: 'throughput',
        format: a!,
        kernel: `${a}/decode/wasm-relaxed-simd`,
        backend: 'wasm-relaxed-simd',
        dataset: 'gaussian',
        metric: 'throughput_gbps',
        value: null,
        unit: 'GB/s',
        error: 'skipped: not timed, conformance failed: block 3',
      }),
    );
    const m = buildModel(results);
    expect(m.backends).toEqual(['ggml-native', 'wasm-relaxed-simd', 'wasm-simd128', 'webgpu']);
    expect(m.unavailableBackends.get('ggml-native')).toBe('no native ggml build here');
    expect(m.rows.map((r) => r.id).sort()).toEqual([...fixtureFormats()].sort()); // format '-' is no row
    expect(m.rows.every((r) => r.conformance.errors === (r.id === fixtureFormats()[2] ? 1 : 0))).toBe(true);
    const row = m.rows.find((r) => r.id === a)!;
    expect(row.throughputSkips.get('wasm-relaxed-simd')).toBe(
      'decode: skipped: not timed, conformance failed: block 3',
    );
    const html = index(results);
    expect(html).toContain('<th>GB/s ggml-native</th>');
    expect(html).toContain(
      'title="ggml-native unavailable on the machine that ran: no native ggml build here">skip</td>',
    );
    expect(html).toContain(
      'title="wasm-relaxed-simd: decode: skipped: not timed, conformance failed: block 3">skip</td>',
    );
    // and no empty throughput plot for the backends that timed nothing
    expect(html).not.toContain('id="throughput-ggml-native"');
    expect(html).not.toContain('id="throughput-wasm-relaxed-simd"');
    expect(html).toContain('id="throughput-wasm-simd128"');
    // a measured backend keeps its number
    expect(row.throughput.get('wasm-simd128')).toBe(3);
    expect(row.throughputSkips.has('wasm-simd128')).toBe(false);
  });

  it('wasm/native is the suite’s native_ratio for decode, else the next op with a value, else its skip reason', () => {
    const results = fixtureResults();
    const [a, b, c] = fixtureFormats() as [string, string, string];
    const ratio = (format: string, op: string, value: number | null, error?: string) =>
      rec({
        suite: 'throughput',
        format,
        kernel: `${format}/${op}/wasm-simd128`,
        backend: 'wasm-simd128',
        dataset: 'gaussian',
        metric: 'native_ratio',
        value,
        unit: 'ratio',
        ...(error ? { error } : {}),
      });
    results.records.push(
      ratio(a, 'dot', 0.3),
      ratio(a, 'decode', 3.14),
      ratio(b, 'decode', null, 'skipped: ggml-native has no decode kernel'),
      ratio(b, 'dot', 0.09),
      ratio(c, 'decode', null, 'skipped: ggml-native has no decode kernel'),
    );
    const m = buildModel(results);
    const get = (id: string) => m.rows.find((r) => r.id === id)!.wasmNativeRatio;
    expect(get(a)).toEqual({ op: 'decode', value: 3.14 });
    expect(get(b)).toEqual({ op: 'dot', value: 0.09 });
    expect(get(c)).toEqual({ op: 'decode', reason: 'skipped: ggml-native has no decode kernel' });
    const html = index(results);
    expect(html).toContain('<th>wasm/native</th>');
    expect(html).toMatch(/data-v="3\.14"[^>]*>3\.14× <span class="why">decode<\/span>/);
    expect(html).toContain('title="decode: skipped: ggml-native has no decode kernel">skip</td>');
    // without native_ratio records there is no such column
    expect(index(fixtureResults())).not.toContain('<th>wasm/native</th>');
  });
});
