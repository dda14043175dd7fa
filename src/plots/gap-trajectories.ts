/**
 * ‖g‖(t): the norm of the gradient gap g = μ⁺ − μ⁻ (SPEC 1.1) over training, per η the median
 * over seeds with its 10–90% band on a log axis, laid out like J(t) (band-panels.ts). ‖g‖ is
 * undefined where J rounds to 0 or 1 in f32, so each band covers the runs where it is finite;
 * panels and tips say how many those were.
 *
 * @example
 *   container.append(gapTrajectoriesPlot(summary, { layout: 'small-multiples' }));
 */
import type { GridKey } from '../engine/index.ts';
import type { TrajectoryLayout } from '../notebook/index.ts';
import { gapBandAt, type SweepSummary } from '../results/index.ts';
import { formatNumber, logTicks } from './axis-labels.ts';
import { bandPanels, bandRows, seriesText, type BandRow } from './band-panels.ts';
import type { GridWhere } from './phase-rows.ts';

/** Lowest ‖g‖ drawn on the log axis (an exact 0 would fall off it). */
const GAP_FLOOR = 1e-6;

export class MissingGapBandsError extends Error {
  override name = 'MissingGapBandsError';
}

export function gapRows(summary: SweepSummary, where: GridWhere | undefined, colourKey: GridKey = 'stepSize'): BandRow[] {
  if (!summary.gapBands) {
    throw new MissingGapBandsError(
      'these results have no gradient-gap bands (they were summarized before gradgap recorded ‖g‖): re-run the sweep, or re-bake with npm run bake',
    );
  }
  const floor = (v: number) => Math.max(GAP_FLOOR, v);
  return bandRows(summary, where, colourKey, (cell, r) => {
    const b = gapBandAt(summary, cell, r)!;
    return { q10: floor(b.q10), q50: floor(b.q50), q90: floor(b.q90), finite: b.finite };
  });
}

/** "finite in ≥ 47/64" (‖g‖ finite in at least 47 of 64 runs at every step) when some run of the panel had none at some step, else ''. Short, so it fits a small panel. */
function finiteNote(rows: BandRow[]): string {
  const least = Math.min(...rows.map((r) => r.finite));
  const runs = rows[0]?.runs ?? 0;
  return least < runs ? `finite in ≥ ${least}/${runs}` : '';
}

export function gapTrajectoriesPlot(
  summary: SweepSummary,
  config: { where?: GridWhere; title?: string; color?: GridKey; layout?: TrajectoryLayout; width?: number },
): HTMLElement | SVGSVGElement {
  const colourKey = config.color ?? 'stepSize';
  const rows = gapRows(summary, config.where, colourKey);
  // Headroom above the highest band for the panel labels.
  const domain: [number, number] = [Math.min(...rows.map((r) => r.q10)) / 1.2, Math.max(...rows.map((r) => r.q90)) * 1.8];
  return bandPanels(rows, {
    colourKey,
    layout: config.layout,
    title: config.title,
    width: config.width,
    marginLeft: 48,
    y: { type: 'log', label: '↑ gradient-gap norm ‖g‖ (log scale)', domain, ticks: logTicks(...domain), tickFormat: '~g' },
    note: finiteNote,
    tip: (r) =>
      [
        r.facet,
        `${seriesText(r, colourKey)}, t = ${r.step}`,
        `median ‖g‖ = ${formatNumber(r.q50)}`,
        `10–90%: ${formatNumber(r.q10)} – ${formatNumber(r.q90)}`,
        `over the ${r.finite} of ${r.runs} runs where J is strictly between 0 and 1 in f32`,
      ]
        .filter(Boolean)
        .join('\n'),
  });
}
