/**
 * The built site in real headless Chromium (Debian's /usr/bin/chromium through playwright-core, never a
 * downloaded browser): the leaderboard table has a row per format, every plot is an <svg> with marks,
 * sorting and filtering work from file://; a format page's plots carry one mark per data point of their data
 * tables; the comparison page draws one series per requested format; axe-core finds no serious or critical
 * accessibility violation on any of them; screenshots are saved for a human to look at.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from './build.ts';
import { FIXTURE_SOURCES, fixtureFormats, fixtureResults } from './fixture.ts';
import { buildModel } from './model.ts';

const CHROMIUM = process.env['QBENCH_CHROMIUM'] ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const missing = !existsSync(CHROMIUM);
/** Screenshots go here (override with QBENCH_SCREENSHOT_DIR, e.g. an ignored reports/ folder). */
const SHOT_DIR = process.env['QBENCH_SCREENSHOT_DIR'] ?? join(tmpdir(), 'qbench-site-screenshots');
/** axe-core's browser bundle (the pinned devDependency), injected into each page. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** axe-core's WCAG 2 A/AA rules on the page as it stands; the serious and critical violations, named. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (o: object) => Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const r = await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return r.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} nodes, e.g. ${JSON.stringify(v.nodes[0]?.target)}`,
    );
}

/**
 * A page of the size the screenshots use. Tests run through tsx, whose esbuild keeps function names by
 * wrapping them in `__name(fn, "name")`; a callback handed to $$eval/evaluate is serialized into the page,
 * where that helper does not exist, so the page gets an identity one.
 */
async function newPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  return page;
}

/** Per figure: marks of the given mark type in its chart, the points its data table lists, its text alternative. */
async function figureData(page: Page, id: string, mark: string) {
  return page.$eval(
    `#${id}`,
    (fig, mark) => {
      const svg = fig.querySelector('svg[role="img"]');
      const table = document.getElementById(`${fig.id}-data`);
      return {
        marks: svg ? svg.querySelectorAll(mark).length : -1,
        points: Number(fig.getAttribute('data-points')),
        tableRows: table ? table.querySelectorAll('tbody tr').length : -1,
        title: svg?.querySelector('title')?.textContent ?? '',
        desc: svg?.querySelector('desc')?.textContent ?? '',
        label: svg?.getAttribute('aria-label') ?? '',
        link: fig.querySelector(`a[href="#${fig.id}-data"]`) !== null,
      };
    },
    mark,
  );
}

if (missing) {
  // Said on stderr too: reporters list a skipped suite, not always its name.
  console.warn(
    `site.browser.test: skipped — ${CHROMIUM} is absent (apt-get install chromium, or set QBENCH_CHROMIUM)`,
  );
  describe.skip(`site in Chromium — skipped: ${CHROMIUM} is absent (apt-get install chromium)`, () => {
    it('renders', () => {});
  });
} else {
  describe('site in headless Chromium', () => {
    let browser: Browser;
    let outDir: string;
    beforeAll(async () => {
      outDir = mkdtempSync(join(tmpdir(), 'qbench-site-browser-'));
      const older = fixtureResults('2026-01-01', '2026-01-01T03:00:00.000Z', -1);
      const current = fixtureResults();
      buildSite({ current, history: [older, current], outDir });
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    });
    afterAll(async () => {
      await browser?.close();
      rmSync(outDir, { recursive: true, force: true });
    });

    it('shows the table and every plot from file://, sorts and filters, and saves a screenshot', async () => {
      const page = await newPage(browser);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      await page.goto(pathToFileURL(join(outDir, 'index.html')).href);
      const ids = await page.$$eval('#overview tbody tr td:first-child', (tds) =>
        tds.map((t) => t.textContent?.trim() ?? ''),
      );
      expect([...ids].sort()).toEqual([...fixtureFormats()].sort());
      const plots = await page.$$eval('figure.plot', (figs) =>
        figs.map((f) => {
          // The chart is the largest <svg> of the figure (legend swatches are small ones).
          const area = (s: SVGSVGElement) =>
            s.getBoundingClientRect().width * s.getBoundingClientRect().height;
          const svg = Array.from(f.querySelectorAll('svg')).sort((a, b) => area(b) - area(a))[0];
          const box = svg?.getBoundingClientRect();
          return {
            caption: f.querySelector('figcaption')?.textContent ?? '',
            marks: svg ? svg.querySelectorAll('circle, rect, path').length : 0,
            width: box?.width ?? 0,
            height: box?.height ?? 0,
          };
        }),
      );
      expect(plots).toHaveLength(5);
      for (const p of plots) {
        expect(p.marks, p.caption).toBeGreaterThan(0);
        expect(p.width, p.caption).toBeGreaterThan(100);
        expect(p.height, p.caption).toBeGreaterThan(50);
      }
      // The index's plots carry one mark per row of their data tables.
      for (const [fig, mark] of [
        ['pareto', 'g[data-mark="dot"] circle'],
        ['kl', 'g[data-mark="dot"] circle'],
        ['throughput-webgpu', 'g[data-mark="bar"] rect'],
        ['detectors', 'g[data-mark="dot"] circle'],
      ] as const) {
        const f = await figureData(page, fig, mark);
        expect(f, fig).toMatchObject({
          marks: fixtureFormats().length,
          tableRows: fixtureFormats().length,
          link: true,
        });
      }
      // Each detector point also carries two interval bars (TPR interval, FPR to its upper bound).
      const bars = await figureData(page, 'detectors', 'g[data-mark="rule"] line');
      expect(bars.marks).toBe(2 * fixtureFormats().length);
      // Sort by bits/weight (3rd column), descending after two clicks.
      const header = page.locator('#overview thead th').nth(2);
      await header.click();
      await header.click();
      const bpw = await page.$$eval('#overview tbody tr td:nth-child(3)', (tds) =>
        tds.map((t) => Number(t.getAttribute('data-v'))),
      );
      expect(bpw).toEqual([...bpw].sort((a, b) => b - a));
      // Filter by text.
      const target = fixtureFormats()[1]!;
      await page.fill('#filter', target);
      const visible = await page.$$eval('#overview tbody tr', (trs) =>
        trs.filter((t) => !(t as HTMLElement).hidden).map((t) => t.children[0]?.textContent?.trim()),
      );
      expect(visible).toEqual([target]);
      await page.fill('#filter', '');
      mkdirSync(SHOT_DIR, { recursive: true });
      const shot = join(SHOT_DIR, 'leaderboard.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(existsSync(shot)).toBe(true);
      console.log(`screenshot: ${shot}`);
      // A format page and the history page render too.
      await page.goto(pathToFileURL(join(outDir, 'formats', `${target}.html`)).href);
      expect(await page.locator('h2').first().textContent()).toBe(target);
      await page.goto(pathToFileURL(join(outDir, 'history.html')).href);
      expect(await page.locator('figure.plot svg circle').count()).toBeGreaterThan(0);
      await page.screenshot({ path: join(SHOT_DIR, 'history.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });

    it('the index passes axe with no serious or critical violation', async () => {
      const page = await newPage(browser);
      await page.goto(pathToFileURL(join(outDir, 'index.html')).href);
      expect(await seriousViolations(page)).toEqual([]);
      await page.close();
    });

    it('a format page: every plot has one mark per data point, a text alternative and a data table; axe passes', async () => {
      const page = await newPage(browser);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const id = fixtureFormats()[0]!;
      await page.goto(pathToFileURL(join(outDir, 'formats', `${id}.html`)).href);
      const n = FIXTURE_SOURCES.length;
      // Plot draws a dot mark as a <g> of circles and a bar mark as a <g> of rects (render() names them data-mark).
      const expected = [
        ['sqnr-by-source', 'g[data-mark="dot"] circle', n],
        ['element-error', 'g[data-mark="dot"] circle', n * 4],
        ['layer-error', 'g[data-mark="dot"] circle', n * 4],
        ['throughput', 'g[data-mark="bar"] rect', 2],
      ] as const;
      for (const [fig, mark, count] of expected) {
        const f = await figureData(page, fig, mark);
        expect(f, fig).toMatchObject({ marks: count, points: count, tableRows: count, link: true });
        expect(f.title.length, fig).toBeGreaterThan(10);
        expect(f.label, fig).toContain(f.title);
      }
      // The SQNR plot states the bound and the Lloyd–Max line in its text alternative, and draws them.
      const sqnr = await figureData(page, 'sqnr-by-source', 'g[data-mark="rule"] line');
      expect(sqnr.desc).toMatch(/Gaussian distortion-rate bound [\d.]+ dB; Lloyd–Max/);
      expect(sqnr.marks).toBe(2); // the bound and Lloyd–Max
      // The data-table link opens the collapsed table.
      expect(await page.locator('#throughput-data').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(
        false,
      );
      await page.click('#throughput figcaption a');
      expect(await page.locator('#throughput-data').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(
        true,
      );
      // The model level names engine and model; the fixture's lower quantized perplexity is called noise.
      const model = (await page.locator('#model-level').textContent()) ?? '';
      expect(model).toContain('onnxruntime-node');
      expect(model).toContain('qbench-tiny-lm-test');
      expect(model).toContain('no interval available');
      expect(model).toContain('119k-parameter');
      // Neighbours within ±0.25 bits/weight link to a comparison; the raw records stay, collapsed.
      expect(await page.locator('#neighbours').count()).toBe(1);
      expect(await page.locator('details#all-metrics').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(
        false,
      );
      expect(await seriousViolations(page)).toEqual([]);
      mkdirSync(SHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SHOT_DIR, 'format.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });

    it('the comparison page overlays one series per requested format, names unknown ids, and passes axe', async () => {
      const page = await newPage(browser);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      const ids = fixtureFormats();
      const url = pathToFileURL(join(outDir, 'compare.html')).href;
      await page.goto(`${url}?f=${ids.join(',')},no_such_format`);
      expect(await page.locator('#unknown').textContent()).toContain('no_such_format');
      for (const fig of ['sqnr-by-source', 'element-error', 'layer-error', 'throughput']) {
        const series = await page.$$eval(`#${fig} svg[role="img"] g.series`, (gs) =>
          gs.map((g) => ({
            format: g.getAttribute('data-format'),
            marks: g.querySelectorAll('.mark').length,
          })),
        );
        expect(
          series.map((s) => s.format),
          fig,
        ).toEqual(ids);
        // Sources: one dot per source per format; throughput: one bar per (op, backend) measured (decode on 2).
        const perSeries = fig === 'throughput' ? 2 : FIXTURE_SOURCES.length;
        expect(
          series.map((s) => s.marks),
          fig,
        ).toEqual(ids.map(() => perSeries));
        const rows = await page.locator(`#${fig}-data tbody tr`).count();
        expect(rows, fig).toBe(perSeries);
      }
      // The drawn values are the data's: the first format's Gaussian SQNR as the first cell of its table.
      const cell = await page
        .locator('#sqnr-by-source-data tbody tr')
        .first()
        .locator('td')
        .nth(1)
        .textContent();
      const m = buildModelForCheck(ids[0]!);
      expect(Number(cell)).toBeCloseTo(m, 2);
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: join(SHOT_DIR, 'compare.png'), fullPage: true });
      // Two formats is the least that compares; with one the page says so.
      await page.goto(`${url}?f=${ids[0]}`);
      expect(await page.locator('#compare').textContent()).toContain('Give two or more format ids');
      expect(errors).toEqual([]);
      await page.close();
    });
  });
}

/** The fixture's SQNR on N(0,1) of a format (what the comparison must show). */
function buildModelForCheck(id: string): number {
  return buildModel(fixtureResults()).rows.find((r) => r.id === id)!.sqnrGaussianDb!;
}
