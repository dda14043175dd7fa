/**
 * The PPO loop over training (SPEC 1.9): per η the clipped share of the token-updates trained into
 * step t, or the exact KL(π_θ ‖ π_θ0) of a response at t, median over seeds with its 10–90% band
 * and the mean dashed, laid out like J(t) (band-panels.ts).
 *
 * @example
 *   container.append(ppoTrajectoriesPlot(summary, { series: 'klReference', layout: 'small-multiples' }));
 */
import type { GridKey } from '../engine/index.ts';
import type { TrajectoryLayout } from '../notebook/index.ts';
import { seriesBandAt, type PpoSeries, type SweepSummary } from '../results/index.ts';
import { formatNumber } from './axis-labels.ts';
import { bandPanels, bandRows, seriesText } from './band-panels.ts';
import type { GridWhere } from './phase-rows.ts';

/** Words for each series. */
export const PPO_SERIES_WORDS: Record<PpoSeries, string> = {
  clippedShare: 'clipped share of token-updates (TRL clip_ratio, verl pg_clipfrac)',
  klReference: 'KL(π_θ ‖ π_θ0) of a response, exact',
};

export interface PpoTrajectoriesConfig {
  series: PpoSeries;
  where?: GridWhere;
  title?: string;
  color?: GridKey;
  layout?: TrajectoryLayout;
  width?: number;
}

export function ppoTrajectoriesPlot(summary: SweepSummary, config: PpoTrajectoriesConfig): HTMLElement | SVGSVGElement {
  if (!summary.ppoBands)
    throw new Error('these results have no PPO-loop series: only sweeps with a cell in the loop (ppoEpochs·miniBatches > 1 or klCoef > 0) record them');
  const colourKey = config.color ?? 'stepSize';
  const rows = bandRows(summary, config.where, colourKey, (cell, r) => seriesBandAt(summary, config.series, cell, r)).filter((r) => Number.isFinite(r.q50));
  if (!rows.length) throw new Error(`no finished cell of the PPO loop has a ${PPO_SERIES_WORDS[config.series]} to draw`);
  return bandPanels(rows, {
    colourKey,
    layout: config.layout,
    title: config.title,
    width: config.width,
    y: { label: `↑ ${PPO_SERIES_WORDS[config.series]}` },
    tip: (r) =>
      [
        r.facet,
        `${seriesText(r, colourKey)}, t = ${r.step}`,
        `median over seeds = ${formatNumber(r.q50)}`,
        `10–90%: ${formatNumber(r.q10)} – ${formatNumber(r.q90)}`,
        r.mean !== undefined ? `mean over seeds = ${formatNumber(r.mean)}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
  });
}
