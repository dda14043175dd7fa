/**
 * Writes a notebook in Notebook Kit's HTML shape: `<!doctype html>`, `<notebook>`, a `<title>`,
 * and one `<script>` per cell with its source indented four spaces. Plain text that diffs
 * cleanly; `parseNotebook(serializeNotebook(nb))` gives `nb` back and re-serializes to the same
 * bytes.
 *
 * @example
 *   const text = serializeNotebook(notebook);
 *   serializeNotebook(parseNotebook(text).notebook) === text; // true
 */
import { NOTEBOOK_VERSION, type Notebook, type NotebookCell } from './notebook.ts';

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** `</script` inside a cell would end it early; Notebook Kit writes `<\/script` instead. */
export function escapeScript(value: string): string {
  return value.replace(/<(?=\\*\/script(?:[\s>/]|$))/gi, '<\\');
}

/** Four spaces before every non-empty line, framed by newlines so tags sit on their own lines. */
export function indent(value: string): string {
  const lines = value.split(/\r\n?|\n/);
  return `\n${lines.map((l) => (l === '' ? '' : `    ${l}`)).join('\n')}\n  `;
}

function serializeCell(cell: NotebookCell): string {
  let attrs = `id="${escapeAttribute(cell.id)}" type="${escapeAttribute(cell.type)}"`;
  if (cell.pinned) attrs += ' pinned=""';
  if (cell.hidden) attrs += ' hidden=""';
  return `<script ${attrs}>${indent(escapeScript(cell.value))}</script>`;
}

/** The file text of a notebook. Line endings are `\n`. */
export function serializeNotebook(nb: Notebook): string {
  let head = `<notebook theme="${escapeAttribute(nb.theme)}"`;
  if (nb.readOnly) head += ' readonly=""';
  head += ` version="${nb.version ?? NOTEBOOK_VERSION}">`;
  const parts = [`  <title>${escapeText(nb.title)}</title>`, ...nb.cells.map((c) => `  ${serializeCell(c)}`)];
  return `<!doctype html>\n${head}\n${parts.join('\n')}\n</notebook>\n`;
}
