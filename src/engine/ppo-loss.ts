/**
 * The PPO token loss of the loop TRL and verl run (SPEC 1.9), for one sampled token, independent of
 * the policy family: it reads three log-probabilities of the token and its advantage and says how
 * much of ∇log π_θ(o_t | ·) the token puts into the ascent direction w = −∇ℓ.
 *
 *   ρ = exp(log π_θ − log π_old);  ℓ = −min(ρA, clip(ρ, 1 − ε_low, 1 + ε_high) A)
 *   dual clip (verl `clip_ratio_c` = c, A < 0):  ℓ = min(ℓ, −c·A)
 *   KL to π_ref (β·kl added to ℓ), Δ = log π_ref − log π_θ:
 *     k3 = exp(Δ) − Δ − 1, clamped to [−10, 10] (verl `low_var_kl`); ∂k3/∂log π_θ = 1 − exp(Δ), 0 where clamped
 *     k1 = −Δ (verl `kl`); ∂k1/∂log π_θ = 1
 *   weight = −∂ℓ/∂log π_θ = ρA where the ratio term is not clipped (0 where it is), minus β·∂kl/∂log π_θ.
 *
 * verl also clamps Δ to [−20, 20] before exp; wherever that clamp acts, k3 > 10 is clamped already.
 * The twin rounds each operation to f32 as the kernel (shaders/ppo-loss.wgsl) computes it; the
 * float64 reference of the tests (ppo-reference.ts) is written apart from this file.
 */

const f32 = Math.fround;

/** KL estimator codes, as RunInfo.klEstimator carries them to the kernel. */
export const KL_ESTIMATOR_CODE = { k3: 0, k1: 1 } as const;

/** k3's clamp (verl `low_var_kl`). */
export const K3_CLAMP = 10;

/** The loop's per-token constants, rounded to f32 once (as RunInfo carries them). */
export interface PpoTokenConstants {
  clipLow: number; // ε_low
  clipHigh: number; // ε_high
  dualClip: number; // c > 1, or 0 when off
  klCoef: number; // β
  klEstimator: number; // KL_ESTIMATOR_CODE
}

/** One token's share of the ascent direction, whether the ratio clip zeroed its policy-gradient term, and its kl. */
export interface PpoTokenTerms {
  weight: number; // on ∇log π_θ(o_t | ·) in w = −∇ℓ (before the aggregation's scale)
  clipped: boolean; // ρ outside [1 − ε_low, 1 + ε_high] on the side the advantage pushes (TRL clip_ratio/region_mean, verl pg_clipfrac)
  kl: number; // the per-token estimator's value (k3 after its clamp, or k1)
}

/** Rounds a run's loop fields to the constants the twin and the kernel use. */
export function ppoTokenConstants(p: {
  clipLow: number;
  clipHigh: number;
  dualClip: number | null;
  klCoef: number;
  klEstimator: 'k3' | 'k1';
}): PpoTokenConstants {
  return {
    clipLow: f32(p.clipLow),
    clipHigh: f32(p.clipHigh),
    dualClip: f32(p.dualClip ?? 0),
    klCoef: f32(p.klCoef),
    klEstimator: KL_ESTIMATOR_CODE[p.klEstimator],
  };
}

/** The PPO terms of one token (f32, in the kernel's order). */
export function ppoTokenTerms(logTheta: number, logOld: number, logRef: number, advantage: number, c: PpoTokenConstants): PpoTokenTerms {
  const ratio = f32(Math.exp(f32(logTheta - logOld)));
  const A = advantage;
  const low = f32(1 - c.clipLow);
  const high = f32(1 + c.clipHigh);
  // min(ρA, clip(ρ)A) takes the clipped (constant) term exactly when ρ is beyond the clip on the side A pushes.
  const clipped = (A > 0 && ratio > high) || (A < 0 && ratio < low);
  // Dual clip: for A < 0 the loss −A·max(ρ, 1 − ε_low) is capped at −c·A, which binds when ρ > c (c > 1).
  const dualCapped = A < 0 && c.dualClip > 0 && ratio > c.dualClip;
  let weight = clipped || dualCapped ? 0 : f32(ratio * A);
  let kl = 0;
  if (c.klCoef > 0) {
    const delta = f32(logRef - logTheta);
    if (c.klEstimator === KL_ESTIMATOR_CODE.k1) {
      kl = f32(-delta);
      weight = f32(weight - c.klCoef);
    } else {
      const e = f32(Math.exp(delta));
      kl = f32(f32(e - delta) - 1);
      if (kl > K3_CLAMP)
        kl = K3_CLAMP; // clamped: no gradient
      else weight = f32(weight + f32(c.klCoef * f32(e - 1)));
    }
  }
  return { weight, clipped, kl };
}
