/**
 * The exact-mode training run in float64 with the theory's bookkeeping at every step: Δμ_k, the
 * Theorem-1 step size at θ_k, the cumulative progress M(k) and the predicted floor on J(k)
 * (reconstructed Theorem 1, SPEC 1.1). The engine runs the same update in f32; this twin gives
 * the Δμ_k that the engine does not report, so the floor can be drawn under its trajectory.
 *
 * @example
 *   const rows = exactTrajectory(inst, params, theta0);
 *   rows.every((r) => !r.certified || engineJ[r.step] >= r.bound);
 */
import type { Instance } from '../model/index.ts';
import type { RunParams } from '../engine/index.ts';
import { alignment, expectedUpdate } from './expected-update.ts';
import { gradientGap } from './gradient-gap.ts';
import { progressIncrement, scoreBounds, successRateLowerBound, theorem1StepSize } from './theorem-one.ts';
import { checkInstance, checkTheta, TheoryInputError } from './theory-input.ts';

export interface TrajectoryStep {
  step: number; // k
  J: number; // J(θ_k), float64
  deltaMu: number; // Δμ_k = ⟨E[w], g⟩ at θ_k
  theorem1StepSize: number; // max(0, Δμ_k) / (2(L_o + 8G_o²)) at θ_k
  M: number; // M(k) = Σ_{j<k} η·max(0, Δμ_j)
  bound: number; // J0 / (J0 + (1 − J0)·exp(−M(k)/2))
  conditionHolds: boolean; // η ≤ theorem1StepSize at θ_k
  certified: boolean; // the condition held at every step j < k, so Theorem 1 claims J(k) ≥ bound
}

export type TrajectoryParams = Pick<
  RunParams,
  'mode' | 'exactDirection' | 'advantage' | 'aggregation' | 'G' | 'B' | 'epsilon' | 'std' | 'family' | 'stepSize' | 'iterations'
>;

/** Runs `p.iterations` plain-SGD steps θ ← θ + η·E[w] from θ0 and returns one row per step 0..iterations. */
export function exactTrajectory(inst: Instance, p: TrajectoryParams, theta0: ArrayLike<number>): TrajectoryStep[] {
  checkInstance(inst);
  checkTheta(theta0, inst.d, 'theta0');
  const eta = p.stepSize;
  if (!(eta > 0 && Number.isFinite(eta))) throw new TheoryInputError('stepSize', `stepSize = ${eta}: must be a finite number > 0`);
  if (!(Number.isInteger(p.iterations) && p.iterations >= 0 && p.iterations <= 100_000)) {
    throw new TheoryInputError('iterations', `iterations = ${p.iterations}: must be an integer in [0, 100000]`);
  }
  const bounds = scoreBounds(inst, p.aggregation, p.B * p.G);
  const theta = Float64Array.from(theta0);
  const rows: TrajectoryStep[] = [];
  let J0 = NaN;
  let M = 0;
  let certified = true;
  for (let step = 0; step <= p.iterations; step++) {
    const gg = gradientGap(inst, theta);
    if (step === 0) J0 = gg.J;
    const w = expectedUpdate(inst, p, gg);
    const deltaMu = alignment(w, gg.gap);
    const stepBound = theorem1StepSize(deltaMu, bounds);
    const conditionHolds = eta <= stepBound;
    rows.push({ step, J: gg.J, deltaMu, theorem1StepSize: stepBound, M, bound: successRateLowerBound(J0, M), conditionHolds, certified });
    if (step === p.iterations) break;
    M += progressIncrement(eta, deltaMu);
    certified &&= conditionHolds;
    for (let k = 0; k < theta.length; k++) theta[k] += eta * w[k];
  }
  return rows;
}
