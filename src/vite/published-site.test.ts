// End to end: build the site, serve it on 127.0.0.1, open a notebook page in headless Chromium,
// run a small sweep from it, and check what a reader sees.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../cli/hosts/browser-path.ts';
import { PHASE_CELL_CLASS } from '../plots/phase-diagram.ts';
import { CONTENT_SECURITY_POLICY } from './notebook-pages.ts';
import { serveStatic } from './static-server.ts';

const root = resolve(import.meta.dirname, '../..');
let outDir = '';
let server: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'gradgap-site-'));
  const build = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`vite build failed:\n${build.stdout}\n${build.stderr}`);
  server = await serveStatic(outDir);
  browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('published site', () => {
  it('has an index and one page per notebook, each with a Content-Security-Policy', () => {
    for (const page of ['index', 'threshold', 'length', 'success-rate', 'shared-vs-tabular', 'grpo-vs-dr-grpo']) {
      const html = readFileSync(join(outDir, `${page}.html`), 'utf8');
      expect(html, page).toContain(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`);
      if (page !== 'index') expect(html).toContain(`<meta name="gradgap-notebook" content="${page}" />`);
    }
  });

  it('runs a small sweep from a notebook page and draws its phase diagram, with no CSP violation', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) problems.push(m.text());
    });
    // The link carries an edited sweep (3 step sizes × 2 lengths, 8 seeds): small, so it runs by itself.
    const spec = { title: 'e2e', base: { iterations: 40, recordEvery: 10 }, grid: { L: [2, 8], stepSize: [1, 10, 100] }, seeds: 8 };
    await page.goto(`${server.url}threshold.html#cell.sweep=${encodeURIComponent(JSON.stringify(spec))}`);
    const cells = page.locator(`[data-cell-id="strip"] .figure svg g.${PHASE_CELL_CLASS} rect`);
    await expect.poll(() => cells.count(), { timeout: 60_000 }).toBe(6);
    const state = await page.evaluate(() => {
      const s = (
        document.querySelector('gg-notebook') as unknown as {
          session: { sweeps: Map<string, { origin: string; status: string; summary: { runsDone: number } }> };
        }
      ).session.sweeps.get('sweep')!;
      return { origin: s.origin, status: s.status, runs: s.summary.runsDone };
    });
    expect(state).toEqual({ origin: 'run', status: 'done', runs: 48 });
    expect(await page.locator('gg-sweep-cell[cell-id="sweep"] .progress-text').textContent()).toMatch(/48 \/ 48 runs/);
    expect(await page.locator('gg-sweep-cell[cell-id="sweep"] .adapter').textContent()).toMatch(/CPU twin|WebGPU/);
    // Hover shows the cell's numbers.
    await cells.nth(4).hover({ force: true }); // overlays (the critical-η marks) may sit on top
    const tip = page.locator('[data-cell-id="strip"] g[aria-label="tip"]');
    await expect.poll(async () => (await tip.textContent()) ?? '', { timeout: 10_000 }).toMatch(/mean final J = .*collapsed: \d+ of 8/);
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);

  it('shows baked results without running, and Reproduce matches them bit for bit on the CPU twin', async () => {
    const page = await browser.newPage();
    // The engine choice a reader makes in the page bar; the baked results came from the CPU twin.
    await page.addInitScript(() => localStorage.setItem('gradgap:backend', 'cpu'));
    await page.goto(`${server.url}shared-vs-tabular.html`);
    await expect.poll(() => page.locator(`[data-cell-id="compare"] g.${PHASE_CELL_CLASS} rect`).count(), { timeout: 60_000 }).toBe(14);
    const origins = await page.evaluate(() =>
      [...(document.querySelector('gg-notebook') as unknown as { session: { sweeps: Map<string, { origin: string }> } }).session.sweeps.values()].map(
        (s) => s.origin,
      ),
    );
    expect(origins, 'baked results out of date? re-bake with npm run bake').toEqual(['baked', 'baked']);
    await page.click('button.reproduce');
    const report = page.locator('.reproduce-report li[data-match]');
    await expect.poll(() => report.count(), { timeout: 120_000 }).toBe(2);
    const lines = await report.allTextContents();
    // A mismatch here after an engine change means the baked results are out of date: npm run bake.
    for (const line of lines)
      expect(line, 'baked results out of date? re-bake with npm run bake').toMatch(
        /Bit for bit: all 896 runs and every J\(t\) identical \(same kind of adapter: CPU twin both times\)/,
      );
    await page.close();
  }, 150_000);
});
