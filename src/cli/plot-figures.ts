/**
 * The figures of a notebook's plot cells, as standalone SVG text: the same figure functions
 * (src/plots) with the same inputs the page's plot cell uses, so a headless run draws what a
 * reader sees. Theory curves come from src/plots' theoryCurvesFor, as in the page.
 *
 * The view dispatch mirrors `GgPlotCell.draw` and the curve gathering mirrors `GgNotebook.theory`
 * (src/ui); both would be better as one DOM-free function in src/plots that the page and the
 * CLI share.
 *
 * @example
 *   const svg = plotSvg(nb, plot, summaries); // '<?xml …><svg …>…</svg>'
 */
import {
  criticalPoints, distributionPlot, figureSvg, phaseDiagram, phaseRows, thresholdPlot, trajectoriesPlot,
  type CriticalPoint, type PhaseLayout, type TheoryCurve,
} from '../plots/index.ts';
import { theoryCurvesFor } from '../plots/overlays.ts';
import { sweepSpecOf, type PlotCellConfig } from '../notebook/index.ts';
import type { SweepSummary } from '../results/index.ts';
import type { NotebookInput } from './notebook-input.ts';
import { installSvgDom } from './svg-dom.ts';

/** Width the page draws plots at by default (GgPlotCell.width). */
export const FIGURE_WIDTH = 680;

interface Input {
  id: string;
  label: string;
  summary: SweepSummary;
}

function theoryFor(nb: NotebookInput, ids: PlotCellConfig['theory'], compare: boolean): TheoryCurve[] {
  const list = ids === undefined ? [] : Array.isArray(ids) ? ids : [ids];
  return list.flatMap((id) => {
    const theory = nb.theories.get(id);
    const sweep = theory && nb.sweeps.find((s) => s.id === theory.sweep);
    if (!theory || !sweep) return [];
    const label = compare ? sweep.label : '';
    return theoryCurvesFor(sweepSpecOf(sweep.config), { y: theory.y ?? null, curves: theory.curves, instances: theory.instances, sweep: label }).curves;
  });
}

function draw(c: PlotCellConfig, ready: Input[], curves: TheoryCurve[], width: number): Element[] {
  const first = ready[0].summary;
  const xs = ready.flatMap((input) => phaseRows(input.summary, c).rows.map((r) => r.x));
  const etaRange: [number, number] = [Math.min(...xs), Math.max(...xs)];
  const critical = (input: Input, layout: PhaseLayout): CriticalPoint[] =>
    criticalPoints(input.summary, { rule: c.critical, x: c.x, yKey: layout.yKey, sweep: c.view === 'compare' ? input.label : '', where: c.where });
  switch (c.view) {
    case 'trajectories':
      return [trajectoriesPlot(first, { where: c.where, color: c.color, width })];
    case 'distribution':
      return [distributionPlot(first, { where: c.where, width })];
    case 'critical': {
      const layout = phaseRows(first, c);
      return [thresholdPlot(critical(ready[0], layout), curves, { yKey: layout.yKey, yLog: layout.yLog, x: c.x, width, etaRange })];
    }
    case 'compare': {
      const layouts = ready.map((input) => phaseRows(input.summary, c, input.label));
      const merged: PhaseLayout = { ...layouts[0], rows: layouts.flatMap((l) => l.rows), facets: layouts.flatMap((l) => l.facets) };
      const points = ready.flatMap((input, i) => critical(input, layouts[i]));
      return [
        phaseDiagram(merged, { fill: c.fill, x: c.x, critical: points, theory: curves, width }),
        thresholdPlot(points, curves, { yKey: merged.yKey, yLog: merged.yLog, x: c.x, width, etaRange }),
      ];
    }
    default: {
      const layout = phaseRows(first, c);
      return [phaseDiagram(layout, { fill: c.fill, x: c.x, critical: critical(ready[0], layout), theory: curves, width })];
    }
  }
}

/** One plot cell as SVG text; `summaries` by sweep id. Throws when a sweep it needs is missing. */
export function plotSvg(nb: NotebookInput, plot: { id: string; config: PlotCellConfig }, summaries: Map<string, SweepSummary>, width = FIGURE_WIDTH): string {
  installSvgDom();
  const c = plot.config;
  const ids = c.view === 'compare' ? (c.sweeps ?? []) : [c.sweep!];
  const ready = ids.map((id) => {
    const summary = summaries.get(id);
    if (!summary) throw new Error(`plot "${plot.id}" needs sweep "${id}", which has no results`);
    return { id, label: nb.sweeps.find((s) => s.id === id)?.label ?? id, summary };
  });
  const root = document.createElement('div');
  for (const figure of draw(c, ready, theoryFor(nb, c.theory, c.view === 'compare'), width)) root.append(figure);
  return figureSvg(root).text;
}
