import { describe, expect, it } from 'vitest';
import { markdownToHtml, texToHtml } from './markdown.ts';
import { sanitizeHtml } from './sanitize.ts';
import '../ui/gg-text-cell.ts';

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

  it('TeX cells and inline math render through KaTeX', () => {
    const host = document.createElement('div');
    host.innerHTML = sanitizeHtml(texToHtml('\\nabla J = J(1-J)\\, g'));
    expect(host.querySelector('.katex-display')).not.toBeNull();
    host.innerHTML = sanitizeHtml(markdownToHtml('the gap $g = \\mu^+ - \\mu^-$ costs $5 and $6'));
    expect(host.querySelectorAll('.katex')).toHaveLength(1); // "$5 and $6" stays text
    expect(host.textContent).toContain('costs $5 and $6');
  });
});
