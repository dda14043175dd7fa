/**
 * Markdown and TeX to HTML text: marked for Markdown, KaTeX for `$…$`, `$$…$$` and TeX cells.
 * The output is NOT safe to insert yet: pass it through `sanitizeHtml` (sanitize.ts). KaTeX runs
 * with `trust: false`, so `\href{javascript:…}` and friends are refused at the source as well,
 * and with `maxSize`, so `\rule{500em}{500em}` cannot cover the page.
 *
 * KaTeX lays math out with `class` and `style` attributes, which sanitizeHtml drops everywhere
 * else: each piece of math this module renders sits in an element marked with MATH_ROOT_ATTRIBUTE
 * set to MATH_ROOT_TOKEN, a random value chosen at load that notebook text cannot know, and only
 * inside such an element does sanitizeHtml keep them.
 *
 * @example
 *   element.innerHTML = sanitizeHtml(markdownToHtml('The gap $g = \\mu^+ - \\mu^-$.'));
 */
import katex from 'katex';
import { Marked, type TokenizerAndRendererExtension } from 'marked';

/** The attribute that marks markup KaTeX generated here (see the module comment); sanitizeHtml removes it. */
export const MATH_ROOT_ATTRIBUTE = 'data-gg-math';
/** Its value: random per load, so a notebook cannot mark its own HTML as math. */
export const MATH_ROOT_TOKEN = Array.from(globalThis.crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(36)).join('');

const MARK = `${MATH_ROOT_ATTRIBUTE}="${MATH_ROOT_TOKEN}"`;

function tex(source: string, displayMode: boolean): string {
  return katex.renderToString(source, { displayMode, throwOnError: false, trust: false, strict: 'ignore', output: 'htmlAndMathml', maxSize: 20 });
}

const mathBlock: TokenizerAndRendererExtension = {
  name: 'mathBlock',
  level: 'block',
  start: (src) => src.match(/^\s*\$\$/m)?.index,
  tokenizer(src) {
    const m = /^\s*\$\$([\s\S]+?)\$\$[ \t]*(?:\n|$)/.exec(src);
    return m ? { type: 'mathBlock', raw: m[0], text: m[1].trim() } : undefined;
  },
  renderer: (token) => `<div class="math-display" ${MARK}>${tex(token.text as string, true)}</div>\n`,
};

// `$x$`: no space just inside the dollars and no digit right after the closing one, so prices
// such as "$5 and $6" stay text; `\$` is a literal dollar.
const mathInline: TokenizerAndRendererExtension = {
  name: 'mathInline',
  level: 'inline',
  start: (src) => src.match(/(?<!\\)\$/)?.index,
  tokenizer(src) {
    const display = /^\$\$([\s\S]+?)\$\$/.exec(src); // $$…$$ inside a paragraph
    if (display) return { type: 'mathInline', raw: display[0], text: display[1].trim(), display: true };
    const m = /^\$(?!\s)((?:\\.|[^\\$\n])+?)(?<!\s)\$(?!\d)/.exec(src);
    return m ? { type: 'mathInline', raw: m[0], text: m[1], display: false } : undefined;
  },
  renderer: (token) =>
    token.display ? `<span class="math-display" ${MARK}>${tex(token.text as string, true)}</span>` : `<span ${MARK}>${tex(token.text as string, false)}</span>`,
};

const marked = new Marked({ gfm: true, extensions: [mathBlock, mathInline] });

/** Markdown (with TeX) to unsanitized HTML. */
export function markdownToHtml(source: string): string {
  return marked.parse(source, { async: false }) as string;
}

/** A TeX cell (display math) to unsanitized HTML. */
export function texToHtml(source: string): string {
  return `<div class="math-display" ${MARK}>${tex(source, true)}</div>`;
}
