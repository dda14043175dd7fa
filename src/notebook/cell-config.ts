/**
 * The declarative cells (sweep, plot, theory, table) hold JSON. This module reads that JSON with
 * errors that carry a line, names the fields each kind accepts, and lists which cells a cell
 * depends on (by id). Nothing here runs code; a sweep's spec is checked by the engine's
 * `validateSpec`.
 *
 * @example
 *   const read = readCellJson(cell.value);            // { ok: true, value } or { ok: false, line, message }
 *   const deps = cellDependencies('plot', read.value); // ['sweep-1', 'theory-1']
 */
import { GRID_KEYS, type GridKey, type SweepSpecInput } from '../engine/spec.ts';
import { jsonErrorAt } from './json-error.ts';
import type { CellKind } from './notebook.ts';

/** A sweep cell: a spec for the engine plus presentation fields the engine never sees. */
export interface SweepCellConfig extends SweepSpecInput {
  title?: string; // label in legends and facets ("GRPO", "Dr. GRPO")
  publishSeeds?: number; // seeds per cell of the baked (published) run; defaults to `seeds`
}

export const PLOT_VIEWS = ['phase', 'trajectories', 'gap', 'distribution', 'critical', 'compare'] as const;
export type PlotView = (typeof PLOT_VIEWS)[number];
export const PLOT_FILLS = ['meanFinalJ', 'collapseProbability'] as const;
export type PlotFill = (typeof PLOT_FILLS)[number];
export const PLOT_X = ['stepSize', 'effectiveStepSize'] as const;
export type PlotX = (typeof PLOT_X)[number];
export const TRAJECTORY_SCALES = ['linear', 'failure-log'] as const;
export type TrajectoryScale = (typeof TRAJECTORY_SCALES)[number];
/** Trajectory and gap views: every η in one panel, or one panel per η sharing axes. */
export const TRAJECTORY_LAYOUTS = ['overlay', 'small-multiples'] as const;
export type TrajectoryLayout = (typeof TRAJECTORY_LAYOUTS)[number];
/** How the empirical critical step size is read off a row of cells (SPEC 1.4). */
export const CRITICAL_RULES = ['mean-below-J0', 'collapse-half'] as const;
export type CriticalRule = (typeof CRITICAL_RULES)[number];

/** A plot cell: which sweep(s), which view, and how to draw it. */
export interface PlotCellConfig {
  view: PlotView;
  sweep?: string; // the sweep cell's id (phase, trajectories, gap, distribution, critical)
  sweeps?: string[]; // compare: two or more sweep ids, drawn as facets sharing scales
  y?: GridKey; // phase/critical/compare: the swept field on the y axis (L, J0, G, …)
  fill?: PlotFill; // phase/compare: colour by mean final J or by collapse probability
  x?: PlotX; // raw η or effective step size (SPEC 1.3)
  theory?: string | string[]; // theory cell(s) whose curves are drawn over the plot
  color?: GridKey; // trajectories/gap/distribution: the swept field that sets the colour (default stepSize)
  scale?: TrajectoryScale; // trajectories: J(t) on a linear axis, or the failure rate 1 − J(t) on a log axis
  layout?: TrajectoryLayout; // trajectories/gap: default small multiples when more than 3 η would share a panel
  where?: Partial<Record<GridKey, number | string>>; // fix other grid keys to one value
  critical?: CriticalRule; // rule for the empirical critical step size (default mean-below-J0)
  title?: string;
  caption?: string;
}

/** A theory cell: curves from src/theory evaluated over a sweep's cells. */
export interface TheoryCellConfig {
  sweep: string; // the sweep whose parameters the curves are evaluated at
  y?: 'L' | 'J0' | 'G'; // the field the curves run over; default: the sweep's swept one
  curves?: string[]; // 'one-step' (exact) and/or 'theorem-1' (reconstructed); default both
  instances?: number; // seed instances each point is the median over (default 5)
}

/** A table cell: the per-cell statistics of a sweep. */
export interface TableCellConfig {
  sweep: string;
  columns?: string[]; // default: grid coordinates, mean final J, q10/q50/q90, collapse probability, diverged
}

export type CellJson = { ok: true; value: unknown } | { ok: false; line: number; message: string };

/** 1-based line of a character offset. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < Math.min(offset, text.length); i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Parses a cell's JSON; a syntax error gets the line within the cell (1-based) and what was expected. */
export function readCellJson(source: string): CellJson {
  try {
    return { ok: true, value: JSON.parse(source) };
  } catch (error) {
    const at = jsonErrorAt(source);
    if (!at) return { ok: false, line: 1, message: `invalid JSON: ${(error as Error).message}` };
    const found = at.offset >= source.length ? 'the end of the cell' : JSON.stringify(source[at.offset]);
    return { ok: false, line: lineOf(source, at.offset), message: `invalid JSON: expected ${at.expected}, found ${found}` };
  }
}

/** One problem with a declarative cell's config: the field and what is allowed. */
export interface ConfigIssue {
  field: string;
  message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks a plot config's shape (not whether its sweeps exist: see `checkReferences`). */
export function checkPlotConfig(value: unknown): ConfigIssue[] {
  if (!isObject(value)) return [{ field: 'plot', message: 'must be a JSON object such as {"view": "phase", "sweep": "…"}' }];
  const issues: ConfigIssue[] = [];
  const oneOf = (field: string, list: readonly string[]) => {
    const v = value[field];
    if (v !== undefined && !(typeof v === 'string' && list.includes(v))) issues.push({ field, message: `${field} = ${JSON.stringify(v)}: must be one of ${list.join(', ')}` });
  };
  if (value.view === undefined) issues.push({ field: 'view', message: `view is required: one of ${PLOT_VIEWS.join(', ')}` });
  oneOf('view', PLOT_VIEWS);
  oneOf('fill', PLOT_FILLS);
  oneOf('x', PLOT_X);
  oneOf('y', GRID_KEYS);
  oneOf('critical', CRITICAL_RULES);
  if (value.view === 'compare') {
    if (!Array.isArray(value.sweeps) || value.sweeps.length < 1 || !value.sweeps.every((s) => typeof s === 'string')) {
      issues.push({ field: 'sweeps', message: 'compare needs "sweeps": a list of sweep cell ids' });
    }
  } else if (typeof value.sweep !== 'string') issues.push({ field: 'sweep', message: 'sweep is required: the id of a sweep cell' });
  const theory = value.theory;
  if (theory !== undefined && typeof theory !== 'string' && !(Array.isArray(theory) && theory.every((t) => typeof t === 'string'))) {
    issues.push({ field: 'theory', message: 'theory must be the id of a theory cell, or a list of them' });
  }
  oneOf('color', GRID_KEYS);
  oneOf('scale', TRAJECTORY_SCALES);
  oneOf('layout', TRAJECTORY_LAYOUTS);
  if (value.where !== undefined && !isObject(value.where)) issues.push({ field: 'where', message: 'where must be an object such as {"L": 8}' });
  return issues;
}

/** Checks a theory or table config's shape. */
export function checkSweepRefConfig(kind: 'theory' | 'table', value: unknown): ConfigIssue[] {
  if (!isObject(value)) return [{ field: kind, message: `must be a JSON object such as {"sweep": "…"}` }];
  const issues: ConfigIssue[] = [];
  if (typeof value.sweep !== 'string') issues.push({ field: 'sweep', message: 'sweep is required: the id of a sweep cell' });
  const list = kind === 'theory' ? value.curves : value.columns;
  if (list !== undefined && !(Array.isArray(list) && list.every((s) => typeof s === 'string'))) {
    issues.push({ field: kind === 'theory' ? 'curves' : 'columns', message: 'must be a list of names' });
  }
  if (kind === 'theory') {
    if (value.y !== undefined && !['L', 'J0', 'G'].includes(value.y as string)) issues.push({ field: 'y', message: `y = ${JSON.stringify(value.y)}: must be one of L, J0, G` });
    if (value.instances !== undefined && !(Number.isInteger(value.instances) && (value.instances as number) >= 1 && (value.instances as number) <= 64)) {
      issues.push({ field: 'instances', message: `instances = ${JSON.stringify(value.instances)}: must be an integer in [1, 64]` });
    }
  }
  return issues;
}

/** The ids a declarative cell reads from, in the order it names them. */
export function cellDependencies(kind: CellKind, value: unknown): string[] {
  if (!isObject(value)) return [];
  const ids: string[] = [];
  if (kind === 'plot' || kind === 'theory' || kind === 'table') {
    if (typeof value.sweep === 'string') ids.push(value.sweep);
    if (Array.isArray(value.sweeps)) for (const s of value.sweeps) if (typeof s === 'string') ids.push(s);
    if (kind === 'plot' && typeof value.theory === 'string') ids.push(value.theory);
    if (kind === 'plot' && Array.isArray(value.theory)) for (const t of value.theory) if (typeof t === 'string') ids.push(t);
  }
  return ids;
}

/** The sweep spec the engine sees: the cell's JSON without presentation fields. */
export function sweepSpecOf(config: SweepCellConfig): SweepSpecInput {
  const { title: _title, publishSeeds: _publish, ...spec } = config;
  return spec;
}

/** The spec of the baked (published) run: the same sweep with `publishSeeds` seeds per cell. */
export function publishedSpecOf(config: SweepCellConfig): SweepSpecInput {
  const spec = sweepSpecOf(config);
  return config.publishSeeds !== undefined ? { ...spec, seeds: config.publishSeeds } : spec;
}

/** Problems with the presentation fields of a sweep cell (the spec itself is the engine's). */
export function checkSweepCellExtras(value: unknown): ConfigIssue[] {
  if (!isObject(value)) return [{ field: 'spec', message: 'must be a JSON object' }];
  const issues: ConfigIssue[] = [];
  if (value.title !== undefined && typeof value.title !== 'string') issues.push({ field: 'title', message: 'title must be a string' });
  const p = value.publishSeeds;
  if (p !== undefined && !(Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 65_536)) {
    issues.push({ field: 'publishSeeds', message: `publishSeeds = ${JSON.stringify(p)}: must be an integer in [1, 65536]` });
  }
  return issues;
}
