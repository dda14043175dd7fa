/**
 * Real runs beside a simulated sweep: the real runs' outcome strip (learning rate, logs-outcome.ts)
 * above the sweep's strip (step size η, filled like the phase strip), each on its own log axis,
 * with a note under them. Learning rates and step sizes are different units, so the axes are
 * independent unless the reader asks to align them; aligned, the two axes are scaled by one
 * factor so that the real critical learning rate lr* and the simulated critical step size η*
 * sit at the same place, and the note says what that factor means and what it does not.
 *
 * @example
 *   logsBesideSweepPlot(analysis, { label: 'GRPO', layout: phaseRows(summary, {}), critical: point }, { align: true });
 */
import * as Plot from '@observablehq/plot';
import { describeCriticalLearningRate, type CriticalLearningRate, type LogsAnalysis } from '../logs/index.ts';
import type { PlotFill } from '../notebook/index.ts';
import type { CriticalPoint } from '../theory/index.ts';
import { fillLabel, formatNumber, percent } from './axis-labels.ts';
import { logsOutcomePlot, logsOutcomeRows } from './logs-outcome.ts';
import type { PhaseLayout, PhaseRow } from './phase-rows.ts';

export interface SimulatedStrip {
  label: string; // the sweep's title
  layout: PhaseLayout; // its cells (src/plots phaseRows), one row of η
  critical: CriticalPoint | undefined; // its empirical critical step size (src/theory criticalPoints), as given
  rule: string; // how that point was read off, in words
}

export interface LogsBesideOptions {
  align?: boolean; // line the axes up at lr* and η* (when both exist)
  fill?: PlotFill; // the sweep strip's fill (default collapse probability)
  width?: number;
}

/** How the two axes are drawn: their domains and, when aligned, the factor lr* ÷ η*. */
export type AxisAlignment =
  | { aligned: true; real: [number, number]; simulated: [number, number]; ratio: number }
  | { aligned: false; real: [number, number]; simulated: [number, number]; why?: string };

const SVG_NS = 'http://www.w3.org/2000/svg';
const MARGIN = 20;

/**
 * Domains for the two axes. Aligned: one domain in η units that holds both ranges, and the real
 * one is that times lr* ÷ η*, so equal log distances on the page are equal ratios on both axes and
 * the two critical points coincide.
 */
export function alignAxes(
  real: [number, number],
  simulated: [number, number],
  lrStar: number | undefined,
  etaStar: number | undefined,
  align: boolean,
): AxisAlignment {
  if (!align) return { aligned: false, real, simulated };
  if (lrStar === undefined) return { aligned: false, real, simulated, why: 'the real runs have no critical learning rate (none, or every one, collapsed)' };
  if (etaStar === undefined) return { aligned: false, real, simulated, why: 'the simulated sweep has no critical step size inside its η range' };
  const ratio = lrStar / etaStar;
  const lo = Math.min(simulated[0], real[0] / ratio);
  const hi = Math.max(simulated[1], real[1] / ratio);
  return { aligned: true, real: [lo * ratio, hi * ratio], simulated: [lo, hi], ratio };
}

function lrText(x: number): string {
  return Number(x.toPrecision(3)).toExponential();
}

/** The note under the figure: both critical points, and what the axes' relation means. */
export function besideNote(critical: CriticalLearningRate, sweep: SimulatedStrip, axes: AxisAlignment): string[] {
  const p = sweep.critical;
  const eta =
    p?.status === 'found' && p.x !== null
      ? `${formatNumber(p.x)} (95% interval ${formatNumber(p.low)} – ${formatNumber(p.high)}; ${sweep.rule})`
      : p?.status === 'below-grid'
        ? 'below the smallest η swept'
        : 'above the largest η swept';
  const lines = [`Real critical learning rate lr*: ${describeCriticalLearningRate(critical)}. Simulated critical step size η* (${sweep.label}): ${eta}.`];
  if (axes.aligned) {
    lines.push(
      `Axes aligned at the critical points: lr* sits above η*, so the top axis is the bottom one times lr*/η* = ${lrText(axes.ratio)}. ` +
        'That factor only says where each threshold falls on its own scale. It is not a conversion of learning rates into step sizes: ' +
        'the simulated policy, its updates and its reward are not the real model, optimizer or task, so runs away from the two critical points need not line up.',
    );
  } else {
    lines.push(
      'Own axes: real learning rates (top) and simulated step sizes η (bottom) are different units; the axes are not lined up, so horizontal positions do not compare across them.',
      axes.why ? `Alignment asked for, but not possible: ${axes.why}.` : 'Align (the toggle, or "align": true) lines the axes up at lr* and η* by one factor.',
    );
  }
  return lines;
}

/** Text lines as a small SVG, wrapped to the width, so the note travels with an exported figure. */
export function noteSvg(lines: readonly string[], width: number): SVGSVGElement {
  const perLine = Math.max(40, Math.floor((width - 2 * MARGIN) / 6));
  const wrapped = lines.flatMap((line) => {
    const out: string[] = [];
    let current = '';
    for (const word of line.split(' ')) {
      if (current && current.length + 1 + word.length > perLine) {
        out.push(current);
        current = word;
      } else current = current ? `${current} ${word}` : word;
    }
    return [...out, current];
  });
  const svg = document.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  const height = wrapped.length * 15 + 6;
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'logs-note');
  svg.setAttribute('font-family', 'system-ui, sans-serif');
  svg.setAttribute('font-size', '11');
  wrapped.forEach((line, i) => {
    const text = document.createElementNS(SVG_NS, 'text');
    text.setAttribute('x', String(MARGIN));
    text.setAttribute('y', String(13 + i * 15));
    text.setAttribute('fill', '#333');
    text.textContent = line;
    svg.append(text);
  });
  return svg;
}

function sweepStrip(sweep: SimulatedStrip, domain: [number, number], fill: PlotFill, width: number): HTMLElement | SVGSVGElement {
  const rows = sweep.layout.rows.filter((r) => !r.notRun);
  const value = (r: PhaseRow) => (fill === 'meanFinalJ' ? r.stats.meanFinalJ : r.stats.collapseProbability);
  const p = sweep.critical;
  const found = p && p.x !== null ? [p] : [];
  const clamp = (v: number | null, side: 0 | 1) => (v === null ? domain[side] : v);
  return Plot.plot({
    width,
    height: 150,
    marginLeft: MARGIN,
    marginRight: MARGIN,
    marginBottom: 40,
    x: { type: 'log', label: `simulated step size η (${sweep.label}) →`, domain, tickFormat: '~g' },
    y: { axis: null, domain: [0, 1] },
    color: {
      type: 'linear',
      domain: fill === 'meanFinalJ' ? [0, 1] : [0, 100],
      scheme: fill === 'meanFinalJ' ? 'RdYlBu' : 'YlOrRd',
      legend: true,
      label: fillLabel(fill),
      percent: fill !== 'meanFinalJ',
      marginLeft: 12,
      width: 260,
    } as Plot.ScaleOptions,
    clip: true,
    marks: [
      Plot.rect(rows, { x1: 'x1', x2: 'x2', y1: 0, y2: 1, fill: (r: PhaseRow) => (Number.isNaN(value(r)) ? null : value(r)), inset: 0.5 }),
      Plot.rect(found, {
        x1: (c: CriticalPoint) => clamp(c.low, 0),
        x2: (c: CriticalPoint) => clamp(c.high, 1),
        y1: 0.8,
        y2: 0.95,
        fill: 'black',
        fillOpacity: 0.35,
      }),
      Plot.ruleX(found, { x: 'x', y1: 0, y2: 1, stroke: 'black', strokeWidth: 2.5 }),
      Plot.tip(
        rows,
        Plot.pointer({
          x: (r: PhaseRow) => Math.sqrt(r.x1 * r.x2),
          y: 0.5,
          title: (r: PhaseRow) =>
            `η = ${formatNumber(r.stepSize)}\nmean final J = ${formatNumber(r.stats.meanFinalJ)} (J₀ = ${formatNumber(r.J0)})\ncollapsed: ${r.stats.collapsed} of ${r.stats.runs} (${percent(r.stats.collapseProbability)})`,
        }),
      ),
    ],
  });
}

/** The real strip, the simulated strip and the note, in that order. */
export function logsBesideSweepPlot(
  analysis: Pick<LogsAnalysis, 'summaries' | 'critical' | 'metric'>,
  sweep: SimulatedStrip,
  options: LogsBesideOptions = {},
): Element[] {
  const width = options.width ?? 680;
  const xs = sweep.layout.rows.flatMap((r) => [r.x1, r.x2]);
  // The real axis spans the runs' columns, as in the strip alone.
  const columns = logsOutcomeRows(analysis.summaries);
  const real: [number, number] = [Math.min(...columns.map((r) => r.x1)), Math.max(...columns.map((r) => r.x2))];
  const simulated: [number, number] = [Math.min(...xs), Math.max(...xs)];
  const lrStar = analysis.critical.kind === 'critical' ? analysis.critical.learningRate : undefined;
  const etaStar = sweep.critical?.status === 'found' && sweep.critical.x !== null ? sweep.critical.x : undefined;
  const axes = alignAxes(real, simulated, lrStar, etaStar, options.align ?? false);
  return [
    logsOutcomePlot(analysis, { width, xDomain: axes.real, marginLeft: MARGIN, marginRight: MARGIN, axisLabel: 'real learning rate (peak) →' }),
    sweepStrip(sweep, axes.simulated, options.fill ?? 'collapseProbability', width),
    noteSvg(besideNote(analysis.critical, sweep, axes), width),
  ];
}
