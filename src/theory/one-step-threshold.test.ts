import { describe, expect, it } from 'vitest';
import { initialTheta, makeInstance } from '../model/instance.ts';
import { alignment, expectedUpdate } from './expected-update.ts';
import { gradientGap } from './gradient-gap.ts';
import { criticalStepSize, oneStepCriticalStepSize } from './one-step-threshold.ts';
import { successAt } from './success-rate.ts';
import { caseParams, FAMILY_CASES, randomPoint } from './test-fixtures.ts';

describe('exact one-step critical step size', () => {
  it('J rises just below the threshold and not just above it', () => {
    let found = 0;
    for (const [name, overrides] of Object.entries(FAMILY_CASES)) {
      for (const L of name.startsWith('token') ? [4, 8, 16] : [1]) {
        for (const J0 of [0.2, 0.6]) {
          const p = caseParams({ ...overrides, L, J0 });
          const inst = makeInstance(p, 5, L);
          const theta = initialTheta(inst, p);
          const r = oneStepCriticalStepSize(inst, p, theta);
          const w = expectedUpdate(inst, p, gradientGap(inst, theta));
          const J = (eta: number) =>
            successAt(
              inst,
              theta.map((v, k) => v + eta * w[k]),
            ).logit;
          const base = successAt(inst, theta).logit;
          expect(r.deltaMu).toBeGreaterThan(0);
          if (r.status === 'not-found-below-max') {
            // J rises at every grid point up to etaMax: check a few.
            for (const eta of [1, 100, 1e4, 1e6]) expect(J(eta)).toBeGreaterThan(base);
            continue;
          }
          expect(r.status).toBe('found');
          expect(r.bracket![1] / r.bracket![0] - 1).toBeLessThanOrEqual(r.relativeTolerance);
          expect(J(r.stepSize * (1 - 1e-3))).toBeGreaterThan(base);
          expect(J(r.stepSize * (1 + 1e-3))).toBeLessThanOrEqual(base);
          // J rises all the way up to the threshold (first crossing), checked on a fine grid.
          for (let i = 1; i < 200; i++) expect(J((r.stepSize * i) / 200)).toBeGreaterThan(base);
          found++;
        }
      }
    }
    console.log(`one-step threshold: ${found} instances with a threshold found and checked on both sides`);
    expect(found).toBeGreaterThan(5);
  });

  it('handles E[w] = 0, a descent direction, and a direction along which J always rises', () => {
    const { inst, theta } = randomPoint(FAMILY_CASES['token gaussian exact-match'], 1, 0.3);
    const gg = gradientGap(inst, theta);
    const zero = criticalStepSize(inst, theta, new Float64Array(inst.d));
    expect(zero.status).toBe('zero-update');
    expect(zero.stepSize).toBe(0);
    const down = criticalStepSize(
      inst,
      theta,
      gg.gap.map((v) => -v),
    );
    expect(down.status).toBe('not-ascent');
    expect(down.stepSize).toBe(0);
    // Along θ* itself J climbs towards 1 for every η (θ*'s greedy path is the target).
    const up = criticalStepSize(inst, theta, inst.thetaStar, { etaMax: 1e3 });
    expect(alignment(inst.thetaStar, gg.gap)).toBeGreaterThan(0);
    expect(up.status).toBe('not-found-below-max');
    expect(up.stepSize).toBe(Infinity);
  });

  it("token-mean's raw threshold is L times seq-sum's: the dynamics depend on η only through η·ℓ", () => {
    const p = caseParams({ J0: 0.2, L: 8 }); // the P1 setup: Gaussian V=8 d=6 exact match
    const inst = makeInstance(p, 1, 0);
    const theta = initialTheta(inst, p);
    const r1 = oneStepCriticalStepSize(inst, { ...p, aggregation: 'seq-sum' }, theta);
    const r8 = oneStepCriticalStepSize(inst, { ...p, aggregation: 'token-mean' }, theta);
    expect(r1.status).toBe('found');
    expect(r8.stepSize / r1.stepSize).toBeCloseTo(8, 4);
  });
});
