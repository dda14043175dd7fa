/**
 * ‖Δθ‖(t): the norm of the step each run took into step t (SPEC 1.6), after clipping and the
 * optimizer, per η the median over seeds with its 10–90% band on a log axis, laid out like J(t)
 * (band-panels.ts). Plain SGD steps are η‖w‖; Adam's are about η·√d whatever ‖w‖; clipping caps
 * them at η·c. Step 0 has taken no step: it is drawn at the axis floor.
 *
 * @example
 *   container.append(updateTrajectoriesPlot(summary, { layout: 'small-multiples' }));
 */
import type { GridKey } from '../engine/index.ts';
import { updateBandAt, type SweepSummary } from '../results/index.ts';
import type { BandRow } from './band-panels.ts';
import { flooredBandRows, logBandTrajectories, type LogBandConfig } from './log-band-trajectories.ts';
import type { GridWhere } from './phase-rows.ts';

/** Lowest ‖Δθ‖ drawn on the log axis (step 0, and runs that stopped moving, are 0). */
const UPDATE_FLOOR = 1e-8;

export function updateRows(summary: SweepSummary, where: GridWhere | undefined, colourKey: GridKey = 'stepSize'): BandRow[] {
  if (!summary.updateBands) {
    throw new Error(
      'these results have no update-norm bands (they were summarized before gradgap recorded ‖Δθ‖): re-run the sweep, or re-bake with npm run bake',
    );
  }
  return flooredBandRows(summary, where, colourKey, UPDATE_FLOOR, updateBandAt);
}

export function updateTrajectoriesPlot(summary: SweepSummary, config: LogBandConfig): HTMLElement | SVGSVGElement {
  const rows = updateRows(summary, config.where, config.color ?? 'stepSize').filter((r) => r.step > 0);
  return logBandTrajectories(rows, config, { label: '↑ update norm ‖Δθ‖ of the step into t (log scale; a step of 0 is drawn at 1e-8)', symbol: '‖Δθ‖' });
}
