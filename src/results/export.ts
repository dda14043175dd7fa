/**
 * CSV and JSON exports of a sweep: one row per grid cell with its coordinates, effective step
 * size and statistics (CSV), or the whole results table with per-run finals (JSON).
 *
 * @example
 *   download('sweep.csv', sweepCsv(summary));
 */
import { effectiveStepSize, GRID_KEYS, PER_RUN_OUTPUTS } from '../engine/index.ts';
import { summaryCells, type SweepSummary } from './summary.ts';

const STAT_COLUMNS = ['runs', 'finite', 'diverged', 'meanFinalJ', 'q10', 'q25', 'q50', 'q75', 'q90', 'collapsed', 'collapseProbability'] as const;

const csvValue = (v: unknown) => {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = String(v ?? '');
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One row per finished cell: grid coordinates, η, effective step size, J0, statistics. */
export function sweepCsv(summary: SweepSummary): string {
  const cells = summaryCells(summary);
  const gridKeys = GRID_KEYS.filter((k) => k in summary.spec.grid);
  const header = ['cell', ...gridKeys.filter((k) => k !== 'stepSize'), 'stepSize', 'effectiveStepSize', 'J0', ...STAT_COLUMNS];
  const rows = summary.cellStats.map((s) => {
    const p = cells[s.cell].params;
    return [s.cell, ...gridKeys.filter((k) => k !== 'stepSize').map((k) => p[k]), p.stepSize, effectiveStepSize(p), p.J0, ...STAT_COLUMNS.map((c) => s[c])];
  });
  return [header, ...rows].map((r) => r.map(csvValue).join(',')).join('\n') + '\n';
}

/** The whole results table as JSON (typed arrays as plain lists; NaN as null). */
export function sweepJson(summary: SweepSummary): string {
  const plain: Record<string, unknown> = { ...summary, bands: undefined, gapBands: undefined, updateBands: undefined };
  // The per-run outputs the summary keeps, as plain lists (in the summary's own key order).
  const kept = summary as Partial<Record<(typeof PER_RUN_OUTPUTS)[number], ArrayLike<number>>>;
  for (const name of PER_RUN_OUTPUTS) if (kept[name]) plain[name] = Array.from(kept[name]);
  return JSON.stringify(plain, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1) + '\n';
}
