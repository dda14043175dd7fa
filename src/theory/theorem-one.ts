/**
 * Theorem 1 (reconstructed from secondary sources, SPEC 1.1, medium confidence; constants unsure):
 * if η_k ≤ max(0, Δμ_k) / (2(L_o + 8·G_o²)) at every step, then
 * J(K) ≥ J0 / (J0 + (1 − J0)·exp(−M(K)/2)) with M(K) = Σ_k η_k·max(0, Δμ_k).
 *
 * G_o ≥ sup‖ℓ·s(o)‖ and L_o ≥ sup‖ℓ·∇² log π(o)‖ bound the score as the aggregation weights it
 * (ℓ = 1 for seq-sum, 1/L for the length-normalized aggregations): this is how length
 * normalization enters the theorem (our reading), and it makes the theorem's step size, like the
 * dynamics, depend on η only through the effective step size η·ℓ.
 *
 * @example
 *   const bounds = scoreBounds(inst, 'seq-sum');
 *   const eta = theorem1StepSize(deltaMu, bounds);
 *   const floor = successRateLowerBound(J0, cumulativeProgress);
 */
import type { Instance } from '../model/index.ts';
import { aggregationLengthScale, type Aggregation } from '../engine/index.ts';
import { checkInstance, TheoryInputError } from './theory-input.ts';

export interface ScoreBounds {
  diameter: number; // D = max over states a of max_{b,c} ‖Φ[a][b] − Φ[a][c]‖
  lengthScale: number; // ℓ, the aggregation's factor on the summed token score
  Go: number; // G_o = ℓ·L·D ≥ sup_{o,θ} ‖ℓ·s(o)‖
  Lo: number; // L_o = ℓ·L·D²/4 ≥ sup_{o,θ} ‖ℓ·∇² log π(o)‖
}

/**
 * G_o and L_o for the log-linear families, uniform over θ and o (ours, derived here):
 * - each token's score Φ[a][b] − E_π Φ[a] is a convex combination of Φ[a][b] − Φ[a][c], so its norm ≤ D; L tokens give G_o = L·D;
 * - each token's Hessian is −Cov_π(Φ[a]); for a unit u, Var(u·Φ) ≤ (range of u·Φ)²/4 ≤ D²/4 (Popoviciu), so L_o = L·D²/4.
 * Both are ≤ the cruder L·2·max‖Φ‖ and L·max‖Φ‖².
 */
export function scoreBounds(inst: Instance, aggregation: Aggregation, samples = 1): ScoreBounds {
  checkInstance(inst);
  const { P, K, d, L, phi } = inst;
  let D2 = 0;
  for (let a = 0; a < P; a++) {
    for (let b = 0; b < K; b++) {
      for (let c = b + 1; c < K; c++) {
        let s = 0;
        for (let k = 0; k < d; k++) {
          const x = phi[(a * K + b) * d + k] - phi[(a * K + c) * d + k];
          s += x * x;
        }
        if (s > D2) D2 = s;
      }
    }
  }
  const diameter = Math.sqrt(D2);
  const lengthScale = aggregationLengthScale(aggregation, L, samples); // samples: constant-no-batch's B·G/L
  return { diameter, lengthScale, Go: lengthScale * L * diameter, Lo: (lengthScale * L * D2) / 4 };
}

/** The Theorem-1 step size max(0, Δμ) / (2(L_o + 8·G_o²)) (reconstructed, SPEC 1.1). */
export function theorem1StepSize(deltaMu: number, bounds: Pick<ScoreBounds, 'Go' | 'Lo'>): number {
  if (!Number.isFinite(deltaMu)) throw new TheoryInputError('deltaMu', `Δμ = ${deltaMu}: must be finite`);
  const denominator = 2 * (bounds.Lo + 8 * bounds.Go * bounds.Go);
  if (!(denominator > 0)) return deltaMu > 0 ? Infinity : 0; // constant features: the score is 0 and J never moves
  return Math.max(0, deltaMu) / denominator;
}

/** One step's contribution to the cumulative progress M(K) = Σ η_k·max(0, Δμ_k) (reconstructed, SPEC 1.1). */
export function progressIncrement(stepSize: number, deltaMu: number): number {
  return stepSize * Math.max(0, deltaMu);
}

/** Theorem 1's floor on J(K): J0 / (J0 + (1 − J0)·exp(−M/2)) (reconstructed, SPEC 1.1). */
export function successRateLowerBound(J0: number, M: number): number {
  if (!(J0 > 0 && J0 < 1)) throw new TheoryInputError('J0', `J0 = ${J0}: must be in (0, 1)`);
  if (!(M >= 0)) throw new TheoryInputError('M', `M = ${M}: cumulative progress must be a number ≥ 0`);
  return J0 / (J0 + (1 - J0) * Math.exp(-M / 2));
}
