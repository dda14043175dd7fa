/**
 * The expected update direction E[w] of an algorithm (SPEC 1.3) and its alignment with the
 * gradient gap, Δμ = ⟨E[w], g⟩ (reconstructed, SPEC 1.1).
 *
 * E[A·s] = c(J)·∇J for every advantage (src/engine/expected-advantage.ts), and the aggregation
 * multiplies the summed token score by its length scale, so E[w] = c(J)·scale·∇J for one prompt;
 * a bandit with several prompts, or a token instance with N > 1 (SPEC 1.8), averages c(J_x)·∇J_x over prompts. This is exactly what the
 * engine's exact mode applies, and the mean of its sampled mode.
 *
 * @example
 *   const gg = gradientGap(inst, theta);
 *   const w = expectedUpdate(inst, params, gg);
 *   const deltaMu = alignment(w, gg.gap);
 */
import type { Instance } from '../model/index.ts';
import { aggregationLengthScale, expectedAdvantageFactor, type ExactDirection, type RunParams } from '../engine/index.ts';
import type { GradientGap } from './gradient-gap.ts';
import { TheoryInputError } from './theory-input.ts';

/** Parameters that decide the expected update. */
export type UpdateParams = Pick<RunParams, 'mode' | 'exactDirection' | 'advantage' | 'aggregation' | 'G' | 'B' | 'epsilon' | 'std' | 'family'>;

/** The direction a run follows in expectation: exact mode's choice, or E[A·s] for sampled runs. */
export function updateDirection(p: Pick<RunParams, 'mode' | 'exactDirection'>): ExactDirection {
  return p.mode === 'exact' ? p.exactDirection : 'expected-update';
}

/** E[w] at the point `gg` was computed (raw, before multiplying by η). */
export function expectedUpdate(inst: Instance, p: UpdateParams, gg: GradientGap): Float64Array {
  const direction = updateDirection(p);
  if (direction === 'gradient') return Float64Array.from(gg.gradient);
  if (direction === 'gap') return Float64Array.from(gg.gap);
  const many = inst.reward === 'table' || inst.starts.length > 1;
  if (p.advantage === 'batch-std' && many && p.B > 1) {
    throw new TheoryInputError('advantage', 'batch-std with B > 1 has no closed-form expected update: use group-std, or B = 1');
  }
  if (inst.eos >= 0 && (p.aggregation === 'seq-mean-token-mean' || p.aggregation === 'token-mean')) {
    throw new TheoryInputError(
      'aggregation',
      `${p.aggregation} with EOS has no exact expected update here: its normalizer moves with the lengths (${p.aggregation === 'token-mean' ? '1/Σ_i|o_i| couples a group' : '1/|o_i| needs the joint law of length and reward'})`,
    );
  }
  // Constant scales (seq-sum, constant, constant-no-batch) keep E[w] = c(J)·scale·∇J with EOS too.
  const scale = aggregationLengthScale(p.aggregation, inst.L, p.B * p.G);
  const c = (J: number) => expectedAdvantageFactor(p.advantage, p.G, J, p.epsilon, p.std) * scale;
  if (!many) return gg.gradient.map((v) => v * c(gg.J));
  // Each group answers one uniformly drawn prompt, so E[w] = mean_x c(J_x)·∇J_x.
  const { d } = inst;
  const P = gg.promptSuccess!.length;
  const w = new Float64Array(d);
  for (let a = 0; a < P; a++) {
    const f = c(gg.promptSuccess![a]) / P;
    for (let k = 0; k < d; k++) w[k] += f * gg.promptGradient![a * d + k];
  }
  return w;
}

/** Δμ = ⟨w, g⟩: the first-order gain in logit J per unit step along w (reconstructed, SPEC 1.1). */
export function alignment(w: ArrayLike<number>, gap: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < w.length; k++) s += w[k] * gap[k];
  return s;
}

/** Euclidean norm. */
export function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  return Math.sqrt(s);
}
