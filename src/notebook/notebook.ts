/**
 * The notebook model: Observable Notebook Kit's HTML format (a `<notebook>` root, a `<title>`,
 * one `<script type=…>` per cell with `id`, `hidden` and `pinned`), plus gradgap's own
 * declarative cell types. Pure data; no DOM.
 *
 * @example
 *   const nb: Notebook = { title: 'Threshold', theme: 'air', readOnly: false, version: 1,
 *     cells: [{ id: 'intro', type: CELL_TYPES.markdown, value: '# Hi', hidden: false, pinned: false }] };
 */

/** The format version this build reads and writes (the `version` attribute of `<notebook>`). */
export const NOTEBOOK_VERSION = 1;

/** MIME types of the cells gradgap understands. Everything else is shown as inert source. */
export const CELL_TYPES = Object.freeze({
  markdown: 'text/markdown', // Markdown with $TeX$ through KaTeX, sanitized
  tex: 'application/x-tex', // display TeX through KaTeX
  html: 'text/html', // sanitized HTML
  sweep: 'application/vnd.gradgap.sweep+json', // a sweep spec the engine validates
  plot: 'application/vnd.gradgap.plot+json', // which sweep(s), which view
  theory: 'application/vnd.gradgap.theory+json', // theory curves over a sweep's axes
  table: 'application/vnd.gradgap.table+json', // per-cell statistics of a sweep
  logs: 'application/vnd.gradgap.logs+json', // real training runs read from log files, summarized
});

export type CellKind = keyof typeof CELL_TYPES | 'code';

export interface NotebookCell {
  id: string; // unique within the notebook; other cells refer to it
  type: string; // MIME type of the `<script>` element
  value: string; // the cell source, dedented, `\n` line endings
  hidden: boolean; // source hidden by default
  pinned: boolean; // source shown by default
}

export interface Notebook {
  title: string; // text of `<title>`
  theme: string; // Notebook Kit theme name; gradgap keeps it but draws its own style
  readOnly: boolean; // `readonly` attribute: the UI offers no editing
  version: number; // format version; files without one are version 1
  cells: NotebookCell[];
}

/** A problem found while reading a file: 1-based line, and what is wrong there. */
export interface NotebookIssue {
  line: number;
  message: string;
  severity: 'error' | 'warning';
  cellId?: string; // the cell it belongs to, when there is one
}

/** The kind of a cell, from its MIME type; unknown types (JavaScript included) are `code`, never run. */
export function cellKind(type: string): CellKind {
  for (const [kind, mime] of Object.entries(CELL_TYPES)) if (mime === type) return kind as CellKind;
  return 'code';
}

/** A new empty notebook. */
export function emptyNotebook(title = 'Untitled'): Notebook {
  return { title, theme: 'air', readOnly: false, version: NOTEBOOK_VERSION, cells: [] };
}
