/**
 * Many prompts at token level (SPEC 1.8): the mixture's exact J, ∇J and gap against brute-force
 * enumeration, finite differences and each prompt on its own.
 */
import { describe, expect, it } from 'vitest';
import { initialTheta, makeInstance, promptInstance, type Instance } from '../model/instance.ts';
import { policyTable, promptSuccessRates, successRate } from '../model/policy.ts';
import { exactSuccessRate, policyTables } from './success-rate.ts';
import { gradientGap, promptGaps } from './gradient-gap.ts';
import { expectedUpdate } from './expected-update.ts';
import { caseParams, noise, numericalGradient } from './test-fixtures.ts';
import type { RunParams } from '../spec/spec.ts';

const CASES: Record<string, Partial<RunParams>> = {
  'gaussian exact-match': { family: 'token', features: 'gaussian', reward: 'exact-match', V: 4, L: 3, d: 3, N: 3 },
  'gaussian final-answer': { family: 'token', features: 'gaussian', reward: 'final-answer', V: 4, L: 3, d: 3, N: 4 },
  'tabular exact-match': { family: 'token', features: 'tabular', reward: 'exact-match', V: 3, L: 3, N: 3 },
  'tabular final-answer': { family: 'token', features: 'tabular', reward: 'final-answer', V: 4, L: 2, N: 3 },
};

/** A point of a case: θ = α·θ* at mean J = 0.3 plus a seeded perturbation, so the prompts differ. */
function point(over: Partial<RunParams>, seedIndex: number): { p: RunParams; inst: Instance; theta: Float64Array } {
  const p = caseParams({ ...over, J0: 0.3 });
  const inst = makeInstance(p, 5, seedIndex);
  const theta = initialTheta(inst, p);
  const e = noise(5, seedIndex, p.d, 0.4);
  for (let k = 0; k < theta.length; k++) theta[k] += e[k];
  return { p, inst, theta };
}

/** Every response of every prompt: its probability, reward and score s(o) = Σ_t (Φ[o_{t−1}][o_t] − E_π Φ[o_{t−1}]). */
function enumerate(inst: Instance, theta: Float64Array): { J: number; gradient: Float64Array; promptJ: number[] } {
  const { K, L, d, phi } = inst;
  const pi = policyTable(inst, theta);
  const N = inst.starts.length;
  const gradient = new Float64Array(d);
  const promptJ: number[] = [];
  for (let q = 0; q < N; q++) {
    const target = inst.targets.subarray(q * L, (q + 1) * L);
    let Jq = 0;
    for (let code = 0; code < K ** L; code++) {
      const o = Array.from({ length: L }, (_, t) => Math.floor(code / K ** t) % K);
      let prob = 1;
      const score = new Float64Array(d);
      let prev = inst.starts[q];
      for (const b of o) {
        prob *= pi[prev * K + b];
        for (let k = 0; k < d; k++) {
          let expected = 0;
          for (let c = 0; c < K; c++) expected += pi[prev * K + c] * phi[(prev * K + c) * d + k];
          score[k] += phi[(prev * K + b) * d + k] - expected;
        }
        prev = b;
      }
      const r = inst.reward === 'exact-match' ? Number(o.every((b, t) => b === target[t])) : Number(o[L - 1] === target[L - 1]);
      Jq += prob * r;
      for (let k = 0; k < d; k++) gradient[k] += (prob * r * score[k]) / N;
    }
    promptJ.push(Jq);
  }
  return { J: promptJ.reduce((a, b) => a + b, 0) / N, gradient, promptJ };
}

describe('many prompts at token level (SPEC 1.8)', () => {
  it('prompt q starts at token q with θ*’s greedy path from it; prompt 0 is the single-prompt instance', () => {
    const one = makeInstance(caseParams({ V: 8, L: 5, N: 1 }), 3, 2);
    const many = makeInstance(caseParams({ V: 8, L: 5, N: 8 }), 3, 2);
    expect(Array.from(many.starts)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(many.phi).toEqual(one.phi);
    expect(many.thetaStar).toEqual(one.thetaStar);
    expect(Array.from(many.target)).toEqual(Array.from(one.target));
    expect(Array.from(one.starts)).toEqual([0]);
    expect(Array.from(one.targets)).toEqual(Array.from(one.target));
    // θ* realizes every prompt's target.
    const big = many.thetaStar.map((v) => 300 * v);
    for (const Jq of promptSuccessRates(many, policyTable(many, big))) expect(Jq).toBeGreaterThan(0.99);
  });

  for (const [name, over] of Object.entries(CASES)) {
    it(`${name}: J is the mean of per-prompt exact J and equals brute-force enumeration`, () => {
      for (const seedIndex of [0, 1, 2]) {
        const { inst, theta } = point(over, seedIndex);
        const brute = enumerate(inst, theta);
        const sr = exactSuccessRate(inst, policyTables(inst, theta));
        const perPrompt = Array.from(inst.starts, (_, q) => exactSuccessRate(promptInstance(inst, q), policyTables(inst, theta)).J);
        expect(sr.J).toBeCloseTo(perPrompt.reduce((a, b) => a + b, 0) / perPrompt.length, 14);
        expect(sr.J).toBeCloseTo(brute.J, 12);
        expect(sr.J + sr.failure).toBeCloseTo(1, 14);
        for (let q = 0; q < perPrompt.length; q++) expect(sr.promptSuccess![q]).toBeCloseTo(brute.promptJ[q], 12);
        expect(successRate(inst, policyTable(inst, theta))).toBeCloseTo(brute.J, 12);
      }
    });

    it(`${name}: ∇J equals enumeration and finite differences; ∇J_q = J_q(1 − J_q)·g_q per prompt`, () => {
      const { inst, theta } = point(over, 4);
      const gg = gradientGap(inst, theta);
      const brute = enumerate(inst, theta);
      const fd = numericalGradient((x) => exactSuccessRate(inst, policyTables(inst, x)).J, theta);
      for (let k = 0; k < inst.d; k++) {
        expect(gg.gradient[k]).toBeCloseTo(brute.gradient[k], 10);
        expect(gg.gradient[k]).toBeCloseTo(fd[k], 6);
      }
      const gaps = promptGaps(gg, inst.d);
      for (let q = 0; q < inst.starts.length; q++) {
        const alone = gradientGap(promptInstance(inst, q), theta); // the single-prompt code path
        const Jq = gg.promptSuccess![q];
        expect(Jq).toBeCloseTo(alone.J, 14);
        for (let k = 0; k < inst.d; k++) {
          expect(gg.promptGradient![q * inst.d + k]).toBeCloseTo(alone.gradient[k], 12);
          expect(gaps[q * inst.d + k]).toBeCloseTo(alone.gap[k], 8);
          expect(gg.promptGradient![q * inst.d + k]).toBeCloseTo(Jq * (1 - Jq) * gaps[q * inst.d + k], 12);
        }
      }
    });
  }

  it('the mixture keeps ∇J = J(1 − J)·g for its own gap, but not for the mean of the prompts’ gaps', () => {
    const { inst, theta } = point(CASES['gaussian exact-match'], 4);
    const gg = gradientGap(inst, theta);
    const { J, d } = { J: gg.J, d: inst.d };
    const gaps = promptGaps(gg, d);
    const N = inst.starts.length;
    let miss = 0;
    let size = 0;
    for (let k = 0; k < d; k++) {
      expect(gg.gradient[k]).toBeCloseTo(J * (1 - J) * gg.gap[k], 12);
      let meanGap = 0;
      for (let q = 0; q < N; q++) meanGap += gaps[q * d + k] / N;
      miss += (gg.gradient[k] - J * (1 - J) * meanGap) ** 2;
      size += gg.gradient[k] ** 2;
    }
    // The prompts start at different J_q here, so the mean of their gaps misses ∇J by a visible amount.
    expect(new Set(Array.from(gg.promptSuccess!, (v) => v.toFixed(3))).size).toBe(N);
    expect(Math.sqrt(miss / size)).toBeGreaterThan(0.01);
  });

  it('E[A·s] of the mixture is the mean over prompts of each prompt’s own c(J_q)·∇J_q', () => {
    for (const over of [CASES['gaussian exact-match'], CASES['gaussian final-answer']]) {
      const { p, inst, theta } = point(over, 2);
      const params = { ...p, mode: 'sampled' as const, advantage: 'group-std' as const, G: 8, B: 2 };
      const w = expectedUpdate(inst, params, gradientGap(inst, theta));
      const mean = new Float64Array(inst.d);
      for (let q = 0; q < inst.starts.length; q++) {
        const one = promptInstance(inst, q);
        const wq = expectedUpdate(one, params, gradientGap(one, theta));
        for (let k = 0; k < inst.d; k++) mean[k] += wq[k] / inst.starts.length;
      }
      for (let k = 0; k < inst.d; k++) expect(w[k]).toBeCloseTo(mean[k], 12);
    }
  });

  it('θ0 sets the mean J to J0; the prompts start at different J_q', () => {
    const p = caseParams({ V: 8, L: 4, N: 6, J0: 0.25 });
    const inst = makeInstance(p, 1, 0);
    const theta0 = initialTheta(inst, p);
    const pi = policyTable(inst, theta0);
    expect(successRate(inst, pi)).toBeCloseTo(0.25, 9);
    const Jq = promptSuccessRates(inst, pi);
    expect(Math.max(...Jq) - Math.min(...Jq)).toBeGreaterThan(0.05);
  });
});
