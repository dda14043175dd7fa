/**
 * A positive per-step quantity over training on a log axis — ‖g‖(t), ‖Δθ‖(t) — per η the median
 * over seeds with its 10–90% band, laid out like J(t) (band-panels.ts). The rows are the caller's;
 * this only draws them, with headroom above the highest band for the panel labels.
 *
 * @example
 *   logBandTrajectories(gapRows(summary, where), config, { label: '↑ ‖g‖ (log scale)', symbol: '‖g‖' });
 */
import type { GridKey } from '../engine/index.ts';
import type { TrajectoryLayout } from '../notebook/index.ts';
import { formatNumber, logTicks } from './axis-labels.ts';
import type { SweepSummary } from '../results/index.ts';
import { bandPanels, bandRows, seriesText, type BandRow } from './band-panels.ts';
import type { GridWhere } from './phase-rows.ts';

export interface LogBandConfig {
  where?: GridWhere;
  title?: string;
  color?: GridKey;
  layout?: TrajectoryLayout;
  width?: number;
}

/** Band rows of a per-step band (q10, q50, q90 and how many runs were finite), floored for the log axis. */
export function flooredBandRows(
  summary: SweepSummary,
  where: GridWhere | undefined,
  colourKey: GridKey,
  floor: number,
  bandAt: (summary: SweepSummary, cell: number, record: number) => { q10: number; q50: number; q90: number; finite: number } | undefined,
): BandRow[] {
  const at = (v: number) => Math.max(floor, v);
  return bandRows(summary, where, colourKey, (cell, r) => {
    const b = bandAt(summary, cell, r)!;
    return { q10: at(b.q10), q50: at(b.q50), q90: at(b.q90), finite: b.finite };
  });
}

export function logBandTrajectories(
  rows: BandRow[],
  config: LogBandConfig,
  what: { label: string; symbol: string; note?: (rows: BandRow[]) => string; tipLine?: (r: BandRow) => string },
): HTMLElement | SVGSVGElement {
  const colourKey = config.color ?? 'stepSize';
  const domain: [number, number] = [Math.min(...rows.map((r) => r.q10)) / 1.2, Math.max(...rows.map((r) => r.q90)) * 1.8];
  return bandPanels(rows, {
    colourKey,
    layout: config.layout,
    title: config.title,
    width: config.width,
    marginLeft: 48,
    y: { type: 'log', label: what.label, domain, ticks: logTicks(...domain), tickFormat: '~g' },
    note: what.note,
    tip: (r) =>
      [
        r.facet,
        `${seriesText(r, colourKey)}, t = ${r.step}`,
        `median ${what.symbol} = ${formatNumber(r.q50)}`,
        `10–90%: ${formatNumber(r.q10)} – ${formatNumber(r.q90)}`,
        what.tipLine?.(r) ?? '',
      ]
        .filter(Boolean)
        .join('\n'),
  });
}
