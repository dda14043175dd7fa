/**
 * The advantages and the aggregation's scale of the transformer's RL loop (SPEC 1.3), with the
 * f32 formulas and order of the log-linear twin (sequence-cpu.ts `sampledCoefficients`), so the
 * two families differ only in the policy:
 *   none       A = r
 *   mean       A = r − r̄_g                        (r̄_g = f32(Σ_group r / G))
 *   group-std  A = f32(r − r̄_g) / f32(σ_g + ε)    (σ_g biased or Bessel-corrected, per `std`)
 *   batch-std  A = f32(r − r̄_g) / f32(σ_B + ε)    (σ_B over all B·G rewards around their mean)
 *   rloo       A = r − f32(f32(Σ_group r − r) / (G − 1))
 *   oracle     A = r − J(x_g)                      (the prompt's exact J, by teacher forcing)
 * each rounded to f32 once.
 *
 * Responses have a fixed length m (no EOS), so the per-length aggregations take their length
 * scale at m, as aggregation-scale.ts's `sampleScale` does at L.
 */
import type { Advantage, Aggregation, RunParams } from '../spec/index.ts';
import { ADVANTAGES, AGGREGATIONS } from '../spec/index.ts';
import { sampleScale } from './aggregation-scale.ts';

const f32 = Math.fround;

/** The advantages and aggregations the transformer loop takes: all of SPEC 1.3's. */
export const TRANSFORMER_ADVANTAGES: readonly Advantage[] = ADVANTAGES;
export const TRANSFORMER_AGGREGATIONS: readonly Aggregation[] = AGGREGATIONS;

/**
 * The scale on each token's weight of a batch of `B` prompt groups of G responses of m tokens.
 * seq-sum and constant-no-batch are aggregation-scale.ts's `sampleScale`. For the three that
 * divide by B·G·m at a fixed length the loop keeps its first rounding, f32(1/(B·G·m)), one
 * rounding where sampleScale takes three (f32(f32(1/(B·G))·f32(1/m))): the two differ in the last
 * bit for some B·G·m (e.g. 1·3·3), and the WGSL kernel is written against the first.
 */
export function transformerTokenScale(p: Pick<RunParams, 'aggregation' | 'G'>, B: number, m: number): number {
  if (p.aggregation === 'seq-sum' || p.aggregation === 'constant-no-batch') return sampleScale({ aggregation: p.aggregation, B, G: p.G, eos: false }, m);
  return f32(1 / (B * p.G * m)); // seq-mean-token-mean, token-mean and constant coincide at a fixed length
}

/**
 * Advantages of a batch of B groups of G rewards into `out` (f32). `promptJ(g)` is J(x) of group
 * g's prompt, read only by the oracle advantage.
 */
export function batchAdvantages(
  p: Pick<RunParams, 'advantage' | 'std' | 'epsilon'>,
  rewards: Float32Array,
  B: number,
  G: number,
  promptJ: (group: number) => number,
  out: Float32Array,
): void {
  if (p.advantage === 'rloo' && G < 2) throw new Error(`advantage rloo needs G ≥ 2 (a leave-one-out baseline); G is ${G}`);
  const bessel = p.std === 'unbiased';
  let batchStd = 0;
  if (p.advantage === 'batch-std') {
    const n = B * G;
    let sum = 0;
    for (let j = 0; j < n; j++) sum += rewards[j];
    const mean = f32(sum / n);
    let ss = 0;
    for (let j = 0; j < n; j++) ss += (rewards[j] - mean) * (rewards[j] - mean);
    batchStd = f32(Math.sqrt(f32(ss / (bessel ? n - 1 : n))));
  }
  const epsilon = f32(p.epsilon);
  for (let g = 0; g < B; g++) {
    let sum = 0;
    for (let i = 0; i < G; i++) sum += rewards[g * G + i];
    const mean = f32(sum / G);
    let std = 0;
    if (p.advantage === 'group-std') {
      let ss = 0;
      for (let i = 0; i < G; i++) ss += (rewards[g * G + i] - mean) * (rewards[g * G + i] - mean);
      std = f32(Math.sqrt(f32(ss / (bessel ? G - 1 : G))));
    }
    const J = p.advantage === 'oracle' ? promptJ(g) : 0;
    for (let i = 0; i < G; i++) {
      const r = rewards[g * G + i];
      let A: number;
      switch (p.advantage) {
        case 'none':
          A = r;
          break;
        case 'mean':
          A = r - mean;
          break;
        case 'group-std':
          A = f32(r - mean) / f32(std + epsilon);
          break;
        case 'batch-std':
          A = f32(r - mean) / f32(batchStd + epsilon);
          break;
        case 'rloo':
          A = r - f32(f32(sum - r) / (G - 1));
          break;
        default:
          A = r - J; // oracle
      }
      out[g * G + i] = f32(A);
    }
  }
}
