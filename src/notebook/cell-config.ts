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
import { GRID_KEYS, kindOf, nearestName, showValue, SPEC_KEYS, unknownKeyIssues, type GridKey, type SweepSpecInput } from '../spec/index.ts';
import { CELL_STAT_NAMES } from '../engine/index.ts';
import type { LogFormat, OutcomeRulesInput } from '../logs/index.ts';
import { jsonErrorAt } from './json-error.ts';
import { dropIssue, fileSettingsIssues, newerRulesIssues, type LogsFileSettings } from './logs-cell-settings.ts';
import type { CellKind } from './notebook.ts';

/** A sweep cell: a spec for the engine plus presentation fields the engine never sees. */
export interface SweepCellConfig extends SweepSpecInput {
  title?: string; // label in legends and facets ("GRPO", "Dr. GRPO")
  publishSeeds?: number; // seeds per cell of the baked (published) run; defaults to `seeds`
}

/** Views drawn per η, which read `layout` and `color`: every η in one panel, or one panel per η. */
export const LAYOUT_VIEWS = [
  'trajectories',
  'gap',
  'update-norm',
  'length',
  'prompts-solved',
  'prompts-lost',
  'prompts-mean',
  'clipped-share',
  'kl-reference',
  'held-out',
] as const;
export const PLOT_VIEWS = ['phase', ...LAYOUT_VIEWS, 'prompts-run', 'distribution', 'critical', 'compare', 'logs-trajectories', 'logs-outcome'] as const;
export type PlotView = (typeof PLOT_VIEWS)[number];
/**
 * finalMeanLength (SPEC 1.7): median over seeds of each run's mean sampled response length at the last recorded step.
 * finalLostShare (SPEC 1.8): share of the prompts lost (J_q < J_q(0)/2) at the last recorded step, averaged over seeds.
 */
export const PLOT_FILLS = ['meanFinalJ', 'collapseProbability', 'finalMeanLength', 'finalLostShare'] as const;
export type PlotFill = (typeof PLOT_FILLS)[number];
/** The length view's series: sampled mean length of all, passing or failing responses, or the exact E_π|o| (SPEC 1.7). */
export const PLOT_LENGTHS = ['all', 'passing', 'failing', 'expected'] as const;
export type PlotLength = (typeof PLOT_LENGTHS)[number];
export const PLOT_X = ['stepSize', 'effectiveStepSize'] as const;
export type PlotX = (typeof PLOT_X)[number];
export const TRAJECTORY_SCALES = ['linear', 'failure-log'] as const;
export type TrajectoryScale = (typeof TRAJECTORY_SCALES)[number];
/** Trajectory, gap, length and prompts views: every η in one panel, or one panel per η sharing axes. */
export const TRAJECTORY_LAYOUTS = ['overlay', 'small-multiples'] as const;
export type TrajectoryLayout = (typeof TRAJECTORY_LAYOUTS)[number];
/** How the empirical critical step size is read off a row of cells (SPEC 1.4). */
export const CRITICAL_RULES = ['mean-below-J0', 'collapse-half'] as const;
export type CriticalRule = (typeof CRITICAL_RULES)[number];

/** Views of a logs cell's runs: metric against step, and outcome against learning rate (beside a sweep when one is named). */
export const LOGS_VIEWS = ['logs-trajectories', 'logs-outcome'] as const;
const isLogsView = (view: unknown) => (LOGS_VIEWS as readonly unknown[]).includes(view);

/** A plot cell: which sweep(s), which view, and how to draw it. */
export interface PlotCellConfig {
  view: PlotView;
  sweep?: string; // the sweep cell's id (phase, trajectories, gap, distribution, critical; logs-outcome: the simulated sweep beside the runs)
  logs?: string; // logs-trajectories, logs-outcome: the logs cell's id
  align?: boolean; // logs-outcome beside a sweep: line the two axes up at the real and the simulated critical point (default false: own axes)
  sweeps?: string[]; // compare: two or more sweep ids, drawn as facets sharing scales
  y?: GridKey; // phase/critical/compare: the swept field on the y axis (L, J0, G, …)
  fill?: PlotFill; // phase/compare: colour by mean final J, collapse probability or final mean length
  length?: PlotLength; // length: which length is drawn (default all)
  x?: PlotX; // raw η or effective step size (SPEC 1.3)
  theory?: string | string[]; // theory cell(s) whose curves are drawn over the plot
  color?: GridKey; // the views drawn per η (LAYOUT_VIEWS): the swept field that sets the colour (default stepSize)
  scale?: TrajectoryScale; // trajectories: J(t) on a linear axis, or the failure rate 1 − J(t) on a log axis
  layout?: TrajectoryLayout; // trajectories/gap/length/prompts: default small multiples when more than 3 η would share a panel (prompts-mean: always)
  where?: Partial<Record<GridKey, number | string>>; // fix other grid keys to one value; prompts-run: must select exactly one grid cell
  seed?: number; // prompts-run: the replayed run's seed within the cell `where` selects, in [0, seeds)
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

/** Readers a logs cell can name (src/logs detectFormat tells them apart when none is named). */
export const LOG_FORMATS = ['trainer-state', 'csv', 'jsonl', 'verl', 'wandb', 'tensorboard'] as const satisfies readonly LogFormat[];

/** A column (CSV) or field (JSONL, nested as 'a/b') mapping, as a logs cell's form saves it (src/logs CsvMapping, JsonlMapping). */
export interface LogsColumnMapping {
  run?: string; // the column naming the run
  learningRate?: string;
  step?: string;
  metrics?: string[]; // the metric columns; default every numeric column
  typeField?: string; // JSONL: the field giving a line's type (default 'type')
  types?: string[]; // JSONL: the line types that give metrics (default all but config/hparams)
}

/** A logs cell: real training runs read from files, summarized for one metric with outcome rules. */
export interface LogsCellConfig {
  files: string[]; // paths relative to the notebook (notebooks/data/… on the published site); in the app, names of files opened from disk
  format?: LogFormat; // one reader for every file; detected from each file when absent
  mapping?: LogsColumnMapping; // CSV columns or JSONL fields: which are the run, learning rate, step and metrics
  fileSettings?: Record<string, LogsFileSettings>; // per file (a name in files): a stated learning rate, a config file, settings
  metric: string; // the metric summarized: a name in the logs (answer_accuracy, critic/score/mean) or an alias (reward, kl, …)
  rules?: OutcomeRulesInput; // outcome rules over the defaults (src/logs DEFAULT_OUTCOME_RULES)
  title?: string;
}

/** Every field a logs cell may have (`LogsCellConfig`), its mapping and its rules. */
export const LOGS_KEYS: readonly string[] = Object.freeze(['files', 'format', 'mapping', 'fileSettings', 'metric', 'rules', 'title']);
export const LOGS_MAPPING_KEYS: readonly string[] = Object.freeze(['run', 'learningRate', 'step', 'metrics', 'typeField', 'types']);
export const LOGS_RULES_KEYS: readonly string[] = Object.freeze(['collapsed', 'degraded', 'finalPoints', 'window', 'minPoints', 'stopped', 'lrCollapsedWhen']);
export const LOGS_RULE_KEYS: readonly string[] = Object.freeze([
  'finalBelowFractionOfStart',
  'finalBelowFractionOfPeak',
  'finalDropFromStartAtLeast',
  'finalDropFromPeakAtLeast',
  'finalAtMost',
  'endsNonFinite',
]);
export const LR_COLLAPSED_WHEN = ['any', 'majority', 'all'] as const;

/** Every field a sweep cell may have: the spec's, and the presentation fields. */
export const SWEEP_CELL_KEYS: readonly string[] = Object.freeze([...SPEC_KEYS, 'title', 'publishSeeds']);
/** Every field a plot cell may have (`PlotCellConfig`). */
export const PLOT_KEYS: readonly string[] = Object.freeze([
  'view',
  'sweep',
  'sweeps',
  'y',
  'fill',
  'length',
  'x',
  'theory',
  'color',
  'scale',
  'layout',
  'where',
  'seed',
  'critical',
  'logs',
  'align',
  'title',
  'caption',
]);
/** Every field a theory cell may have (`TheoryCellConfig`). */
export const THEORY_KEYS: readonly string[] = Object.freeze(['sweep', 'y', 'curves', 'instances']);
/** Every field a table cell may have (`TableCellConfig`). */
export const TABLE_KEYS: readonly string[] = Object.freeze(['sweep', 'columns']);
/** Curves a theory cell can draw (src/plots/overlays.ts THEORY_CURVE_LABELS). */
export const THEORY_CURVES = ['one-step', 'theorem-1'] as const;
/** Fields a theory cell's curves run over. */
export const THEORY_Y = ['L', 'J0', 'G'] as const;
/** Columns a table cell can show: the per-cell statistics, the effective step size and J0 (src/ui/gg-table-cell.ts). */
export const TABLE_COLUMNS = [...CELL_STAT_NAMES, 'effectiveStepSize', 'J0'] as const;

export type CellJson = { ok: true; value: unknown } | { ok: false; line: number; message: string };

/** How deeply objects and lists may nest in a cell's JSON; deeper input is refused before it is parsed. */
export const MAX_JSON_DEPTH = 64;

/** 1-based line of a character offset. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < Math.min(offset, text.length); i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Offset of the first `{` or `[` that opens level MAX_JSON_DEPTH + 1, or -1. One linear pass,
 * no recursion, skipping strings; a malformed text is left to JSON.parse and the error locator.
 */
export function depthExceededAt(source: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > limit) return i;
    } else if (c === 125 || c === 93) depth--;
  }
  return -1;
}

/** Parses a cell's JSON; a syntax error gets the line within the cell (1-based) and what was expected. */
export function readCellJson(source: string): CellJson {
  const deep = depthExceededAt(source);
  if (deep >= 0) {
    return {
      ok: false,
      line: lineOf(source, deep),
      message: `JSON nested more than ${MAX_JSON_DEPTH} levels deep (objects and lists inside each other); a cell may nest at most ${MAX_JSON_DEPTH}`,
    };
  }
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

/** `field = value: must be one of …` when the value is set and not in the list. */
function oneOfIssue(field: string, v: unknown, list: readonly string[]): ConfigIssue[] {
  if (v === undefined || (typeof v === 'string' && list.includes(v))) return [];
  const near = typeof v === 'string' ? nearestName(v, list) : null;
  return [{ field, message: `${field} = ${showValue(v)}: must be one of ${list.join(', ')}${near ? ` (did you mean ${near}?)` : ''}` }];
}

/** A string field that must be a cell id. */
function idIssue(field: string, v: unknown, what: string): ConfigIssue[] {
  return typeof v === 'string' && v !== '' ? [] : [{ field, message: `${field} = ${showValue(v)}: must be the id of ${what} (a non-empty string)` }];
}

/**
 * A list field: present → a list of 1 or more entries, each passing `entry`, none repeated.
 * `entry` returns a problem with one entry, or null.
 */
function listIssues(field: string, v: unknown, allowed: string, entry: (x: unknown) => string | null): ConfigIssue[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length === 0) return [{ field, message: `${field} must be a list of ${allowed}, got ${kindOf(v)}` }];
  const issues: ConfigIssue[] = [];
  const firstAt = new Map<unknown, number>();
  v.forEach((x, i) => {
    const problem = entry(x);
    if (problem) issues.push({ field: `${field}[${i}]`, message: `${field}[${i}] = ${showValue(x)}: ${problem}` });
    else if (firstAt.has(x)) issues.push({ field: `${field}[${i}]`, message: `${field}[${i}] = ${showValue(x)} repeats ${field}[${firstAt.get(x)}]` });
    else firstAt.set(x, i);
  });
  return issues;
}

const namedIn = (list: readonly string[]) => (x: unknown) => (typeof x === 'string' && list.includes(x) ? null : `must be one of ${list.join(', ')}`);
const anId = (x: unknown) => (typeof x === 'string' && x !== '' ? null : 'must be a cell id (a non-empty string)');

function textIssue(field: string, v: unknown): ConfigIssue[] {
  return v === undefined || typeof v === 'string' ? [] : [{ field, message: `${field} must be a string, got ${kindOf(v)}` }];
}

/**
 * The prompts-run view's `seed`: required there, a non-negative integer, read by no other view.
 * Whether it is below the sweep's seeds is known only with the sweep (src/plots prompt-run.ts).
 */
function seedIssues(view: unknown, seed: unknown): ConfigIssue[] {
  if (view !== 'prompts-run')
    return seed === undefined ? [] : [{ field: 'seed', message: 'only the prompts-run view reads "seed" (the seed of the one run it replays)' }];
  if (seed === undefined)
    return [
      { field: 'seed', message: 'the prompts-run view reads "seed": the replayed run\'s seed within the grid cell "where" selects, an integer in [0, seeds)' },
    ];
  if (!(Number.isInteger(seed) && (seed as number) >= 0))
    return [{ field: 'seed', message: `seed = ${showValue(seed)}: must be an integer in [0, seeds), the run's seed within its grid cell` }];
  return [];
}

/** Checks a plot config's shape (not whether its sweeps exist: see `checkReferences`). */
export function checkPlotConfig(value: unknown): ConfigIssue[] {
  if (!isObject(value)) return [{ field: 'plot', message: `must be a JSON object such as {"view": "phase", "sweep": "…"}, got ${kindOf(value)}` }];
  const issues: ConfigIssue[] = unknownKeyIssues(value, PLOT_KEYS, '', 'plot fields');
  if (value.view === undefined) issues.push({ field: 'view', message: `view is required: one of ${PLOT_VIEWS.join(', ')}` });
  issues.push(...oneOfIssue('view', value.view, PLOT_VIEWS));
  issues.push(...oneOfIssue('fill', value.fill, PLOT_FILLS));
  issues.push(...oneOfIssue('length', value.length, PLOT_LENGTHS));
  if (value.length !== undefined && value.view !== 'length') issues.push({ field: 'length', message: 'only the length view reads "length"' });
  if ((value.fill === 'finalMeanLength' || value.fill === 'finalLostShare') && isLogsView(value.view))
    issues.push({ field: 'fill', message: `the ${value.view} view fills by meanFinalJ or collapseProbability; ${value.fill} is for phase and compare` });
  issues.push(...seedIssues(value.view, value.seed));
  issues.push(...oneOfIssue('x', value.x, PLOT_X));
  issues.push(...oneOfIssue('y', value.y, GRID_KEYS));
  issues.push(...oneOfIssue('critical', value.critical, CRITICAL_RULES));
  if (isLogsView(value.view)) {
    if (value.logs === undefined) issues.push({ field: 'logs', message: `the ${value.view} view reads "logs": the id of a logs cell` });
    else issues.push(...idIssue('logs', value.logs, 'a logs cell'));
    if (value.view === 'logs-trajectories' && value.sweep !== undefined)
      issues.push({ field: 'sweep', message: 'the logs-trajectories view draws the runs alone; to set a sweep beside them use the logs-outcome view' });
    else if (value.sweep !== undefined) issues.push(...idIssue('sweep', value.sweep, 'a sweep cell'));
    if (value.sweeps !== undefined) issues.push({ field: 'sweeps', message: `only the compare view reads "sweeps"; the ${value.view} view reads one "sweep"` });
    if (value.align !== undefined && typeof value.align !== 'boolean')
      issues.push({ field: 'align', message: `align must be true or false, got ${kindOf(value.align)}` });
    else if (value.align !== undefined && (value.view !== 'logs-outcome' || value.sweep === undefined))
      issues.push({ field: 'align', message: 'align lines up the runs with a simulated sweep: only the logs-outcome view with a "sweep" reads it' });
  } else if (value.view === 'compare') {
    if (value.sweeps === undefined) issues.push({ field: 'sweeps', message: 'compare needs "sweeps": a list of sweep cell ids' });
    else issues.push(...listIssues('sweeps', value.sweeps, 'sweep cell ids', anId));
    if (value.sweep !== undefined) issues.push({ field: 'sweep', message: 'the compare view reads "sweeps" (a list), not "sweep": move the id into sweeps' });
  } else {
    if (value.sweep === undefined) issues.push({ field: 'sweep', message: 'sweep is required: the id of a sweep cell' });
    else issues.push(...idIssue('sweep', value.sweep, 'a sweep cell'));
    if (value.sweeps !== undefined)
      issues.push({
        field: 'sweeps',
        message: `only the compare view reads "sweeps"; the ${typeof value.view === 'string' ? value.view : 'other'} view reads one "sweep"`,
      });
  }
  if (!isLogsView(value.view))
    for (const field of ['logs', 'align'] as const)
      if (value[field] !== undefined) issues.push({ field, message: `only the ${LOGS_VIEWS.join(' and ')} views read "${field}"` });
  const theory = value.theory;
  if (theory !== undefined && typeof theory !== 'string' && !Array.isArray(theory)) {
    issues.push({ field: 'theory', message: `theory must be the id of a theory cell, or a list of them, got ${kindOf(theory)}` });
  } else if (typeof theory === 'string') issues.push(...idIssue('theory', theory, 'a theory cell'));
  else issues.push(...listIssues('theory', theory, 'theory cell ids', anId));
  issues.push(...oneOfIssue('color', value.color, GRID_KEYS));
  issues.push(...oneOfIssue('scale', value.scale, TRAJECTORY_SCALES));
  issues.push(...oneOfIssue('layout', value.layout, TRAJECTORY_LAYOUTS));
  const where = value.where;
  if (where !== undefined && !isObject(where)) issues.push({ field: 'where', message: `where must be an object such as {"L": 8}, got ${kindOf(where)}` });
  else if (where !== undefined) {
    issues.push(...unknownKeyIssues(where, GRID_KEYS, 'where.', 'grid keys'));
    for (const [k, v] of Object.entries(where)) {
      if (!(GRID_KEYS as readonly string[]).includes(k)) continue;
      if (!(typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) {
        issues.push({ field: `where.${k}`, message: `where.${k} = ${showValue(v)}: must be one value of the sweep's grid.${k} (a number or a name)` });
      }
    }
  }
  issues.push(...textIssue('title', value.title), ...textIssue('caption', value.caption));
  return issues;
}

/** Checks a theory or table config's shape. */
export function checkSweepRefConfig(kind: 'theory' | 'table', value: unknown): ConfigIssue[] {
  if (!isObject(value)) return [{ field: kind, message: `must be a JSON object such as {"sweep": "…"}, got ${kindOf(value)}` }];
  const issues: ConfigIssue[] = unknownKeyIssues(value, kind === 'theory' ? THEORY_KEYS : TABLE_KEYS, '', `${kind} fields`);
  if (value.sweep === undefined) issues.push({ field: 'sweep', message: 'sweep is required: the id of a sweep cell' });
  else issues.push(...idIssue('sweep', value.sweep, 'a sweep cell'));
  if (kind === 'theory') {
    issues.push(...listIssues('curves', value.curves, `curve names (${THEORY_CURVES.join(', ')})`, namedIn(THEORY_CURVES)));
    issues.push(...oneOfIssue('y', value.y, THEORY_Y));
    if (value.instances !== undefined && !(Number.isInteger(value.instances) && (value.instances as number) >= 1 && (value.instances as number) <= 64)) {
      issues.push({ field: 'instances', message: `instances = ${showValue(value.instances)}: must be an integer in [1, 64]` });
    }
  } else issues.push(...listIssues('columns', value.columns, `column names (${TABLE_COLUMNS.join(', ')})`, namedIn(TABLE_COLUMNS)));
  return issues;
}

/** The characters a data file's name may hold: letters, digits, space and _ @ + . - ( ) (a browser names a second download "runs (1).csv"). */
const DATA_NAME_CHARS = /^[\w@+.() -]+$/;
/** The longest data file path. */
const MAX_DATA_PATH = 200;

/** A data file's path: relative, '/'-separated, no '..', no scheme; only DATA_NAME_CHARS in names. */
export function filePathProblem(x: unknown): string | null {
  if (typeof x !== 'string' || x === '') return 'must be a file path relative to the notebook, such as "data/sweep.csv"';
  if (x.length > MAX_DATA_PATH) return `must be at most ${MAX_DATA_PATH} characters`;
  const parts = x.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || !DATA_NAME_CHARS.test(p)))
    return 'must be a relative path inside the notebook\'s folder ("data/sweep.csv"): no leading /, no .. and only letters, digits, space and _ @ + . - ( ) in names';
  return null;
}

/**
 * The name a file opened in the page is kept and referred to under: its own name with every
 * character the path rule (filePathProblem) refuses replaced by `_`, cut to the length limit
 * (keeping its extension), so the name the page writes into a logs cell always passes the
 * page's own check (`résumé #2.csv` → `r_sum_ _2.csv`).
 */
export function dataFileName(picked: string): string {
  const base = picked.split(/[/\\]/).pop() ?? '';
  let name = base.replace(/[^\w@+.() -]/g, '_');
  if (name.length > MAX_DATA_PATH) {
    const ext = /\.[\w-]{1,16}$/.exec(name)?.[0] ?? '';
    name = name.slice(0, MAX_DATA_PATH - ext.length) + ext;
  }
  return name === '' || name === '.' || name === '..' ? '_' : name;
}

function ruleIssues(field: string, v: unknown): ConfigIssue[] {
  if (v === undefined) return [];
  if (!isObject(v)) return [{ field, message: `${field} must be an object such as {"finalBelowFractionOfStart": 0.5}, got ${kindOf(v)}` }];
  const issues = unknownKeyIssues(v, LOGS_RULE_KEYS, `${field}.`, 'outcome rule conditions');
  for (const key of ['finalBelowFractionOfStart', 'finalBelowFractionOfPeak'] as const) {
    const f = v[key];
    if (f !== undefined && !(typeof f === 'number' && f >= 0 && f <= 1))
      issues.push({ field: `${field}.${key}`, message: `${field}.${key} = ${showValue(f)}: must be a fraction in [0, 1]` });
  }
  if (v.finalAtMost !== undefined && !(typeof v.finalAtMost === 'number' && Number.isFinite(v.finalAtMost)))
    issues.push({ field: `${field}.finalAtMost`, message: `${field}.finalAtMost = ${showValue(v.finalAtMost)}: must be a finite number` });
  issues.push(
    ...dropIssue(`${field}.finalDropFromStartAtLeast`, v.finalDropFromStartAtLeast),
    ...dropIssue(`${field}.finalDropFromPeakAtLeast`, v.finalDropFromPeakAtLeast),
  );
  if (v.endsNonFinite !== undefined && typeof v.endsNonFinite !== 'boolean')
    issues.push({ field: `${field}.endsNonFinite`, message: `${field}.endsNonFinite must be true or false, got ${kindOf(v.endsNonFinite)}` });
  return issues;
}

/** Checks a logs cell's shape (the files themselves are read by src/logs, where a bad file is a named error). */
export function checkLogsConfig(value: unknown): ConfigIssue[] {
  if (!isObject(value))
    return [{ field: 'logs', message: `must be a JSON object such as {"files": ["data/sweep.csv"], "metric": "answer_accuracy"}, got ${kindOf(value)}` }];
  const issues: ConfigIssue[] = unknownKeyIssues(value, LOGS_KEYS, '', 'logs cell fields');
  if (value.files === undefined) issues.push({ field: 'files', message: 'files is required: a list of log files relative to the notebook ("data/sweep.csv")' });
  else issues.push(...listIssues('files', value.files, 'file paths', filePathProblem));
  issues.push(...oneOfIssue('format', value.format, LOG_FORMATS));
  if (value.metric === undefined)
    issues.push({ field: 'metric', message: 'metric is required: the metric to summarize, as the logs name it ("answer_accuracy")' });
  else if (typeof value.metric !== 'string' || value.metric === '')
    issues.push({ field: 'metric', message: `metric = ${showValue(value.metric)}: must be a metric name` });
  const mapping = value.mapping;
  if (mapping !== undefined && !isObject(mapping))
    issues.push({ field: 'mapping', message: `mapping must be an object such as {"run": "label", "step": "grpo_step"}, got ${kindOf(mapping)}` });
  else if (mapping !== undefined) {
    issues.push(...unknownKeyIssues(mapping, LOGS_MAPPING_KEYS, 'mapping.', 'mapping fields'));
    for (const key of ['run', 'learningRate', 'step', 'typeField'] as const) {
      const v = mapping[key];
      if (v !== undefined && (typeof v !== 'string' || v === ''))
        issues.push({ field: `mapping.${key}`, message: `mapping.${key} = ${showValue(v)}: must be a column name` });
    }
    issues.push(...listIssues('mapping.metrics', mapping.metrics, 'column names', (x) => (typeof x === 'string' && x !== '' ? null : 'must be a column name')));
    issues.push(...listIssues('mapping.types', mapping.types, 'JSONL line types', (x) => (typeof x === 'string' && x !== '' ? null : 'must be a line type')));
  }
  issues.push(...fileSettingsIssues(value.fileSettings, value.files, filePathProblem));
  const rules = value.rules;
  if (rules !== undefined && !isObject(rules))
    issues.push({ field: 'rules', message: `rules must be an object such as {"collapsed": {"finalBelowFractionOfStart": 0.5}}, got ${kindOf(rules)}` });
  else if (rules !== undefined) {
    issues.push(...unknownKeyIssues(rules, LOGS_RULES_KEYS, 'rules.', 'outcome rules'));
    issues.push(...ruleIssues('rules.collapsed', rules.collapsed), ...ruleIssues('rules.degraded', rules.degraded));
    const n = rules.finalPoints;
    if (n !== undefined && !(Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 1000))
      issues.push({ field: 'rules.finalPoints', message: `rules.finalPoints = ${showValue(n)}: must be an integer in [1, 1000]` });
    issues.push(...oneOfIssue('rules.lrCollapsedWhen', rules.lrCollapsedWhen, LR_COLLAPSED_WHEN));
    issues.push(...newerRulesIssues(rules));
  }
  issues.push(...textIssue('title', value.title));
  return issues;
}

/** The ids a declarative cell reads from, in the order it names them. */
export function cellDependencies(kind: CellKind, value: unknown): string[] {
  if (!isObject(value)) return [];
  const ids: string[] = [];
  if (kind === 'plot' || kind === 'theory' || kind === 'table') {
    if (typeof value.sweep === 'string') ids.push(value.sweep);
    if (Array.isArray(value.sweeps)) for (const s of value.sweeps) if (typeof s === 'string') ids.push(s);
    if (kind === 'plot' && typeof value.logs === 'string') ids.push(value.logs);
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
  if (!isObject(value)) return [{ field: 'spec', message: `must be a JSON object such as {"grid": {"stepSize": [1, 10]}, "seeds": 64}, got ${kindOf(value)}` }];
  const issues: ConfigIssue[] = unknownKeyIssues(value, SWEEP_CELL_KEYS, '', 'sweep cell fields');
  if (value.title !== undefined && typeof value.title !== 'string')
    issues.push({ field: 'title', message: `title must be a string, got ${kindOf(value.title)}` });
  const p = value.publishSeeds;
  if (p !== undefined && !(Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 65_536)) {
    issues.push({ field: 'publishSeeds', message: `publishSeeds = ${showValue(p)}: must be an integer in [1, 65536]` });
  }
  return issues;
}

/** Kinds whose cells hold JSON, and the config each reads as. */
export interface CellConfigs {
  sweep: SweepCellConfig;
  plot: PlotCellConfig;
  theory: TheoryCellConfig;
  table: TableCellConfig;
  logs: LogsCellConfig;
}
