/**
 * Theory curves for the notebook's plots, as plain rows Observable Plot can draw:
 * - `theoryCurves`: the Theorem-1 step size and the exact one-step threshold at θ0, over the
 *   phase diagram's y-axis (L, J0 or G), in raw and effective step size;
 * - `boundCurve`: the predicted floor on J(K) to draw under an exact-mode trajectory.
 *
 * Both are computed on the sweep's own instances (seed indices 0, 1, … of spec.seed, with θ0
 * rounded to f32 as the engine stores it). A curve point is the median over the first
 * `instances` seed instances (default 5): the threshold varies from instance to instance, and
 * the median is robust to the odd instance whose threshold is not found below etaMax.
 *
 * @example
 *   const rows = theoryCurves(spec, { y: 'L' });
 *   Plot.line(rows, { x: 'effectiveEta', y: 'y', stroke: 'curve' });
 *   const floor = boundCurve(spec, { cell: 0, seedIndex: 0 }); // rows { step, J, bound, … }
 */
import { expandGrid, effectiveStepSize, recordSteps, withDefaults, type Cell, type GridKey, type RunParams, type SweepSpecInput } from '../engine/index.ts';
import { initialTheta, InitError, makeInstance, type Instance } from '../model/index.ts';
import { exactTrajectory, type TrajectoryStep } from './exact-trajectory.ts';
import { alignment, expectedUpdate } from './expected-update.ts';
import { gradientGap } from './gradient-gap.ts';
import { criticalStepSize, type CriticalStatus } from './one-step-threshold.ts';
import { scoreBounds, theorem1StepSize } from './theorem-one.ts';
import { checkRunParams, checkSpecInput, TheoryInputError } from './theory-input.ts';

export type CurveAxis = 'L' | 'J0' | 'G';
export const CURVE_AXES: readonly CurveAxis[] = ['L', 'J0', 'G'];

export interface TheoryCurveRow {
  axis: CurveAxis; // which parameter y is
  y: number; // its value
  curve: 'theorem-1' | 'one-step'; // Theorem-1 step size (reconstructed) or exact one-step threshold
  eta: number | null; // median over instances, raw η; null when the status is not 'found'
  effectiveEta: number | null; // eta · the aggregation's length scale
  etaLow: number | null; // smallest over instances (null when none was found)
  etaHigh: number | null; // largest over instances (null when one was not found below etaMax)
  status: CriticalStatus; // of the median
  instances: number; // instances the median is over
  found: number; // instances with a finite, positive value
  values: Partial<Record<GridKey, number | string>>; // the other grid axes of this series (algorithm, …)
  series: string; // the same as text, for a legend
}

export interface CurveOptions {
  y: CurveAxis;
  values?: number[]; // y values; default: spec.grid[y], else the base value
  instances?: number; // seed instances per point (default 5, or all seeds when fewer)
  etaMax?: number; // one-step search limit (default 1e6)
  relativeTolerance?: number; // one-step search tolerance (default 1e-6)
}

const SCALAR_KEYS: readonly GridKey[] = ['L', 'J0', 'G', 'V', 'd', 'N', 'K', 'B', 'advantage', 'aggregation'];

/** Instance and f32-rounded θ0 of seed index s, cached: the instance does not depend on J0, G or the algorithm. */
class InstanceCache {
  private readonly instances = new Map<string, Instance>();
  private readonly thetas = new Map<string, Float64Array>();
  constructor(private readonly seed: number) {}
  get(p: RunParams, s: number): { inst: Instance; theta0: Float64Array } {
    const key = `${p.family}|${p.features}|${p.reward}|${p.V}|${p.L}|${p.N}|${p.K}|${p.d}|${s}`;
    let inst = this.instances.get(key);
    if (!inst) this.instances.set(key, (inst = makeInstance(p, this.seed, s)));
    const thetaKey = `${key}|${p.theta0 ? p.theta0.join(',') : p.J0}`;
    let theta0 = this.thetas.get(thetaKey);
    if (!theta0) {
      try {
        theta0 = Float64Array.from(Float32Array.from(initialTheta(inst, p)));
      } catch (error) {
        if (error instanceof InitError) throw new TheoryInputError('J0', error.message);
        throw error;
      }
      this.thetas.set(thetaKey, theta0);
    }
    return { inst, theta0 };
  }
}

/** Median of positive values that may include 0 (none) and +∞ (not found); geometric mean of the middle pair. */
export function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const m = v.length >> 1;
  if (v.length % 2) return v[m];
  const [a, b] = [v[m - 1], v[m]];
  return a === 0 || b === 0 ? 0 : Number.isFinite(a) && Number.isFinite(b) ? Math.sqrt(a * b) : Infinity;
}

function row(axis: CurveAxis, cell: Cell, curve: TheoryCurveRow['curve'], values: number[]): TheoryCurveRow {
  const mid = median(values);
  const status: CriticalStatus = mid === Infinity ? 'not-found-below-max' : mid > 0 ? 'found' : 'not-ascent';
  const eta = status === 'found' ? mid : null;
  const found = values.filter((v) => v > 0 && Number.isFinite(v));
  const others = { ...cell.values };
  delete others[axis];
  return {
    axis,
    y: cell.params[axis],
    curve,
    eta,
    effectiveEta: eta === null ? null : effectiveStepSize({ ...cell.params, stepSize: eta }),
    etaLow: found.length ? Math.min(...found) : null,
    etaHigh: found.length === values.length ? Math.max(...found) : null,
    status,
    instances: values.length,
    found: found.length,
    values: others,
    series:
      Object.entries(others)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || 'all',
  };
}

/** Theorem-1 and one-step threshold rows for every y value and every combination of the other grid axes. */
export function theoryCurves(input: SweepSpecInput, options: CurveOptions): TheoryCurveRow[] {
  checkSpecInput(input);
  const spec = withDefaults(input);
  const axis = options.y;
  if (!CURVE_AXES.includes(axis)) throw new TheoryInputError('y', `y = ${JSON.stringify(axis)}: must be one of ${CURVE_AXES.join(', ')}`);
  if (axis === 'L' && spec.base.family === 'bandit') throw new TheoryInputError('y', 'y = L: a bandit has L = 1; use J0 or G');
  const n = options.instances ?? Math.min(5, spec.seeds);
  if (!Number.isInteger(n) || n < 1 || n > spec.seeds)
    throw new TheoryInputError('instances', `instances = ${n}: must be an integer in [1, seeds = ${spec.seeds}]`);
  const grid: SweepSpecInput['grid'] = {};
  for (const key of SCALAR_KEYS) if (spec.grid[key]) (grid as Record<string, unknown>)[key] = spec.grid[key];
  (grid as Record<string, unknown>)[axis] = options.values ?? spec.grid[axis] ?? [spec.base[axis]];
  const curveSpec = { ...spec, grid };
  checkSpecInput(curveSpec); // the y values get the engine's own range checks
  const cache = new InstanceCache(spec.seed);
  const rows: TheoryCurveRow[] = [];
  for (const cell of expandGrid(curveSpec)) {
    checkRunParams(cell.params);
    const theorem1: number[] = [];
    const oneStep: number[] = [];
    for (let s = 0; s < n; s++) {
      const { inst, theta0 } = cache.get(cell.params, s);
      const gg = gradientGap(inst, theta0);
      const w = expectedUpdate(inst, cell.params, gg);
      theorem1.push(theorem1StepSize(alignment(w, gg.gap), scoreBounds(inst, cell.params.aggregation, cell.params.B * cell.params.G)));
      const r = criticalStepSize(inst, theta0, w, { etaMax: options.etaMax, relativeTolerance: options.relativeTolerance, scanToMax: false });
      oneStep.push(r.stepSize);
    }
    rows.push(row(axis, cell, 'theorem-1', theorem1), row(axis, cell, 'one-step', oneStep));
  }
  return rows;
}

export interface BoundCurveOptions {
  cell?: number; // grid cell whose parameters (η, L, J0, algorithm) are used (default 0)
  seedIndex?: number; // which seed instance (default 0)
  allSteps?: boolean; // every step instead of the spec's recorded steps (default false)
}

/**
 * The predicted floor on J(K) (reconstructed Theorem 1) along the float64 exact-mode twin of one run,
 * at the spec's recorded steps so it lines up with the engine's trajectory. For a sampled spec this
 * is the noise-free expected-update run. Rows with `certified: false` are where η exceeded the
 * Theorem-1 step size earlier in the run, so the theorem no longer guarantees the floor.
 */
export function boundCurve(input: SweepSpecInput, options: BoundCurveOptions = {}): TrajectoryStep[] {
  checkSpecInput(input);
  const spec = withDefaults(input);
  const cells = expandGrid(spec);
  const c = options.cell ?? 0;
  const s = options.seedIndex ?? 0;
  if (!Number.isInteger(c) || c < 0 || c >= cells.length) throw new TheoryInputError('cell', `cell = ${c}: must be an integer in [0, ${cells.length - 1}]`);
  if (!Number.isInteger(s) || s < 0 || s >= spec.seeds)
    throw new TheoryInputError('seedIndex', `seedIndex = ${s}: must be an integer in [0, ${spec.seeds - 1}]`);
  const p = cells[c].params;
  checkRunParams(p);
  const { inst, theta0 } = new InstanceCache(spec.seed).get(p, s);
  const rows = exactTrajectory(inst, p, theta0);
  if (options.allSteps) return rows;
  return recordSteps(p.iterations, p.recordEvery).map((k) => rows[k]);
}
