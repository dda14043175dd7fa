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
 * @example
 *   const D = eosFinalAnswerWeights(inst, tables);
 */
import type { Instance } from '../model/index.ts';
import { answerToken } from '../model/index.ts';

/** α_t(a) = P(o_t = a and the response has not ended), t = 0..L; α_t(EOS) = 0. */
export function aliveMarginals(inst: Pick<Instance, 'K' | 'L' | 'start' | 'eos'>, pi: ArrayLike<number>): Float64Array[] {
  const { K, L, eos } = inst;
  const alpha: Float64Array[] = [new Float64Array(K)];
  alpha[0][inst.start] = 1;
  for (let t = 1; t <= L; t++) {
    const prev = alpha[t - 1];
    const next = new Float64Array(K);
    for (let a = 0; a < K; a++) {
      if (prev[a] === 0) continue;
      for (let b = 0; b < K; b++) if (b !== eos) next[b] += prev[a] * pi[a * K + b];
    }
    alpha.push(next);
  }
  return alpha;
}

/** E_π|o| = Σ_{t<L} P(not ended after t tokens): L without EOS. */
export function expectedLength(inst: Pick<Instance, 'K' | 'L' | 'start' | 'eos'>, pi: ArrayLike<number>): number {
  if (inst.eos < 0) return inst.L;
  const alpha = aliveMarginals(inst, pi);
  let total = 0;
  for (let t = 0; t < inst.L; t++) for (const v of alpha[t]) total += v;
  return total;
}

/** β_t and β̄_t = 1 − β_t (summed from failures, never by subtraction) for t = 0..L. */
function backward(inst: Instance, pi: Float64Array): { beta: Float64Array[]; betaBar: Float64Array[] } {
  const { K, L, eos } = inst;
  const y = answerToken(inst);
  const beta: Float64Array[] = new Array(L + 1);
  const betaBar: Float64Array[] = new Array(L + 1);
  beta[L] = new Float64Array(K);
  betaBar[L] = new Float64Array(K).fill(1);
  for (let t = L; t >= 1; t--) {
    const prev = new Float64Array(K);
    const prevBar = new Float64Array(K);
    for (let a = 0; a < K; a++) {
      if (a === eos) continue;
      let s = 0;
      let sBar = 0;
      for (let b = 0; b < K; b++) {
        const p = pi[a * K + b];
        if (b === eos) {
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
  const { beta, betaBar } = backward(inst, pi);
  return { J: beta[0][inst.start], failure: betaBar[0][inst.start] };
}

/** D[a][b] of final answer with EOS; the difference V − β is taken from whichever of β, 1 − β is smaller, so it never cancels. */
export function eosFinalAnswerWeights(inst: Instance, pi: Float64Array): Float64Array {
  const { K, L, eos } = inst;
  const y = answerToken(inst);
  const alpha = aliveMarginals(inst, pi);
  const { beta, betaBar } = backward(inst, pi);
  const D = new Float64Array(inst.P * K);
  for (let t = 1; t <= L; t++) {
    for (let a = 0; a < K; a++) {
      const fa = alpha[t - 1][a];
      if (fa === 0) continue;
      const useBar = beta[t - 1][a] > 0.5;
      for (let b = 0; b < K; b++) {
        const v = b === eos ? (a === y ? 1 : 0) : beta[t][b];
        const vBar = b === eos ? (a === y ? 0 : 1) : betaBar[t][b];
        const diff = useBar ? betaBar[t - 1][a] - vBar : v - beta[t - 1][a];
        D[a * K + b] += fa * pi[a * K + b] * diff;
      }
    }
  }
  return D;
}
