/**
 * The exact expected update of a transformer run (SPEC 1.3, 1.10), in float64, no sampling:
 *   D(θ) = mean over the N training prompts of c(J_x)·scale·∇J_x,   ∇J_x = J_x·∇log π(y*_x | x).
 * Why it is exact: with a binary reward, E[A_i·s(o_i)] = c(J_x)·∇J_x for every advantage with a
 * closed-form factor c (src/engine/expected-advantage.ts: A_i depends on r_i and the successes among
 * the other G − 1 responses, independent of o_i); the aggregation multiplies the summed token score by
 * its length scale (fixed-length responses: 1 for seq-sum, 1/m for the others, B·G/m for
 * constant-no-batch), and each group answers a uniformly drawn prompt, so the batch's mean is the mean
 * over prompts (SPEC 1.8). ∇J_x comes from the twin's own backward with weights 1.
 *
 * c(J) is passed in (`advantageFactor`, the engine's expectedAdvantageFactor) so that it is computed in
 * one place; this file only sits under the engine and may not import it.
 *
 * @example
 *   const p = { advantage: 'group-std', aggregation: 'seq-sum', G: 8, B: 4, epsilon: 1e-4, std: 'unbiased', advantageFactor: expectedAdvantageFactor };
 *   const u = transformerExpectedUpdate(twin, theta, set, p);
 *   u.direction; // D(θ); u.deltaMu = ⟨D, g⟩ with g = ∇J/(J(1 − J)) the mixture's gap
 */
import { aggregationLengthScale, type Advantage, type Aggregation, type StdKind } from '../../spec/index.ts';
import { transformerModel } from './forward.ts';
import { F64, type Numbers } from './precision.ts';
import type { TaskSet } from './tasks.ts';
import { TransformerTwin } from './twin.ts';

/** c(J): E[A_i·s(o_i)] = c(J)·∇J for a group of G responses to a prompt of success rate J. */
export type AdvantageFactor = (advantage: Advantage, G: number, J: number, epsilon: number, std: StdKind) => number;

/** What decides the expected update of one on-policy SGD step (SPEC 1.3, 1.9). */
export interface TransformerUpdateParams {
  advantage: Advantage;
  aggregation: Aggregation;
  G: number;
  B: number;
  epsilon: number;
  std: StdKind;
  ppoEpochs?: number; // μ (default 1)
  miniBatches?: number; // M (default 1)
  klCoef?: number; // β (default 0)
  advantageFactor: AdvantageFactor; // the engine's expectedAdvantageFactor
}

/** The expected update at θ and what it was built from, all float64. */
export interface TransformerExpectedUpdate {
  direction: Float64Array; // D(θ), raw (before η)
  gradient: Float64Array; // ∇J = mean_x ∇J_x
  J: number; // mean_x J_x
  perPrompt: Float64Array; // J_x
  logProbs: Float64Array; // log π(y*_x | x)
  deltaMu: number; // ⟨D, g⟩, g = ∇J/(J(1 − J)) (the mixture's gap, SPEC 1.1): the first-order gain in logit J per unit η
}

/** Thrown when the expected update has no closed form; `field` names the parameter. */
export class ExpectedUpdateRefusal extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ExpectedUpdateRefusal';
  }
}

/** Why p has no exact expected update (field and reason), or null. */
export function expectedUpdateRefusal(p: Omit<TransformerUpdateParams, 'advantageFactor'>): { field: string; message: string } | null {
  const mu = p.ppoEpochs ?? 1;
  const M = p.miniBatches ?? 1;
  if (mu * M > 1)
    return {
      field: mu > 1 ? 'ppoEpochs' : 'miniBatches',
      message: `ppoEpochs·miniBatches = ${mu}·${M} > 1: later updates of a batch are off-policy (ratio clip), so there is no one-step expected update; the one-step prediction exists only for μ = M = 1, β = 0`,
    };
  if ((p.klCoef ?? 0) > 0)
    return {
      field: 'klCoef',
      message: `klCoef = ${p.klCoef} > 0: the KL term is not a function of the reward alone, so E[w] is not c(J)·∇J; the one-step prediction exists only for β = 0`,
    };
  if (p.advantage === 'batch-std' && p.B > 1)
    return {
      field: 'advantage',
      message: `batch-std with B = ${p.B} > 1 has no closed-form expected update (its std couples the B prompts' groups): use group-std, or B = 1`,
    };
  if (!(Number.isInteger(p.G) && p.G >= 1)) return { field: 'G', message: `G = ${p.G}: must be an integer ≥ 1` };
  if (!(Number.isInteger(p.B) && p.B >= 1)) return { field: 'B', message: `B = ${p.B}: must be an integer ≥ 1` };
  return null;
}

const f64Twins = new WeakMap<TransformerTwin, TransformerTwin>();

/** A float64 twin of the same shape (the twin itself when it is float64), so that J and ∇J are exact to rounding. */
export function float64Twin(twin: TransformerTwin): TransformerTwin {
  if (twin.model.precision.name === 'f64') return twin;
  let out = f64Twins.get(twin);
  if (!out) f64Twins.set(twin, (out = new TransformerTwin(transformerModel(twin.model.layout.shape, F64))));
  return out;
}

/** The training prompts of a set as (prompt, target) views. */
export function trainingPairs(set: TaskSet): { prompt: Int32Array; target: Int32Array }[] {
  const k = set.promptLength;
  const m = set.responseLength;
  const N = set.trainPrompts.length / k;
  return Array.from({ length: N }, (_, q) => ({ prompt: set.trainPrompts.subarray(q * k, q * k + k), target: set.trainTargets.subarray(q * m, q * m + m) }));
}

/** D(θ) = mean_x c(J_x)·scale·∇J_x over the training prompts of `set`, in float64. Throws ExpectedUpdateRefusal where there is no closed form. */
export function transformerExpectedUpdate(twin: TransformerTwin, theta: Numbers, set: TaskSet, p: TransformerUpdateParams): TransformerExpectedUpdate {
  const refusal = expectedUpdateRefusal(p);
  if (refusal) throw new ExpectedUpdateRefusal(refusal.field, refusal.message);
  const t64 = float64Twin(twin);
  const n = t64.model.layout.size;
  if (theta.length !== n) throw new ExpectedUpdateRefusal('theta', `θ has ${theta.length} entries; the model has ${n} parameters`);
  const th = theta instanceof Float64Array ? theta : Float64Array.from(theta);
  const pairs = trainingPairs(set);
  const N = pairs.length;
  if (N < 1) throw new ExpectedUpdateRefusal('N', 'the training set is empty');
  const scale = aggregationLengthScale(p.aggregation, set.responseLength, p.B * p.G);
  const direction = new Float64Array(n);
  const gradient = new Float64Array(n);
  const perPrompt = new Float64Array(N);
  const logProbs = new Float64Array(N);
  const score = new Float64Array(n);
  const ones = new Float64Array(set.responseLength).fill(1);
  for (let q = 0; q < N; q++) {
    score.fill(0);
    const logPi = t64.addGradient(th, pairs[q].prompt, pairs[q].target, ones, score); // s(y*_x) = ∇log π(y*_x | x)
    const Jx = Math.exp(logPi);
    logProbs[q] = logPi;
    perPrompt[q] = Jx;
    const g = Jx / N; // ∇J_x / N = J_x·s / N
    const f = p.advantageFactor(p.advantage, p.G, Jx, p.epsilon, p.std) * scale * g;
    for (let i = 0; i < n; i++) {
      gradient[i] += g * score[i];
      direction[i] += f * score[i];
    }
  }
  let J = 0;
  for (let q = 0; q < N; q++) J += perPrompt[q];
  J /= N;
  let dot = 0;
  for (let i = 0; i < n; i++) dot += direction[i] * gradient[i];
  return { direction, gradient, J, perPrompt, logProbs, deltaMu: dot / (J * (1 - J)) };
}
