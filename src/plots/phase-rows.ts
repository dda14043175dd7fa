/**
 * Rows for the phase diagram: one rectangle per grid cell, with η (raw or effective) on a log x
 * axis and the chosen swept field on y. Cells are drawn as rectangles on continuous scales
 * (not Plot's band-scale `cell` mark) so the critical-η and theory curves share the same axes.
 *
 * @example
 *   const { rows, yKey, yLog, facets } = phaseRows(summary, { y: 'L', x: 'effectiveStepSize' });
 */
import { GRID_KEYS, perLengthAggregation, type Cell, type CellStats, type GridKey } from '../engine/index.ts';
import type { PlotX } from '../notebook/index.ts';
import { cellEffectiveStepSize, finalLostShare, finalMeanLength, summaryCells, type SweepSummary } from '../results/index.ts';

export interface PhaseRow {
  cell: number;
  facet: string; // the other swept fields ("advantage=mean"), '' when none
  sweep: string; // sweep label (compare view)
  stepSize: number; // raw η
  x: number; // η or effective step size, per the plot's x option
  x1: number;
  x2: number;
  y: number; // value of the y field (0 when the sweep has no y field)
  y1: number;
  y2: number;
  J0: number;
  stats: CellStats; // all NaN when notRun
  finalMeanLength: number; // median over seeds of each run's mean sampled length at the last recorded step (SPEC 1.7); NaN without one
  finalLostShare: number; // share of prompts lost at the last recorded step, mean over seeds (SPEC 1.8); NaN without prompt bands
  notRun?: boolean; // the run stopped (Cancel) before this cell finished: drawn in place as "not run"
}

/** Only the cells with these values of other swept fields are drawn. */
export type GridWhere = Partial<Record<GridKey, number | string>>;

/** What a phase layout needs: the y field (default: the first swept numeric field other than η), raw or effective η, a filter. */
export interface PhaseRowOptions {
  y?: GridKey;
  x?: PlotX;
  where?: GridWhere;
}

export interface PhaseLayout {
  rows: PhaseRow[];
  yKey: GridKey | null; // null: the sweep varies η only, drawn as one strip
  yLog: boolean;
  facets: string[];
  eosLengths?: boolean; // some drawn cell has EOS and a per-length aggregation: its effective step size uses E_θ0|o|
  eos?: boolean; // some drawn cell has EOS: L is a maximum length
}

/** Fields swept on a log scale when their values span a factor of 4 or more. */
const LOG_CANDIDATES: GridKey[] = ['L', 'G', 'V', 'd', 'N', 'K', 'B', 'stepSize'];

/** Edges around sorted centres: geometric midpoints on a log scale, arithmetic otherwise. */
export function edges(centres: number[], log: boolean): [number, number][] {
  const f = log ? Math.log : (v: number) => v;
  const g = log ? Math.exp : (v: number) => v;
  const t = centres.map(f);
  return t.map((c, i) => {
    const left = i > 0 ? (t[i - 1] + c) / 2 : t.length > 1 ? c - (t[1] - c) / 2 : c - (log ? 0.5 : Math.max(Math.abs(c) * 0.1, 0.05));
    const right = i < t.length - 1 ? (c + t[i + 1]) / 2 : t.length > 1 ? c + (c - t[i - 1]) / 2 : c + (log ? 0.5 : Math.max(Math.abs(c) * 0.1, 0.05));
    return [g(left), g(right)];
  });
}

/** The y field of a plot: the configured one, else the first swept numeric field other than η. */
export function chooseY(summary: SweepSummary, config: Pick<PhaseRowOptions, 'y'>): GridKey | null {
  const grid = summary.spec.grid;
  if (config.y && grid[config.y]) return config.y;
  return GRID_KEYS.find((k) => k !== 'stepSize' && grid[k] && typeof grid[k]![0] === 'number' && grid[k]!.length > 1) ?? null;
}

/** Does a cell pass the plot's `where` filter? */
export function matchesWhere(cell: Cell, where: GridWhere | undefined): boolean {
  if (!where) return true;
  return Object.entries(where).every(([k, v]) => cell.values[k as GridKey] === undefined || cell.values[k as GridKey] === v);
}

/** Label of the swept fields other than η and y ("advantage=mean, aggregation=seq-sum"). */
export function facetLabel(cell: Cell, exclude: (GridKey | null)[]): string {
  return Object.entries(cell.values)
    .filter(([k]) => !exclude.includes(k as GridKey))
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** Statistics of a cell that did not finish: nothing measured. */
function notRunStats(cell: number, runs: number): CellStats {
  return { cell, runs, finite: 0, diverged: 0, meanFinalJ: NaN, q10: NaN, q25: NaN, q50: NaN, q75: NaN, q90: NaN, collapsed: 0, collapseProbability: NaN };
}

export function phaseRows(summary: SweepSummary, config: PhaseRowOptions, sweep = ''): PhaseLayout {
  const cells = summaryCells(summary);
  const yKey = chooseY(summary, config);
  const useEffective = config.x === 'effectiveStepSize';
  // Every grid cell keeps its place; a cell a stopped run did not finish has no statistics.
  const finished = new Map(summary.cellStats.map((stats) => [stats.cell, stats]));
  const base = cells
    .map((cell) => ({ stats: finished.get(cell.index) ?? notRunStats(cell.index, summary.spec.seeds), cell }))
    .filter(({ cell }) => matchesWhere(cell, config.where));
  const yValues = yKey ? [...new Set(base.map(({ cell }) => cell.params[yKey] as number))].sort((a, b) => a - b) : [0];
  const yLog = !!yKey && LOG_CANDIDATES.includes(yKey) && yValues[0] > 0 && yValues[yValues.length - 1] / yValues[0] >= 4;
  const yEdges = yKey ? edges(yValues, yLog) : [[0, 1] as [number, number]];
  const yEdge = new Map(yValues.map((v, i) => [v, yEdges[i]]));
  const exclude: (GridKey | null)[] = ['stepSize', yKey];
  // x edges per row: effective step size differs between rows when it depends on L.
  const rowsByKey = new Map<string, { stats: CellStats; cell: Cell; x: number }[]>();
  for (const { stats, cell } of base) {
    // With EOS, per-length aggregations scale by the expected length at θ0 (results cellEffectiveStepSize).
    const x = useEffective ? cellEffectiveStepSize(summary, cell) : cell.params.stepSize;
    const key = `${facetLabel(cell, exclude)}|${yKey ? cell.params[yKey] : 0}`;
    if (!rowsByKey.has(key)) rowsByKey.set(key, []);
    rowsByKey.get(key)!.push({ stats, cell, x });
  }
  const rows: PhaseRow[] = [];
  for (const group of rowsByKey.values()) {
    group.sort((a, b) => a.x - b.x);
    const xEdges = edges(
      group.map((g) => g.x),
      true,
    );
    group.forEach(({ stats, cell, x }, i) => {
      const y = yKey ? (cell.params[yKey] as number) : 0;
      const [y1, y2] = yEdge.get(y)!;
      const notRun = !finished.has(cell.index);
      rows.push({
        cell: cell.index,
        facet: facetLabel(cell, exclude),
        sweep,
        stepSize: cell.params.stepSize,
        x,
        x1: xEdges[i][0],
        x2: xEdges[i][1],
        y,
        y1,
        y2,
        J0: cell.params.J0,
        stats,
        finalMeanLength: finalMeanLength(summary, cell.index),
        finalLostShare: finalLostShare(summary, cell.index),
        ...(notRun ? { notRun } : {}),
      });
    });
  }
  const facets = [...new Set(rows.map((r) => r.facet))];
  const eosLengths = base.some(({ cell }) => cell.params.eos && perLengthAggregation(cell.params.aggregation));
  const eos = base.some(({ cell }) => cell.params.eos);
  return { rows, yKey, yLog, facets, ...(eosLengths ? { eosLengths } : {}), ...(eos ? { eos } : {}) };
}
