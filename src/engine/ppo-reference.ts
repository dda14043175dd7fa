/**
 * Test support only: a float64 reference of the PPO loop (SPEC 1.9) written apart from the engine
 * (it imports nothing of ppo-loss.ts or ppo-update.ts). The token loss is written as verl writes
 * it, with max/min/clamp on the values, and its derivative in log π_θ is taken by a central finite
 * difference, so no case analysis of the clip is shared with the code under test. The policy is
 * the log-linear one, log-softmax rows of Φ·θ, in float64; updates are plain SGD, θ ← θ − η ∇ℓ.
 */

/** The log-linear policy and one sampled batch, as plain arrays. */
export interface ReferenceBatch {
  P: number;
  K: number;
  d: number;
  L: number;
  phi: ArrayLike<number>; // [a][b][k]
  eos: number | null; // the EOS token, or null
  tokens: ArrayLike<number>; // [sample][L]
  lengths: ArrayLike<number>;
  starts: ArrayLike<number>; // start token of each group
  rewards: ArrayLike<number>;
}

export interface ReferenceLoop {
  G: number;
  B: number;
  epochs: number;
  miniBatches: number;
  clipLow: number;
  clipHigh: number;
  dualClip: number | null;
  klCoef: number;
  estimator: 'k3' | 'k1';
  stepSize: number;
  aggregation: 'seq-sum' | 'seq-mean-token-mean' | 'token-mean' | 'constant' | 'constant-no-batch';
  advantage: 'group-std' | 'mean';
  epsilon: number; // of the group std (unbiased)
}

/** log π(b|a) for every a, b at θ (float64 log-softmax). */
export function logPolicy(batch: Pick<ReferenceBatch, 'P' | 'K' | 'd' | 'phi'>, theta: ArrayLike<number>): Float64Array {
  const { P, K, d, phi } = batch;
  const out = new Float64Array(P * K);
  for (let a = 0; a < P; a++) {
    let max = -Infinity;
    for (let b = 0; b < K; b++) {
      let z = 0;
      for (let k = 0; k < d; k++) z += phi[(a * K + b) * d + k] * theta[k];
      out[a * K + b] = z;
      max = Math.max(max, z);
    }
    let sum = 0;
    for (let b = 0; b < K; b++) sum += Math.exp(out[a * K + b] - max);
    const lse = max + Math.log(sum);
    for (let b = 0; b < K; b++) out[a * K + b] -= lse;
  }
  return out;
}

/** verl's token loss as a function of x = log π_θ (policy part and KL part), written on values. */
export function referenceTokenLoss(x: number, logOld: number, logRef: number, A: number, c: ReferenceLoop): number {
  const ratio = Math.exp(x - logOld);
  const loss1 = -A * ratio;
  const loss2 = -A * Math.min(Math.max(ratio, 1 - c.clipLow), 1 + c.clipHigh);
  let pg = Math.max(loss1, loss2);
  if (c.dualClip !== null && A < 0) pg = Math.min(pg, -A * c.dualClip);
  const delta = logRef - x;
  const kl = c.estimator === 'k1' ? -delta : Math.min(Math.max(Math.exp(delta) - delta - 1, -10), 10);
  return pg + c.klCoef * kl;
}

/** Whether TRL would count the token as clipped (its ratio outside the range on the side A pushes). */
export function referenceClipped(x: number, logOld: number, A: number, c: ReferenceLoop): boolean {
  const ratio = Math.exp(x - logOld);
  return (ratio < 1 - c.clipLow && A < 0) || (ratio > 1 + c.clipHigh && A > 0);
}

function groupAdvantages(r: ArrayLike<number>, c: ReferenceLoop): number[] {
  const A: number[] = [];
  for (let g = 0; g < c.B; g++) {
    const group = Array.from({ length: c.G }, (_, i) => r[g * c.G + i]);
    const mean = group.reduce((s, v) => s + v, 0) / c.G;
    const std = Math.sqrt(group.reduce((s, v) => s + (v - mean) ** 2, 0) / (c.G - 1));
    for (const v of group) A.push(c.advantage === 'mean' ? v - mean : (v - mean) / (std + c.epsilon));
  }
  return A;
}

/**
 * θ after μ × M SGD steps on `batch`, sampled at θ (π_old) with π_ref at `thetaRef`; also the
 * clipped share of the token-updates. The aggregation is each mini-batch's own.
 */
export function referenceIteration(
  batch: ReferenceBatch,
  theta0: ArrayLike<number>,
  thetaRef: ArrayLike<number>,
  c: ReferenceLoop,
): { theta: Float64Array; clippedShare: number } {
  const { K, d, L, phi } = batch;
  const theta = Float64Array.from(theta0);
  const logOldTable = logPolicy(batch, theta0);
  const logRefTable = logPolicy(batch, thetaRef);
  const A = groupAdvantages(batch.rewards, c);
  const perMini = (c.B / c.miniBatches) * c.G;
  let clipped = 0;
  let seen = 0;
  for (let e = 0; e < c.epochs; e++) {
    for (let m = 0; m < c.miniBatches; m++) {
      const logNow = logPolicy(batch, theta);
      const grad = new Float64Array(d);
      const first = m * perMini;
      let tokens = 0;
      for (let j = first; j < first + perMini; j++) tokens += batch.lengths[j];
      for (let j = first; j < first + perMini; j++) {
        const len = batch.lengths[j];
        const scale = {
          'seq-sum': 1 / perMini,
          'seq-mean-token-mean': 1 / (perMini * len),
          'token-mean': 1 / tokens,
          constant: 1 / (perMini * L),
          'constant-no-batch': 1 / L,
        }[c.aggregation];
        let prev = batch.starts[Math.floor(j / c.G)];
        for (let t = 0; t < len; t++) {
          const b = batch.tokens[j * L + t];
          const x = logNow[prev * K + b];
          const old = logOldTable[prev * K + b];
          const ref = logRefTable[prev * K + b];
          const h = 1e-7;
          const dLoss = (referenceTokenLoss(x + h, old, ref, A[j], c) - referenceTokenLoss(x - h, old, ref, A[j], c)) / (2 * h);
          if (referenceClipped(x, old, A[j], c)) clipped++;
          seen++;
          // ∇θ log π(b|prev) = Φ[prev][b] − Σ_b' π(b'|prev) Φ[prev][b'].
          for (let k = 0; k < d; k++) {
            let mean = 0;
            for (let bb = 0; bb < K; bb++) mean += Math.exp(logNow[prev * K + bb]) * phi[(prev * K + bb) * d + k];
            grad[k] += scale * dLoss * (phi[(prev * K + b) * d + k] - mean);
          }
          prev = b;
        }
      }
      for (let k = 0; k < d; k++) theta[k] -= c.stepSize * grad[k];
    }
  }
  return { theta, clippedShare: seen ? clipped / seen : 0 };
}
