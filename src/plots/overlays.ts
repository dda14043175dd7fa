/**
 * What is drawn over a phase diagram: the empirical critical step size of each row (from
 * src/theory, with its bootstrap interval) and theory curves. Both are plain points in the
 * plot's coordinates (η or effective step size against the y field).
 *
 * @example
 *   const points = criticalPoints(summary, { rule: 'mean-below-J0', x: 'stepSize', yKey: 'L' });
 */
import type { GridKey } from '../engine/spec.ts';
import type { CriticalRule, PlotX } from '../notebook/cell-config.ts';
import { summaryCells, type SweepSummary } from '../results/summary.ts';
import type { SweepResult } from '../engine/results.ts';
import type { SweepSpecInput } from '../engine/spec.ts';
import { empiricalCriticalStepSize, theoryCurves, CURVE_AXES, type CurveAxis, type EmpiricalThreshold } from '../theory/index.ts';

/** One row's critical step size, in plot coordinates; `x` is null when the row never crosses inside the grid. */
export interface CriticalPoint {
  sweep: string;
  facet: string;
  y: number;
  x: number | null;
  low: number | null; // bootstrap interval (95%); null = beyond the grid on that side
  high: number | null;
  status: 'found' | 'below-grid' | 'above-grid';
  seeds: number;
}

/** A theory curve: points (η, y) in raw and effective step size, from src/theory. */
export interface TheoryCurve {
  name: string; // e.g. 'one-step'
  label: string; // legend text
  reconstructed: boolean; // the formula is our reconstruction of the paper's, not its statement
  axis?: CurveAxis; // the field the curve runs over (L, J0 or G): the theory table's first column
  points: { sweep: string; facet: string; y: number; stepSize: number; effectiveStepSize: number }[];
}

/** The engine-result view the theory module reads, rebuilt from a summary (cells are derived, not stored). */
export function asSweepResult(summary: SweepSummary): SweepResult {
  return {
    spec: summary.spec,
    specHash: summary.specHash,
    cells: summaryCells(summary),
    cellStats: summary.cellStats,
    runs: { finalJ: summary.finalJ, diverged: summary.diverged, initialJ: summary.initialJ, minJ: summary.minJ, runCount: summary.finalJ.length, recordSteps: summary.recordSteps, trajectory: new Float32Array(0), thetaNorm: new Float32Array(0), gradientNorm: new Float32Array(0), gapNorm: new Float32Array(0) },
    backend: summary.backend,
    wallMs: summary.wallMs,
    complete: summary.complete,
    stopReason: summary.stopReason,
    message: summary.message,
    runsDone: summary.runsDone,
  };
}

/** Empirical thresholds of a sweep, or a reason when there are none (η not swept over ≥ 2 values). */
export function empiricalThresholds(summary: SweepSummary, resamples = 400): { rows: EmpiricalThreshold[]; reason?: string } {
  if ((summary.spec.grid.stepSize?.length ?? 0) < 2) return { rows: [], reason: 'the sweep varies η over fewer than 2 values' };
  try {
    return { rows: empiricalCriticalStepSize(asSweepResult(summary), { resamples }) };
  } catch (error) {
    return { rows: [], reason: (error as Error).message };
  }
}

export interface CriticalOptions {
  rule?: CriticalRule;
  x?: PlotX;
  yKey: GridKey | null;
  sweep?: string;
  where?: Partial<Record<GridKey, number | string>>;
  resamples?: number;
}

/** Critical points per row of the phase diagram. */
export function criticalPoints(summary: SweepSummary, options: CriticalOptions): CriticalPoint[] {
  const { rows } = empiricalThresholds(summary, options.resamples);
  const out: CriticalPoint[] = [];
  for (const row of rows) {
    if (options.where && !Object.entries(options.where).every(([k, v]) => row.values[k as GridKey] === undefined || row.values[k as GridKey] === v)) continue;
    const crossing = options.rule === 'collapse-half' ? row.collapseCrossing : row.meanCrossing;
    const scale = options.x === 'effectiveStepSize' ? row.effectiveScale : 1;
    const y = options.yKey ? Number(row.values[options.yKey]) : 0;
    const facet = Object.entries(row.values)
      .filter(([k]) => k !== options.yKey)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    const s = (v: number | null) => (v === null ? null : v * scale);
    out.push({ sweep: options.sweep ?? '', facet, y, x: s(crossing.stepSize), low: s(crossing.low), high: s(crossing.high), status: crossing.status, seeds: row.seeds });
  }
  return out.sort((a, b) => a.y - b.y);
}

export const THEORY_CURVE_LABELS: Record<string, { label: string; reconstructed: boolean }> = {
  'one-step': { label: 'exact one-step threshold at θ0', reconstructed: false },
  'theorem-1': { label: 'Theorem-1 step size (reconstructed)', reconstructed: true },
};

/**
 * How each theory curve is drawn, so two curves on one plot never look alike: its colour on the
 * phase diagram (the threshold plot colours by series and tells curves apart by dash alone), its
 * SVG dash pattern, and the CSS border style of its key swatch (`border-top: 2px <css> <stroke>`).
 */
export const THEORY_STYLES: Record<string, { stroke: string; dash: string; css: 'dashed' | 'dotted' }> = {
  'one-step': { stroke: '#e0218a', dash: '6,3', css: 'dashed' },
  'theorem-1': { stroke: '#6a3d9a', dash: '1.5,3', css: 'dotted' },
};
const OTHER_STYLE = { stroke: '#555', dash: '8,2,2,2', css: 'dashed' } as const;

/** The style of a theory curve by name (THEORY_STYLES; unknown names get a dash-dot grey). */
export function theoryStyle(name: string): { stroke: string; dash: string; css: 'dashed' | 'dotted' } {
  return THEORY_STYLES[name] ?? OTHER_STYLE;
}

/** Theory curves over a sweep's y field (L, J0 or G), from src/theory; a reason instead when they cannot be drawn. */
export function theoryCurvesFor(spec: SweepSpecInput, options: { y: string | null; curves?: string[]; instances?: number; sweep?: string }): { curves: TheoryCurve[]; reason?: string } {
  const y = (options.y ?? (['L', 'J0', 'G'] as const).find((k) => (spec.grid?.[k]?.length ?? 0) > 1) ?? 'L') as CurveAxis;
  if (!CURVE_AXES.includes(y)) return { curves: [], reason: `theory curves are drawn over ${CURVE_AXES.join(', ')}; this plot's y is ${options.y}` };
  let rows;
  try {
    rows = theoryCurves(spec, { y, instances: options.instances });
  } catch (error) {
    return { curves: [], reason: (error as Error).message };
  }
  const wanted = options.curves ?? Object.keys(THEORY_CURVE_LABELS);
  return {
    curves: wanted.map((name) => ({
      name,
      label: THEORY_CURVE_LABELS[name]?.label ?? name,
      reconstructed: THEORY_CURVE_LABELS[name]?.reconstructed ?? true,
      axis: y,
      points: rows
        .filter((r) => r.curve === name && r.eta !== null)
        .map((r) => ({ sweep: options.sweep ?? '', facet: r.series === 'all' ? '' : r.series, y: r.y, stepSize: r.eta!, effectiveStepSize: r.effectiveEta! })),
    })),
  };
}
