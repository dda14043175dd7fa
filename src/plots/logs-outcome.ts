/**
 * Real runs by learning rate, in the phase strip's style: one rectangle per run on a log
 * learning-rate axis, filled by the final value of the metric, a symbol for its outcome
 * (converged ○, degraded △, collapsed ×), and the real critical learning rate as a black line
 * with the interval to the largest run below it that did not collapse as a grey bar. Several
 * runs at one learning rate (seeds) share its column, one above the other.
 *
 * @example
 *   const a = analyzeLogs(files, options);
 *   container.append(logsOutcomePlot(a, { width: 680 }));
 */
import * as Plot from '@observablehq/plot';
import type { CriticalLearningRate, LogsAnalysis, RunSummary } from '../logs/index.ts';
import { OUTCOME_SYMBOL_SCALE } from './outcome-symbols.ts';
import { formatNumber } from './axis-labels.ts';
import { edges } from './phase-rows.ts';

export interface LogsOutcomeOptions {
  width?: number;
  title?: string;
  xDomain?: [number, number]; // learning-rate range drawn (default: the runs' columns)
  marginLeft?: number;
  marginRight?: number;
  axisLabel?: string; // the x axis label
}

export interface LogsOutcomeRow {
  summary: RunSummary;
  x1: number; // the run's column on the learning-rate axis
  x2: number;
  y1: number; // its share of the strip's height
  y2: number;
}

/** CSS class of the run rectangles: tests count them. */
export const LOGS_OUTCOME_CELL_CLASS = 'logs-outcome-cell';
/** The symbol of each outcome, and its order in the key. */

/** Columns by learning rate (geometric midpoints between neighbours); runs sharing one learning rate stack within it. */
export function logsOutcomeRows(summaries: readonly RunSummary[]): LogsOutcomeRow[] {
  const lrs = [...new Set(summaries.map((s) => s.learningRate))].sort((a, b) => a - b);
  const cols = edges(lrs, true);
  return lrs.flatMap((lr, i) => {
    const group = summaries.filter((s) => s.learningRate === lr);
    return group.map((summary, k) => ({ summary, x1: cols[i][0], x2: cols[i][1], y1: k / group.length, y2: (k + 1) / group.length }));
  });
}

/** The critical learning rate and its interval as the strip draws them (nothing when no run, or every run, collapsed). */
export function criticalMarks(critical: CriticalLearningRate, xDomain: [number, number]): Plot.Markish[] {
  if (critical.kind !== 'critical') return [];
  const low = critical.below ?? xDomain[0];
  return [
    Plot.rect([critical], { x1: () => low, x2: () => critical.learningRate, y1: 0.8, y2: 0.95, fill: 'black', fillOpacity: 0.35 }),
    Plot.ruleX([critical.learningRate], { y1: 0, y2: 1, stroke: 'black', strokeWidth: 2.5 }),
  ];
}

function tip(s: RunSummary): string {
  return [
    s.label,
    `learning rate ${formatNumber(s.learningRate)} (${s.learningRateSource === 'config' ? 'from the config' : 'logged'})`,
    `${s.metric}: start ${formatNumber(s.start)}, peak ${formatNumber(s.peak)} (step ${s.peakStep}), final ${formatNumber(s.final)} (step ${s.finalStep})`,
    `outcome: ${s.outcome} (${s.reason})`,
  ].join('\n');
}

export function logsOutcomePlot(
  analysis: Pick<LogsAnalysis, 'summaries' | 'critical' | 'metric'>,
  options: LogsOutcomeOptions = {},
): HTMLElement | SVGSVGElement {
  const rows = logsOutcomeRows(analysis.summaries);
  const xDomain = options.xDomain ?? [Math.min(...rows.map((r) => r.x1)), Math.max(...rows.map((r) => r.x2))];
  const values = analysis.summaries.flatMap((s) => [s.start, s.peak, s.final]).filter(Number.isFinite);
  const top = Math.max(0, ...values);
  const drawn = rows.filter((r) => Number.isFinite(r.summary.final));
  return Plot.plot({
    title: options.title,
    width: options.width ?? 680,
    height: 150,
    marginLeft: options.marginLeft ?? 20,
    marginRight: options.marginRight ?? 20,
    marginBottom: 40,
    x: { type: 'log', label: options.axisLabel ?? 'learning rate (peak) →', domain: xDomain, tickFormat: '~e' },
    y: { axis: null, domain: [0, 1] },
    color: {
      type: 'linear',
      domain: [Math.min(0, ...values), top > 0 ? top : 1],
      scheme: 'RdYlBu',
      legend: true,
      label: `final ${analysis.metric}`,
      marginLeft: 12,
      width: 260,
    } as Plot.ScaleOptions,
    symbol: OUTCOME_SYMBOL_SCALE,
    clip: true,
    marks: [
      Plot.rect(drawn, {
        x1: 'x1',
        x2: 'x2',
        y1: 'y1',
        y2: 'y2',
        fill: (r: LogsOutcomeRow) => r.summary.final,
        inset: 0.5,
        className: LOGS_OUTCOME_CELL_CLASS,
      }),
      Plot.rect(
        rows.filter((r) => !Number.isFinite(r.summary.final)),
        { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: '#999', inset: 0.5, className: LOGS_OUTCOME_CELL_CLASS },
      ),
      ...criticalMarks(analysis.critical, xDomain),
      Plot.dot(rows, {
        x: (r: LogsOutcomeRow) => Math.sqrt(r.x1 * r.x2),
        y: (r: LogsOutcomeRow) => r.y1 + 0.3 * (r.y2 - r.y1),
        symbol: (r: LogsOutcomeRow) => r.summary.outcome,
        stroke: 'black',
        r: 5,
        strokeWidth: 1.5,
      }),
      Plot.tip(
        rows,
        Plot.pointer({
          x: (r: LogsOutcomeRow) => Math.sqrt(r.x1 * r.x2),
          y: (r: LogsOutcomeRow) => (r.y1 + r.y2) / 2,
          title: (r: LogsOutcomeRow) => tip(r.summary),
        }),
      ),
    ],
  });
}
