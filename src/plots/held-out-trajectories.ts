/**
 * Held-out J over training (SPEC 1.10, the transformer policy): per η the exact J on prompts never
 * trained on, median over seeds with its 10–90% band and the mean dashed, laid out like J(t)
 * (band-panels.ts), so it is drawn beside the training J(t) of the trajectories view.
 *
 * @example
 *   container.append(heldOutTrajectoriesPlot(summary, { layout: 'small-multiples' }));
 */
import type { GridKey } from '../engine/index.ts';
import type { TrajectoryLayout } from '../notebook/index.ts';
import { seriesBandAt, type SweepSummary } from '../results/index.ts';
import { formatNumber } from './axis-labels.ts';
import { bandPanels, bandRows, seriesText } from './band-panels.ts';
import type { GridWhere } from './phase-rows.ts';

export interface HeldOutTrajectoriesConfig {
  where?: GridWhere;
  title?: string;
  color?: GridKey;
  layout?: TrajectoryLayout;
  width?: number;
}

export function heldOutTrajectoriesPlot(summary: SweepSummary, config: HeldOutTrajectoriesConfig): HTMLElement | SVGSVGElement {
  if (!summary.transformerBands) throw new Error('these results have no held-out J: only sweeps of policy "transformer" record it');
  const colourKey = config.color ?? 'stepSize';
  const rows = bandRows(summary, config.where, colourKey, (cell, r) => seriesBandAt(summary, 'heldOutJ', cell, r)).filter((r) => Number.isFinite(r.q50));
  if (!rows.length) throw new Error('no finished cell has a held-out J to draw (heldOutPrompts is 0, or no run reached J0)');
  return bandPanels(rows, {
    colourKey,
    layout: config.layout,
    title: config.title,
    width: config.width,
    y: { label: '↑ held-out J (exact, prompts never trained on)' },
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
