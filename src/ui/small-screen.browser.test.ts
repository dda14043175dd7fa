/**
 * Small screens: in a 400 × 800 window, every built-in notebook (and the index page) keeps its
 * header compact (under 120 px, not the 330 px it took when its nine links wrapped one a line)
 * and nothing — KaTeX display maths, tables, figures — makes the page wider than the window.
 */
import 'katex/dist/katex.min.css';
import './app.css';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import type { GgApp } from './gg-app.ts';
import { library } from './library.ts';
import { mountApp, settle } from './test-fixtures.ts';

/** The page at `search`, its sweeps left on their baked results. */
async function open(search: string): Promise<GgApp> {
  const app = await mountApp(search, 120_000);
  await settle(app);
  await new Promise((r) => setTimeout(r, 50)); // a beat for renders that start late, then settle again
  await settle(app);
  await new Promise((r) => requestAnimationFrame(() => r(undefined)));
  return app;
}

/**
 * Elements reaching past the window's right edge, outermost first: what a failure names. Content
 * of a box that scrolls or clips (overflow other than visible) stays inside that box, and KaTeX's
 * MathML copy is clipped to a pixel, so neither is followed.
 */
function overflowing(root: Element, width: number): string[] {
  const out: string[] = [];
  const walk = (el: Element) => {
    if (el.classList.contains('katex-mathml')) return;
    const r = el.getBoundingClientRect();
    if (r.right > width + 0.5 && r.width > 0) {
      out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (right ${Math.round(r.right)})`);
      return;
    }
    if (getComputedStyle(el).overflowX !== 'visible') return;
    for (const child of el.children) walk(child);
  };
  walk(root);
  return out;
}

beforeAll(async () => {
  localStorage.setItem('gradgap:backend', 'cpu');
  await page.viewport(400, 800);
});
afterAll(() => {
  localStorage.removeItem('gradgap:backend');
  document.querySelectorAll('gg-app').forEach((a) => a.remove());
  history.replaceState(null, '', location.pathname);
});

describe('a 400 × 800 window', () => {
  const pages = ['', ...library().map((e) => `?nb=${e.name}`)];
  it.each(pages)('page "%s": compact header, nothing wider than the window', async (search) => {
    expect(window.innerWidth).toBe(400);
    const app = await open(search);
    app.querySelectorAll('details').forEach((d) => (d.open = true)); // what a reader opens counts too
    await new Promise((r) => requestAnimationFrame(() => r(undefined)));
    const header = app.querySelector('header.topbar')!.getBoundingClientRect();
    expect.soft(header.height, 'header height').toBeLessThan(120);
    expect.soft(overflowing(document.body, 400), 'elements past the right edge').toEqual([]);
    expect(document.documentElement.scrollWidth, 'page width').toBeLessThanOrEqual(400);
  });
});
