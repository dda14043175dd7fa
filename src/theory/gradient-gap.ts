/**
 * The exact gradient ∇J, the score moments μ⁺ = E[s | r=1] and μ⁻ = E[s | r=0], and the
 * gradient gap g = μ⁺ − μ⁻ (reconstructed, SPEC 1.1), float64, no sampling.
 *
 * Every family's ∇J is a weighted sum of feature rows, ∇J = Σ_{a,b} D[a][b]·Φ[a][b], with
 * D[a][b] = E[r · (#(a→b in o) − Σ_t 1{o_{t−1}=a}·π(b|a))] (the score is Σ_t Φ[o_{t−1}][o_t] − E_π Φ[o_{t−1}]).
 * Since E[s] = 0: μ⁺ = ∇J / J, μ⁻ = −∇J / (1 − J), and g = ∇J / (J(1 − J)) = ∇ logit J.
 *
 * @example
 *   const gg = gradientGap(inst, theta);
 *   gg.gradient; // ∇J
 *   gg.gap;      // g, with ∇J = J(1−J)·g
 */
import { promptInstance, type Instance } from '../model/index.ts';
import { complementProbability, policyTables, exactSuccessRate, type PolicyTables, type SuccessRate } from './success-rate.ts';
import { eosFinalAnswerWeights, finalAnswerWeights } from './eos-chain.ts';
import { checkInstance, checkTheta, TheoryInputError } from './theory-input.ts';

export interface GradientGap extends SuccessRate {
  gradient: Float64Array; // ∇J
  muPlus: Float64Array; // μ⁺ = E[s | r = 1]
  muMinus: Float64Array; // μ⁻ = E[s | r = 0]
  gap: Float64Array; // g = μ⁺ − μ⁻
  promptGradient: Float64Array | null; // ∇J_x per prompt, [P][d] (bandits) or [N][d] (token, N > 1), else null
  tables: PolicyTables;
}

/** Σ_{a,b} D[a][b]·Φ[a][b] over rows [rowBegin, rowEnd). */
function featureSum(inst: Instance, D: Float64Array, rowBegin: number, rowEnd: number): Float64Array {
  const { K, d, phi } = inst;
  const out = new Float64Array(d);
  for (let e = rowBegin * K; e < rowEnd * K; e++) {
    const w = D[e];
    if (w === 0) continue;
    for (let k = 0; k < d; k++) out[k] += w * phi[e * d + k];
  }
  return out;
}

/** Bandit: D_x[b] = π(b|x)(R[x][b] − J_x)/P, with R − J_x taken as 1 − J_x or −J_x from the exact sums. */
function banditWeights(inst: Instance, tables: PolicyTables, sr: SuccessRate): Float64Array {
  const { P, K } = inst;
  const D = new Float64Array(P * K);
  for (let a = 0; a < P; a++) {
    for (let b = 0; b < K; b++) {
      const e = a * K + b;
      D[e] = tables.pi[e] * (inst.rewardTable[e] ? sr.promptFailure![a] : -sr.promptSuccess![a]);
    }
  }
  return D;
}

/** Exact match: the target's score s(y*) = Σ_t (e_{y_t} − π(·|y_{t−1}))·Φ, so D = μ⁺'s weights (no factor J). */
function targetScoreWeights(inst: Instance, tables: PolicyTables): Float64Array {
  const { K } = inst;
  const D = new Float64Array(inst.P * K);
  let a = inst.start;
  for (let t = 0; t < inst.target.length; t++) {
    const y = inst.target[t];
    for (let b = 0; b < K; b++) {
      // 1 − π(y|a) as the sum of the other entries, so saturated rows keep their precision.
      D[a * K + b] += b === y ? complementProbability(tables.pi, K, a, y) : -tables.pi[a * K + b];
    }
    a = y;
  }
  return D;
}

/**
 * ∇J_q of each token prompt, [N][d] (SPEC 1.8), none of which throws at a solved or lost prompt:
 * exact match J_q·s(y*_q), final answer its own chain from start token q.
 */
function mixturePromptGradients(inst: Instance, tables: PolicyTables, sr: SuccessRate): Float64Array {
  const { d } = inst;
  const N = inst.starts.length;
  const out = new Float64Array(N * d);
  for (let q = 0; q < N; q++) {
    const one = promptInstance(inst, q);
    const gq =
      inst.reward === 'exact-match'
        ? featureSum(one, targetScoreWeights(one, tables), 0, inst.P).map((v) => v * sr.promptSuccess![q])
        : featureSum(one, finalAnswerWeights(one, tables.pi), 0, inst.P);
    out.set(gq, q * d);
  }
  return out;
}

/**
 * Each prompt's own gap g_q = ∇J_q / (J_q(1 − J_q)), [N][d] (SPEC 1.8; NaN rows where J_q is 0 or 1).
 * The per-prompt identity ∇J_q = J_q(1 − J_q)·g_q holds by construction. For the mixture, the gap
 * conditioned over the mixture (`gap`, E[s | r=1] − E[s | r=0] with the prompt drawn too) still
 * satisfies ∇J = J(1 − J)·g, since each prompt's score has mean zero; what fails is the mean of
 * the prompts' gaps: ∇J = mean_q J_q(1 − J_q)·g_q ≠ J(1 − J)·mean_q g_q in general (ours).
 */
export function promptGaps(gg: Pick<GradientGap, 'promptGradient' | 'promptSuccess' | 'promptFailure'>, d: number): Float64Array {
  if (!gg.promptGradient || !gg.promptSuccess || !gg.promptFailure) throw new TheoryInputError('theta', 'one prompt: its gap is the gap');
  const N = gg.promptSuccess.length;
  const out = new Float64Array(N * d);
  for (let q = 0; q < N; q++) {
    const w = gg.promptSuccess[q] * gg.promptFailure[q];
    for (let k = 0; k < d; k++) out[q * d + k] = w > 0 ? gg.promptGradient[q * d + k] / w : NaN;
  }
  return out;
}

/** J, ∇J, μ⁺, μ⁻ and g at θ, exact for every family (SPEC 1.1–1.2). Throws when J is 0 or 1 to float64 precision. */
export function gradientGap(inst: Instance, theta: ArrayLike<number>): GradientGap {
  checkInstance(inst);
  checkTheta(theta, inst.d);
  const tables = policyTables(inst, theta);
  const sr = exactSuccessRate(inst, tables);
  const { d } = inst;
  if (!(sr.failure > 0)) throw new TheoryInputError('theta', `J = 1 to float64 precision at this θ (1 − J = ${sr.failure}): the gradient gap is undefined`);
  let gradient: Float64Array;
  let muPlus: Float64Array;
  let promptGradient: Float64Array | null = null;
  if (inst.reward !== 'table' && inst.starts.length > 1) {
    if (!(sr.J > 0)) throw new TheoryInputError('theta', 'J = 0 to float64 precision at this θ: the gradient gap is undefined');
    promptGradient = mixturePromptGradients(inst, tables, sr);
    gradient = new Float64Array(d);
    const N = inst.starts.length;
    for (let q = 0; q < N; q++) for (let k = 0; k < d; k++) gradient[k] += promptGradient[q * d + k] / N;
    muPlus = gradient.map((v) => v / sr.J);
  } else if (inst.reward === 'exact-match') {
    // μ⁺ is the target's own score; computing it first avoids dividing by a J that may underflow at large L.
    muPlus = featureSum(inst, targetScoreWeights(inst, tables), 0, inst.P);
    gradient = muPlus.map((v) => v * sr.J);
  } else {
    if (!(sr.J > 0)) throw new TheoryInputError('theta', 'J = 0 to float64 precision at this θ: the gradient gap is undefined');
    if (inst.reward === 'table') {
      const D = banditWeights(inst, tables, sr);
      promptGradient = new Float64Array(inst.P * d);
      gradient = new Float64Array(d);
      for (let a = 0; a < inst.P; a++) {
        const gx = featureSum(inst, D, a, a + 1);
        promptGradient.set(gx, a * d);
        for (let k = 0; k < d; k++) gradient[k] += gx[k] / inst.P;
      }
    } else {
      const D = inst.eos >= 0 ? eosFinalAnswerWeights(inst, tables.pi) : finalAnswerWeights(inst, tables.pi);
      gradient = featureSum(inst, D, 0, inst.P);
    }
    muPlus = gradient.map((v) => v / sr.J);
  }
  const muMinus = gradient.map((v) => -v / sr.failure);
  const gap = muPlus.map((v) => v / sr.failure); // μ⁺ − μ⁻ = μ⁺(1 + J/(1−J)) = μ⁺/(1−J)
  return { ...sr, gradient, muPlus, muMinus, gap, promptGradient, tables };
}
