/**
 * The one gate between notebook text and the page: DOMPurify with scripts, event handlers,
 * `javascript:` URLs, forms, frames and style sheets removed. Opening a notebook never runs code.
 * A cell's content also stays inside its cell: `style` and `class` attributes go (an inline
 * style could lay a fixed overlay over the app, a class could borrow the app's own styles), and
 * ids are prefixed `user-content-`. Only the math markdown.ts renders through KaTeX keeps its
 * classes and layout styles (see MATH_ROOT_TOKEN there). Browser-only (DOMPurify needs a DOM).
 *
 * @example
 *   host.innerHTML = sanitizeHtml(markdownToHtml(cell.value));
 */
import DOMPurify from 'dompurify';
import { MATH_ROOT_ATTRIBUTE, MATH_ROOT_TOKEN } from './markdown.ts';

const OPTIONS = {
  USE_PROFILES: { html: true, mathMl: true, svg: true },
  // KaTeX's MathML keeps the TeX source in <annotation>; <style>/<form>/<iframe> could restyle or
  // phish on the page, so they go even though DOMPurify would otherwise allow some.
  ADD_TAGS: ['semantics', 'annotation'],
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed', 'link', 'meta', 'base'],
  FORBID_ATTR: ['formaction', 'srcdoc'],
  ALLOW_DATA_ATTR: false,
  SANITIZE_NAMED_PROPS: true, // id="x" → id="user-content-x": no clobbering or targeting the app's ids
};

// Elements the HTML parser re-creates when misnested tags are closed (with their attributes):
// never KaTeX's, so never trusted with a style even inside a math root.
const FORMATTING = new Set(['a', 'b', 'big', 'code', 'em', 'font', 'i', 'nobr', 's', 'small', 'strike', 'strong', 'tt', 'u']);
// Inside math, styles that could still take an element out of the flow or load something.
const UNSAFE_STYLE = /position\s*:\s*(?!relative\b)|z-index|url\s*\(|expression|image-set|@|\\/i;

/** Math roots marked by markdown.ts in the HTML being sanitized (only one sanitize runs at a time). */
const mathRoots = new WeakSet<Node>();

function insideMath(node: Element): boolean {
  if (FORMATTING.has(node.localName)) return false;
  for (let n: Node | null = node; n; n = n.parentNode) if (mathRoots.has(n)) return true;
  return false;
}

let hooked = false;

/** Safe HTML text from untrusted HTML text. */
export function sanitizeHtml(html: string): string {
  if (!DOMPurify.isSupported) throw new Error('sanitizeHtml needs a browser DOM');
  if (!hooked) {
    DOMPurify.addHook('beforeSanitizeAttributes', (node) => {
      if (node.nodeType === 1 && (node as Element).getAttribute(MATH_ROOT_ATTRIBUTE) === MATH_ROOT_TOKEN) mathRoots.add(node);
    });
    DOMPurify.addHook('uponSanitizeAttribute', (node, data) => {
      if (data.attrName !== 'style' && data.attrName !== 'class') return;
      if (!insideMath(node as Element) || (data.attrName === 'style' && UNSAFE_STYLE.test(data.attrValue))) data.keepAttr = false;
    });
    // Links out of a notebook open without giving the target a handle on this page.
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A' && node.getAttribute('href')?.match(/^https?:/)) node.setAttribute('rel', 'noopener noreferrer');
    });
    hooked = true;
  }
  return DOMPurify.sanitize(html, OPTIONS) as string;
}
