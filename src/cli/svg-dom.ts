/**
 * Just enough DOM for Observable Plot to draw in Node: linkedom's document as the global
 * `document`, an XMLSerializer, and a 2D canvas for Plot's colour-ramp legends, which paint a
 * 256×1 gradient and embed it as an image. Here that image is an SVG of 1-pixel rects (a data URL),
 * so the figure stays vector and byte-for-byte deterministic without a native canvas package.
 *
 * Why linkedom and not a browser: the `dawn` host has no browser, and drawing every figure in
 * one place makes the SVGs identical whichever host ran the sweep (and after a merge).
 */
import { parseHTML } from 'linkedom';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The paint calls Plot's ramp legend makes, recorded as SVG rects. */
class RecordingContext2D {
  fillStyle = '#000';
  private readonly rects: string[] = [];
  fillRect(x: number, y: number, w: number, h: number): void {
    this.rects.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${this.fillStyle}"/>`);
  }
  svgDataUrl(width: number, height: number): string {
    const svg = `<svg xmlns="${SVG_NS}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" shape-rendering="crispEdges">${this.rects.join('')}</svg>`;
    return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  }
}

let installed = false;

/** Installs the globals once per process (a no-op in a real browser, where `document` exists). */
export function installSvgDom(): void {
  if (installed || typeof (globalThis as { document?: unknown }).document !== 'undefined') return;
  installed = true;
  const { window, document } = parseHTML('<!doctype html><html><head></head><body></body></html>');
  const canvas = (window as unknown as { HTMLCanvasElement: { prototype: Record<string, unknown> } }).HTMLCanvasElement.prototype;
  const contexts = new WeakMap<object, RecordingContext2D>();
  canvas.getContext = function (this: object) {
    let ctx = contexts.get(this);
    if (!ctx) contexts.set(this, (ctx = new RecordingContext2D()));
    return ctx;
  };
  canvas.toDataURL = function (this: { width: number; height: number }) {
    return (contexts.get(this) ?? new RecordingContext2D()).svgDataUrl(Number(this.width) || 300, Number(this.height) || 150);
  };
  const g = globalThis as Record<string, unknown>;
  g.window = window; // Plot reads window.document when no `document` option is given
  g.document = document;
  g.XMLSerializer ??= class {
    serializeToString(node: { outerHTML: string }): string {
      return node.outerHTML;
    }
  };
}
