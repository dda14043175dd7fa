/**
 * The exact one-step threshold of a transformer run (SPEC 1.4, 1.10): the largest η such that one
 * plain SGD step along the exact expected update still raises the training J,
 * J(θ + η'·D) > J(θ) for every η' in (0, η] — equivalently the first η > 0 at which the step no
 * longer raises J. The definition, statuses and search are the log-linear one's
 * (src/theory/one-step-threshold.ts): a quarter-octave log grid from where the first-order gain in
 * logit J is 1e-4 brackets the first η at which J does not rise, bisection in log η narrows the
 * bracket to a relative width of 1e-6, J is compared through logit J (accurate in both tails), and
 * a dip narrower than one grid ratio can be missed. Every J(θ + η·D) is exact: one teacher-forced
 * forward per training prompt, in float64.
 *
 * The search is written here again rather than shared because the log-linear one sits in the theory
 * layer, above the model; both follow the same definition.
 *
 * @example
 *   const r = transformerOneStepThreshold(twin, theta, set, { ...params, advantageFactor: expectedAdvantageFactor });
 *   if (r.status === 'found') r.stepSize; // J rises at r.bracket[0], not at r.bracket[1]
 */
import { searchRiseThreshold } from '../rise-search.ts';
import type { Numbers } from './precision.ts';
import type { TaskSet } from './tasks.ts';
import type { TransformerTwin } from './twin.ts';
import { float64Twin, trainingPairs, transformerExpectedUpdate, type TransformerUpdateParams } from './expected-update.ts';

/** The largest η the search tries by default: the engine's limit on a step size (as the log-linear ONE_STEP_ETA_MAX). */
export const TRANSFORMER_ETA_MAX = 1e6;

export type ThresholdStatus =
  | 'found' // J rises below stepSize and not just above it
  | 'not-found-below-max' // J rises at every η tried up to etaMax: stepSize = +∞
  | 'zero-update' // D = 0: J never moves, stepSize = 0
  | 'not-ascent'; // J does not rise for small η (⟨D, g⟩ ≤ 0): stepSize = 0

export interface TransformerThreshold {
  stepSize: number; // raw η; +∞ or 0 as the status says
  status: ThresholdStatus;
  bracket: [number, number] | null; // J rises at bracket[0] and does not at bracket[1]
  recoversAt: number | null; // smallest grid η above the threshold where J again exceeds J(θ), if scanned and any below etaMax
  J: number; // J(θ), float64
  deltaMu: number; // ⟨D, g⟩ at θ
  evaluations: number; // J evaluations spent (each: N teacher-forced forwards)
  relativeTolerance: number;
  etaMax: number;
}

export interface ThresholdSearchOptions {
  etaMax?: number; // largest η tried (default 1e6)
  relativeTolerance?: number; // bracket width hi/lo − 1 at the end (default 1e-6)
  gridRatio?: number; // ratio between grid points when bracketing (default 2^(1/4))
  scanToMax?: boolean; // keep scanning above the threshold to fill `recoversAt` (default true, as the log-linear search; a per-run caller passes false)
}

/**
 * logit of the mean J over the training prompts at θ, in float64: log J − log(1 − J) with
 * J = mean exp(ℓ_x) and 1 − J = mean −expm1(ℓ_x), so neither tail loses digits.
 */
export function trainingSuccessLogit(twin: TransformerTwin, theta: Numbers, set: TaskSet): { J: number; logit: number } {
  const t64 = float64Twin(twin);
  const pairs = trainingPairs(set);
  const logPi = pairs.map((p) => t64.responseLogProb(theta, p.prompt, p.target));
  const top = Math.max(...logPi);
  let sum = 0;
  let fail = 0;
  for (const l of logPi) {
    sum += Math.exp(l - top);
    fail += -Math.expm1(l);
  }
  const logJ = top + Math.log(sum / pairs.length);
  const J = Math.exp(logJ);
  return { J, logit: logJ - Math.log(fail / pairs.length) };
}

function checkOptions(o: ThresholdSearchOptions): { etaMax: number; relativeTolerance: number; ratio: number } {
  const etaMax = o.etaMax ?? TRANSFORMER_ETA_MAX;
  const relativeTolerance = o.relativeTolerance ?? 1e-6;
  const ratio = o.gridRatio ?? 2 ** 0.25;
  if (!(etaMax > 0 && Number.isFinite(etaMax))) throw new RangeError(`etaMax = ${etaMax}: must be a finite number > 0`);
  if (!(relativeTolerance > 0 && relativeTolerance < 1)) throw new RangeError(`relativeTolerance = ${relativeTolerance}: must be in (0, 1)`);
  if (!(ratio > 1 && ratio <= 16)) throw new RangeError(`gridRatio = ${ratio}: must be in (1, 16]`);
  return { etaMax, relativeTolerance, ratio };
}

/** The one-step threshold along an explicit direction D from θ, with ⟨D, g⟩ = deltaMu given. */
export function transformerThresholdAlong(
  twin: TransformerTwin,
  theta: Numbers,
  set: TaskSet,
  direction: ArrayLike<number>,
  deltaMu: number,
  options: ThresholdSearchOptions = {},
): TransformerThreshold {
  const { etaMax, relativeTolerance, ratio } = checkOptions(options);
  const n = theta.length;
  if (direction.length !== n) throw new RangeError(`the direction has ${direction.length} entries; θ has ${n}`);
  // Float64Array throughout: the float64 twin then sees one array kind (a Float32Array θ makes its forward polymorphic and several times slower).
  const th = theta instanceof Float64Array ? theta : Float64Array.from(theta);
  const base = trainingSuccessLogit(twin, th, set);
  let evaluations = 1;
  const result = (stepSize: number, status: ThresholdStatus, bracket: [number, number] | null, recoversAt: number | null = null): TransformerThreshold => ({
    stepSize,
    status,
    bracket,
    recoversAt,
    J: base.J,
    deltaMu,
    evaluations,
    relativeTolerance,
    etaMax,
  });
  let zero = true;
  for (let i = 0; i < n && zero; i++) zero = direction[i] === 0;
  if (zero) return result(0, 'zero-update', null);
  if (!(deltaMu > 0)) return result(0, 'not-ascent', null);

  const point = new Float64Array(n);
  const rises = (eta: number) => {
    for (let i = 0; i < n; i++) point[i] = th[i] + eta * direction[i];
    evaluations++;
    return trainingSuccessLogit(twin, point, set).logit > base.logit;
  };
  const found = searchRiseThreshold(rises, deltaMu, { etaMax, relativeTolerance, ratio, scanToMax: options.scanToMax });
  return result(found.stepSize, found.status, found.bracket, found.recoversAt);
}

/**
 * The one-step threshold of the run's algorithm from θ (e.g. θ after its SFT warm start): the line
 * search along the exact expected update D(θ) (expected-update.ts). Throws ExpectedUpdateRefusal
 * where D has no closed form (batch-std with B > 1, the PPO loop, β > 0).
 */
export function transformerOneStepThreshold(
  twin: TransformerTwin,
  theta: Numbers,
  set: TaskSet,
  params: TransformerUpdateParams,
  options: ThresholdSearchOptions = {},
): TransformerThreshold {
  const u = transformerExpectedUpdate(twin, theta, set, params);
  return transformerThresholdAlong(twin, theta, set, u.direction, u.deltaMu, options);
}
