/**
 * What a plot draws over a sweep's results, computed here so that the figures only draw: the
 * theory curves (with their legend text, whether the formula is reconstructed, and the field they
 * run over) and the empirical critical step size of each series with its bootstrap interval, as
 * plain points in the plot's coordinates (η or effective step size against the y field).
 *
 * @example
 *   const { curves } = theoryCurvesFor(spec, { y: 'L' });
 *   const thresholds = empiricalThresholds(summary);          // the bootstrap, once per summary
 *   const points = criticalPoints(thresholds.rows, { crossing: 'mean', yKey: 'L' });
 */
import { isPlainSgd, OPTIMIZER_DEFAULTS, withDefaults, type GridKey, type OptimizerKey, type SweepSpecInput } from '../engine/index.ts';
import type { SweepSummary } from '../results/index.ts';
import { empiricalCriticalStepSize, type EmpiricalThreshold } from './empirical-threshold.ts';
import { ONE_STEP_ETA_MAX } from './one-step-threshold.ts';
import { theoryCurves, CURVE_AXES, type CurveAxis, type TheoryCurveRow } from './theory-curves.ts';

/** A theory curve: points (η, y) in raw and effective step size. */
export interface TheoryCurve {
  name: string; // e.g. 'one-step'
  label: string; // legend text
  reconstructed: boolean; // the formula is our reconstruction of the paper's, not its statement
  axis?: CurveAxis; // the field the curve runs over (L, J0 or G): the theory table's first column
  // low/high (raw η) and their effective values: a band over seeds where the curve has one (the transformer's quartiles; null: that end unknown, 0 or +∞).
  points: {
    sweep: string;
    facet: string;
    y: number;
    stepSize: number;
    effectiveStepSize: number;
    low?: number | null;
    high?: number | null;
    lowEffective?: number | null;
    highEffective?: number | null;
  }[];
  // y values with no point, and why (no threshold below the search limit, or not an ascent direction at θ0):
  // the theory table shows them as "—" with the reason rather than dropping the row.
  gaps: { sweep: string; facet: string; y: number; reason: string }[];
}

/** Why a curve has no point at one y: the median instance's status, in words. */
export function curveGapReason(row: Pick<TheoryCurveRow, 'curve' | 'status' | 'instances' | 'found'>, etaMax = ONE_STEP_ETA_MAX): string {
  const over = `median of ${row.instances} instance${row.instances === 1 ? '' : 's'}; ${row.found} with a finite threshold`;
  if (row.status === 'not-found-below-max')
    return `unbounded: one expected step still raises J at every η tried, up to ${etaMax.toExponential(0).replace('e+', 'e')} (${over})`;
  return row.curve === 'theorem-1'
    ? `0: the update is not aligned with the gap at θ0 (Δμ ≤ 0; ${over})`
    : `0: the expected update does not raise J at θ0 for any η > 0 (${over})`;
}

/** Theory curves, or the reason there are none. */
export interface TheoryCurves {
  curves: TheoryCurve[];
  reason?: string;
  note?: string; // what the curves are of, where that is not the one prompt of the paper (MIXTURE_NOTE)
  fromResults?: boolean; // taken from the sweep's results (a transformer sweep's per-run thresholds), not its spec alone
}

/**
 * With many token prompts (SPEC 1.8) the curves are computed for the mixture, not for one prompt:
 * theory-curves.ts builds the sweep's own N-prompt instance, whose J is the mean of the J_q, whose
 * expected update is mean_q c(J_q)·∇J_q (each group answers one prompt drawn uniformly, whatever B),
 * and whose gap is the mixture's E[s | r=1] − E[s | r=0]. Theorem 1 is read with (prompt, response)
 * as one response (ours); its score bounds already run over every start state. No prompt's own
 * threshold is drawn: a mean-J threshold says nothing of when a single prompt is lost.
 */
export const MIXTURE_NOTE =
  'many prompts (SPEC 1.8): the curves are the mixture’s — the one-step threshold is where the mean J over the N prompts stops rising under E[w] = mean_q c(J_q)·∇J_q, and Theorem 1 treats (prompt, response) as one response; no single prompt’s threshold is drawn';

/** True when some cell of the sweep has N > 1 token prompts (SPEC 1.8). */
function hasManyTokenPrompts(spec: SweepSpecInput): boolean {
  const { base } = withDefaults(spec);
  return base.family === 'token' && (spec.grid?.N ?? [base.N]).some((N) => N > 1);
}

export const THEORY_CURVE_LABELS: Record<string, { label: string; reconstructed: boolean }> = {
  'one-step': { label: 'exact one-step threshold at θ0', reconstructed: false },
  'theorem-1': { label: 'Theorem-1 step size (reconstructed)', reconstructed: true },
};

export interface TheoryCurvesOptions {
  y: string | null; // the field to run over; null: the first of L, J0, G the sweep varies (else L)
  curves?: readonly string[]; // names (THEORY_CURVE_LABELS); default all
  instances?: number; // seed instances per point (theoryCurves)
  sweep?: string; // sweep label the points carry (a compare view tells sweeps apart by it)
}

/**
 * Why the theory's curves do not apply to a sweep, or null when they do. The Theorem-1 step and
 * the one-step threshold are derived for plain SGD steps θ ← θ + η·w; clipping, a schedule,
 * momentum or Adam change the step (Adam moves each coordinate by about η whatever ‖w‖), so the
 * curves are never drawn as if they applied (SPEC 1.6).
 */
export function sgdOnlyReason(spec: SweepSpecInput): string | null {
  const p = { ...OPTIMIZER_DEFAULTS, ...(spec.base ?? {}) };
  const swept = (Object.keys(OPTIMIZER_DEFAULTS) as OptimizerKey[]).filter((k) =>
    (spec.grid as Record<string, unknown[]> | undefined)?.[k]?.some((v) => v !== OPTIMIZER_DEFAULTS[k]),
  );
  if (isPlainSgd(p) && swept.length === 0) return null;
  const what =
    p.optimizer !== 'sgd'
      ? `optimizer ${p.optimizer}`
      : p.maxGradNorm !== null
        ? 'gradient clipping'
        : swept.length
          ? `a grid over ${swept.join(', ')}`
          : 'a schedule or weight decay';
  return `SGD only: the Theorem-1 step and the one-step threshold are derived for plain SGD steps; this sweep uses ${what}`;
}

/**
 * Theory curves over a sweep's y field (L, J0 or G); a reason instead when they cannot be computed
 * (batch-std over several prompts has no closed-form E[w], for one); with many token prompts a note
 * that they are the mixture's (MIXTURE_NOTE).
 */
export function theoryCurvesFor(spec: SweepSpecInput, options: TheoryCurvesOptions): TheoryCurves {
  // Unset y: the first of L, J0, G the sweep varies, else L — or J0 for a bandit, whose L is 1 (an
  // unset y must never come back as "y = L: a bandit has L = 1", naming a y the user did not set).
  const fallback: CurveAxis = spec.base?.family === 'bandit' ? 'J0' : 'L';
  const y = (options.y ??
    (['L', 'J0', 'G'] as const).find((k) => (spec.grid?.[k]?.length ?? 0) > 1 && !(k === 'L' && fallback === 'J0')) ??
    fallback) as CurveAxis;
  if (!CURVE_AXES.includes(y)) return { curves: [], reason: `theory curves are drawn over ${CURVE_AXES.join(', ')}; this plot's y is ${options.y}` };
  let rows;
  try {
    rows = theoryCurves(spec, { y, instances: options.instances });
  } catch (error) {
    return { curves: [], reason: (error as Error).message };
  }
  const notSgd = sgdOnlyReason(spec);
  if (notSgd) return { curves: [], reason: notSgd };
  const wanted = options.curves ?? Object.keys(THEORY_CURVE_LABELS);
  return {
    ...(hasManyTokenPrompts(spec) ? { note: MIXTURE_NOTE } : {}),
    curves: wanted.map((name) => ({
      name,
      label: THEORY_CURVE_LABELS[name]?.label ?? name,
      reconstructed: THEORY_CURVE_LABELS[name]?.reconstructed ?? true,
      axis: y,
      points: rows
        .filter((r) => r.curve === name && r.eta !== null)
        .map((r) => ({ sweep: options.sweep ?? '', facet: r.series === 'all' ? '' : r.series, y: r.y, stepSize: r.eta!, effectiveStepSize: r.effectiveEta! })),
      gaps: rows
        .filter((r) => r.curve === name && r.eta === null)
        .map((r) => ({ sweep: options.sweep ?? '', facet: r.series === 'all' ? '' : r.series, y: r.y, reason: curveGapReason(r) })),
    })),
  };
}

/** Bootstrap resamples behind a plotted interval: enough for a stable 95% interval, quick enough to redraw. */
export const PLOT_RESAMPLES = 400;

/** Empirical thresholds of a sweep, one row per series, or the reason there are none (η swept over fewer than 2 values). */
export interface EmpiricalThresholds {
  rows: EmpiricalThreshold[];
  reason?: string;
}

/** The empirical critical step sizes of a summary's series, with bootstrap intervals over seeds. */
export function empiricalThresholds(summary: SweepSummary, resamples = PLOT_RESAMPLES): EmpiricalThresholds {
  if ((summary.spec.grid.stepSize?.length ?? 0) < 2) return { rows: [], reason: 'the sweep varies η over fewer than 2 values' };
  try {
    return { rows: empiricalCriticalStepSize(summary, { resamples }) };
  } catch (error) {
    return { rows: [], reason: (error as Error).message };
  }
}

/** One series' critical step size, in plot coordinates; `x` is null when the series never crosses inside the grid. */
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

export interface CriticalOptions {
  crossing?: 'mean' | 'collapse'; // mean final J first below J0 (default), or collapse probability first ≥ 1/2
  effective?: boolean; // x in effective step size (η · the aggregation's scale) instead of η
  yKey: GridKey | null; // the field on y; null: one point per series
  sweep?: string; // sweep label the points carry
  where?: Partial<Record<GridKey, number | string>>; // only series with these values
}

/** The critical points of computed thresholds, placed on a plot's axes, in order of y. */
export function criticalPoints(rows: readonly EmpiricalThreshold[], options: CriticalOptions): CriticalPoint[] {
  const out: CriticalPoint[] = [];
  for (const row of rows) {
    if (options.where && !Object.entries(options.where).every(([k, v]) => row.values[k as GridKey] === undefined || row.values[k as GridKey] === v)) continue;
    const crossing = options.crossing === 'collapse' ? row.collapseCrossing : row.meanCrossing;
    const scale = options.effective ? row.effectiveScale : 1;
    const y = options.yKey ? Number(row.values[options.yKey]) : 0;
    const facet = Object.entries(row.values)
      .filter(([k]) => k !== options.yKey)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    const s = (v: number | null) => (v === null ? null : v * scale);
    out.push({
      sweep: options.sweep ?? '',
      facet,
      y,
      x: s(crossing.stepSize),
      low: s(crossing.low),
      high: s(crossing.high),
      status: crossing.status,
      seeds: row.seeds,
    });
  }
  return out.sort((a, b) => a.y - b.y);
}
