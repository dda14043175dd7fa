/**
 * The factor c(J) with E[A_i · s(o_i)] = c(J) · ∇J for a group of G i.i.d. responses.
 *
 * Derivation (ours): A_i = f(r_i, k) where k ~ Binomial(G−1, J) counts the successes among the
 * other responses, independent of o_i. Since E[s·1{r=1}] = ∇J and E[s·1{r=0}] = −∇J,
 * E[A_i s_i] = ∇J · E_k[f(1,k) − f(0,k)]. So every advantage's expected update is parallel to ∇J.
 */
import type { Advantage, StdKind } from '../spec/index.ts';

/** f(1,k) − f(0,k) for a group-std advantage, with all-equal groups at zero advantage. */
function groupStdGap(G: number, k: number, epsilon: number, std: StdKind): number {
  const term = (r: number) => {
    const m = (r + k) / G;
    const num = r - m;
    if (num === 0) return 0;
    const variance = m * (1 - m) * (std === 'unbiased' ? G / (G - 1) : 1);
    return num / (Math.sqrt(variance) + epsilon);
  };
  return term(1) - term(0);
}

/** c(J) for an advantage; J is the success rate of the prompt the group answers. */
export function expectedAdvantageFactor(advantage: Advantage, G: number, J: number, epsilon: number, std: StdKind): number {
  switch (advantage) {
    case 'none':
    case 'rloo':
    case 'oracle':
      return 1;
    case 'mean':
      return 1 - 1 / G;
    default: {
      // group-std, and batch-std with one prompt per batch (then the batch is the group).
      if (G < 2) return 0;
      const n = G - 1;
      if (J <= 0) return groupStdGap(G, 0, epsilon, std);
      if (J >= 1) return groupStdGap(G, n, epsilon, std);
      const logJ = Math.log(J);
      const log1J = Math.log1p(-J);
      let logChoose = 0;
      let total = 0;
      for (let k = 0; k <= n; k++) {
        if (k > 0) logChoose += Math.log((n - k + 1) / k);
        total += Math.exp(logChoose + k * logJ + (n - k) * log1J) * groupStdGap(G, k, epsilon, std);
      }
      return total;
    }
  }
}
