/**
 * Shared inputs of the expected-update and one-step-threshold tests: a tiny float64 model whose
 * prompts sit at J between 0.4 and 0.6 (GPT-2 θ0 × 4, then 20 full-batch ascent steps of 0.3 on
 * Σ_x log π(y*_x | x), by the twin's own backward), so that every advantage's factor is exercised
 * and one expected step can overshoot.
 */
import { transformerModel } from './forward.ts';
import { F64 } from './precision.ts';
import { makeTaskSet, type TaskSet } from './tasks.ts';
import { scaledParameters } from './test-fixtures.ts';
import { TransformerTwin } from './twin.ts';

export const TINY = { V: 3, d: 8, T: 4, layers: 1, heads: 2 }; // copy with promptLength 2: responses of 2 tokens

/** The tiny model's f64 twin, its warmed θ and its 3 training prompts. */
export function warmedTinyRun(steps = 20, rate = 0.3): { twin: TransformerTwin; theta: Float64Array; set: TaskSet } {
  const twin = new TransformerTwin(transformerModel(TINY, F64));
  const set = makeTaskSet({ task: 'copy', V: 3, promptLength: 2, N: 3, heldOutPrompts: 0 }, 7, 0);
  const theta = Float64Array.from(scaledParameters(TINY, 4, 3));
  const g = new Float64Array(theta.length);
  for (let s = 0; s < steps; s++) {
    g.fill(0);
    for (let q = 0; q < 3; q++) twin.addGradient(theta, set.trainPrompts.subarray(2 * q, 2 * q + 2), set.trainTargets.subarray(2 * q, 2 * q + 2), [1, 1], g);
    for (let i = 0; i < theta.length; i++) theta[i] += rate * g[i];
  }
  return { twin, theta, set };
}
