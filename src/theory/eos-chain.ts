/**
 * The token chain with a stop token (SPEC 1.7), float64: an absorbing "ended" state in the forward
 * and backward recursions. A response ends when EOS is sampled (its length counts the EOS) or is
 * cut at L; final answer is won when the token just before EOS is the answer, and a cut response
 * gets 0.
 *
 * Forward: α_t(a) = P(o_t = a, not ended), t = 0..L, α_0 = the start state.
 * Backward, per transition a → b at position t: V_t(a, EOS) = 1{a = y}, V_t(a, b) = β_t(b) otherwise;
 * β_{t−1}(a) = Σ_b π(b|a) V_t(a, b), β_L = 0 (cut). Then J = β_0(start) and
 * ∇J = Σ_{a,b} D[a][b] Φ[a][b] with D[a][b] = Σ_t α_{t−1}(a) π(b|a) (V_t(a, b) − β_{t−1}(a)) (ours: the
 * score's terms weighted by the reward-to-go, as for the fixed-length chain).
 *
 * Without a stop token the same recursions are the fixed-length chain's (won when o_L = y), which
 * gradient-gap.ts and success-rate.ts read through forwardMarginals and finalAnswerWeights.
 *
 * @example
 *   const D = eosFinalAnswerWeights(inst, tables.pi);
 */
import type { Instance } from '../model/index.ts';
import { answerToken } from '../model/index.ts';

/**
 * α_t(a) for t = 0..L, α_0 the start state: P(o_t = a) of the chain, or with a stop token (`stop`
 * ≥ 0) P(o_t = a and the response has not ended), α_t(stop) = 0.
 */
function marginals(inst: Pick<Instance, 'K' | 'L' | 'start'>, pi: ArrayLike<number>, stop: number): Float64Array[] {
  const { K, L } = inst;
  const alpha: Float64Array[] = [new Float64Array(K)];
  alpha[0][inst.start] = 1;
  for (let t = 1; t <= L; t++) {
    const prev = alpha[t - 1];
    const next = new Float64Array(K);
    for (let a = 0; a < K; a++) {
      if (prev[a] === 0) continue;
      for (let b = 0; b < K; b++) if (b !== stop) next[b] += prev[a] * pi[a * K + b];
    }
    alpha.push(next);
  }
  return alpha;
}

/** α_t(b) = P(o_t = b) for t = 0..L, with α_0 the start state (token family, no stop token). */
export const forwardMarginals = (inst: Pick<Instance, 'K' | 'L' | 'start'>, pi: ArrayLike<number>): Float64Array[] => marginals(inst, pi, -1);

/** α_t(a) = P(o_t = a and the response has not ended), t = 0..L; α_t(EOS) = 0. */
export const aliveMarginals = (inst: Pick<Instance, 'K' | 'L' | 'start' | 'eos'>, pi: ArrayLike<number>): Float64Array[] => marginals(inst, pi, inst.eos);

/** E_π|o| = Σ_{t<L} P(not ended after t tokens): L without EOS. */
export function expectedLength(inst: Pick<Instance, 'K' | 'L' | 'start' | 'eos'>, pi: ArrayLike<number>): number {
  if (inst.eos < 0) return inst.L;
  const alpha = aliveMarginals(inst, pi);
  let total = 0;
  for (let t = 0; t < inst.L; t++) for (const v of alpha[t]) total += v;
  return total;
}

/**
 * The final-answer chain, with a stop token (`stop` ≥ 0: won when it follows the answer y, 0 when
 * cut at L) or without (stop < 0: won when o_L = y).
 */
interface FinalAnswerChain {
  y: number; // the answer token
  stop: number; // EOS, or −1
}

/** The chain of `inst`: with its EOS when it has one. */
const chainOf = (inst: Instance): FinalAnswerChain => (inst.eos >= 0 ? { y: answerToken(inst), stop: inst.eos } : { y: inst.target[inst.L - 1], stop: -1 });

/** β_t and β̄_t = 1 − β_t (summed from failures, never by subtraction) for t = 0..L. */
function backward(inst: Instance, pi: Float64Array, { y, stop }: FinalAnswerChain): { beta: Float64Array[]; betaBar: Float64Array[] } {
  const { K, L } = inst;
  const beta: Float64Array[] = new Array(L + 1);
  const betaBar: Float64Array[] = new Array(L + 1);
  beta[L] = new Float64Array(K);
  betaBar[L] = new Float64Array(K).fill(1);
  if (stop < 0) [beta[L][y], betaBar[L][y]] = [1, 0];
  for (let t = L; t >= 1; t--) {
    const prev = new Float64Array(K);
    const prevBar = new Float64Array(K);
    for (let a = 0; a < K; a++) {
      if (a === stop) continue;
      let s = 0;
      let sBar = 0;
      for (let b = 0; b < K; b++) {
        const p = pi[a * K + b];
        if (b === stop) {
          if (a === y) s += p;
          else sBar += p;
        } else {
          s += p * beta[t][b];
          sBar += p * betaBar[t][b];
        }
      }
      prev[a] = s;
      prevBar[a] = sBar;
    }
    beta[t - 1] = prev;
    betaBar[t - 1] = prevBar;
  }
  return { beta, betaBar };
}

/** J and 1 − J of final answer with EOS, each summed from positive terms. */
export function eosFinalAnswerRate(inst: Instance, pi: Float64Array): { J: number; failure: number } {
  const { beta, betaBar } = backward(inst, pi, chainOf(inst));
  return { J: beta[0][inst.start], failure: betaBar[0][inst.start] };
}

/**
 * D[a][b] of final answer, = Σ_t α_{t−1}(a)·π(b|a)·(V_t(a, b) − β_{t−1}(a)); the difference is taken
 * from whichever of β, 1 − β is smaller near the row, so it never cancels catastrophically.
 */
function weights(inst: Instance, pi: Float64Array, chain: FinalAnswerChain): Float64Array {
  const { K, L } = inst;
  const { y, stop } = chain;
  const alpha = marginals(inst, pi, stop);
  const { beta, betaBar } = backward(inst, pi, chain);
  const D = new Float64Array(inst.P * K);
  for (let t = 1; t <= L; t++) {
    for (let a = 0; a < K; a++) {
      const fa = alpha[t - 1][a];
      if (fa === 0) continue;
      const useBar = beta[t - 1][a] > 0.5;
      for (let b = 0; b < K; b++) {
        const v = b === stop ? (a === y ? 1 : 0) : beta[t][b];
        const vBar = b === stop ? (a === y ? 0 : 1) : betaBar[t][b];
        const diff = useBar ? betaBar[t - 1][a] - vBar : v - beta[t - 1][a];
        D[a * K + b] += fa * pi[a * K + b] * diff;
      }
    }
  }
  return D;
}

/** D[a][b] of final answer with EOS. */
export const eosFinalAnswerWeights = (inst: Instance, pi: Float64Array): Float64Array => weights(inst, pi, chainOf(inst));

/**
 * D[a][b] of final answer without a stop token (any EOS of `inst` is not read): β_t(b) = P(o_L = y | o_t = b),
 * y = the target's last token.
 */
export const finalAnswerWeights = (inst: Instance, pi: Float64Array): Float64Array => weights(inst, pi, { y: inst.target[inst.L - 1], stop: -1 });
