/**
 * From parsed cells to checked cells: each declarative cell's JSON read and validated (sweeps
 * by the engine's validator), and its references to other cells resolved. Pure; the UI and
 * the CLI both start here (through `resolveNotebook`, resolve.ts).
 *
 * @example
 *   const parsed = parseNotebook(text);
 *   for (const c of checkCells(parsed.notebook.cells, parsed.cellLines)) if (c.kind === 'sweep' && c.config) c.config.seeds;
 */
import { showValue, validateSpec } from '../spec/index.ts';
import {
  cellDependencies,
  checkLogsConfig,
  checkPlotConfig,
  checkSweepCellExtras,
  checkSweepRefConfig,
  readCellJson,
  sweepSpecOf,
  type CellConfigs,
} from './cell-config.ts';
import { cellKind, type CellKind, type NotebookCell } from './notebook.ts';
import { checkProseReferences } from './references.ts';

/** A problem in one cell: the field when there is one, the file line when known. */
export interface CellIssue {
  field?: string; // `base.L`, `grid.stepSize[2]`, `sweep`, …
  line?: number; // 1-based line in the file (JSON syntax errors)
  message: string;
}

export type DeclarativeKind = keyof CellConfigs;
/** Kinds shown as text (or inert source): no JSON, no config. */
export type TextKind = Exclude<CellKind, DeclarativeKind>;

interface CheckedBase {
  cell: NotebookCell;
  issues: CellIssue[];
  dependencies: string[]; // ids of cells this one reads
}

/**
 * A declarative cell whose JSON parsed. `config` is that JSON read as the kind's config: its
 * fields are as typed only when `issues` is empty (a cell with issues still shows what it can).
 */
export type CheckedConfigCell<K extends DeclarativeKind = DeclarativeKind> = K extends DeclarativeKind
  ? CheckedBase & { kind: K; config: CellConfigs[K] }
  : never;

/** A declarative cell whose JSON did not parse: `issues` says where; there is no config. */
export type UnreadCell<K extends DeclarativeKind = DeclarativeKind> = K extends DeclarativeKind ? CheckedBase & { kind: K; config?: undefined } : never;

/** Markdown, TeX, HTML, and code shown as inert source. */
export interface CheckedTextCell extends CheckedBase {
  kind: TextKind;
  config?: undefined;
}

/** One cell after `checkCells`, typed by kind: narrow on `kind`, then `config` is that kind's (or absent when its JSON did not parse). */
export type CheckedCell = CheckedTextCell | CheckedConfigCell | UnreadCell;

/** A checked cell of one declarative kind, its JSON read or not: `CheckedCellOf<'sweep'>`. */
export type CheckedCellOf<K extends DeclarativeKind> = CheckedConfigCell<K> | UnreadCell<K>;

const isDeclarative = (kind: CellKind): kind is DeclarativeKind =>
  kind === 'sweep' || kind === 'plot' || kind === 'theory' || kind === 'table' || kind === 'logs';

/**
 * A declarative cell's source checked on its own, without references to other cells: JSON
 * (a syntax error carries its line within the cell), then the kind's fields; for a sweep, the
 * presentation fields and, when those pass, the engine's validator.
 */
function checkSource<K extends DeclarativeKind>(kind: K, source: string): { config?: CellConfigs[K]; issues: CellIssue[]; jsonLine?: number } {
  const json = readCellJson(source);
  if (!json.ok) return { issues: [{ message: json.message }], jsonLine: json.line };
  // The one place JSON becomes a typed config: its fields hold as typed only where no issue is found.
  return { config: json.value as CellConfigs[K], issues: configIssues(kind, json.value) };
}

function configIssues(kind: DeclarativeKind, value: unknown): CellIssue[] {
  if (kind === 'plot') return checkPlotConfig(value);
  if (kind === 'logs') return checkLogsConfig(value);
  if (kind !== 'sweep') return checkSweepRefConfig(kind, value);
  const extras = checkSweepCellExtras(value);
  return extras.length ? extras : validateSpec(sweepSpecOf(value as CellConfigs['sweep']));
}

/**
 * A sweep cell's source as the sweep form checks a draft: the same check `checkCells` makes of
 * a sweep cell, with a JSON syntax error's line said within the cell.
 */
export function checkSweepDraft(text: string): { config?: CellConfigs['sweep']; issues: CellIssue[] } {
  const checked = checkSource('sweep', text);
  if (checked.jsonLine !== undefined) return { issues: [{ message: `line ${checked.jsonLine} of the cell: ${checked.issues[0].message}` }] };
  return { config: checked.config, issues: checked.issues };
}

/** The longest cell id: ids name output files (plots/<id>.svg), which must stay well under a file system's 255 bytes. */
export const MAX_CELL_ID = 64;

/** Names an id may not take: the properties every JavaScript object has, so an id never stands for one in a table keyed by id. */
const PROTOTYPE_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * Why a cell id is not allowed, or null. The one rule for ids (they become file names in
 * `gradgap run`'s output and keys in results): letters, digits, `-` and `_`, at most
 * MAX_CELL_ID characters, and not a name every object already has (`__proto__`, `constructor`).
 */
export function cellIdProblem(id: string): string | null {
  const rule = `a cell id is 1 to ${MAX_CELL_ID} letters, digits, - and _ (it names output files such as plots/<id>.svg)`;
  if (id.length > MAX_CELL_ID) return `id "${id.slice(0, 20)}…" is ${id.length} characters long: ${rule}`;
  if (!/^[A-Za-z0-9_-]+$/.test(id)) return `id ${JSON.stringify(id)} is not allowed: ${rule}`;
  if (PROTOTYPE_NAMES.has(id)) return `id "${id}" is a name every JavaScript object already has; choose another (${rule})`;
  return null;
}

function idIssues(id: string): CellIssue[] {
  const problem = cellIdProblem(id);
  return problem ? [{ field: 'id', message: problem }] : [];
}

/** Which kinds a reference may point at. */
const TARGETS: Record<string, CellKind[]> = { sweep: ['sweep'], sweeps: ['sweep'], theory: ['theory'], logs: ['logs'] };

/** Reads, validates and links every cell. `cellLines` (from the parser) turns JSON error lines into file lines. */
export function checkCells(cells: readonly NotebookCell[], cellLines: readonly number[] = []): CheckedCell[] {
  const kinds = new Map(cells.map((c) => [c.id, cellKind(c.type)]));
  const all = cells.map((cell, i): CheckedCell => {
    const kind = cellKind(cell.type);
    const id = idIssues(cell.id);
    // Markdown's {{…}} references are checked as a plot's references are: what needs no results.
    if (kind === 'markdown')
      return { cell, kind, issues: [...id, ...checkProseReferences(cell.value, kinds).map((message) => ({ message }))], dependencies: [] };
    if (!isDeclarative(kind)) return { cell, kind, issues: id, dependencies: [] };
    const own = checkSource(kind, cell.value);
    if (own.jsonLine !== undefined) {
      const line = cellLines[i] !== undefined ? cellLines[i] + own.jsonLine - 1 : undefined;
      return { cell, kind, issues: [...id, { line, message: own.issues[0].message }], dependencies: [] } as UnreadCell;
    }
    const issues = [...id, ...own.issues, ...checkReferences(own.config, kinds)];
    return { cell, kind, config: own.config, issues, dependencies: cellDependencies(kind, own.config) } as CheckedConfigCell;
  });
  const byId = new Map(all.map((c) => [c.cell.id, c]));
  for (const c of all) if (c.kind === 'plot' && c.config && c.issues.length === 0) c.issues.push(...checkSweptFields(c.config, byId));
  return all;
}

/**
 * A plot's `y`, `color` and `where` name swept fields: each must be swept by every sweep the
 * plot reads (else the plot silently falls back to another field or ignores it), and a `where`
 * value must be one of that sweep's grid values (else the plot is silently empty).
 */
function checkSweptFields(plot: CellConfigs['plot'], byId: Map<string, CheckedCell>): CellIssue[] {
  const issues: CellIssue[] = [];
  const ids = plot.view === 'compare' ? (plot.sweeps ?? []) : plot.sweep !== undefined ? [plot.sweep] : [];
  for (const id of ids) {
    const sweep = byId.get(id);
    if (sweep?.kind !== 'sweep' || sweep.issues.length || !sweep.config?.grid) continue;
    const grid = sweep.config.grid as Record<string, unknown>;
    const swept = (key: string) => (Object.hasOwn(grid, key) && Array.isArray(grid[key]) ? (grid[key] as unknown[]) : null);
    const notSwept = (field: string, key: string, value: unknown) =>
      `${field} = ${showValue(value)}, but sweep "${id}" does not sweep ${key} (its grid keys: ${Object.keys(grid).join(', ') || 'none'}): ${field} must name a swept field`;
    for (const field of ['y', 'color'] as const) {
      const key = plot[field];
      if (key !== undefined && !swept(key)) issues.push({ field, message: notSwept(field, key, key) });
    }
    for (const [key, value] of Object.entries(plot.where ?? {})) {
      const values = swept(key);
      if (!values) issues.push({ field: `where.${key}`, message: notSwept(`where.${key}`, key, value) });
      else if (!values.includes(value)) {
        issues.push({
          field: `where.${key}`,
          message: `where.${key} = ${showValue(value)} is not in sweep "${id}"'s grid.${key}: one of ${values.map(showValue).join(', ')}`,
        });
      }
    }
  }
  return issues;
}

/** Each referenced id must exist and be of the right kind. */
function checkReferences(value: unknown, kinds: Map<string, CellKind>): CellIssue[] {
  if (!value || typeof value !== 'object') return [];
  const issues: CellIssue[] = [];
  for (const [field, allowed] of Object.entries(TARGETS)) {
    const ref = (value as Record<string, unknown>)[field];
    const ids = Array.isArray(ref) ? ref : typeof ref === 'string' ? [ref] : [];
    for (const id of ids) {
      if (typeof id !== 'string') continue;
      const kind = kinds.get(id);
      if (!kind) issues.push({ field, message: `${field} refers to "${id}", but no cell has that id` });
      else if (!allowed.includes(kind))
        issues.push({ field, message: `${field} refers to "${id}", a ${kind} cell; it must be a ${allowed.join(' or ')} cell` });
    }
  }
  return issues;
}

/** Ids of the cells that read `id`, directly or through others (a sweep's plots, tables, theory). */
export function dependents(checked: readonly CheckedCell[], id: string): string[] {
  const out = new Set<string>();
  const visit = (target: string) => {
    for (const c of checked) {
      if (c.dependencies.includes(target) && !out.has(c.cell.id)) {
        out.add(c.cell.id);
        visit(c.cell.id);
      }
    }
  };
  visit(id);
  return [...out];
}
