/** The PPO token loss (SPEC 1.9): known answers, and the float64 reference's finite-difference derivative on a grid. */
import { describe, expect, it } from 'vitest';
import { K3_CLAMP, ppoTokenConstants, ppoTokenTerms } from './ppo-loss.ts';
import { referenceClipped, referenceTokenLoss, type ReferenceLoop } from './ppo-reference.ts';

const base = { clipLow: 0.2, clipHigh: 0.2, dualClip: null as number | null, klCoef: 0, klEstimator: 'k3' as const };
const c = ppoTokenConstants(base);
const log = Math.log;

describe('ppoTokenTerms: known answers', () => {
  it('an unclipped token gives ρA; ρ = 1 gives A itself', () => {
    const t = ppoTokenTerms(log(0.55), log(0.5), log(0.5), 2, c); // ρ = 1.1 inside [0.8, 1.2]
    expect(t.clipped).toBe(false);
    expect(t.weight).toBeCloseTo(2.2, 6);
    expect(ppoTokenTerms(-1.3, -1.3, -1.3, 0.75, c).weight).toBe(0.75);
  });

  it('a token beyond the clip on the side A pushes gives nothing, and is counted clipped', () => {
    const high = ppoTokenTerms(log(0.75), log(0.5), log(0.5), 1, c); // ρ = 1.5 > 1.2, A > 0
    expect(high).toEqual({ weight: 0, clipped: true, kl: 0 });
    const low = ppoTokenTerms(log(0.25), log(0.5), log(0.5), -1, c); // ρ = 0.5 < 0.8, A < 0
    expect(low.weight).toBe(0);
    expect(low.clipped).toBe(true);
    // The other side is not clipped: ρ = 1.5 with A < 0 keeps its gradient ρA; ρ = 0.5 with A > 0 too.
    expect(ppoTokenTerms(log(0.75), log(0.5), log(0.5), -1, c).weight).toBeCloseTo(-1.5, 6);
    expect(ppoTokenTerms(log(0.25), log(0.5), log(0.5), 1, c).weight).toBeCloseTo(0.5, 6);
  });

  it('DAPO clip-higher: ρ = 1.25 is clipped at ε_high = 0.2, not at 0.28', () => {
    expect(ppoTokenTerms(log(0.625), log(0.5), log(0.5), 1, c).clipped).toBe(true);
    expect(ppoTokenTerms(log(0.625), log(0.5), log(0.5), 1, ppoTokenConstants({ ...base, clipHigh: 0.28 })).weight).toBeCloseTo(1.25, 6);
  });

  it('the dual clip caps A < 0 tokens at −c·A: ρ > c gives nothing, ρ < c keeps ρA', () => {
    const dual = ppoTokenConstants({ ...base, dualClip: 3 });
    expect(ppoTokenTerms(log(0.8), log(0.2), log(0.2), -1, dual).weight).toBe(0); // ρ = 4 > 3
    expect(ppoTokenTerms(log(0.8), log(0.2), log(0.2), -1, dual).clipped).toBe(false); // the ratio clip's count leaves it out
    expect(ppoTokenTerms(log(0.5), log(0.2), log(0.2), -1, dual).weight).toBeCloseTo(-2.5, 6); // ρ = 2.5 < 3
    expect(ppoTokenTerms(log(0.8), log(0.2), log(0.2), 1, dual).weight).toBe(0); // A > 0: the ordinary clip
  });

  it('k3: value exp(Δ) − Δ − 1 and weight β(exp(Δ) − 1); clamped at 10 with no gradient; k1: −Δ and −β', () => {
    const kl = ppoTokenConstants({ ...base, klCoef: 0.1 });
    const t = ppoTokenTerms(-1, -1, -0.5, 0, kl); // Δ = 0.5, A = 0
    expect(t.kl).toBeCloseTo(Math.exp(0.5) - 1.5, 6);
    expect(t.weight).toBeCloseTo(0.1 * (Math.exp(0.5) - 1), 6);
    const far = ppoTokenTerms(-8, -8, -1, 0, kl); // Δ = 7: k3 = e^7 − 8 ≫ 10
    expect(far.kl).toBe(K3_CLAMP);
    expect(far.weight).toBe(0);
    const k1 = ppoTokenTerms(-1, -1, -0.5, 2, ppoTokenConstants({ ...base, klCoef: 0.1, klEstimator: 'k1' }));
    expect(k1.kl).toBeCloseTo(-0.5, 6);
    expect(k1.weight).toBeCloseTo(2 - 0.1, 6);
  });

  it('equals −dℓ/dlog π_θ of the float64 reference (verl’s max/min/clamp, finite differences) on a grid away from the kinks', () => {
    let checked = 0;
    for (const dualClip of [null, 3])
      for (const klCoef of [0, 0.05])
        for (const klEstimator of ['k3', 'k1'] as const)
          for (const A of [-1.7, -0.4, 0.3, 2])
            for (const shift of [-2.5, -0.9, -0.3, -0.05, 0.1, 0.4, 1.2, 2.2])
              for (const refShift of [-3, -0.2, 0.6, 12]) {
                const cfg = { ...base, clipHigh: 0.28, dualClip, klCoef, klEstimator };
                const ref: ReferenceLoop = {
                  ...cfg,
                  estimator: klEstimator,
                  G: 1,
                  B: 1,
                  epochs: 1,
                  miniBatches: 1,
                  stepSize: 1,
                  aggregation: 'seq-sum',
                  advantage: 'mean',
                  epsilon: 0,
                };
                const logOld = -1.1;
                const x = logOld + shift;
                const logRef = x + refShift;
                const h = 1e-6;
                const derivative = (referenceTokenLoss(x + h, logOld, logRef, A, ref) - referenceTokenLoss(x - h, logOld, logRef, A, ref)) / (2 * h);
                const t = ppoTokenTerms(Math.fround(x), Math.fround(logOld), Math.fround(logRef), Math.fround(A), ppoTokenConstants(cfg));
                expect(Math.abs(t.weight + derivative), JSON.stringify({ cfg, A, shift, refShift })).toBeLessThan(1e-4 * Math.max(1, Math.abs(derivative)));
                expect(t.clipped).toBe(referenceClipped(x, logOld, A, ref));
                checked++;
              }
    expect(checked).toBe(1024);
  });
});
