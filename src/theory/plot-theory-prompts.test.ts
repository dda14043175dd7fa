/**
 * Theory overlays of a sweep with many token prompts (SPEC 1.8): theoryCurvesFor draws the
 * mixture's curves and says so. Checked against a float64 reference written apart from the
 * theory's mixture code: each prompt's J_q from the model's own chain (model/policy.ts), ∇J_q by
 * central differences, E[w] = mean_q c(J_q)·∇J_q, and the one-step threshold from its definition
 * (the mean J over prompts rises for every η' up to it, and not just above it).
 */
import { describe, expect, it } from 'vitest';
import { MIXTURE_NOTE, theoryCurvesFor } from './plot-theory.ts';
import { scoreBounds } from './theorem-one.ts';
import { initialTheta, makeInstance, promptInstance, type Instance } from '../model/index.ts';
import { policyTable, successRate } from '../model/policy.ts';
import { aggregationLengthScale, effectiveDim, expectedAdvantageFactor, withDefaults, type RunParams, type SweepSpecInput } from '../engine/index.ts';

const BASE: Partial<RunParams> = { family: 'token', features: 'gaussian', reward: 'exact-match', V: 6, d: 4, J0: 0.3, G: 4, N: 4, B: 2 };
const spec = (base: Partial<RunParams>): SweepSpecInput => ({ base, grid: { stepSize: [1, 10], L: [3, 4] }, seeds: 2, seed: 1 });

/** J_q of each prompt, float64, from the model's chain (not theory/success-rate.ts). */
function promptJ(inst: Instance, theta: ArrayLike<number>): number[] {
  const pi = policyTable(inst, theta);
  return Array.from(inst.starts, (_, q) => successRate(promptInstance(inst, q), pi));
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/** ∇J_q of each prompt by central differences. */
function promptGradients(inst: Instance, theta: Float64Array, h = 1e-6): number[][] {
  const N = inst.starts.length;
  const grads = Array.from({ length: N }, () => new Array<number>(inst.d).fill(0));
  for (let k = 0; k < inst.d; k++) {
    const up = Float64Array.from(theta);
    const down = Float64Array.from(theta);
    up[k] += h;
    down[k] -= h;
    const [a, b] = [promptJ(inst, up), promptJ(inst, down)];
    for (let q = 0; q < N; q++) grads[q][k] = (a[q] - b[q]) / (2 * h);
  }
  return grads;
}

/** The reference at one curve point: instance 0 of the spec's seed, θ0 rounded to f32 as the engine stores it. */
function reference(base: Partial<RunParams>, L: number) {
  const p = { ...withDefaults(spec(base)).base, L } as RunParams;
  p.d = effectiveDim(p);
  const inst = makeInstance(p, 1, 0);
  const theta0 = Float64Array.from(Float32Array.from(initialTheta(inst, p)));
  const J = promptJ(inst, theta0);
  const grads = promptGradients(inst, theta0);
  const N = J.length;
  const scale = aggregationLengthScale(p.aggregation, L, p.B * p.G);
  const w = new Array<number>(inst.d).fill(0);
  const gradient = new Array<number>(inst.d).fill(0);
  for (let q = 0; q < N; q++) {
    const c = expectedAdvantageFactor(p.advantage, p.G, J[q], p.epsilon, p.std) * scale;
    for (let k = 0; k < inst.d; k++) {
      w[k] += (c * grads[q][k]) / N;
      gradient[k] += grads[q][k] / N;
    }
  }
  const Jbar = mean(J);
  const at = (eta: number) =>
    mean(
      promptJ(
        inst,
        theta0.map((v, k) => v + eta * w[k]),
      ),
    );
  // Theorem 1 with the mixture's gap g = ∇J / (J(1 − J)) (the identity holds for the mixture, theory/gradient-gap.ts).
  const deltaMu = w.reduce((s, v, k) => s + (v * gradient[k]) / (Jbar * (1 - Jbar)), 0);
  const bounds = scoreBounds(inst, p.aggregation, p.B * p.G);
  return { J: Jbar, promptJ: J, at, theorem1: Math.max(0, deltaMu) / (2 * (bounds.Lo + 8 * bounds.Go ** 2)) };
}

describe('theory overlays with many token prompts (SPEC 1.8)', () => {
  it('N = 4, B = 2: the curves are the mixture’s, against a float64 reference; the note says so', () => {
    const out = theoryCurvesFor(spec(BASE), { y: 'L', instances: 1 });
    expect(out.reason).toBeUndefined();
    expect(out.note).toBe(MIXTURE_NOTE);
    const oneStep = out.curves.find((c) => c.name === 'one-step')!;
    const theorem1 = out.curves.find((c) => c.name === 'theorem-1')!;
    expect(oneStep.points.map((pt) => pt.y)).toEqual([3, 4]);
    for (const L of [3, 4]) {
      const ref = reference(BASE, L);
      expect(Math.max(...ref.promptJ) - Math.min(...ref.promptJ)).toBeGreaterThan(0.05); // the prompts differ: a mixture, not N copies of one
      const eta = oneStep.points.find((pt) => pt.y === L)!.stepSize;
      // The definition: the mean J rises for every η' up to the threshold, and not just above it.
      for (let i = 1; i <= 20; i++) expect(ref.at((eta * i) / 20.001), `L = ${L}, η' = ${i}/20 of ${eta}`).toBeGreaterThan(ref.J);
      expect(ref.at(eta * 1.001)).toBeLessThan(ref.J);
      const t1 = theorem1.points.find((pt) => pt.y === L)!.stepSize;
      expect(Math.abs(t1 - ref.theorem1) / ref.theorem1).toBeLessThan(1e-5);
    }
  });

  it('the N = 1 theory would draw other thresholds: N is not silently dropped', () => {
    const many = theoryCurvesFor(spec(BASE), { y: 'L', instances: 1 });
    const one = theoryCurvesFor(spec({ ...BASE, N: 1, B: 1 }), { y: 'L', instances: 1 });
    expect(one.note).toBeUndefined();
    for (const name of ['one-step', 'theorem-1']) {
      const a = many.curves.find((c) => c.name === name)!.points;
      const b = one.curves.find((c) => c.name === name)!.points;
      a.forEach((pt, i) => expect(Math.abs(Math.log(pt.stepSize / b[i].stepSize)), `${name} at L = ${pt.y}`).toBeGreaterThan(0.05));
    }
  });

  it('a grid over N: the note as soon as one cell has N > 1', () => {
    const out = theoryCurvesFor({ base: { ...BASE, B: 1 }, grid: { stepSize: [1, 10], N: [1, 4] }, seeds: 2 }, { y: 'L', instances: 1 });
    expect(out.note).toBe(MIXTURE_NOTE);
    expect(new Set(out.curves[0].points.map((pt) => pt.facet))).toEqual(new Set(['N=1', 'N=4']));
  });

  it('batch-std over several drawn prompts has no closed-form E[w]: refused with the reason', () => {
    const out = theoryCurvesFor(spec({ ...BASE, advantage: 'batch-std' }), { y: 'L', instances: 1 });
    expect(out.curves).toEqual([]);
    expect(out.reason).toMatch(/batch-std with B > 1 has no closed-form expected update/);
  });
});

// Issue 21: a bandit theory cell without y said "y = L: a bandit has L = 1; use J0 or G" — a y the user never set.
describe('a bandit theory cell with no y', () => {
  it('runs over J0 instead of failing on a y nobody wrote; an explicit y = L still says why not', () => {
    const spec = { base: { family: 'bandit' as const, K: 4, J0: 0.3 }, grid: { stepSize: [1, 10] }, seeds: 4 };
    const unset = theoryCurvesFor(spec, { y: null, instances: 2 });
    expect(unset.reason ?? '').not.toMatch(/y = L/);
    expect(unset.curves.length).toBeGreaterThan(0);
    expect(unset.curves[0].axis).toBe('J0');
    expect(theoryCurvesFor(spec, { y: 'L', instances: 2 }).reason).toMatch(/y = L: a bandit has L = 1/);
  });
});
