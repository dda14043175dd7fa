/**
 * The one gate between notebook text and the page: DOMPurify with scripts, event handlers,
 * `javascript:` URLs, forms, frames and style sheets removed. Opening a notebook never runs code.
 * Browser-only (DOMPurify needs a DOM).
 *
 * @example
 *   host.innerHTML = sanitizeHtml(markdownToHtml(cell.value));
 */
import DOMPurify from 'dompurify';

const OPTIONS = {
  USE_PROFILES: { html: true, mathMl: true, svg: true },
  // KaTeX's MathML keeps the TeX source in <annotation>; <style>/<form>/<iframe> could restyle or
  // phish on the page, so they go even though DOMPurify would otherwise allow some.
  ADD_TAGS: ['semantics', 'annotation'],
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed', 'link', 'meta', 'base'],
  FORBID_ATTR: ['formaction', 'srcdoc'],
  ALLOW_DATA_ATTR: false,
};

let hooked = false;

/** Safe HTML text from untrusted HTML text. */
export function sanitizeHtml(html: string): string {
  if (!DOMPurify.isSupported) throw new Error('sanitizeHtml needs a browser DOM');
  if (!hooked) {
    // Links out of a notebook open without giving the target a handle on this page.
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A' && node.getAttribute('href')?.match(/^https?:/)) node.setAttribute('rel', 'noopener noreferrer');
    });
    hooked = true;
  }
  return DOMPurify.sanitize(html, OPTIONS) as string;
}
