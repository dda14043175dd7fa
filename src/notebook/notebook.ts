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
import { formatJson } from './format-json.ts';

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

/** Kinds a reader can add from the page, in the order the "Add cell below" menu lists them. */
export const ADDABLE_KINDS = ['markdown', 'tex', 'sweep', 'plot', 'theory', 'table'] as const;
export type AddableKind = (typeof ADDABLE_KINDS)[number];

/** A readable id not yet used in the notebook: `sweep-1`, `sweep-2`, … (`base` defaults to the kind). */
export function freshCellId(nb: Notebook, base: string): string {
  const taken = new Set(nb.cells.map((c) => c.id));
  const stem = base.replace(/-\d+$/, '') || 'cell';
  for (let n = 1; ; n++) if (!taken.has(`${stem}-${n}`)) return `${stem}-${n}`;
}

/** The sweep a new cell at `index` reads: the nearest sweep above it, else the first below; `sweep` when there is none. */
function nearestSweep(nb: Notebook, index: number): string | undefined {
  const sweeps = nb.cells.map((c, i) => ({ c, i })).filter(({ c }) => c.type === CELL_TYPES.sweep);
  return (sweeps.filter(({ i }) => i < index).pop() ?? sweeps[0])?.c.id;
}

/**
 * A new cell of `kind` with a valid starting source, for position `index` in `nb`: a small sweep
 * (3 step sizes × 8 seeds, runs by itself), a phase plot, theory or table of the nearest sweep.
 */
export function starterCell(nb: Notebook, kind: AddableKind, index: number): NotebookCell {
  const found = nearestSweep(nb, index);
  const sweep = found ?? 'sweep';
  const json = formatJson;
  const value: Record<AddableKind, string> = {
    markdown: found ? `Write here. A result quoted from the sweep: η* = {{${found}.critical}}.` : 'Write here: Markdown, with $\\TeX$ between dollars.',
    tex: 'J(\\theta) = \\Pr_{o \\sim \\pi_\\theta}[r(o) = 1]',
    sweep: json({ base: { L: 4, iterations: 60, recordEvery: 10 }, grid: { stepSize: [1, 10, 100] }, seeds: 8 }),
    plot: json({ view: 'phase', sweep }),
    theory: json({ sweep, curves: ['one-step'], instances: 2 }),
    table: json({ sweep }),
  };
  return { id: freshCellId(nb, kind), type: CELL_TYPES[kind], value: value[kind], hidden: false, pinned: kind === 'sweep' };
}

/** A copy of the notebook with `cells` in place of its cells (other fields shared). */
const withCells = (nb: Notebook, cells: NotebookCell[]): Notebook => ({ ...nb, cells });

/** Inserts a starter cell of `kind` below the cell `afterId` (at the top when it is undefined). */
export function addCellBelow(nb: Notebook, afterId: string | undefined, kind: AddableKind): { notebook: Notebook; id: string } {
  const at = afterId === undefined ? 0 : nb.cells.findIndex((c) => c.id === afterId) + 1;
  const cell = starterCell(nb, kind, at);
  const cells = [...nb.cells];
  cells.splice(at, 0, cell);
  return { notebook: withCells(nb, cells), id: cell.id };
}

/** Moves a cell one place up (-1) or down (+1); unchanged at the ends. */
export function moveCell(nb: Notebook, id: string, by: -1 | 1): Notebook {
  const i = nb.cells.findIndex((c) => c.id === id);
  const j = i + by;
  if (i < 0 || j < 0 || j >= nb.cells.length) return nb;
  const cells = [...nb.cells];
  [cells[i], cells[j]] = [cells[j], cells[i]];
  return withCells(nb, cells);
}

/** A copy of a cell below it, under a fresh id (`plot-1` → `plot-2`). */
export function duplicateCell(nb: Notebook, id: string): { notebook: Notebook; id: string } {
  const i = nb.cells.findIndex((c) => c.id === id);
  if (i < 0) return { notebook: nb, id };
  const copy = { ...nb.cells[i], id: freshCellId(nb, nb.cells[i].id) };
  const cells = [...nb.cells];
  cells.splice(i + 1, 0, copy);
  return { notebook: withCells(nb, cells), id: copy.id };
}

/** The notebook without a cell (cells naming it then show a missing-cell issue). */
export function deleteCell(nb: Notebook, id: string): Notebook {
  return withCells(
    nb,
    nb.cells.filter((c) => c.id !== id),
  );
}

/** A new user notebook: a title and one Markdown cell. */
export function untitledNotebook(title = 'Untitled notebook'): Notebook {
  return {
    ...emptyNotebook(title),
    cells: [{ id: 'intro', type: CELL_TYPES.markdown, value: 'What this notebook asks, and what it finds.', hidden: false, pinned: false }],
  };
}
