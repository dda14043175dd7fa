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
import type { TrajectoryLayout } from '../notebook/index.ts';
import { updateBandAt, type SweepSummary } from '../results/index.ts';
import { formatNumber, logTicks } from './axis-labels.ts';
import { bandPanels, bandRows, seriesText, type BandRow } from './band-panels.ts';
import type { GridWhere } from './phase-rows.ts';

/** Lowest ‖Δθ‖ drawn on the log axis (step 0, and runs that stopped moving, are 0). */
const UPDATE_FLOOR = 1e-8;

export function updateRows(summary: SweepSummary, where: GridWhere | undefined, colourKey: GridKey = 'stepSize'): BandRow[] {
  if (!summary.updateBands) {
    throw new Error(
      'these results have no update-norm bands (they were summarized before gradgap recorded ‖Δθ‖): re-run the sweep, or re-bake with npm run bake',
    );
  }
  const floor = (v: number) => Math.max(UPDATE_FLOOR, v);
  return bandRows(summary, where, colourKey, (cell, r) => {
    const b = updateBandAt(summary, cell, r)!;
    return { q10: floor(b.q10), q50: floor(b.q50), q90: floor(b.q90), finite: b.finite };
  });
}

export function updateTrajectoriesPlot(
  summary: SweepSummary,
  config: { where?: GridWhere; title?: string; color?: GridKey; layout?: TrajectoryLayout; width?: number },
): HTMLElement | SVGSVGElement {
  const colourKey = config.color ?? 'stepSize';
  const rows = updateRows(summary, config.where, colourKey).filter((r) => r.step > 0);
  const domain: [number, number] = [Math.min(...rows.map((r) => r.q10)) / 1.2, Math.max(...rows.map((r) => r.q90)) * 1.8];
  return bandPanels(rows, {
    colourKey,
    layout: config.layout,
    title: config.title,
    width: config.width,
    marginLeft: 48,
    y: { type: 'log', label: '↑ update norm ‖Δθ‖ of the step into t (log scale)', domain, ticks: logTicks(...domain), tickFormat: '~g' },
    tip: (r) =>
      [r.facet, `${seriesText(r, colourKey)}, t = ${r.step}`, `median ‖Δθ‖ = ${formatNumber(r.q50)}`, `10–90%: ${formatNumber(r.q10)} – ${formatNumber(r.q90)}`]
        .filter(Boolean)
        .join('\n'),
  });
}
