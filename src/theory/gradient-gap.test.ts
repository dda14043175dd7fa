import { describe, expect, it } from 'vitest';
import { gradientGap } from './gradient-gap.ts';
import { successAt } from './success-rate.ts';
import { FAMILY_CASES, randomPoint, numericalGradient, relativeError } from './test-fixtures.ts';

describe('gradient gap against finite differences (float64)', () => {
  for (const [name, overrides] of Object.entries(FAMILY_CASES)) {
    it(`${name}: ∇J = J(1−J)·g and g = ∇ logit J to 1e-6`, () => {
      let worst = 0;
      for (let seedIndex = 0; seedIndex < 4; seedIndex++) {
        for (const J0 of [0.15, 0.5, 0.85]) {
          const { inst, theta } = randomPoint(overrides, seedIndex, J0);
          const gg = gradientGap(inst, theta);
          const fdJ = numericalGradient((x) => successAt(inst, x).J, theta);
          const fdLogit = numericalGradient((x) => successAt(inst, x).logit, theta);
          const identity = gg.gap.map((v) => v * gg.J * gg.failure);
          const errors = [relativeError(gg.gradient, fdJ), relativeError(gg.gap, fdLogit), relativeError(identity, gg.gradient)];
          for (const e of errors) expect(e).toBeLessThan(1e-6);
          // μ⁺ and μ⁻ are conditional means of a zero-mean score: J μ⁺ + (1 − J) μ⁻ = 0.
          const mean = gg.muPlus.map((v, k) => gg.J * v + gg.failure * gg.muMinus[k]);
          expect(Math.max(...mean.map(Math.abs))).toBeLessThan(1e-12 * (1 + Math.max(...gg.muPlus.map(Math.abs))));
          worst = Math.max(worst, ...errors);
        }
      }
      console.log(`${name}: worst relative error ${worst.toExponential(2)}`);
    });
  }

  it('exact match: μ⁺ is the target score and J = 1 − (1 − J) to full precision near J = 1', () => {
    const { inst, theta } = randomPoint(FAMILY_CASES['token gaussian exact-match'], 2, 0.999, 0);
    const gg = gradientGap(inst, theta);
    expect(gg.J + gg.failure).toBeCloseTo(1, 14);
    expect(gg.failure).toBeGreaterThan(5e-4);
    expect(gg.failure).toBeLessThan(2e-3);
  });
});
