/**
 * From parsed cells to checked cells: each declarative cell's JSON read and validated (sweeps
 * by the engine's validator), and its references to other cells resolved. Pure; the UI and
 * the CLI both start here.
 *
 * @example
 *   const parsed = parseNotebook(text);
 *   for (const c of checkCells(parsed.notebook.cells, parsed.cellLines)) if (c.issues.length) …
 */
import { showValue, validateSpec } from '../engine/validate.ts';
import {
  cellDependencies, checkPlotConfig, checkSweepCellExtras, checkSweepRefConfig, readCellJson, sweepSpecOf,
  type PlotCellConfig, type SweepCellConfig,
} from './cell-config.ts';
import { cellKind, type CellKind, type NotebookCell } from './notebook.ts';

/** A problem in one cell: the field when there is one, the file line when known. */
export interface CellIssue {
  field?: string; // `base.L`, `grid.stepSize[2]`, `sweep`, …
  line?: number; // 1-based line in the file (JSON syntax errors)
  message: string;
}

export interface CheckedCell {
  cell: NotebookCell;
  kind: CellKind;
  config?: unknown; // parsed JSON of declarative cells (present even when it has issues)
  issues: CellIssue[];
  dependencies: string[]; // ids of cells this one reads
}

/** Which kinds a reference may point at. */
const TARGETS: Record<string, CellKind[]> = { sweep: ['sweep'], sweeps: ['sweep'], theory: ['theory'] };

/** Reads, validates and links every cell. `cellLines` (from the parser) turns JSON error lines into file lines. */
export function checkCells(cells: readonly NotebookCell[], cellLines: readonly number[] = []): CheckedCell[] {
  const kinds = new Map(cells.map((c) => [c.id, cellKind(c.type)]));
  const all = cells.map((cell, i) => {
    const kind = cellKind(cell.type);
    const checked: CheckedCell = { cell, kind, issues: [], dependencies: [] };
    if (kind === 'markdown' || kind === 'tex' || kind === 'html' || kind === 'code') return checked;
    const json = readCellJson(cell.value);
    if (!json.ok) {
      const line = cellLines[i] !== undefined ? cellLines[i] + json.line - 1 : undefined;
      checked.issues.push({ line, message: json.message });
      return checked;
    }
    checked.config = json.value;
    if (kind === 'sweep') {
      checked.issues.push(...checkSweepCellExtras(json.value));
      if (checked.issues.length === 0) checked.issues.push(...validateSpec(sweepSpecOf(json.value as SweepCellConfig)));
    } else if (kind === 'plot') checked.issues.push(...checkPlotConfig(json.value));
    else checked.issues.push(...checkSweepRefConfig(kind, json.value));
    checked.dependencies = cellDependencies(kind, json.value);
    checked.issues.push(...checkReferences(json.value, kinds));
    return checked;
  });
  const byId = new Map(all.map((c) => [c.cell.id, c]));
  for (const c of all) if (c.kind === 'plot' && c.issues.length === 0) c.issues.push(...checkSweptFields(c.config as PlotCellConfig, byId));
  return all;
}

/**
 * A plot's `y`, `color` and `where` name swept fields: each must be swept by every sweep the
 * plot reads (else the plot silently falls back to another field or ignores it), and a `where`
 * value must be one of that sweep's grid values (else the plot is silently empty).
 */
function checkSweptFields(plot: PlotCellConfig, byId: Map<string, CheckedCell>): CellIssue[] {
  const issues: CellIssue[] = [];
  const ids = plot.view === 'compare' ? (plot.sweeps ?? []) : plot.sweep !== undefined ? [plot.sweep] : [];
  for (const id of ids) {
    const sweep = byId.get(id);
    const grid = (sweep?.config as SweepCellConfig | undefined)?.grid as Record<string, unknown> | undefined;
    if (!sweep || sweep.issues.length || !grid) continue;
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
        issues.push({ field: `where.${key}`, message: `where.${key} = ${showValue(value)} is not in sweep "${id}"'s grid.${key}: one of ${values.map(showValue).join(', ')}` });
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
      else if (!allowed.includes(kind)) issues.push({ field, message: `${field} refers to "${id}", a ${kind} cell; it must be a ${allowed.join(' or ')} cell` });
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
