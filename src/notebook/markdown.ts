/**
 * Markdown and TeX to HTML text: marked for Markdown, KaTeX for `$…$`, `$$…$$` and TeX cells.
 * The output is NOT safe to insert yet: pass it through `sanitizeHtml` (sanitize.ts). KaTeX runs
 * with `trust: false`, so `\href{javascript:…}` and friends are refused at the source as well.
 *
 * @example
 *   element.innerHTML = sanitizeHtml(markdownToHtml('The gap $g = \\mu^+ - \\mu^-$.'));
 */
import katex from 'katex';
import { Marked, type TokenizerAndRendererExtension } from 'marked';

function tex(source: string, displayMode: boolean): string {
  return katex.renderToString(source, { displayMode, throwOnError: false, trust: false, strict: 'ignore', output: 'htmlAndMathml' });
}

const mathBlock: TokenizerAndRendererExtension = {
  name: 'mathBlock',
  level: 'block',
  start: (src) => src.match(/^\s*\$\$/m)?.index,
  tokenizer(src) {
    const m = /^\s*\$\$([\s\S]+?)\$\$[ \t]*(?:\n|$)/.exec(src);
    return m ? { type: 'mathBlock', raw: m[0], text: m[1].trim() } : undefined;
  },
  renderer: (token) => `<div class="math-display">${tex(token.text as string, true)}</div>\n`,
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
  renderer: (token) => (token.display ? `<span class="math-display">${tex(token.text as string, true)}</span>` : tex(token.text as string, false)),
};

const marked = new Marked({ gfm: true, extensions: [mathBlock, mathInline] });

/** Markdown (with TeX) to unsanitized HTML. */
export function markdownToHtml(source: string): string {
  return marked.parse(source, { async: false }) as string;
}

/** A TeX cell (display math) to unsanitized HTML. */
export function texToHtml(source: string): string {
  return `<div class="math-display">${tex(source, true)}</div>`;
}
