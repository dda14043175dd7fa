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
import { gapBandAt, type SweepSummary } from '../results/index.ts';
import type { BandRow } from './band-panels.ts';
import { flooredBandRows, logBandTrajectories, type LogBandConfig } from './log-band-trajectories.ts';
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
  return flooredBandRows(summary, where, colourKey, GAP_FLOOR, gapBandAt);
}

/** "finite in ≥ 47/64" (‖g‖ finite in at least 47 of 64 runs at every step) when some run of the panel had none at some step, else ''. Short, so it fits a small panel. */
function finiteNote(rows: BandRow[]): string {
  const least = Math.min(...rows.map((r) => r.finite));
  const runs = rows[0]?.runs ?? 0;
  return least < runs ? `finite in ≥ ${least}/${runs}` : '';
}

export function gapTrajectoriesPlot(summary: SweepSummary, config: LogBandConfig): HTMLElement | SVGSVGElement {
  return logBandTrajectories(gapRows(summary, config.where, config.color ?? 'stepSize'), config, {
    label: '↑ gradient-gap norm ‖g‖ (log scale)',
    symbol: '‖g‖',
    note: finiteNote,
    tipLine: (r) => `over the ${r.finite} of ${r.runs} runs where J is strictly between 0 and 1 in f32`,
  });
}
