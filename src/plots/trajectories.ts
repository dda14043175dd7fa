/**
 * J(t) trajectories: per η, the median success rate over seeds with its 10–90% band and the mean
 * (dashed), coloured by η on a log scale, in one panel or as small multiples per η
 * (band-panels.ts); other swept fields become facets. `scale: "failure-log"` draws 1 − J on a
 * log axis instead, where convergence is a falling line and a plateau a flat one.
 *
 * @example
 *   container.append(trajectoriesPlot(summary, { where: { L: 8 } }));
 */
import type { GridKey } from '../engine/index.ts';
import type { TrajectoryLayout, TrajectoryScale } from '../notebook/index.ts';
import { bandAt, type SweepSummary } from '../results/index.ts';
import { formatNumber } from './axis-labels.ts';
import { bandPanels, bandRows, seriesText, type BandRow } from './band-panels.ts';
import type { GridWhere } from './phase-rows.ts';

/** Smallest failure rate drawn on the log axis; J within 1e-5 of 1 is drawn at the floor. */
const FAILURE_FLOOR = 1e-5;

export function trajectoryRows(summary: SweepSummary, where: GridWhere | undefined, colourKey: GridKey = 'stepSize'): BandRow[] {
  return bandRows(summary, where, colourKey, (cell, r) => bandAt(summary, cell, r));
}

export function trajectoriesPlot(
  summary: SweepSummary,
  config: { where?: GridWhere; title?: string; color?: GridKey; scale?: TrajectoryScale; layout?: TrajectoryLayout; width?: number },
): HTMLElement | SVGSVGElement {
  const colourKey = config.color ?? 'stepSize';
  let rows = trajectoryRows(summary, config.where, colourKey);
  const failure = config.scale === 'failure-log';
  if (failure) {
    const f = (j: number) => Math.max(FAILURE_FLOOR, 1 - j);
    rows = rows.map((r) => ({ ...r, q10: f(r.q90), q50: f(r.q50), q90: f(r.q10), mean: f(r.mean!) }));
  }
  const what = failure ? '1 − J' : 'J';
  return bandPanels(rows, {
    colourKey,
    layout: config.layout,
    title: config.title,
    width: config.width,
    marginLeft: failure ? 56 : 40,
    y: failure ? { type: 'log', label: '↑ failure rate 1 − J(t) (log scale)', tickFormat: '~g' } : { label: '↑ success rate J(t)', domain: [0, 1] },
    tip: (r) =>
      `${r.facet ? `${r.facet}\n` : ''}${seriesText(r, colourKey)}, t = ${r.step}\nmedian ${what} = ${formatNumber(r.q50)}\n10–90%: ${formatNumber(r.q10)} – ${formatNumber(r.q90)}\nmean ${what} = ${formatNumber(r.mean)}`,
  });
}
