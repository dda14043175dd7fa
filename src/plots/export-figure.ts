/**
 * Figure export: every SVG of a rendered plot (legend and chart, or several charts) stacked into
 * one standalone SVG file, and a PNG drawn from it. Browser-only.
 *
 * @example
 *   download('phase.svg', new Blob([figureSvg(el)], { type: 'image/svg+xml' }));
 *   download('phase.png', await figurePng(el));
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

/** One standalone SVG text from all top-level SVGs inside `root`, stacked vertically. */
export function figureSvg(root: Element): { text: string; width: number; height: number } {
  const svgs = [...root.querySelectorAll('svg')].filter((s) => !s.parentElement?.closest('svg'));
  const out = document.createElementNS(SVG_NS, 'svg');
  let y = 0;
  let width = 0;
  for (const svg of svgs) {
    const w = Number(svg.getAttribute('width')) || svg.getBoundingClientRect().width || 640;
    const h = Number(svg.getAttribute('height')) || svg.getBoundingClientRect().height || 40;
    const copy = svg.cloneNode(true) as SVGSVGElement;
    copy.setAttribute('x', '0');
    copy.setAttribute('y', String(y));
    copy.setAttribute('width', String(w));
    copy.setAttribute('height', String(h));
    out.append(copy);
    y += h + 8;
    width = Math.max(width, w);
  }
  const height = Math.max(1, y - 8);
  out.setAttribute('xmlns', SVG_NS);
  out.setAttribute('width', String(width));
  out.setAttribute('height', String(height));
  out.setAttribute('viewBox', `0 0 ${width} ${height}`);
  out.setAttribute('font-family', 'system-ui, sans-serif');
  out.setAttribute('font-size', '10');
  const background = document.createElementNS(SVG_NS, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', 'white');
  out.prepend(background);
  return { text: `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(out)}\n`, width, height };
}

/** The figure as a PNG at `scale`× its CSS size. */
export async function figurePng(root: Element, scale = 2): Promise<Blob> {
  const { text, width, height } = figureSvg(root);
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
