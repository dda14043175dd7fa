/**
 * Figure export: a plot cell's title, every SVG of its rendered figures (charts and Plot's colour
 * legends; Plot's HTML swatch legends are redrawn as SVG) stacked, and its key (figure-key.ts: the
 * same entries the page shows under the figure) as one standalone SVG file, and a PNG drawn from
 * it. Runs in the browser and under linkedom in Node (src/cli/svg-dom.ts).
 *
 * @example
 *   const key = figureKey({ view: 'phase', theory: curves });
 *   download('phase.svg', figureSvg(el, { title: 'Phase diagram', key }).text, 'image/svg+xml');
 *   download('phase.png', await figurePng(el, { title: 'Phase diagram', key }));
 */
import type { KeyEntry, KeySwatch } from './figure-key.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';
const GAP = 8; // between stacked parts
const PAD = 8; // left margin of the title and key
const FONT = 10; // px, the key's and Plot's text size
const CHAR = FONT * 0.56; // an average character's width, for wrapping key text without layout
const SWATCH = 22; // width of a key swatch, and the indent of its text

/** What an exported figure carries besides its charts. */
export interface FigureExtras {
  title?: string; // drawn above the charts
  key?: readonly KeyEntry[]; // drawn below them, one entry per line
}

/** CSS classes in the exported SVG (tests find the title and key entries by them). */
export const FIGURE_TITLE_CLASS = 'figure-title';
export const FIGURE_KEY_CLASS = 'figure-key';
export const KEY_ENTRY_CLASS = 'figure-key-entry';

/** One standalone SVG text from the charts inside `root`, with the title above and the key below. */
export function figureSvg(root: Element, extras: FigureExtras = {}): { text: string; width: number; height: number } {
  const doc = root.ownerDocument;
  const el = (name: string, attrs: Record<string, string | number> = {}) => {
    const e = doc.createElementNS(SVG_NS, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  };
  // Charts and Plot's legends in document order: top-level SVGs, and swatch legends (HTML) as units.
  const parts = [...root.querySelectorAll('svg, div')].filter((e) =>
    e.tagName.toLowerCase() === 'div' ? isSwatches(e) : !e.parentElement?.closest('svg') && !e.parentElement?.closest('[class*="-swatches"]'),
  );
  const sizes = parts.map((p) => (isSwatches(p) ? null : svgSize(p)));
  const width = Math.max(320, ...sizes.map((s) => s?.width ?? 0));
  const out = el('svg');
  let y = 0;
  if (extras.title) {
    const lines = wrap(extras.title, (width - 2 * PAD) / (14 * 0.56));
    const title = el('text', { class: FIGURE_TITLE_CLASS, x: PAD, y: 18, 'font-size': 14, 'font-weight': 'bold', fill: '#222' });
    lines.forEach((line, i) => title.append(tspan(el, line, PAD, i ? 17 : 0)));
    out.append(title);
    y = 18 * lines.length + 8;
  }
  parts.forEach((part, i) => {
    const size = sizes[i];
    if (!size) {
      const legend = swatchesSvg(part, el, width);
      legend.group.setAttribute('transform', `translate(0,${y})`);
      out.append(legend.group);
      y += legend.height + GAP;
      return;
    }
    const copy = part.cloneNode(true) as Element;
    copy.setAttribute('x', '0');
    copy.setAttribute('y', String(y));
    copy.setAttribute('width', String(size.width));
    copy.setAttribute('height', String(size.height));
    out.append(copy);
    y += size.height + GAP;
  });
  if (extras.key?.length) {
    const key = keyGroup(extras.key, el, width);
    key.group.setAttribute('transform', `translate(0,${y})`);
    out.append(key.group);
    y += key.height + GAP;
  }
  const height = Math.max(1, y - GAP);
  out.setAttribute('xmlns', SVG_NS);
  out.setAttribute('width', String(width));
  out.setAttribute('height', String(height));
  out.setAttribute('viewBox', `0 0 ${width} ${height}`);
  out.setAttribute('font-family', 'system-ui, sans-serif');
  out.setAttribute('font-size', String(FONT));
  out.prepend(el('rect', { width: '100%', height: '100%', fill: 'white' }));
  return { text: `<?xml version="1.0" encoding="UTF-8"?>\n${xmlChars(new XMLSerializer().serializeToString(out))}\n`, width, height };
}

/**
 * Text with the characters XML 1.0 forbids removed (C0 controls but tab, LF and CR; U+FFFE, U+FFFF;
 * lone surrogates): a title or label from an untrusted notebook may hold them, no escape can write
 * them (&#1; is itself ill-formed), and one makes the whole file unreadable as SVG.
 */
export function xmlChars(text: string): string {
  return text.replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');
}

type Make = (name: string, attrs?: Record<string, string | number>) => Element;

function isSwatches(e: Element): boolean {
  return e.tagName.toLowerCase() === 'div' && /(^|\s)[\w-]+-swatches(\s|$)/.test(e.getAttribute('class') ?? '');
}

function svgSize(svg: Element): { width: number; height: number } {
  const box = typeof (svg as Partial<Element>).getBoundingClientRect === 'function' ? svg.getBoundingClientRect() : undefined;
  return {
    width: Number(svg.getAttribute('width')) || box?.width || 640,
    height: Number(svg.getAttribute('height')) || box?.height || 40,
  };
}

function tspan(el: Make, text: string, x: number, dy: number): Element {
  const t = el('tspan', { x, dy });
  t.textContent = text;
  return t;
}

/** Words of `text` in lines of at most `chars` characters. */
function wrap(text: string, chars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > chars) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

/** Plot's swatch legend (HTML spans, each a small SVG and a label) as an SVG group of the same swatches, wrapped to `width`. */
function swatchesSvg(div: Element, el: Make, width: number): { group: Element; height: number } {
  const group = el('g', { class: 'figure-swatches' });
  let x = PAD;
  let row = 0;
  for (const item of div.querySelectorAll('span')) {
    if (!/-swatch(\s|$)/.test(item.getAttribute('class') ?? '')) continue;
    const label = item.textContent?.trim() ?? '';
    const w = 15 + 5 + label.length * CHAR + 14;
    if (x > PAD && x + w > width) {
      x = PAD;
      row++;
    }
    const swatch = item.querySelector('svg');
    if (swatch) {
      const copy = swatch.cloneNode(true) as Element;
      copy.setAttribute('x', String(x));
      copy.setAttribute('y', String(row * 20));
      copy.setAttribute('width', '15');
      copy.setAttribute('height', '15');
      group.append(copy);
    }
    const text = el('text', { x: x + 20, y: row * 20 + 11 });
    text.textContent = label;
    group.append(text);
    x += w;
  }
  return { group, height: (row + 1) * 20 };
}

/** The key: one entry per line (long ones wrap), its swatch drawn as the mark is. */
function keyGroup(entries: readonly KeyEntry[], el: Make, width: number): { group: Element; height: number } {
  const group = el('g', { class: FIGURE_KEY_CLASS, fill: '#333' });
  let y = 0;
  for (const entry of entries) {
    const g = el('g', { class: KEY_ENTRY_CLASS, 'data-mark': entry.mark, transform: `translate(${PAD},${y})` });
    if (entry.swatch) g.append(swatchSvg(entry.swatch, el));
    const label = entry.reconstructed ? `${entry.label} — reconstructed formula` : entry.label;
    const indent = entry.swatch?.kind === 'glyph' ? entry.swatch.text.length * CHAR + 6 : SWATCH; // a glyph is wider than a line swatch
    const lines = wrap(label, (width - 2 * PAD - indent) / CHAR);
    const text = el('text', { x: indent, y: 11 });
    lines.forEach((line, i) => text.append(tspan(el, line, indent, i ? 13 : 0)));
    g.append(text);
    group.append(g);
    y += 13 * lines.length + 4;
  }
  return { group, height: y };
}

function swatchSvg(s: KeySwatch, el: Make): Element {
  switch (s.kind) {
    case 'line':
      return el('line', { x1: 0, x2: 18, y1: 7, y2: 7, stroke: s.stroke, 'stroke-width': s.width, ...(s.dash ? { 'stroke-dasharray': s.dash } : {}) });
    case 'area':
      return el('rect', { x: 0, y: 3, width: 18, height: 8, fill: s.fill, 'fill-opacity': s.opacity });
    case 'dot':
      return el('circle', { cx: 9, cy: 7, r: 3, fill: s.fill, stroke: s.stroke });
    case 'glyph': {
      const t = el('text', { x: 0, y: 11, 'font-size': 9 });
      t.textContent = s.text;
      return t;
    }
  }
}

/** The figure as a PNG at `scale`× its CSS size. */
export async function figurePng(root: Element, extras: FigureExtras = {}, scale = 2): Promise<Blob> {
  const { text, width, height } = figureSvg(root, extras);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const ctx = canvas.getContext('2d')!;
    ctx.scale(scale, scale);
    ctx.drawImage(image, 0, 0, width, height);
    return await new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the PNG could not be encoded'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Saves a blob or text under a file name (an `<a download>` click). */
export function download(name: string, data: Blob | string, type = 'text/plain'): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
