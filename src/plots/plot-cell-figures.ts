/**
 * The figures of one plot cell, from its config, the sweeps it names (each with its results and
 * its empirical thresholds, computed by src/theory) and the theory curves it draws: the single
 * dispatch over views that the page (GgPlotCell) and the headless CLI both use, so a headless run
 * draws exactly what a reader sees. Nothing here computes theory: it places and draws.
 *
 * @example
 *   const sweeps = [{ label: 'GRPO', summary, thresholds: empiricalThresholds(summary) }];
 *   const figures = plotCellFigures(config, sweeps, theoryCurvesFor(spec, { y: 'L' }).curves, 680);
 */
import { replayRun } from '../engine/index.ts';
import type { LogsAnalysis } from '../logs/index.ts';
import type { PlotCellConfig } from '../notebook/index.ts';
import type { SweepSummary } from '../results/index.ts';
import { criticalPoints, type CriticalPoint, type EmpiricalThresholds, type TheoryCurve } from '../theory/index.ts';
import { phaseDiagram } from './phase-diagram.ts';
import { phaseRows, type PhaseLayout } from './phase-rows.ts';
import { thresholdPlot } from './threshold-curves.ts';
import { distributionPlot } from './distribution.ts';
import { gapTrajectoriesPlot } from './gap-trajectories.ts';
import { updateTrajectoriesPlot } from './update-trajectories.ts';
import { ppoTrajectoriesPlot } from './ppo-trajectories.ts';
import { heldOutTrajectoriesPlot } from './held-out-trajectories.ts';
import { lengthTrajectoriesPlot } from './length-trajectories.ts';
import { promptSharesPlot } from './prompt-shares.ts';
import { promptMeanPlot } from './prompt-mean.ts';
import { chosenRun, promptRunPlot } from './prompt-run.ts';
import { trajectoriesPlot } from './trajectories.ts';
import { logsTrajectoriesPlot } from './logs-trajectories.ts';
import { logsOutcomePlot } from './logs-outcome.ts';
import { logsBesideSweepPlot } from './logs-beside-sweep.ts';

/** A sweep as a plot draws it: its label (used to tell sweeps apart in a comparison), results and thresholds. */
export interface PlotSweep {
  label: string;
  summary: SweepSummary;
  thresholds: EmpiricalThresholds; // of `summary` (src/theory empiricalThresholds)
}

const RULE_TEXT = { 'mean-below-J0': 'mean final J first below J₀', 'collapse-half': 'collapse probability first ≥ ½' };

/** The critical points a threshold view draws for one sweep (the key names their marks from the same points). */
function sweepCriticalPoints(c: PlotCellConfig, input: PlotSweep, layout: PhaseLayout): CriticalPoint[] {
  return criticalPoints(input.thresholds.rows, {
    crossing: c.critical === 'collapse-half' ? 'collapse' : 'mean',
    effective: c.x === 'effectiveStepSize',
    yKey: layout.yKey,
    sweep: c.view === 'compare' ? input.label : '',
    where: c.where,
  });
}

/** Every critical point a plot cell's figures draw (phase, critical and compare views; none for the others). */
export function drawnCriticalPoints(c: PlotCellConfig, ready: readonly PlotSweep[]): CriticalPoint[] {
  if (c.view !== 'phase' && c.view !== 'critical' && c.view !== 'compare') return [];
  const drawn = c.view === 'compare' ? ready : ready.slice(0, 1);
  return drawn.flatMap((input) => sweepCriticalPoints(c, input, phaseRows(input.summary, c, c.view === 'compare' ? input.label : undefined)));
}

/**
 * `logs`: the analysis of the logs cell a logs view names (src/logs analyzeLogs); `ready` then
 * holds the sweep set beside it, if any.
 */
export function plotCellFigures(c: PlotCellConfig, ready: readonly PlotSweep[], curves: readonly TheoryCurve[], width: number, logs?: LogsAnalysis): Element[] {
  if (c.view === 'logs-trajectories' || c.view === 'logs-outcome') {
    if (!logs) throw new Error(`the ${c.view} view needs the runs of logs cell "${c.logs}"`);
    if (c.view === 'logs-trajectories') return [logsTrajectoriesPlot(logs, { width })];
    if (!ready.length) return [logsOutcomePlot(logs, { width })];
    const layout = phaseRows(ready[0].summary, c);
    const [point] = criticalPoints(ready[0].thresholds.rows, {
      crossing: c.critical === 'collapse-half' ? 'collapse' : 'mean',
      effective: c.x === 'effectiveStepSize',
      yKey: null,
      where: c.where,
    });
    const rule = `${RULE_TEXT[c.critical ?? 'mean-below-J0']}, interpolated on log η`;
    return logsBesideSweepPlot(logs, { label: ready[0].label, layout, critical: point, rule }, { align: c.align, fill: c.fill, width });
  }
  const first = ready[0].summary;
  const xs = ready.flatMap((input) => phaseRows(input.summary, c).rows.map((r) => r.x));
  const etaRange: [number, number] = [Math.min(...xs), Math.max(...xs)];
  const critical = (input: PlotSweep, layout: PhaseLayout): CriticalPoint[] => sweepCriticalPoints(c, input, layout);
  switch (c.view) {
    case 'trajectories':
      return [trajectoriesPlot(first, { where: c.where, color: c.color, scale: c.scale, layout: c.layout, width })];
    case 'gap':
      return [gapTrajectoriesPlot(first, { where: c.where, color: c.color, layout: c.layout, width })];
    case 'update-norm':
      return [updateTrajectoriesPlot(first, { where: c.where, color: c.color, layout: c.layout, width })];
    case 'length':
      return [lengthTrajectoriesPlot(first, { length: c.length, where: c.where, color: c.color, layout: c.layout, width })];
    case 'prompts-solved':
    case 'prompts-lost':
      return [
        promptSharesPlot(first, { share: c.view === 'prompts-lost' ? 'lostShare' : 'solvedShare', where: c.where, color: c.color, layout: c.layout, width }),
      ];
    case 'clipped-share':
    case 'kl-reference':
      return [
        ppoTrajectoriesPlot(first, {
          series: c.view === 'clipped-share' ? 'clippedShare' : 'klReference',
          where: c.where,
          color: c.color,
          layout: c.layout,
          width,
        }),
      ];
    case 'held-out':
      return [heldOutTrajectoriesPlot(first, { where: c.where, color: c.color, layout: c.layout, width })];
    case 'prompts-mean':
      return [promptMeanPlot(first, { where: c.where, color: c.color, layout: c.layout, width })];
    case 'prompts-run': {
      // J_q per prompt is no sweep output: the one run is replayed from its seed on the CPU twin here,
      // where the figure's inputs are prepared, so the drawing stays drawing (prompt-run.ts).
      const { run } = chosenRun(first, c.where, c.seed);
      return [promptRunPlot(first, replayRun(first.spec, run), { width })];
    }
    case 'distribution':
      return [distributionPlot(first, { where: c.where, width })];
    case 'critical': {
      const layout = phaseRows(first, c);
      return [
        thresholdPlot(critical(ready[0], layout), curves, {
          yKey: layout.yKey,
          yLog: layout.yLog,
          x: c.x,
          width,
          etaRange,
          eosLengths: layout.eosLengths,
          eos: layout.eos,
        }),
      ];
    }
    case 'compare': {
      const layouts = ready.map((input) => phaseRows(input.summary, c, input.label));
      const eosLengths = layouts.some((l) => l.eosLengths);
      const eos = layouts.some((l) => l.eos);
      const merged: PhaseLayout = {
        ...layouts[0],
        rows: layouts.flatMap((l) => l.rows),
        facets: layouts.flatMap((l) => l.facets),
        ...(eosLengths ? { eosLengths } : {}),
        ...(eos ? { eos } : {}),
      };
      const points = ready.flatMap((input, i) => critical(input, layouts[i]));
      return [
        phaseDiagram(merged, { fill: c.fill, x: c.x, critical: points, theory: curves, width }),
        thresholdPlot(points, curves, { yKey: merged.yKey, yLog: merged.yLog, x: c.x, width, etaRange, eosLengths: merged.eosLengths, eos: merged.eos }),
      ];
    }
    default: {
      const layout = phaseRows(first, c);
      return [phaseDiagram(layout, { fill: c.fill, x: c.x, critical: critical(ready[0], layout), theory: curves, width })];
    }
  }
}
