/**
 * The log-linear policy π(b | a) ∝ exp(θ·Φ[a][b]) and its exact success rate J (SPEC 1.2),
 * in float64. Used for initialization, theory and tests; the kernels have f32 twins.
 *
 * @example
 *   const pi = policyTable(inst, theta);   // P×K row-stochastic table
 *   const J = successRate(inst, pi);       // exact, no sampling
 */
import { promptInstance, type Instance } from './instance.ts';

/** Logits Φ·θ, one per (state, action). */
export function policyLogits(inst: Pick<Instance, 'P' | 'K' | 'd' | 'phi'>, theta: ArrayLike<number>): Float64Array {
  const { P, K, d, phi } = inst;
  const logits = new Float64Array(P * K);
  for (let e = 0; e < P * K; e++) {
    let v = 0;
    for (let k = 0; k < d; k++) v += phi[e * d + k] * theta[k];
    logits[e] = v;
  }
  return logits;
}

/** Row-softmax in place, max-subtracted so it never overflows. */
export function softmaxRows(table: Float64Array, P: number, K: number): Float64Array {
  for (let a = 0; a < P; a++) {
    let max = -Infinity;
    for (let b = 0; b < K; b++) max = Math.max(max, table[a * K + b]);
    let sum = 0;
    for (let b = 0; b < K; b++) sum += table[a * K + b] = Math.exp(table[a * K + b] - max);
    for (let b = 0; b < K; b++) table[a * K + b] /= sum;
  }
  return table;
}

/** The policy table π(b | a) ∝ exp(θ·Φ[a][b]). */
export function policyTable(inst: Pick<Instance, 'P' | 'K' | 'd' | 'phi'>, theta: ArrayLike<number>): Float64Array {
  return softmaxRows(policyLogits(inst, theta), inst.P, inst.K);
}

/** Exact J: bandits average Σ_a π(a|x)R[x][a] over prompts; exact match multiplies the target's
 *  transition probabilities; final answer propagates the chain L steps. */
export function successRate(inst: Instance, pi: ArrayLike<number>): number {
  const { P, K, L } = inst;
  // Many prompts at token level (SPEC 1.8): the mean of each prompt's own J_q.
  if (inst.reward !== 'table' && inst.starts.length > 1) return promptSuccessRates(inst, pi).reduce((a, b) => a + b, 0) / inst.starts.length;
  if (inst.reward === 'table') {
    let total = 0;
    for (let a = 0; a < P; a++) {
      let row = 0;
      for (let b = 0; b < K; b++) row += pi[a * K + b] * inst.rewardTable[a * K + b];
      total += row;
    }
    return total / P;
  }
  if (inst.reward === 'exact-match') {
    let J = 1;
    let prev = inst.start;
    // With EOS the target is shorter than L and ends with EOS; without, it has L tokens.
    for (let t = 0; t < inst.target.length; t++) {
      J *= pi[prev * K + inst.target[t]];
      prev = inst.target[t];
    }
    return J;
  }
  if (inst.eos >= 0) return finalAnswerWithEos(inst, pi);
  let p = new Float64Array(K);
  p[inst.start] = 1;
  for (let t = 0; t < L; t++) {
    const next = new Float64Array(K);
    for (let a = 0; a < P; a++) for (let b = 0; b < K; b++) next[b] += p[a] * pi[a * K + b];
    p = next;
  }
  return p[inst.target[L - 1]];
}

/** J_q of each prompt (token family), in prompt order. */
export function promptSuccessRates(inst: Instance, pi: ArrayLike<number>): Float64Array {
  return Float64Array.from(inst.starts, (_, q) => successRate(promptInstance(inst, q), pi));
}

/** The answer of a final-answer instance with EOS: the target's token just before its EOS. */
export function answerToken(inst: Pick<Instance, 'target'>): number {
  return inst.target[inst.target.length - 2];
}

/**
 * Final answer with EOS (SPEC 1.7): J = Σ_t P(o_t = y, o_{t+1} = EOS), with the "alive" chain
 * (mass that has not ended) propagated over the L positions; a response cut at L gets 0.
 */
function finalAnswerWithEos(inst: Instance, pi: ArrayLike<number>): number {
  const { K, L, eos } = inst;
  const y = answerToken(inst);
  let alive = new Float64Array(K);
  alive[inst.start] = 1;
  let J = 0;
  for (let t = 0; t < L; t++) {
    J += alive[y] * pi[y * K + eos];
    const next = new Float64Array(K);
    for (let a = 0; a < K; a++) {
      if (alive[a] === 0) continue;
      for (let b = 0; b < K; b++) if (b !== eos) next[b] += alive[a] * pi[a * K + b];
    }
    alive = next;
  }
  return J;
}
