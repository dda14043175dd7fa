/**
 * The figures of a notebook's plot cells, as standalone SVG text, drawn by the page's own path:
 * the theory curves of the theory cells a plot names (src/theory sweepTheoryCurves: a transformer
 * sweep's from its results), each sweep's
 * empirical thresholds (src/theory empiricalThresholds) and the view dispatch (src/plots
 * plotCellFigures), with the title and key the page's SVG button exports (src/plots plotCellExtras),
 * so a headless run draws what a reader sees.
 *
 * @example
 *   const svg = plotSvg(nb, plot, summaries); // '<?xml …><svg …>…</svg>'
 */
import { figureSvg, plotCellExtras, plotCellFigures } from '../plots/index.ts';
import { sweepSpecOf, type PlotCellConfig } from '../notebook/index.ts';
import type { SweepSummary } from '../results/index.ts';
import { empiricalThresholds, sweepTheoryCurves, type TheoryCurve } from '../theory/index.ts';
import type { NotebookInput } from './notebook-input.ts';
import { installSvgDom } from './svg-dom.ts';

/** Width the page draws plots at by default (GgPlotCell.width). */
export const FIGURE_WIDTH = 680;

/** Curves of the theory cells a plot names, each labelled with its sweep in a compare view (as GgNotebook.theory); the reason when none has any. */
function theoryFor(
  nb: NotebookInput,
  ids: PlotCellConfig['theory'],
  compare: boolean,
  summaries: Map<string, SweepSummary>,
): { curves: TheoryCurve[]; reason?: string } {
  const list = ids === undefined ? [] : Array.isArray(ids) ? ids : [ids];
  const results = list.flatMap((id) => {
    const theory = nb.theories.get(id);
    const sweep = theory && nb.sweeps.find((s) => s.id === theory.sweep);
    if (!theory || !sweep) return [];
    const label = compare ? sweep.label : '';
    const options = { y: theory.y ?? null, curves: theory.curves, instances: theory.instances, sweep: label };
    return [sweepTheoryCurves(sweepSpecOf(sweep.config), options, summaries.get(sweep.id))];
  });
  const curves = results.flatMap((r) => r.curves);
  return { curves, reason: curves.length ? undefined : results.find((r) => r.reason)?.reason };
}

/** One plot cell as SVG text; `summaries` by sweep id. Throws when a sweep it needs is missing. */
export function plotSvg(nb: NotebookInput, plot: { id: string; config: PlotCellConfig }, summaries: Map<string, SweepSummary>, width = FIGURE_WIDTH): string {
  installSvgDom();
  const c = plot.config;
  const ids = c.view === 'compare' ? (c.sweeps ?? []) : c.sweep !== undefined ? [c.sweep] : [];
  const logs = c.logs !== undefined ? nb.logsResults.get(c.logs) : undefined;
  if (c.logs !== undefined && !logs) throw new Error(`plot "${plot.id}" needs logs cell "${c.logs}", which has no runs`);
  const ready = ids.map((id) => {
    const summary = summaries.get(id);
    if (!summary) throw new Error(`plot "${plot.id}" needs sweep "${id}", which has no results`);
    return { label: nb.sweeps.find((s) => s.id === id)?.label ?? id, summary, thresholds: empiricalThresholds(summary) };
  });
  const theory = theoryFor(nb, c.theory, c.view === 'compare', summaries);
  const root = document.createElement('div');
  for (const figure of plotCellFigures(c, ready, theory.curves, width, logs)) root.append(figure);
  // The title and key the page's SVG button exports with the same figure.
  return figureSvg(root, plotCellExtras(c, ready, theory)).text;
}
