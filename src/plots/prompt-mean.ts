/**
 * Mean J beside the shares of prompts solved and lost (SPEC 1.8), per η on one [0, 1] axis: the
 * mean over seeds of J(t), of the share of a run's prompts solved (J_q > ½) and lost
 * (J_q < J_q(0)/2), and 1 − the share lost, dashed. Where mean J plateaus on the 1 − lost line,
 * the plateau is made of lost prompts: the rest are solved and the lost ones sit near 0. Reads
 * only the summary's J and prompt bands (their means), so baked results draw it too.
 *
 * @example
 *   container.append(promptMeanPlot(summary, { where: { advantage: 'group-std' } }));
 */
import * as Plot from '@observablehq/plot';
import type { GridKey } from '../engine/index.ts';
import type { TrajectoryLayout } from '../notebook/index.ts';
import { bandAt, promptBandAt, summaryCells, type SweepSummary } from '../results/index.ts';
import { formatNumber } from './axis-labels.ts';
import { overlayFrame, panelGrid } from './band-panels.ts';
import { colourScale } from './colour-scale.ts';
import { facetLabel, matchesWhere, type GridWhere } from './phase-rows.ts';

/** The four series, in drawing order. */
export const PROMPT_MEAN_SERIES = ['J', 'solved', 'lost', 'notLost'] as const;
export type PromptMeanSeries = (typeof PROMPT_MEAN_SERIES)[number];

/** Words and stroke of each series: its colour in small multiples; in the overlay, η sets the colour and these the width and dash. */
export const PROMPT_MEAN_STYLES: Record<PromptMeanSeries, { label: string; stroke: string; width: number; dash?: string }> = {
  J: { label: 'mean J over seeds', stroke: '#222', width: 2.4 },
  solved: { label: 'mean share of prompts solved (J_q > ½)', stroke: '#1a9850', width: 1.5, dash: '1.5,2' },
  lost: { label: 'mean share of prompts lost (J_q < J_q(0)/2)', stroke: '#d73027', width: 1.5 },
  notLost: { label: '1 − mean share lost: J if every lost prompt were at 0 and every other at 1', stroke: '#d73027', width: 1, dash: '5,3' },
};

/** One series of one grid cell at one recorded step. */
export interface PromptMeanRow {
  cell: number;
  stepSize: number;
  colour: number | string; // value of the colour field (the overlay's stroke)
  facet: string; // swept fields other than the colour field: the overlay's panels
  rowFacet: string; // swept fields other than the colour field and η: the small multiples' rows
  step: number;
  series: PromptMeanSeries;
  value: number;
}

/** CSS class of each series' line (tests count their paths): `prompt-mean-J`, `prompt-mean-solved`, … */
export const promptMeanClass = (series: PromptMeanSeries) => `prompt-mean-${series}`;

/** Rows of the finished cells that pass `where`: per recorded step, each series' mean over seeds. */
export function promptMeanRows(summary: SweepSummary, where: GridWhere | undefined, colourKey: GridKey = 'stepSize'): PromptMeanRow[] {
  if (!summary.promptBands)
    throw new Error(
      'the prompts-mean view needs prompt shares, which only sweeps with many token prompts record: set base.N > 1 (or re-bake results made before shares existed with npm run bake)',
    );
  const cells = summaryCells(summary);
  const rows: PromptMeanRow[] = [];
  for (const { cell: index } of summary.cellStats) {
    const cell = cells[index];
    if (!matchesWhere(cell, where)) continue;
    const at = {
      cell: index,
      stepSize: cell.params.stepSize,
      colour: cell.params[colourKey] as number | string,
      facet: facetLabel(cell, [colourKey]),
      rowFacet: facetLabel(cell, [colourKey, 'stepSize']),
    };
    summary.recordSteps.forEach((step, r) => {
      const lost = promptBandAt(summary, 'lostShare', index, r)!.mean;
      const values: Record<PromptMeanSeries, number> = {
        J: bandAt(summary, index, r).mean,
        solved: promptBandAt(summary, 'solvedShare', index, r)!.mean,
        lost,
        notLost: 1 - lost,
      };
      for (const series of PROMPT_MEAN_SERIES) if (Number.isFinite(values[series])) rows.push({ ...at, step, series, value: values[series] });
    });
  }
  return rows;
}

export interface PromptMeanConfig {
  where?: GridWhere;
  title?: string;
  color?: GridKey;
  layout?: TrajectoryLayout; // default small multiples: four series of several η in one panel are hard to tell apart
  width?: number;
}

export function promptMeanPlot(summary: SweepSummary, config: PromptMeanConfig = {}): HTMLElement | SVGSVGElement {
  const colourKey = config.color ?? 'stepSize';
  const rows = promptMeanRows(summary, config.where, colourKey);
  if (!rows.length) throw new Error('no finished cell passes "where" in the prompts-mean view: nothing to draw');
  const width = config.width ?? 680;
  const tip = (r: PromptMeanRow) => {
    const at = rows.filter((o) => o.cell === r.cell && o.step === r.step);
    const value = (s: PromptMeanSeries) => formatNumber(at.find((o) => o.series === s)?.value);
    return [
      r.facet,
      `η = ${formatNumber(r.stepSize)}, t = ${r.step}`,
      `mean J = ${value('J')}`,
      `mean share solved = ${value('solved')}`,
      `mean share lost = ${value('lost')} (1 − lost = ${value('notLost')})`,
    ]
      .filter(Boolean)
      .join('\n');
  };
  const y: Plot.ScaleOptions = { grid: true, domain: [0, 1], label: '↑ mean over seeds: J, share solved, share lost' };
  if (config.layout === 'overlay') {
    const { fy, plot } = overlayFrame(rows, width);
    return Plot.plot({
      title: config.title,
      ...plot,
      y,
      color: colourScale(
        rows.map((r) => r.colour),
        colourKey,
      ),
      marks: [...seriesLines(rows, { fy, stroke: 'colour' }), Plot.tip(rows, Plot.pointer({ x: 'step', y: 'value', fy, title: tip }))],
    });
  }
  // Small multiples: one panel per (row facet, η), as band-panels.ts lays out J(t).
  const grid = panelGrid(rows, width);
  const { placed } = grid;
  return Plot.plot({
    title: config.title,
    ...grid.plot,
    y,
    marks: [
      Plot.frame({ stroke: '#d0d0d0' }),
      ...seriesLines(placed, { fx: 'fx', fy: 'fy' }),
      grid.labelMark,
      Plot.tip(placed, Plot.pointer({ x: 'step', y: 'value', fx: 'fx', fy: 'fy', title: tip })),
    ],
  });
}

/** One line mark per series, styled from PROMPT_MEAN_STYLES; `stroke` overrides the series' colour (the overlay's η). */
function seriesLines(rows: PromptMeanRow[], f: { fx?: string; fy?: string; stroke?: string }): Plot.Markish[] {
  return PROMPT_MEAN_SERIES.map((series) => {
    const s = PROMPT_MEAN_STYLES[series];
    return Plot.line(
      rows.filter((r) => r.series === series),
      {
        x: 'step',
        y: 'value',
        z: 'cell',
        fx: f.fx,
        fy: f.fy,
        stroke: f.stroke ?? s.stroke,
        strokeWidth: s.width,
        strokeDasharray: s.dash,
        className: promptMeanClass(series),
      },
    );
  });
}
