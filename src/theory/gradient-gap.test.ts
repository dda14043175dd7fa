import { describe, expect, it } from 'vitest';
import { gradientGap } from './gradient-gap.ts';
import { FAMILY_CASES, gapErrors, randomPoint } from './test-fixtures.ts';

describe('gradient gap against finite differences (float64)', () => {
  for (const [name, overrides] of Object.entries(FAMILY_CASES)) {
    it(`${name}: ∇J = J(1−J)·g and g = ∇ logit J to 1e-6`, () => {
      let worst = 0;
      for (const { gg, ...error } of gapErrors(overrides, 4)) {
        const errors = [error.gradient, error.gap, error.identity];
        for (const e of errors) expect(e).toBeLessThan(1e-6);
        // μ⁺ and μ⁻ are conditional means of a zero-mean score: J μ⁺ + (1 − J) μ⁻ = 0.
        const mean = gg.muPlus.map((v, k) => gg.J * v + gg.failure * gg.muMinus[k]);
        expect(Math.max(...mean.map(Math.abs))).toBeLessThan(1e-12 * (1 + Math.max(...gg.muPlus.map(Math.abs))));
        worst = Math.max(worst, ...errors);
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
