/**
 * J(t) trajectories: per η, the median success rate over seeds with its 10–90% band, coloured by
 * η on a log scale; other swept fields become facets. Plus the distribution of final J per η,
 * one dot per run, which shows the bimodal outcome above the threshold (SPEC 1.5 P1).
 *
 * @example
 *   container.append(trajectoriesPlot(summary, { where: { L: 8 } }));
 */
import * as Plot from '@observablehq/plot';
import type { GridKey } from '../engine/spec.ts';
import type { PlotCellConfig } from '../notebook/cell-config.ts';
import { bandAt, cellFinals, summaryCells, type SweepSummary } from '../results/summary.ts';
import { fieldLabel, formatNumber } from './axis-labels.ts';
import { facetLabel, matchesWhere } from './phase-rows.ts';

interface BandRow {
  cell: number;
  stepSize: number;
  colour: number | string; // value of the colour field
  facet: string;
  step: number;
  q10: number;
  q50: number;
  q90: number;
  mean: number;
}

/** Colour scale of a swept field: log for η and sizes spanning ×4 or more, categorical for names. */
function colourScale(values: (number | string)[], key: GridKey) {
  const label = fieldLabel(key);
  if (values.some((v) => typeof v === 'string')) return { type: 'categorical' as const, legend: true, label };
  const nums = values as number[];
  const [lo, hi] = [Math.min(...nums), Math.max(...nums)];
  const log = lo > 0 && hi / lo >= 4;
  return { type: log ? ('log' as const) : ('linear' as const), scheme: 'viridis' as const, domain: [lo, hi], legend: true, label, marginLeft: 12, width: 260 };
}

export function trajectoryRows(summary: SweepSummary, where: PlotCellConfig['where'], colourKey: GridKey = 'stepSize'): BandRow[] {
  const cells = summaryCells(summary);
  const rows: BandRow[] = [];
  for (const { cell: index } of summary.cellStats) {
    const cell = cells[index];
    if (!matchesWhere(cell, where)) continue;
    const facet = facetLabel(cell, [colourKey]);
    const colour = cell.params[colourKey] as number | string;
    summary.recordSteps.forEach((step, r) => {
      const b = bandAt(summary, index, r);
      if (!Number.isNaN(b.q50)) rows.push({ cell: index, stepSize: cell.params.stepSize, colour, facet, step, ...b });
    });
  }
  return rows;
}

/** Smallest failure rate drawn on the log axis; J within 1e-5 of 1 is drawn at the floor. */
const FAILURE_FLOOR = 1e-5;

export function trajectoriesPlot(summary: SweepSummary, config: Pick<PlotCellConfig, 'where' | 'title' | 'color' | 'scale'> & { width?: number }): HTMLElement | SVGSVGElement {
  const colourKey = config.color ?? 'stepSize';
  let rows = trajectoryRows(summary, config.where, colourKey);
  const failure = config.scale === 'failure-log';
  if (failure) {
    // 1 − J on a log axis: convergence shows as a falling line, a plateau as a flat one.
    const f = (j: number) => Math.max(FAILURE_FLOOR, 1 - j);
    rows = rows.map((r) => ({ ...r, q10: f(r.q90), q50: f(r.q50), q90: f(r.q10), mean: f(r.mean) }));
  }
  const faceted = new Set(rows.map((r) => r.facet)).size > 1;
  const fy = faceted ? 'facet' : undefined;
  return Plot.plot({
    title: config.title,
    width: config.width ?? 680,
    height: faceted ? undefined : 300,
    marginRight: faceted ? 130 : 20,
    marginLeft: failure ? 56 : 40,
    x: { label: 'iteration t →' },
    y: failure ? { type: 'log', label: '↑ failure rate 1 − J(t) (log scale)', grid: true, tickFormat: '~g' } : { label: '↑ success rate J(t)', domain: [0, 1], grid: true },
    fy: faceted ? { label: null } : undefined,
    color: colourScale(rows.map((r) => r.colour), colourKey),
    marks: [
      Plot.areaY(rows, { x: 'step', y1: 'q10', y2: 'q90', z: 'cell', fy, fill: 'colour', fillOpacity: 0.07 }),
      Plot.line(rows, { x: 'step', y: 'q50', z: 'cell', fy, stroke: 'colour', strokeWidth: 2.2 }),
      // The mean over seeds, dashed: it falls below the median when some runs collapse.
      Plot.line(rows, { x: 'step', y: 'mean', z: 'cell', fy, stroke: 'colour', strokeWidth: 1, strokeDasharray: '3,3' }),
      Plot.tip(
        rows,
        Plot.pointer({
          x: 'step',
          y: 'q50',
          fy,
          title: (r: BandRow) => `${r.facet ? `${r.facet}\n` : ''}${colourKey} = ${typeof r.colour === 'number' ? formatNumber(r.colour) : r.colour}, t = ${r.step}\n${failure ? 'median 1 − J' : 'median J'} = ${formatNumber(r.q50)}\n10–90%: ${formatNumber(r.q10)} – ${formatNumber(r.q90)}\n${failure ? 'mean 1 − J' : 'mean J'} = ${formatNumber(r.mean)}`,
        }),
      ),
    ],
  });
}

interface RunDot {
  stepSize: number;
  jittered: number;
  finalJ: number;
  facet: string;
  seed: number;
}

/** A fixed jitter per seed (golden-ratio sequence), so the figure is the same on every render. */
const jitter = (seed: number) => ((seed * 0.6180339887) % 1) - 0.5;

export function distributionPlot(summary: SweepSummary, config: Pick<PlotCellConfig, 'where' | 'title'> & { width?: number }): HTMLElement | SVGSVGElement {
  const cells = summaryCells(summary);
  const etas = [...new Set(cells.map((c) => c.params.stepSize))].sort((a, b) => a - b);
  const spread = etas.length > 1 ? Math.log(etas[1] / etas[0]) * 0.3 : 0.2;
  const dots: RunDot[] = [];
  const lines: { stepSize: number; J0: number; collapseLine: number; facet: string }[] = [];
  for (const { cell: index } of summary.cellStats) {
    const cell = cells[index];
    if (!matchesWhere(cell, config.where)) continue;
    const facet = facetLabel(cell, ['stepSize' as GridKey]);
    const { finalJ, diverged } = cellFinals(summary, index);
    finalJ.forEach((j, seed) => {
      if (!diverged[seed]) dots.push({ stepSize: cell.params.stepSize, jittered: cell.params.stepSize * Math.exp(jitter(seed) * spread), finalJ: j, facet, seed });
    });
    lines.push({ stepSize: cell.params.stepSize, J0: cell.params.J0, collapseLine: cell.params.J0 * summary.spec.collapseFraction, facet });
  }
  const faceted = new Set(dots.map((d) => d.facet)).size > 1;
  const fy = faceted ? 'facet' : undefined;
  return Plot.plot({
    title: config.title,
    width: config.width ?? 680,
    height: faceted ? undefined : 280,
    marginRight: faceted ? 130 : 20,
    x: { type: 'log', label: 'step size η →', tickFormat: '~g' },
    y: { label: '↑ final success rate J (one dot per run)', domain: [0, 1], grid: true },
    fy: faceted ? { label: null } : undefined,
    color: colourScale(etas, 'stepSize'),
    marks: [
      Plot.dot(dots, { x: 'jittered', y: 'finalJ', fy, fill: 'stepSize', r: 2, fillOpacity: 0.75 }),
      // Short horizontal marks at J0 (black) and at the collapse line (red, dashed) for each η.
      Plot.ruleY(lines, { y: 'J0', x1: (d: { stepSize: number }) => d.stepSize * Math.exp(-spread * 0.7), x2: (d: { stepSize: number }) => d.stepSize * Math.exp(spread * 0.7), fy, stroke: 'black', strokeWidth: 1.5 }),
      Plot.ruleY(lines, { y: 'collapseLine', x1: (d: { stepSize: number }) => d.stepSize * Math.exp(-spread * 0.7), x2: (d: { stepSize: number }) => d.stepSize * Math.exp(spread * 0.7), fy, stroke: '#d62728', strokeDasharray: '3,2' }),
      Plot.tip(dots, Plot.pointer({ x: 'jittered', y: 'finalJ', fy, title: (d: RunDot) => `η = ${formatNumber(d.stepSize)}, seed ${d.seed}\nfinal J = ${formatNumber(d.finalJ, 4)}` })),
    ],
  });
}
