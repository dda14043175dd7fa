/**
 * The distribution of final J per η, one dot per run (every k-th seed in a cell of more than
 * MAX_DOTS_PER_CELL seeds), which shows the bimodal outcome above the threshold (SPEC 1.5 P1): most
 * runs collapse near 0, some still reach 1.
 *
 * @example
 *   container.append(distributionPlot(summary, { where: { L: 8 } }));
 */
import * as Plot from '@observablehq/plot';
import type { GridKey } from '../engine/index.ts';
import { cellFinals, summaryCells, type SweepSummary } from '../results/index.ts';
import { formatNumber, sortedLabels } from './axis-labels.ts';
import { colourScale } from './colour-scale.ts';
import { facetLabel, matchesWhere, type GridWhere } from './phase-rows.ts';

interface RunDot {
  stepSize: number;
  jittered: number;
  finalJ: number;
  facet: string;
  seed: number;
}

/**
 * Dots drawn per η at most: a cell of more seeds shows every k-th seed (k = ⌈seeds / this⌉), seeds
 * being independent, so that a sweep of a million runs draws thousands of dots, not a million (the
 * page's memory would otherwise grow with the sweep). Every built-in notebook draws all its runs.
 */
export const MAX_DOTS_PER_CELL = 2000;

/** Seeds per dot in a cell of `seeds` seeds: 1 up to MAX_DOTS_PER_CELL, else k = ⌈seeds / MAX_DOTS_PER_CELL⌉. */
export function seedsPerDot(seeds: number): number {
  return Math.ceil(seeds / MAX_DOTS_PER_CELL);
}

/**
 * What a dot stands for, said alike on the y axis and in the figure's key (figure-key.ts), so
 * neither claims a dot per run when every k-th seed is drawn.
 */
export function dotsText(seeds: number): string {
  const k = seedsPerDot(seeds);
  return k > 1 ? `one dot per ${k} seeds (seeds 0, ${k}, ${2 * k}, …)` : 'one dot per run';
}

/** A fixed jitter per seed (golden-ratio sequence), so the figure is the same on every render. */
const jitter = (seed: number) => ((seed * 0.6180339887) % 1) - 0.5;

export function distributionPlot(summary: SweepSummary, config: { where?: GridWhere; title?: string; width?: number }): HTMLElement | SVGSVGElement {
  const cells = summaryCells(summary);
  const etas = [...new Set(cells.map((c) => c.params.stepSize))].sort((a, b) => a - b);
  const spread = etas.length > 1 ? Math.log(etas[1] / etas[0]) * 0.3 : 0.2;
  const dots: RunDot[] = [];
  const lines: { stepSize: number; J0: number; collapseLine: number; facet: string }[] = [];
  // Cells a stopped run did not finish keep their place on the η axis, labelled "not run".
  const finished = new Set(summary.cellStats.map((s) => s.cell));
  const notRun = cells
    .filter((c) => !finished.has(c.index) && matchesWhere(c, config.where))
    .map((c) => ({ stepSize: c.params.stepSize, facet: facetLabel(c, ['stepSize' as GridKey]) }));
  for (const { cell: index } of summary.cellStats) {
    const cell = cells[index];
    if (!matchesWhere(cell, config.where)) continue;
    const facet = facetLabel(cell, ['stepSize' as GridKey]);
    const { finalJ, diverged } = cellFinals(summary, index);
    const every = seedsPerDot(finalJ.length);
    for (let seed = 0; seed < finalJ.length; seed += every) {
      if (!diverged[seed])
        dots.push({ stepSize: cell.params.stepSize, jittered: cell.params.stepSize * Math.exp(jitter(seed) * spread), finalJ: finalJ[seed], facet, seed });
    }
    lines.push({ stepSize: cell.params.stepSize, J0: cell.params.J0, collapseLine: cell.params.J0 * summary.spec.collapseFraction, facet });
  }
  const faceted = new Set(dots.map((d) => d.facet)).size > 1;
  const fy = faceted ? 'facet' : undefined;
  const facets = sortedLabels([...dots, ...notRun].map((d) => d.facet)); // L=4 above L=16, not text order
  // A short horizontal mark per η, as wide as its column of dots.
  const etaTick = (style: Plot.RuleYOptions) =>
    Plot.ruleY(lines, {
      x1: (d: { stepSize: number }) => d.stepSize * Math.exp(-spread * 0.7),
      x2: (d: { stepSize: number }) => d.stepSize * Math.exp(spread * 0.7),
      fy,
      ...style,
    });
  return Plot.plot({
    title: config.title,
    width: config.width ?? 680,
    height: faceted ? undefined : 280,
    marginRight: faceted ? 130 : 20,
    x: {
      type: 'log',
      label: 'step size η →',
      tickFormat: '~g',
      ...(notRun.length ? { domain: [etas[0] * Math.exp(-spread * 0.7), etas[etas.length - 1] * Math.exp(spread * 0.7)] } : {}),
    },
    y: { label: `↑ final success rate J (${dotsText(summary.spec.seeds)})`, domain: [0, 1], grid: true },
    fy: faceted ? { label: null, domain: facets } : undefined,
    color: colourScale(etas, 'stepSize'),
    marks: [
      Plot.dot(dots, { x: 'jittered', y: 'finalJ', fy, fill: 'stepSize', r: 2, fillOpacity: 0.75 }),
      // Short horizontal marks at J0 (black) and at the collapse line (red, dashed) for each η.
      etaTick({ y: 'J0', stroke: 'black', strokeWidth: 1.5 }),
      etaTick({ y: 'collapseLine', stroke: '#d62728', strokeDasharray: '3,2' }),
      Plot.text(notRun, { x: 'stepSize', y: 0.5, fy, text: () => 'not run', rotate: -90, fill: '#666', fontSize: 9 }),
      Plot.tip(
        dots,
        Plot.pointer({
          x: 'jittered',
          y: 'finalJ',
          fy,
          title: (d: RunDot) => `η = ${formatNumber(d.stepSize)}, seed ${d.seed}\nfinal J = ${formatNumber(d.finalJ, 4)}`,
        }),
      ),
    ],
  });
}
