/**
 * Real runs over training: one line per run of the logs cell's metric against step, coloured by
 * its learning rate on a log scale (viridis, as J(t) is coloured by η), with a dot at each run's
 * last finite point. A NaN is a gap in the line; a run that ended early simply stops.
 *
 * @example
 *   container.append(logsTrajectoriesPlot(analyzeLogs(files, { metric: 'answer_accuracy' }), { width: 680 }));
 */
import * as Plot from '@observablehq/plot';
import { OUTCOME_SYMBOL_SCALE } from './outcome-symbols.ts';
import { metricSeries, type LogsAnalysis, type RunOutcome } from '../logs/index.ts';
import { formatNumber } from './axis-labels.ts';

export interface LogsTrajectoryRow {
  label: string;
  learningRate: number;
  outcome: RunOutcome;
  step: number;
  value: number; // NaN: a gap
}

export interface LogsTrajectoriesOptions {
  width?: number;
  title?: string;
}

/** CSS class of the run lines' group: tests count its paths. */
export const LOGS_LINE_CLASS = 'logs-run-line';

/** One row per (run, step) of the metric, runs by learning rate; runs without the metric are left out. */
export function logsTrajectoryRows(analysis: Pick<LogsAnalysis, 'runs' | 'summaries' | 'metric'>): LogsTrajectoryRow[] {
  const byLabel = new Map(analysis.runs.map((r) => [r.label, r]));
  return analysis.summaries.flatMap((s) => {
    const found = metricSeries(byLabel.get(s.label)!, analysis.metric);
    if (!found) return [];
    return found.series.steps.map((step, i) => ({ label: s.label, learningRate: s.learningRate, outcome: s.outcome, step, value: found.series.values[i] }));
  });
}

export function logsTrajectoriesPlot(
  analysis: Pick<LogsAnalysis, 'runs' | 'summaries' | 'metric'>,
  options: LogsTrajectoriesOptions = {},
): HTMLElement | SVGSVGElement {
  const rows = logsTrajectoryRows(analysis);
  const lrs = analysis.summaries.map((s) => s.learningRate);
  const [lo, hi] = [Math.min(...lrs), Math.max(...lrs)];
  const finite = rows.filter((r) => Number.isFinite(r.value));
  const lastPoints = analysis.summaries.map((s) => finite.filter((r) => r.label === s.label).pop()).filter((r): r is LogsTrajectoryRow => r !== undefined);
  const tip = (r: LogsTrajectoryRow) =>
    `${r.label}\nlearning rate ${formatNumber(r.learningRate)}\nstep ${r.step}: ${analysis.metric} = ${formatNumber(r.value)}\noutcome: ${r.outcome}`;
  return Plot.plot({
    title: options.title,
    width: options.width ?? 680,
    height: 320,
    marginLeft: 48,
    x: { label: 'training step →', grid: true },
    y: { label: `↑ ${analysis.metric}`, grid: true },
    color: {
      type: lo > 0 && hi / lo >= 4 ? 'log' : 'linear',
      scheme: 'viridis',
      domain: [lo, hi],
      legend: true,
      label: 'learning rate (peak)',
      tickFormat: '~e',
      marginLeft: 12,
      width: 300,
    } as Plot.ScaleOptions,
    symbol: OUTCOME_SYMBOL_SCALE,
    marks: [
      Plot.line(rows, { x: 'step', y: 'value', z: 'label', stroke: 'learningRate', strokeWidth: 1.75, className: LOGS_LINE_CLASS }),
      // The run's last point carries its outcome's symbol, keyed as in the outcome figure.
      Plot.dot(lastPoints, { x: 'step', y: 'value', symbol: 'outcome', stroke: 'learningRate', r: 4, strokeWidth: 1.5 }),
      Plot.tip(finite, Plot.pointer({ x: 'step', y: 'value', title: tip })),
    ],
  });
}
