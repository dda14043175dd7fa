/**
 * A table cell's table, computed once for both what the page shows and its "Download CSV": one
 * row per grid cell of the sweep (a cell a stopped run did not finish keeps its row, "not run"),
 * the swept fields, then the configured statistic columns. The page formats the values; the CSV
 * holds the same rows and columns with the numbers in full (a probability as a fraction, NaN and
 * a not-run cell's statistics empty).
 *
 * @example
 *   const table = statsTable(summary, config.columns);
 *   download('table.csv', statsTableCsv(table), 'text/csv');
 */
import { GRID_KEYS, type Cell, type CellStats, type GridKey } from '../engine/index.ts';
import { cellEffectiveStepSize, csvText, summaryCells, type SweepSummary } from '../results/index.ts';

/** Statistic columns when the cell names none. */
export const DEFAULT_COLUMNS = ['meanFinalJ', 'q10', 'q50', 'q90', 'collapseProbability', 'diverged'];

export interface StatsRow {
  cell: Cell;
  stats?: CellStats;
  effectiveStepSize: number; // results cellEffectiveStepSize: with EOS, per-length aggregations by E_θ0|o|
}

export interface StatsTable {
  gridKeys: GridKey[]; // the swept fields, in GRID_KEYS order
  columns: string[]; // statistic columns, as configured
  rows: StatsRow[]; // every grid cell; `stats` absent when not run
}

export function statsTable(summary: SweepSummary, columns?: readonly string[]): StatsTable {
  const finished = new Map(summary.cellStats.map((s) => [s.cell, s]));
  return {
    gridKeys: GRID_KEYS.filter((k) => k in summary.spec.grid),
    columns: [...(columns ?? DEFAULT_COLUMNS)],
    rows: summaryCells(summary).map((cell) => ({ cell, stats: finished.get(cell.index), effectiveStepSize: cellEffectiveStepSize(summary, cell) })),
  };
}

/** A statistic column's value in a row (undefined for a name the statistics lack). */
export function statValue(column: string, { cell, stats, effectiveStepSize }: StatsRow & { stats: CellStats }): number | undefined {
  if (column === 'effectiveStepSize') return effectiveStepSize;
  if (column === 'J0') return cell.params.J0;
  const v = (stats as unknown as Record<string, unknown>)[column];
  return typeof v === 'number' ? v : undefined;
}

const csvField = (v: unknown) => (typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : csvText(String(v ?? '')));

/** The table's rows and columns as CSV: a header of field and column names, one line per grid cell. */
export function statsTableCsv(t: StatsTable): string {
  const lines: unknown[][] = [[...t.gridKeys, ...t.columns]];
  for (const row of t.rows)
    lines.push([...t.gridKeys.map((k) => row.cell.values[k]), ...t.columns.map((c) => (row.stats ? statValue(c, { ...row, stats: row.stats }) : undefined))]);
  return lines.map((l) => l.map(csvField).join(',')).join('\n') + '\n';
}
