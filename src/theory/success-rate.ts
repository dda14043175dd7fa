/**
 * Exact success rate J and failure rate 1 − J in float64, each summed from positive terms so that
 * both tails stay accurate: the one-step threshold compares logit J, which near J = 1 depends on
 * 1 − J to full relative precision, not on 1 minus a rounded J.
 *
 * @example
 *   const tables = policyTables(inst, theta);
 *   const { J, failure, logit } = exactSuccessRate(inst, tables);
 */
import type { Instance } from '../model/index.ts';
import { policyLogits, promptInstance } from '../model/index.ts';
import { eosFinalAnswerRate, forwardMarginals } from './eos-chain.ts';

/** π(b|a) and log π(b|a) of the log-linear policy, float64. */
export interface PolicyTables {
  pi: Float64Array; // P×K
  logPi: Float64Array; // P×K, accurate to relative precision even when π(b|a) ≈ 1
}

/** Row-wise softmax and log-softmax of Φ·θ. */
export function policyTables(inst: Pick<Instance, 'P' | 'K' | 'd' | 'phi'>, theta: ArrayLike<number>): PolicyTables {
  const { P, K } = inst;
  const logits = policyLogits(inst, theta);
  const pi = new Float64Array(P * K);
  const logPi = new Float64Array(P * K);
  for (let a = 0; a < P; a++) {
    const row = a * K;
    let max = -Infinity;
    let arg = 0;
    for (let b = 0; b < K; b++) if (logits[row + b] > max) max = logits[row + (arg = b)];
    let others = 0; // Σ_{c≠arg} exp(l_c − max) ≤ K − 1
    for (let b = 0; b < K; b++) if (b !== arg) others += Math.exp(logits[row + b] - max);
    const lse = max + Math.log1p(others);
    for (let b = 0; b < K; b++) {
      pi[row + b] = Math.exp(logits[row + b] - max) / (1 + others);
      logPi[row + b] = logits[row + b] - lse;
    }
    // The argmax entry via log1p, so log π ≈ −(1 − π) keeps its relative precision near saturation.
    logPi[row + arg] = -Math.log1p(others);
  }
  return { pi, logPi };
}

/** 1 − π(b|a) as the sum of the other entries of the row (no cancellation). */
export function complementProbability(pi: Float64Array, K: number, a: number, b: number): number {
  let s = 0;
  for (let c = 0; c < K; c++) if (c !== b) s += pi[a * K + c];
  return s;
}

export interface SuccessRate {
  J: number; // success rate (mean over prompts for bandits and many token prompts)
  failure: number; // 1 − J, summed directly
  logit: number; // log J − log(1 − J); ±∞ when J is 0 or 1 to float64 precision
  promptSuccess: Float64Array | null; // J_x per prompt (bandits, and token instances with N > 1), else null
  promptFailure: Float64Array | null; // 1 − J_x per prompt (bandits, and token instances with N > 1), else null
}

/** Exact J (SPEC 1.2): enumeration for bandits, the target's path for exact match, the chain for final answer. */
export function exactSuccessRate(inst: Instance, tables: PolicyTables): SuccessRate {
  const { P, K, L } = inst;
  const { pi, logPi } = tables;
  if (inst.reward === 'table') {
    const promptSuccess = new Float64Array(P);
    const promptFailure = new Float64Array(P);
    let J = 0;
    let F = 0;
    for (let a = 0; a < P; a++) {
      for (let b = 0; b < K; b++) {
        if (inst.rewardTable[a * K + b]) promptSuccess[a] += pi[a * K + b];
        else promptFailure[a] += pi[a * K + b];
      }
      J += promptSuccess[a];
      F += promptFailure[a];
    }
    J /= P;
    F /= P;
    return { J, failure: F, logit: Math.log(J) - Math.log(F), promptSuccess, promptFailure };
  }
  if (inst.starts.length > 1) return mixtureSuccessRate(inst, tables);
  if (inst.reward === 'exact-match') {
    let logJ = 0;
    let prev = inst.start;
    // The target has L tokens, or with EOS its own length (ending with EOS).
    for (let t = 0; t < inst.target.length; t++) {
      logJ += logPi[prev * K + inst.target[t]];
      prev = inst.target[t];
    }
    const failure = -Math.expm1(logJ);
    return { J: Math.exp(logJ), failure, logit: logJ - Math.log(failure), promptSuccess: null, promptFailure: null };
  }
  if (inst.eos >= 0) {
    const { J, failure } = eosFinalAnswerRate(inst, pi);
    return { J, failure, logit: Math.log(J) - Math.log(failure), promptSuccess: null, promptFailure: null };
  }
  const alpha = forwardMarginals(inst, pi)[L];
  const y = inst.target[L - 1];
  let failure = 0;
  for (let b = 0; b < K; b++) if (b !== y) failure += alpha[b];
  return { J: alpha[y], failure, logit: Math.log(alpha[y]) - Math.log(failure), promptSuccess: null, promptFailure: null };
}

/** Many prompts at token level (SPEC 1.8): J and 1 − J are the means of each prompt's own, both summed from positive terms. */
function mixtureSuccessRate(inst: Instance, tables: PolicyTables): SuccessRate {
  const N = inst.starts.length;
  const promptSuccess = new Float64Array(N);
  const promptFailure = new Float64Array(N);
  let J = 0;
  let F = 0;
  for (let q = 0; q < N; q++) {
    const one = exactSuccessRate(promptInstance(inst, q), tables);
    J += promptSuccess[q] = one.J;
    F += promptFailure[q] = one.failure;
  }
  J /= N;
  F /= N;
  return { J, failure: F, logit: Math.log(J) - Math.log(F), promptSuccess, promptFailure };
}

/** J, 1 − J and logit J at θ in one call (the 1-D threshold search evaluates this). */
export function successAt(inst: Instance, theta: ArrayLike<number>): SuccessRate {
  return exactSuccessRate(inst, policyTables(inst, theta));
}
