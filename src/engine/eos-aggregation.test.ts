/**
 * The aggregations with EOS (SPEC 1.7) on fixed sampled batches: the twin's update direction
 * equals each formula written out here from the batch's tokens, independently of the twin's
 * weighted-count form: seq-sum mean_i Σ_t, seq-mean-token-mean mean_i Σ_t/|o_i| (TRL grpo),
 * token-mean Σ_i Σ_t / Σ_i |o_i| (DAPO), constant Σ_i Σ_t/(B·G·L) (TRL dr_grpo), constant-no-batch
 * Σ_i Σ_t / L (verl seq-mean-token-sum-norm).
 */
import { describe, expect, it } from 'vitest';
import { initialTheta, makeInstance } from '../model/index.ts';
import { AGGREGATIONS, DEFAULT_RUN, effectiveDim, type Aggregation, type RunParams } from '../spec/index.ts';
import { packInstance, type PackedInstance } from './packing.ts';
import { sampledStep, type SampledStep } from './sequence-cpu.ts';
import { relativeError } from '../theory/test-fixtures.ts';

const BASE: RunParams = { ...DEFAULT_RUN, eos: true, V: 6, d: 5, L: 8, targetLength: 3, G: 8, J0: 0.3, advantage: 'group-std', reward: 'final-answer' };

/** The score of response i, Σ_t (Φ[o_{t−1}][o_t] − Σ_b π(b|o_{t−1}) Φ[o_{t−1}][b]), in float64. */
function score(inst: PackedInstance, batch: SampledStep, i: number): Float64Array {
  const { K, d, L, phi } = inst;
  const out = new Float64Array(d);
  let prev = inst.start;
  for (let t = 0; t < batch.lengths[i]; t++) {
    const o = batch.tokens[i * L + t];
    for (let k = 0; k < d; k++) {
      let mean = 0;
      for (let b = 0; b < K; b++) mean += batch.pi[prev * K + b] * phi[(prev * K + b) * d + k];
      out[k] += phi[(prev * K + o) * d + k] - mean;
    }
    prev = o;
  }
  return out;
}

/** GRPO's advantage, (r − mean)/(unbiased std + ε). */
function advantages(r: ArrayLike<number>, epsilon: number): number[] {
  const n = r.length;
  const mean = Array.from(r).reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(Array.from(r).reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return Array.from(r, (x) => (x - mean) / (std + epsilon));
}

function formula(aggregation: Aggregation, inst: PackedInstance, batch: SampledStep, p: RunParams): Float64Array {
  const n = p.B * p.G;
  const A = advantages(batch.rewards, p.epsilon);
  const tokens = Array.from(batch.lengths).reduce((a, b) => a + b, 0);
  const w = new Float64Array(inst.d);
  for (let i = 0; i < n; i++) {
    const weight = {
      'seq-sum': 1 / n,
      'seq-mean-token-mean': 1 / (n * batch.lengths[i]),
      'token-mean': 1 / tokens,
      constant: 1 / (n * p.L),
      'constant-no-batch': 1 / p.L,
    }[aggregation];
    const si = score(inst, batch, i);
    for (let k = 0; k < inst.d; k++) w[k] += A[i] * weight * si[k];
  }
  return w;
}

/** The first step (over seeds) whose batch satisfies `want`, at θ0. */
function findBatch(p: RunParams, want: (b: SampledStep, inst: PackedInstance) => boolean) {
  for (let seedIndex = 0; seedIndex < 50; seedIndex++) {
    const model = makeInstance({ ...p, d: effectiveDim(p) }, 5, seedIndex);
    const inst = packInstance(model);
    const theta = Float32Array.from(initialTheta(model, p));
    for (let step = 0; step < 50; step++) {
      const batch = sampledStep(p, inst, theta, 5, seedIndex, step);
      const rewards = Array.from(batch.rewards);
      if (rewards.some((r) => r > 0) && rewards.some((r) => r === 0) && want(batch, inst)) return { inst, theta, seedIndex, step };
    }
  }
  throw new Error('no batch found');
}

const spread = (b: SampledStep) => Math.max(...b.lengths) / Math.min(...b.lengths);
const cut = (b: SampledStep, inst: PackedInstance) => Array.from(b.lengths).some((len, i) => len === inst.L && b.tokens[i * inst.L + len - 1] !== inst.eos);

describe('aggregations with EOS equal the SPEC 1.7 formulas on fixed batches', () => {
  for (const reward of ['final-answer', 'exact-match'] as const) {
    for (const [what, want] of [
      ['lengths differing by 4× or more', (b: SampledStep) => spread(b) >= 4],
      ['a response cut at L without EOS', cut],
    ] as const) {
      it(`${reward}, a batch with ${what}: every aggregation's w to 1e-5`, () => {
        const p = { ...BASE, reward };
        const found = findBatch(p, want);
        for (const aggregation of AGGREGATIONS) {
          const q = { ...p, aggregation };
          const batch = sampledStep(q, found.inst, found.theta, 5, found.seedIndex, found.step);
          expect(want(batch, found.inst)).toBe(true);
          expect(relativeError(batch.w, formula(aggregation, found.inst, batch, q)), aggregation).toBeLessThan(1e-5);
        }
      });
    }
  }

  it('the five aggregations differ in kind with EOS (not a rescaling of one another)', () => {
    const found = findBatch(BASE, (b) => spread(b) >= 4);
    const ws = AGGREGATIONS.map((aggregation) => sampledStep({ ...BASE, aggregation }, found.inst, found.theta, 5, found.seedIndex, found.step).w);
    const cosine = (a: Float32Array, b: Float32Array) => {
      let ab = 0;
      let aa = 0;
      let bb = 0;
      for (let k = 0; k < a.length; k++) [ab, aa, bb] = [ab + a[k] * b[k], aa + a[k] * a[k], bb + b[k] * b[k]];
      return ab / Math.sqrt(aa * bb);
    };
    // seq-sum, constant and constant-no-batch are parallel; seq-mean-token-mean and token-mean are not parallel to them.
    expect(cosine(ws[0], ws[3])).toBeCloseTo(1, 5);
    expect(cosine(ws[0], ws[4])).toBeCloseTo(1, 5);
    expect(Math.abs(cosine(ws[0], ws[1]))).toBeLessThan(0.99999);
  });
});
