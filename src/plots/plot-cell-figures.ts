/**
 * The figures of one plot cell, from its config, the summaries of the sweeps it names and the
 * theory curves it draws: the single dispatch over views that the page (GgPlotCell) and the
 * headless CLI both use, so a headless run draws exactly what a reader sees.
 *
 * @example
 *   const figures = plotCellFigures(config, [{ label: 'GRPO', summary }], curves, 680);
 */
import type { PlotCellConfig } from '../notebook/cell-config.ts';
import type { SweepSummary } from '../results/summary.ts';
import { criticalPoints, type CriticalPoint, type TheoryCurve } from './overlays.ts';
import { phaseDiagram } from './phase-diagram.ts';
import { phaseRows, type PhaseLayout } from './phase-rows.ts';
import { thresholdPlot } from './threshold-curves.ts';
import { distributionPlot } from './distribution.ts';
import { gapTrajectoriesPlot } from './gap-trajectories.ts';
import { trajectoriesPlot } from './trajectories.ts';

/** A sweep as a plot draws it: its label (used to tell sweeps apart in a comparison) and results. */
export interface PlotSweep {
  label: string;
  summary: SweepSummary;
}

export function plotCellFigures(c: PlotCellConfig, ready: readonly PlotSweep[], curves: TheoryCurve[], width: number): Element[] {
  const first = ready[0].summary;
  const xs = ready.flatMap((input) => phaseRows(input.summary, c).rows.map((r) => r.x));
  const etaRange: [number, number] = [Math.min(...xs), Math.max(...xs)];
  const critical = (input: PlotSweep, layout: PhaseLayout): CriticalPoint[] =>
    criticalPoints(input.summary, { rule: c.critical, x: c.x, yKey: layout.yKey, sweep: c.view === 'compare' ? input.label : '', where: c.where });
  switch (c.view) {
    case 'trajectories':
      return [trajectoriesPlot(first, { where: c.where, color: c.color, scale: c.scale, layout: c.layout, width })];
    case 'gap':
      return [gapTrajectoriesPlot(first, { where: c.where, color: c.color, layout: c.layout, width })];
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
