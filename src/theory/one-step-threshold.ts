/**
 * The exact one-step critical step size (SPEC 1.4): the largest η such that one step of the
 * expected update still raises J, J(θ + η'·w) > J(θ) for every η' in (0, η]. Above it the step
 * overshoots. J may rise again for much larger η (θ + η·w then follows w's own greedy path), so
 * the result also says whether that happens on the grid.
 *
 * Search: a quarter-octave log grid (ratio 2^(1/4)) brackets the first η where J no longer
 * rises, then bisection in log η narrows the bracket to a relative width `relativeTolerance`.
 * A dip narrower than one grid ratio can be missed. J is compared through logit J, which is
 * accurate in both tails (see success-rate.ts).
 *
 * @example
 *   const r = oneStepCriticalStepSize(inst, params, theta0);
 *   if (r.status === 'found') r.stepSize; // J rises at r.bracket[0], not at r.bracket[1]
 */
import { searchRiseThreshold, type Instance } from '../model/index.ts';
import { alignment, expectedUpdate, norm, type UpdateParams } from './expected-update.ts';
import { gradientGap } from './gradient-gap.ts';
import { successAt } from './success-rate.ts';
import { checkInstance, checkTheta, TheoryInputError } from './theory-input.ts';

/** The largest η the one-step search tries by default: the engine's limit on a step size. */
export const ONE_STEP_ETA_MAX = 1e6;

export type CriticalStatus =
  | 'found' // J rises below stepSize and not just above it
  | 'not-found-below-max' // J rises for every η tried up to etaMax: stepSize = +∞
  | 'zero-update' // E[w] = 0: J never moves, stepSize = 0
  | 'not-ascent'; // ⟨w, g⟩ ≤ 0: J does not rise for small η, stepSize = 0

export interface CriticalStepSize {
  stepSize: number; // raw η (the update's own scale); +∞ or 0 as the status says
  status: CriticalStatus;
  bracket: [number, number] | null; // J rises at bracket[0] and does not at bracket[1]
  recoversAt: number | null; // smallest grid η above the threshold where J again exceeds J(θ), if any below etaMax
  deltaMu: number; // ⟨w, g⟩ at θ
  evaluations: number; // J evaluations spent
  relativeTolerance: number;
  etaMax: number;
}

export interface SearchOptions {
  etaMax?: number; // largest η tried (default 1e6, the engine's limit)
  relativeTolerance?: number; // bracket width hi/lo − 1 at the end (default 1e-6)
  gridRatio?: number; // ratio between grid points when bracketing (default 2^(1/4))
  scanToMax?: boolean; // keep scanning the grid above the threshold to fill `recoversAt` (default true)
}

/** The one-step threshold along an explicit direction w from θ. */
export function criticalStepSize(inst: Instance, theta: ArrayLike<number>, w: ArrayLike<number>, options: SearchOptions = {}): CriticalStepSize {
  checkInstance(inst);
  checkTheta(theta, inst.d);
  checkTheta(w, inst.d, 'w');
  const etaMax = options.etaMax ?? ONE_STEP_ETA_MAX;
  const relativeTolerance = options.relativeTolerance ?? 1e-6;
  const ratio = options.gridRatio ?? 2 ** 0.25;
  if (!(etaMax > 0 && Number.isFinite(etaMax))) throw new TheoryInputError('etaMax', `etaMax = ${etaMax}: must be a finite number > 0`);
  if (!(relativeTolerance > 0 && relativeTolerance < 1))
    throw new TheoryInputError('relativeTolerance', `relativeTolerance = ${relativeTolerance}: must be in (0, 1)`);
  if (!(ratio > 1 && ratio <= 16)) throw new TheoryInputError('gridRatio', `gridRatio = ${ratio}: must be in (1, 16]`);

  const d = inst.d;
  const base = successAt(inst, theta).logit;
  const gg = gradientGap(inst, theta);
  const deltaMu = alignment(w, gg.gap);
  let evaluations = 1;
  const result = (stepSize: number, status: CriticalStatus, bracket: [number, number] | null, recoversAt: number | null = null): CriticalStepSize => ({
    stepSize,
    status,
    bracket,
    recoversAt,
    deltaMu,
    evaluations,
    relativeTolerance,
    etaMax,
  });
  if (norm(w) === 0) return result(0, 'zero-update', null);
  if (!(deltaMu > 0)) return result(0, 'not-ascent', null);

  const point = new Float64Array(d);
  const rises = (eta: number) => {
    for (let k = 0; k < d; k++) point[k] = theta[k] + eta * w[k];
    evaluations++;
    return successAt(inst, point).logit > base;
  };

  const found = searchRiseThreshold(rises, deltaMu, { etaMax, relativeTolerance, ratio, scanToMax: options.scanToMax });
  return result(found.stepSize, found.status, found.bracket, found.recoversAt);
}

/** The one-step threshold of the algorithm `p` from θ: the direction is E[w] (expected-update.ts). */
export function oneStepCriticalStepSize(inst: Instance, p: UpdateParams, theta: ArrayLike<number>, options: SearchOptions = {}): CriticalStepSize {
  checkInstance(inst);
  checkTheta(theta, inst.d);
  const w = expectedUpdate(inst, p, gradientGap(inst, theta));
  return criticalStepSize(inst, theta, w, options);
}
