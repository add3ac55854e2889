/**
 * The built site in real headless Chromium (Debian's /usr/bin/chromium through playwright-core, never a
 * downloaded browser): the leaderboard table has a row per format, every plot is an <svg> with marks,
 * sorting and filtering work from file://, and a screenshot is saved for a human to look at.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from './build.ts';
import { fixtureFormats, fixtureResults } from './fixture.ts';

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
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      // Tests run through tsx, whose esbuild keeps function names by wrapping them in `__name(fn, "name")`;
      // a callback handed to $$eval is serialized into the page, where that helper does not exist.
      await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
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
  });
}
