/**
 * Critical step size against the swept field (L, J0, G…): the empirical threshold of each series
 * (a sweep, or a value of another swept field) with its bootstrap interval, overlaid, with the
 * theory curves dashed. This is how two algorithms' thresholds are compared on one set of axes.
 * A sweep over η alone gives one point per series, drawn on an η axis.
 *
 * @example
 *   thresholdPlot([...criticalPoints(a.rows, opts), ...criticalPoints(b.rows, opts)], [], { yKey: 'L', x: 'effectiveStepSize' });
 */
import * as Plot from '@observablehq/plot';
import type { GridKey } from '../engine/index.ts';
import type { PlotX } from '../notebook/index.ts';
import type { CriticalPoint, TheoryCurve } from '../theory/index.ts';
import { compareLabels, criticalStepLabel, fieldLabel, formatNumber } from './axis-labels.ts';
import { openEndMarks, openEnds } from './open-ends.ts';
import { theoryStyle } from './theory-styles.ts';

export interface ThresholdOptions {
  yKey: GridKey | null;
  x?: PlotX;
  yLog?: boolean;
  width?: number;
  title?: string;
  etaRange?: [number, number]; // η (or effective) range the sweeps covered: where "no crossing" marks go
  eosLengths?: boolean; // an effective axis placed by E_θ0|o| (PhaseLayout.eosLengths): the label says so
  eos?: boolean; // responses end at EOS (PhaseLayout.eos): L is a maximum length
}

const seriesOf = (p: { sweep: string; facet: string }) => [p.sweep, p.facet].filter(Boolean).join(' · ') || 'empirical';

function tip(p: CriticalPoint, yKey: GridKey | null): string {
  const where = p.status === 'found' ? formatNumber(p.x) : p.status === 'below-grid' ? 'below the smallest η swept' : 'above the largest η swept';
  return `${seriesOf(p)}\n${yKey ? `${yKey} = ${formatNumber(p.y)}\n` : ''}critical η = ${where}\n95% interval: ${formatNumber(p.low)} – ${formatNumber(p.high)} (${p.seeds} seeds)`;
}

export function thresholdPlot(points: readonly CriticalPoint[], theory: readonly TheoryCurve[], options: ThresholdOptions): HTMLElement | SVGSVGElement {
  const found = points.filter((p) => p.x !== null);
  const stepLabel = criticalStepLabel(options.x, options.eosLengths);
  const xKey = options.x === 'effectiveStepSize' ? 'effectiveStepSize' : 'stepSize';
  // A theory line takes the colour of its series (dashed); the key under the plot names the curve.
  const theoryPoints = theory.flatMap((c) => c.points.map((p) => ({ ...p, series: seriesOf(p), curve: c.name, eta: p[xKey] })));
  // The η axis spans the measurements; a theory curve far outside (the Theorem-1 step often sits
  // orders of magnitude lower) is clipped rather than squashing the data, and the key says where it is.
  const measured = [...found.flatMap((p) => [p.x!, p.low ?? p.x!, p.high ?? p.x!]), ...(options.etaRange ?? [])].filter((v) => v > 0 && Number.isFinite(v));
  const near = theoryPoints.map((p) => p.eta).filter((v) => measured.length && v > Math.min(...measured) / 30 && v < Math.max(...measured) * 30);
  const everything = [...measured, ...near];
  // Series that never cross inside the grid get a note at the edge instead of a point.
  const edge = (p: CriticalPoint) => (p.status === 'above-grid' ? etaDomain[1] / 1.4 : etaDomain[0] * 1.4);
  const edgeText = (p: CriticalPoint) => (p.status === 'above-grid' ? 'no crossing up to the largest η' : 'crossed already at the smallest η');
  const missing = points.filter((p) => p.x === null);
  const etaDomain: [number, number] = everything.length ? [Math.min(...everything) / 1.5, Math.max(...everything) * 1.5] : [0.1, 10];
  const ends = openEnds(found, etaDomain); // found points have η*, so an open end starts there
  // Series in the order of the panels: sweeps as the plot names them (points come in that order),
  // then facets in numeric order; Plot alone would sort the names as text ("Dr. GRPO" before "GRPO").
  const sweeps = [...new Set([...points, ...theoryPoints].map((p) => p.sweep))];
  const series = [...new Map([...points, ...theoryPoints].map((p) => [seriesOf(p), p])).entries()]
    .sort(([, a], [, b]) => sweeps.indexOf(a.sweep) - sweeps.indexOf(b.sweep) || compareLabels(a.facet, b.facet))
    .map(([name]) => name);
  const color = { legend: true, label: 'series', domain: series };
  // Theory curves take their series' colour; each curve has its own dash (theoryStyle): the key names them.
  const theoryMarks = (mark: (data: typeof theoryPoints, dash: string) => Plot.Markish) =>
    [...new Set(theoryPoints.map((p) => p.curve))].map((name) =>
      mark(
        theoryPoints.filter((p) => p.curve === name),
        theoryStyle(name).dash,
      ),
    );
  if (!options.yKey) {
    // One threshold per series: a dot with its interval on an η axis.
    return Plot.plot({
      title: options.title,
      width: options.width ?? 680,
      marginLeft: 160,
      clip: true,
      x: { type: 'log', label: `${stepLabel} →`, domain: etaDomain, tickFormat: '~g' },
      y: { label: null, domain: series },
      color,
      marks: [
        Plot.ruleY(found, { x1: (p: CriticalPoint) => p.low ?? p.x, x2: (p: CriticalPoint) => p.high ?? p.x, y: seriesOf, stroke: seriesOf, strokeWidth: 2 }),
        Plot.dot(found, { x: 'x', y: seriesOf, fill: seriesOf, r: 5, tip: true, title: (p: CriticalPoint) => tip(p, null) }),
        ...theoryMarks((data, dash) => Plot.tickX(data, { x: 'eta', y: 'series', stroke: 'series', strokeWidth: 2, strokeDasharray: dash })),
        Plot.text(
          missing.filter((p) => p.status === 'above-grid'),
          { x: etaDomain[1], y: seriesOf, text: (p: CriticalPoint) => `${edgeText(p)} →`, textAnchor: 'end', dx: -4, fill: seriesOf, fontSize: 11 },
        ),
        Plot.text(
          missing.filter((p) => p.status !== 'above-grid'),
          { x: etaDomain[0], y: seriesOf, text: (p: CriticalPoint) => `← ${edgeText(p)}`, textAnchor: 'start', dx: 4, fill: seriesOf, fontSize: 11 },
        ),
      ],
    });
  }
  return Plot.plot({
    title: options.title,
    width: options.width ?? 680,
    height: 320,
    clip: true,
    marginLeft: 60,
    x: { type: options.yLog ? 'log' : 'linear', label: `${fieldLabel(options.yKey, options.eos)} →`, inset: 14 }, // room for points and arrows at the ends
    y: { type: 'log', label: `↑ ${stepLabel}`, domain: etaDomain, grid: true, tickFormat: '~g' },
    color,
    marks: [
      // The interval up to what is known; an end beyond the η swept runs dashed to the frame with an arrow (not a value).
      ...(
        [
          [(p: CriticalPoint) => p.low !== null && p.high !== null, 'tick-y', 'tick-y'],
          [(p: CriticalPoint) => p.low !== null && p.high === null, 'tick-y', 'none'],
          [(p: CriticalPoint) => p.low === null && p.high !== null, 'none', 'tick-y'],
        ] as const
      ).map(([which, markerStart, markerEnd]) =>
        Plot.ruleX(found.filter(which), {
          x: 'y',
          y1: (p: CriticalPoint) => p.low ?? p.x,
          y2: (p: CriticalPoint) => p.high ?? p.x,
          stroke: seriesOf,
          strokeWidth: 1.5,
          markerStart,
          markerEnd,
        }),
      ),
      ...openEndMarks(ends, { along: 'y', at: 'y', stroke: seriesOf, label: (side) => ({ dy: side === 'high' ? 8 : -8, dx: 4, textAnchor: 'start' }) }),
      Plot.line(found, { x: 'y', y: 'x', z: seriesOf, stroke: seriesOf, strokeWidth: 2 }),
      Plot.dot(found, { x: 'y', y: 'x', fill: seriesOf, r: 4, tip: true, title: (p: CriticalPoint) => tip(p, options.yKey) }),
      ...theoryMarks((data, dash) =>
        Plot.line(data, {
          x: 'y',
          y: 'eta',
          z: (p: { series: string; curve: string }) => `${p.series}|${p.curve}`,
          stroke: 'series',
          strokeWidth: 2,
          strokeDasharray: dash,
        }),
      ),
      Plot.text(missing, {
        x: 'y',
        y: edge,
        text: (p: CriticalPoint) => (p.status === 'above-grid' ? '↑' : '↓'),
        fill: seriesOf,
        fontSize: 16,
        fontWeight: 'bold',
        title: (p: CriticalPoint) => tip(p, options.yKey),
      }),
      // Log x axis labelled at exactly the swept values (Plot's log formatter would drop some).
      ...(options.yLog
        ? [Plot.axisX([...new Set(points.map((p) => p.y))], { text: (d: number) => String(d), label: `${fieldLabel(options.yKey, options.eos)} →` })]
        : []),
    ],
  });
}
