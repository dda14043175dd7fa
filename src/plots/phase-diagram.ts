/**
 * The phase diagram (SPEC 2.3): η on a log x axis (raw or effective), the swept field on y, each
 * grid cell filled by mean final J or collapse probability, with the empirical critical-η curve
 * (and its bootstrap interval) and any theory curve drawn over it. Several sweeps become facets
 * sharing every scale.
 *
 * @example
 *   container.append(phaseDiagram(phaseRows(summary, config), { fill: 'meanFinalJ', critical, theory: [] }));
 */
import * as Plot from '@observablehq/plot';
import type { PlotFill, PlotX } from '../notebook/index.ts';
import type { CriticalPoint, TheoryCurve } from '../theory/index.ts';
import { compareLabels, fieldLabel, fillLabel, formatNumber, percent, ticksFor, xLabel } from './axis-labels.ts';
import { knownEnd, openEndMarks, openEnds } from './open-ends.ts';
import { theoryStyle } from './theory-styles.ts';
import type { PhaseLayout, PhaseRow } from './phase-rows.ts';

export interface PhaseOptions {
  fill?: PlotFill;
  x?: PlotX;
  critical?: readonly CriticalPoint[]; // computed (src/theory criticalPoints), drawn as given
  theory?: readonly TheoryCurve[]; // computed (src/theory theoryCurvesFor), drawn as given
  width?: number;
  title?: string;
}

/** CSS class of the cell rectangles' group: tests count its rects. */
export const PHASE_CELL_CLASS = 'phase-cell';
/** CSS class of a theory curve's band over seeds (the transformer's quartiles of the one-step threshold). */
export const THEORY_BAND_CLASS = 'theory-band';
/** CSS class of the cells a stopped run did not finish ("not run"). */
export const NOT_RUN_CLASS = 'phase-not-run';

function tipText(r: PhaseRow, layout: PhaseLayout, x: PlotX | undefined): string {
  const s = r.stats;
  if (r.notRun)
    return [
      r.sweep && `sweep: ${r.sweep}`,
      r.facet,
      `η = ${formatNumber(r.stepSize)}`,
      layout.yKey && `${layout.yKey} = ${formatNumber(r.y)}`,
      'not run: the run was stopped before this cell finished',
    ]
      .filter(Boolean)
      .join('\n');
  return [
    r.sweep && `sweep: ${r.sweep}`,
    r.facet,
    `η = ${formatNumber(r.stepSize)}${x === 'effectiveStepSize' ? ` (effective ${formatNumber(r.x)})` : ''}`,
    layout.yKey && `${layout.yKey} = ${formatNumber(r.y)}`,
    `mean final J = ${formatNumber(s.meanFinalJ)} (J₀ = ${formatNumber(r.J0)})`,
    `final J q10 / q50 / q90 = ${formatNumber(s.q10)} / ${formatNumber(s.q50)} / ${formatNumber(s.q90)}`,
    `collapsed: ${s.collapsed} of ${s.runs} (${percent(s.collapseProbability)})`,
    `diverged: ${s.diverged}`,
    Number.isFinite(r.finalMeanLength) ? `final mean length (median over seeds) = ${formatNumber(r.finalMeanLength)}` : '',
    Number.isFinite(r.finalLostShare) ? `prompts lost at the end (mean over seeds) = ${percent(r.finalLostShare)}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * Panel titles wider than their panel (about 6 px a character at Plot's 10 px) go on lines of their
 * own, one per field and its value ("aggregation=" over "seq-mean-token-mean"), so neighbours never overlap.
 */
function facetLabelLines(domain: readonly string[], panelWidth: number): { tickFormat?: (d: string) => string } {
  if (!domain.some((d) => d.length * 6 > panelWidth)) return {};
  return { tickFormat: (d: string) => d.split(/(?<==)|, | · /).join('\n') };
}

const facetOf = (d: { sweep: string; facet: string }) => [d.sweep, d.facet].filter(Boolean).join(' · ');

export function phaseDiagram(layout: PhaseLayout, options: PhaseOptions = {}): HTMLElement | SVGSVGElement {
  const { rows, yKey, yLog } = layout;
  const fill = options.fill ?? 'meanFinalJ';
  const value = (r: PhaseRow) =>
    fill === 'collapseProbability'
      ? r.stats.collapseProbability
      : fill === 'finalMeanLength'
        ? r.finalMeanLength
        : fill === 'finalLostShare'
          ? r.finalLostShare
          : r.stats.meanFinalJ;
  const lengthTop = Math.max(1, ...rows.map((r) => (Number.isFinite(r.finalMeanLength) ? r.finalMeanLength : 0)));
  // Panels: sweeps in the order the plot names them, then each sweep's facets in numeric order (L=4 before L=16).
  const sweeps = [...new Set(rows.map((r) => r.sweep))];
  const facetDomain = [...new Map(rows.map((r) => [facetOf(r), r])).entries()]
    .sort(([, a], [, b]) => sweeps.indexOf(a.sweep) - sweeps.indexOf(b.sweep) || compareLabels(a.facet, b.facet))
    .map(([label]) => label);
  const faceted = facetDomain.length > 1;
  const fx = faceted ? facetOf : undefined;
  const strip = !yKey;
  const critical = (options.critical ?? []).filter((p) => p.x !== null);
  const intervals = (options.critical ?? []).filter((p) => p.low !== null || p.high !== null);
  const xs = rows.flatMap((r) => [r.x1, r.x2]);
  const xDomain: [number, number] = [Math.min(...xs), Math.max(...xs)];
  // An interval end beyond the η swept is not a value: the bar stops at what is known (the other
  // end, or η*) and an open end runs dashed to the frame with an arrow and says so (open-ends.ts).
  const ends = openEnds(intervals, xDomain);
  const anchor = (side: 'low' | 'high') => (side === 'high' ? 'end' : 'start');
  const theoryPoints = (options.theory ?? []).flatMap((c) =>
    c.points.map((p) => ({ ...p, label: c.label, name: c.name, x: options.x === 'effectiveStepSize' ? p.effectiveStepSize : p.stepSize })),
  );
  // A curve's band over seeds, where it has one: from the known ends (an end at 0 or +∞ is null and stops at the median).
  const effective = options.x === 'effectiveStepSize';
  const theoryBands = theoryPoints
    .filter((p) => (p.low ?? null) !== null || (p.high ?? null) !== null)
    .map((p) => ({ ...p, x1: (effective ? p.lowEffective : p.low) ?? p.x, x2: (effective ? p.highEffective : p.high) ?? p.x }));
  const bandMarks = (mark: (data: typeof theoryBands, style: ReturnType<typeof theoryStyle>) => Plot.Markish) =>
    [...new Set(theoryBands.map((p) => p.name))].map((name) =>
      mark(
        theoryBands.filter((p) => p.name === name),
        theoryStyle(name),
      ),
    );
  // Each curve in its own colour and dash (theoryStyle), so the one-step threshold and the Theorem-1 step never look alike.
  const theoryMarks = (mark: (data: typeof theoryPoints, style: ReturnType<typeof theoryStyle>) => Plot.Markish) =>
    [...new Set(theoryPoints.map((p) => p.name))].map((name) =>
      mark(
        theoryPoints.filter((p) => p.name === name),
        theoryStyle(name),
      ),
    );
  const marks: Plot.Markish[] = [
    Plot.rect(
      rows.filter((r) => !r.notRun),
      {
        x1: 'x1',
        x2: 'x2',
        y1: 'y1',
        y2: 'y2',
        fx,
        fill: (r: PhaseRow) => (Number.isNaN(value(r)) ? null : value(r)),
        inset: 0.5,
        className: PHASE_CELL_CLASS,
      },
    ),
    // Cells whose every run diverged have no mean: hatch them grey rather than leave a hole.
    Plot.rect(
      rows.filter((r) => Number.isNaN(value(r)) && !r.notRun),
      { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fx, fill: '#999', inset: 0.5 },
    ),
    // Cells a cancelled run did not reach keep their place, empty and labelled.
    Plot.rect(
      rows.filter((r) => r.notRun),
      { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fx, fill: 'white', stroke: '#999', strokeDasharray: '3,2', inset: 1, className: NOT_RUN_CLASS },
    ),
    Plot.text(
      rows.filter((r) => r.notRun),
      {
        x: (r: PhaseRow) => Math.sqrt(r.x1 * r.x2),
        y: (r: PhaseRow) => (strip ? 0.5 : yLog ? Math.sqrt(r.y1 * r.y2) : (r.y1 + r.y2) / 2),
        fx,
        text: () => 'not run',
        fill: '#666',
        fontSize: 9,
        rotate: strip ? -90 : 0,
      },
    ),
  ];
  if (strip) {
    marks.push(
      Plot.rect(intervals, {
        x1: (p: CriticalPoint) => knownEnd(p, 'low'),
        x2: (p: CriticalPoint) => knownEnd(p, 'high'),
        y1: 0.8,
        y2: 0.95,
        fx,
        fill: 'black',
        fillOpacity: 0.35,
      }),
      ...openEndMarks(ends, { along: 'x', at: 0.875, labelAt: 0.7, fx, label: (side) => ({ textAnchor: anchor(side) }) }),
      ...bandMarks((data, s) => Plot.rect(data, { x1: 'x1', x2: 'x2', y1: 0, y2: 1, fx, fill: s.stroke, fillOpacity: 0.2, className: THEORY_BAND_CLASS })),
      Plot.ruleX(critical, { x: 'x', y1: 0, y2: 1, fx, stroke: 'black', strokeWidth: 2.5 }),
      ...theoryMarks((data, s) => Plot.ruleX(data, { x: 'x', y1: 0, y2: 1, fx, stroke: s.stroke, strokeWidth: 2, strokeDasharray: s.dash })),
    );
  } else {
    const intervalLink = (style: Plot.LinkOptions) =>
      Plot.link(intervals, {
        x1: (p: CriticalPoint) => knownEnd(p, 'low'),
        x2: (p: CriticalPoint) => knownEnd(p, 'high'),
        y1: 'y',
        y2: 'y',
        fx,
        ...style,
      });
    marks.push(
      // The bootstrap interval: a white halo under a black bar with end ticks.
      intervalLink({ stroke: 'white', strokeWidth: 5, strokeOpacity: 0.8 }),
      intervalLink({ stroke: 'black', strokeWidth: 1.5, markerStart: 'tick-x', markerEnd: 'tick-x' }),
      ...openEndMarks(ends, { along: 'x', at: 'y', fx, label: (side) => ({ textAnchor: anchor(side), dy: -9 }) }),
      Plot.line(critical, { x: 'x', y: 'y', fx, z: (p: CriticalPoint) => `${p.sweep}|${p.facet}`, stroke: 'black', strokeWidth: 2 }),
      Plot.dot(critical, { x: 'x', y: 'y', fx, fill: 'white', stroke: 'black', r: 4 }),
      // The band in the curve's colour: an area between the rows (as a J(t) band) and a bar at each row, which shows with one row too.
      ...bandMarks((data, s) =>
        Plot.areaX(data, {
          x1: 'x1',
          x2: 'x2',
          y: 'y',
          fx,
          z: (p: { sweep: string; facet: string; label: string }) => `${p.label}|${p.sweep}|${p.facet}`,
          fill: s.stroke,
          fillOpacity: 0.15,
          className: THEORY_BAND_CLASS,
        }),
      ),
      ...bandMarks((data, s) =>
        Plot.link(data, { x1: 'x1', x2: 'x2', y1: 'y', y2: 'y', fx, stroke: s.stroke, strokeWidth: 6, strokeOpacity: 0.35, className: THEORY_BAND_CLASS }),
      ),
      ...theoryMarks((data, s) =>
        Plot.line(data, {
          x: 'x',
          y: 'y',
          fx,
          z: (p: { sweep: string; facet: string; label: string }) => `${p.label}|${p.sweep}|${p.facet}`,
          stroke: s.stroke,
          strokeWidth: 2,
          strokeDasharray: s.dash,
        }),
      ),
    );
  }
  marks.push(
    Plot.tip(
      rows,
      Plot.pointer({
        x: (r: PhaseRow) => Math.sqrt(r.x1 * r.x2),
        y: (r: PhaseRow) => (strip ? 0.5 : yLog ? Math.sqrt(r.y1 * r.y2) : (r.y1 + r.y2) / 2),
        fx,
        title: (r: PhaseRow) => tipText(r, layout, options.x),
      }),
    ),
  );
  if (yLog) {
    // A log y axis labelled at exactly the swept values (Plot's log formatter would drop some, e.g. 8).
    const ticks = [...new Set(rows.map((r) => r.y))];
    marks.push(Plot.axisY(ticks, { text: (d: number) => String(d), label: fieldLabel(yKey, layout.eos) }));
  }
  const width = options.width ?? 680;
  // One panel's width (fx padding 0.1): fewer η labels in narrow panels, so they never run together.
  const marginLeft = strip ? 20 : 56;
  const panelWidth = faceted ? ((width - marginLeft - 20) / (facetDomain.length + 0.1)) * 0.9 : width - marginLeft - 20;
  return Plot.plot({
    title: options.title,
    width,
    height: strip ? 150 : 340,
    marginLeft,
    marginBottom: 40,
    x: {
      type: 'log',
      label: xLabel(options.x, layout.eosLengths),
      domain: xDomain,
      tickFormat: '~g',
      ...(panelWidth < 240 ? { ticks: ticksFor(panelWidth, 60) } : {}),
    },
    y: strip ? { axis: null, domain: [0, 1] } : { type: yLog ? 'log' : 'linear', label: fieldLabel(yKey, layout.eos) },
    fx: faceted ? { label: null, domain: facetDomain, ...facetLabelLines(facetDomain, panelWidth) } : undefined,
    // Legend options (marginLeft, width) ride on the scale options; Plot passes them to the ramp.
    color: {
      type: 'linear',
      domain: fill === 'collapseProbability' || fill === 'finalLostShare' ? [0, 100] : fill === 'finalMeanLength' ? [0, lengthTop] : [0, 1], // percent: true scales values by 100
      scheme: fill === 'collapseProbability' || fill === 'finalLostShare' ? 'YlOrRd' : fill === 'finalMeanLength' ? 'Viridis' : 'RdYlBu',
      legend: true,
      marginLeft: 12, // room for the first tick label of the ramp
      width: 260,
      label: fillLabel(fill),
      percent: fill === 'collapseProbability' || fill === 'finalLostShare',
    } as Plot.ScaleOptions,
    clip: true,
    marks,
  });
}
