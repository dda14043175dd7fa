/**
 * Response length over training (SPEC 1.7): per η the median over seeds of each run's mean
 * sampled length — of all responses, the passing ones or the failing ones — or of the exact
 * E_π|o|, with its 10–90% band, laid out like J(t) (band-panels.ts). A passing or failing mean
 * exists only where the run's batch had such a response, so the tip says how many runs had one.
 *
 * @example
 *   container.append(lengthTrajectoriesPlot(summary, { length: 'failing', layout: 'small-multiples' }));
 */
import type { GridKey } from '../engine/index.ts';
import type { PlotLength, TrajectoryLayout } from '../notebook/index.ts';
import { lengthBandAt, type LengthSeries, type SweepSummary } from '../results/index.ts';
import { formatNumber } from './axis-labels.ts';
import { bandPanels, bandRows, seriesText, type BandRow } from './band-panels.ts';
import type { GridWhere } from './phase-rows.ts';

/** The summary's series behind each choice of the view, and its words. */
export const LENGTH_VIEW_SERIES: Record<PlotLength, { series: LengthSeries; what: string }> = {
  all: { series: 'meanLength', what: 'mean length of the sampled responses' },
  passing: { series: 'meanLengthPassing', what: 'mean length of the passing sampled responses (reward 1)' },
  failing: { series: 'meanLengthFailing', what: 'mean length of the failing sampled responses (reward 0)' },
  expected: { series: 'expectedLength', what: 'expected response length E_π|o|, exact' },
};

export interface LengthTrajectoriesConfig {
  length?: PlotLength; // default all
  where?: GridWhere;
  title?: string;
  color?: GridKey;
  layout?: TrajectoryLayout;
  width?: number;
}

/** Band rows of one length series; steps where no seed had a value (exact mode, no passing response) are left out. */
export function lengthRows(summary: SweepSummary, where: GridWhere | undefined, colourKey: GridKey = 'stepSize', length: PlotLength = 'all'): BandRow[] {
  if (!summary.lengthBands) {
    throw new Error(
      'these results have no length bands (they were summarized before gradgap recorded lengths): re-run the sweep, or re-bake with npm run bake',
    );
  }
  const { series } = LENGTH_VIEW_SERIES[length];
  return bandRows(summary, where, colourKey, (cell, r) => lengthBandAt(summary, series, cell, r));
}

export function lengthTrajectoriesPlot(summary: SweepSummary, config: LengthTrajectoriesConfig): HTMLElement | SVGSVGElement {
  const length = config.length ?? 'all';
  const colourKey = config.color ?? 'stepSize';
  const rows = lengthRows(summary, config.where, colourKey, length);
  if (!rows.length)
    throw new Error(
      `no run has a ${LENGTH_VIEW_SERIES[length].what} to draw (exact mode samples none; or no response ${length === 'passing' ? 'passed' : 'failed'})`,
    );
  const top = Math.max(...rows.map((r) => r.q90));
  return bandPanels(rows, {
    colourKey,
    layout: config.layout,
    title: config.title,
    width: config.width,
    y: { label: `↑ ${LENGTH_VIEW_SERIES[length].what} (tokens)`, domain: [0, top * 1.15] },
    tip: (r) =>
      [
        r.facet,
        `${seriesText(r, colourKey)}, t = ${r.step}`,
        `median length = ${formatNumber(r.q50)}`,
        `10–90%: ${formatNumber(r.q10)} – ${formatNumber(r.q90)}`,
        r.finite < r.runs ? `runs with a value: ${r.finite} of ${r.runs}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
  });
}
