/**
 * Exact quantities of a transformer run (SPEC 1.10), all by teacher forcing — no sampling noise:
 * - J(x) = π(y* | x) = exp Σ_t log π(y*_t | x, y*_<t), the success rate of exact match on prompt x;
 * - J over a set of prompts, their mean (as SPEC 1.8);
 * - the gradient gap g(x) = ∇log π(y* | x) / (1 − J(x)): with reward [o = y*], E[s | r = 1] = s(y*)
 *   and E[s | r = 0] = −J·s(y*)/(1 − J) because E[s] = 0, so μ⁺ − μ⁻ = s(y*)/(1 − J).
 *
 * @example
 *   const { perPrompt, mean } = teacherForcedSuccessRates(twin, theta, set.trainPrompts, set.trainTargets, k, m);
 *   const { J, gap } = gradientGap(twin, theta, prompt, target);
 */
import type { Numbers } from './precision.ts';
import type { TransformerTwin } from './twin.ts';

/** J(x) = r(exp(log π(y* | x))). */
export function teacherForcedSuccessRate(twin: TransformerTwin, theta: Numbers, prompt: ArrayLike<number>, target: ArrayLike<number>): number {
  return twin.model.precision.round(Math.exp(twin.responseLogProb(theta, prompt, target)));
}

/**
 * J(x) of every prompt of a set ([count][k] prompts, [count][m] targets) and their mean,
 * Σ_q r(acc + J_q) in prompt order, then r(/count). An empty set has mean NaN.
 */
export function teacherForcedSuccessRates(
  twin: TransformerTwin,
  theta: Numbers,
  prompts: Int32Array,
  targets: Int32Array,
  k: number,
  m: number,
): { perPrompt: Numbers; mean: number } {
  const count = prompts.length / k;
  const r = twin.model.precision.round;
  const perPrompt = twin.model.precision.array(count);
  let sum = 0;
  for (let q = 0; q < count; q++) {
    perPrompt[q] = teacherForcedSuccessRate(twin, theta, prompts.subarray(q * k, q * k + k), targets.subarray(q * m, q * m + m));
    sum = r(sum + perPrompt[q]);
  }
  return { perPrompt, mean: count === 0 ? NaN : r(sum / count) };
}

/**
 * The exact gradient gap of one prompt, g(x) = ∇log π(y* | x) / (1 − J(x)), with J(x). Where
 * J(x) = 1 in the working precision the gap is infinite (there are no failures to contrast).
 */
export function gradientGap(twin: TransformerTwin, theta: Numbers, prompt: ArrayLike<number>, target: ArrayLike<number>): { J: number; gap: Numbers } {
  const r = twin.model.precision.round;
  const gap = twin.model.precision.array(theta.length);
  const ones = new Float64Array(target.length).fill(1);
  const logPi = twin.addGradient(theta, prompt, target, ones, gap);
  const J = r(Math.exp(logPi));
  const denominator = r(1 - J);
  for (let i = 0; i < gap.length; i++) gap[i] = r(gap[i] / denominator);
  return { J, gap };
}
