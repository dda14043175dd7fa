/**
 * Random instances of every family for the theory tests (not part of the public API).
 * Draws come from the Philox instance stream, so every test is deterministic.
 */
import { makeInstance, initialTheta, type Instance } from '../model/instance.ts';
import { normalFromBits, philox4x32 } from '../rng/philox.ts';
import { DEFAULT_RUN, effectiveDim, type RunParams } from '../spec/spec.ts';
import { gradientGap, type GradientGap } from './gradient-gap.ts';
import { successAt } from './success-rate.ts';

/** The five families the theory covers, as run parameters. */
export const FAMILY_CASES: Record<string, Partial<RunParams>> = {
  'bandit tabular': { family: 'bandit', features: 'tabular', K: 6, N: 1, L: 1 },
  'bandit contextual': { family: 'bandit', features: 'gaussian', K: 5, N: 4, d: 5, L: 1 },
  'token gaussian exact-match': { family: 'token', features: 'gaussian', reward: 'exact-match', V: 6, L: 5, d: 4 },
  'token gaussian final-answer': { family: 'token', features: 'gaussian', reward: 'final-answer', V: 6, L: 5, d: 4 },
  'token tabular': { family: 'token', features: 'tabular', reward: 'exact-match', V: 4, L: 4 },
};

export function caseParams(overrides: Partial<RunParams>): RunParams {
  const p = { ...DEFAULT_RUN, ...overrides } as RunParams;
  p.d = effectiveDim(p);
  if (p.family === 'bandit') p.L = 1;
  return p;
}

/** Gaussian noise of length d from (seed, tag). */
export function noise(seed: number, tag: number, d: number, scale: number): Float64Array {
  const out = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    const [x, y] = philox4x32([k, tag, 7, 7], [seed, 99]);
    out[k] = scale * normalFromBits(x, y);
  }
  return out;
}

/** Instance `seedIndex` of a family with θ = α·θ* (J(θ) = J0) plus a seeded perturbation. */
export function randomPoint(overrides: Partial<RunParams>, seedIndex: number, J0: number, jitter = 0.3): { p: RunParams; inst: Instance; theta: Float64Array } {
  const p = caseParams({ ...overrides, J0 });
  const inst = makeInstance(p, 11, seedIndex);
  const theta = initialTheta(inst, p);
  const e = noise(11, seedIndex, p.d, jitter);
  for (let k = 0; k < theta.length; k++) theta[k] += e[k];
  return { p, inst, theta };
}

/** Central differences of f along every coordinate, with a Richardson step to kill the h² term. */
export function numericalGradient(f: (theta: Float64Array) => number, theta: Float64Array, h = 1e-4): Float64Array {
  const out = new Float64Array(theta.length);
  const x = Float64Array.from(theta);
  const central = (k: number, step: number) => {
    x[k] = theta[k] + step;
    const up = f(x);
    x[k] = theta[k] - step;
    const down = f(x);
    x[k] = theta[k];
    return (up - down) / (2 * step);
  };
  for (let k = 0; k < theta.length; k++) out[k] = (4 * central(k, h / 2) - central(k, h)) / 3;
  return out;
}

/** ‖a − b‖ / ‖b‖. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let size = 0;
  for (let k = 0; k < a.length; k++) {
    diff += (a[k] - b[k]) ** 2;
    size += b[k] ** 2;
  }
  return Math.sqrt(diff / size);
}

/**
 * The exact gradient gap at random points of a family (`seeds` draws at each J0 of 0.15, 0.5, 0.85), with its
 * relative errors: ∇J against finite differences of J, g against those of logit J, and J(1−J)·g against ∇J.
 */
export function gapErrors(overrides: Partial<RunParams>, seeds: number): { gg: GradientGap; gradient: number; gap: number; identity: number }[] {
  return Array.from({ length: seeds }, (_, seedIndex) =>
    [0.15, 0.5, 0.85].map((J0) => {
      const { inst, theta } = randomPoint(overrides, seedIndex, J0);
      const gg = gradientGap(inst, theta);
      const fdJ = numericalGradient((x) => successAt(inst, x).J, theta);
      const fdLogit = numericalGradient((x) => successAt(inst, x).logit, theta);
      const identity = gg.gap.map((v) => v * gg.J * gg.failure);
      return { gg, gradient: relativeError(gg.gradient, fdJ), gap: relativeError(gg.gap, fdLogit), identity: relativeError(identity, gg.gradient) };
    }),
  ).flat();
}
