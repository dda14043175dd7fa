/**
 * Prompts over training (SPEC 1.8): per η the share of a run's prompts solved (J_q > ½) or lost
 * (J_q < J_q(0)/2), median over seeds with its 10–90% band and the mean over seeds dashed (the
 * cell's share of all its seeds' prompts), laid out like J(t) (band-panels.ts). Read beside the
 * J(t) view of the same sweep: where mean J plateaus, this says whether lost prompts make it.
 *
 * @example
 *   container.append(promptSharesPlot(summary, { share: 'lostShare', layout: 'small-multiples' }));
 */
import type { GridKey } from '../engine/index.ts';
import type { TrajectoryLayout } from '../notebook/index.ts';
import { promptBandAt, type PromptSeries, type SweepSummary } from '../results/index.ts';
import { formatNumber, percent } from './axis-labels.ts';
import { bandPanels, bandRows, seriesText, type BandRow } from './band-panels.ts';
import type { GridWhere } from './phase-rows.ts';

/** Words for each share. */
export const PROMPT_SHARE_WORDS: Record<PromptSeries, string> = {
  solvedShare: 'share of prompts solved (J_q > ½)',
  lostShare: 'share of prompts lost (J_q < J_q(0)/2)',
};

export interface PromptSharesConfig {
  share: PromptSeries;
  where?: GridWhere;
  title?: string;
  color?: GridKey;
  layout?: TrajectoryLayout;
  width?: number;
}

/** Band rows of one share; throws when the summary has none (a sweep of one prompt, or summarized before shares existed). */
export function promptShareRows(summary: SweepSummary, where: GridWhere | undefined, colourKey: GridKey, share: PromptSeries): BandRow[] {
  if (!summary.promptBands)
    throw new Error('these results have no prompt shares: only sweeps with many token prompts (N > 1) record them; set base.N, or re-bake with npm run bake');
  return bandRows(summary, where, colourKey, (cell, r) => promptBandAt(summary, share, cell, r));
}

export function promptSharesPlot(summary: SweepSummary, config: PromptSharesConfig): HTMLElement | SVGSVGElement {
  const colourKey = config.color ?? 'stepSize';
  const rows = promptShareRows(summary, config.where, colourKey, config.share);
  if (!rows.length) throw new Error(`no finished cell has a ${PROMPT_SHARE_WORDS[config.share]} to draw`);
  return bandPanels(rows, {
    colourKey,
    layout: config.layout,
    title: config.title,
    width: config.width,
    y: { label: `↑ ${PROMPT_SHARE_WORDS[config.share]}`, domain: [0, 1] },
    tip: (r) =>
      [
        r.facet,
        `${seriesText(r, colourKey)}, t = ${r.step}`,
        `median over seeds = ${percent(r.q50)}`,
        `10–90%: ${percent(r.q10)} – ${percent(r.q90)}`,
        r.mean !== undefined ? `mean over seeds = ${percent(r.mean)} (${formatNumber(r.mean)})` : '',
      ]
        .filter(Boolean)
        .join('\n'),
  });
}
