import { describe, expect, it } from 'vitest';
import { markdownToHtml, texToHtml } from './markdown.ts';
import { sanitizeHtml } from './sanitize.ts';
import './gg-text-cell.ts';
import 'katex/dist/katex.min.css';

const HOSTILE = [
  '# Title',
  '<script>window.__pwned = "script"</script>',
  '<img src="x" onerror="window.__pwned = \'onerror\'">',
  '<svg onload="window.__pwned = \'svg\'"><circle r="3"/></svg>',
  '[click](javascript:window.__pwned="link")',
  '<a href="javascript:window.__pwned=1">a</a>',
  '<iframe src="javascript:window.__pwned=1"></iframe>',
  '<style>body { display: none }</style>',
  '<form action="https://example.com"><button formaction="javascript:1">go</button></form>',
  '<div style="color: red" onclick="window.__pwned=1" data-x="1">styled</div>',
  'Math still renders: $\\href{javascript:window.__pwned=1}{x} + \\alpha$',
].join('\n\n');

describe('sanitizer', () => {
  it('renders hostile Markdown inert: no scripts, handlers, javascript: URLs, frames, forms or style sheets', async () => {
    const html = sanitizeHtml(markdownToHtml(HOSTILE));
    const host = document.createElement('div');
    host.innerHTML = html;
    document.body.append(host);
    await new Promise((r) => setTimeout(r, 100)); // give an onerror/onload the chance to fire
    expect((window as { __pwned?: unknown }).__pwned).toBeUndefined();
    expect(host.querySelector('script, iframe, style, form, button, object, embed')).toBeNull();
    for (const el of host.querySelectorAll('*')) {
      for (const attr of el.attributes) {
        expect(attr.name.startsWith('on'), `${el.tagName} ${attr.name}`).toBe(false);
        expect(attr.value.replace(/\s/g, '').toLowerCase()).not.toMatch(/^javascript:/);
      }
    }
    expect(host.querySelector('h1')?.textContent).toBe('Title');
    expect(host.querySelector('.katex')).not.toBeNull(); // the math itself survives
    host.remove();
  });

  it('a Markdown cell element renders the same notebook text inert', async () => {
    const cell = document.createElement('gg-text-cell') as HTMLElement & { source: string; updateComplete: Promise<boolean> };
    cell.source = HOSTILE;
    document.body.append(cell);
    await cell.updateComplete;
    await new Promise((r) => setTimeout(r, 100));
    expect((window as { __pwned?: unknown }).__pwned).toBeUndefined();
    expect(cell.querySelector('script, iframe, style')).toBeNull();
    expect(cell.querySelector('[onerror], [onload], [onclick]')).toBeNull();
    cell.remove();
  });

  // Inline styles are allowed by the page's CSP, so before this a notebook could cover the app.
  const OVERLAY = [
    'Intro',
    '<div style="position:fixed;inset:0;z-index:9999;background:red" class="gg-app toolbar" id="app">covered</div>',
    '<style>body { display: none } .prose { position: fixed }</style>',
    '<svg width="10" height="10"><style>* { fill: red }</style><rect width="5" height="5" style="position:fixed"/></svg>',
    '<div data-gg-math="guessed" class="katex" style="position:fixed;inset:0">forged math root</div>',
    '<p><b style="position:fixed;inset:0">misnested bold</p>\n\nreopened $x^2$ here',
    '$$\\rule{500em}{500em}$$',
  ].join('\n\n');

  function expectContained(host: HTMLElement) {
    expect(host.querySelector('style')).toBeNull();
    const box = host.getBoundingClientRect();
    for (const el of host.querySelectorAll('*')) {
      if (el.closest('.katex, .katex-display, .math-display')) continue; // the math markdown.ts rendered: checked below
      expect(el.hasAttribute('style'), `${el.tagName} keeps style`).toBe(false);
      expect(el.hasAttribute('class'), `${el.tagName} keeps class ${el.getAttribute('class')}`).toBe(false);
      expect(getComputedStyle(el).position, el.tagName).toBe('static');
    }
    for (const el of host.querySelectorAll('.katex [style]')) expect((el as HTMLElement).style.position, el.outerHTML.slice(0, 80)).toMatch(/^(relative)?$/);
    expect(host.querySelector('[id]')?.id ?? 'user-content-app').toBe('user-content-app');
    expect(getComputedStyle(document.body).display).not.toBe('none');
    const cover = [...host.querySelectorAll('div')].find((d) => d.textContent === 'covered')!;
    const r = cover.getBoundingClientRect();
    expect(r.left >= box.left && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom).toBe(true);
    // Math keeps its layout: KaTeX's classes and sizes survive inside the roots markdown.ts marks,
    // and \rule is capped (maxSize) instead of covering the page.
    expect(host.querySelector('.katex .katex-strut[style*="height"]')).not.toBeNull();
    const rule = host.querySelector<HTMLElement>('.katex-rule');
    expect(rule).not.toBeNull();
    expect(rule!.getBoundingClientRect().width).toBeLessThan(30 * parseFloat(getComputedStyle(rule!).fontSize));
    expect(host.querySelector('[data-gg-math]')).toBeNull();
  }

  it('a cell cannot style itself out of its box: no style or class attributes, no <style>, math still laid out', () => {
    const host = document.createElement('div');
    host.style.width = '600px';
    host.innerHTML = sanitizeHtml(markdownToHtml(OVERLAY));
    document.body.append(host);
    expectContained(host);
    host.remove();
  });

  it('a Markdown cell element keeps the overlay inside the cell', async () => {
    const cell = document.createElement('gg-text-cell') as HTMLElement & { source: string; updateComplete: Promise<boolean> };
    cell.source = OVERLAY;
    cell.style.display = 'block';
    cell.style.width = '600px';
    document.body.append(cell);
    await cell.updateComplete;
    expectContained(cell.querySelector('.prose')!);
    cell.remove();
  });

  it('TeX cells and inline math render through KaTeX', () => {
    const host = document.createElement('div');
    host.innerHTML = sanitizeHtml(texToHtml('\\nabla J = J(1-J)\\, g'));
    expect(host.querySelector('.katex-display')).not.toBeNull();
    host.innerHTML = sanitizeHtml(markdownToHtml('the gap $g = \\mu^+ - \\mu^-$ costs $5 and $6'));
    expect(host.querySelectorAll('.katex')).toHaveLength(1); // "$5 and $6" stays text
    expect(host.textContent).toContain('costs $5 and $6');
  });
});
