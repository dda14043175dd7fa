/**
 * The transformer's PPO loop (SPEC 1.9): its direction against central finite differences of the
 * loss written apart (ppo-reference.ts's referenceTokenLoss) on the float64 twin; μ = M = 1, β = 0
 * through the PPO code equal to the one-step loop bit for bit; the exact KL to π_ref against a sum
 * over every whole response; and what the loop records.
 */
import { describe, expect, it } from 'vitest';
import { philox4x32 } from '../rng/index.ts';
import { F32, F64, initialParameters, makeTaskSet, TransformerTwin, transformerModel, type TaskSet } from '../model/index.ts';
import { ADVANTAGES, DEFAULT_RUN } from '../spec/index.ts';
import { ppoTokenConstants } from './ppo-loss.ts';
import { referenceTokenLoss, type ReferenceLoop } from './ppo-reference.ts';
import { trainTransformerGrpo, trainTransformerLoop, type TransformerLoopParams } from './transformer-grpo.ts';
import { ppoDirection, type PpoMiniBatch } from './transformer-loop-ppo.ts';
import { prefixSums } from './transformer-loop-prefixes.ts';
import { supervisedWarmStart } from './transformer-sft.ts';

const shape = { V: 4, d: 8, T: 4, layers: 1, heads: 2 };
const set = makeTaskSet({ task: 'copy', V: 4, promptLength: 2, N: 6, heldOutPrompts: 0 }, 5, 0);
const k = set.promptLength;
const m = set.responseLength;

/** θ0 of the shape, scaled up so the policy is far from uniform, plus a seeded perturbation of size `by`. */
function parameters(gain: number, by: number, salt: number): Float32Array {
  const theta = initialParameters(transformerModel(shape, F32).layout, 7, 0);
  for (let i = 0; i < theta.length; i++) theta[i] = theta[i] * gain + by * ((philox4x32([i, salt, 0, 0], [3, 4])[0] >>> 8) / 2 ** 24 - 0.5);
  return theta;
}

describe('the PPO direction on the transformer', () => {
  const twin = new TransformerTwin(transformerModel(shape, F64));
  const old = parameters(20, 0, 0);
  const ref = parameters(20, 0.3, 1);
  const theta = Float64Array.from(parameters(20, 0.6, 2)); // far enough from θ_old that the clip acts
  const count = 8;
  const responses = new Int32Array(count * m);
  for (let i = 0; i < responses.length; i++) responses[i] = philox4x32([i, 9, 0, 0], [3, 4])[0] % shape.V;
  const prompt = (j: number) => set.trainPrompts.subarray((j % 6) * k, (j % 6) * k + k);
  const advantage = Float32Array.from([1.2, -0.7, 0.4, -1.5, 0.9, -0.2, 1.7, -1.1]);
  const logOf = (th: ArrayLike<number>) => {
    const out = new Float32Array(count * m);
    const row = new Float64Array(m);
    for (let j = 0; j < count; j++) {
      twin.responseLogProb(Float64Array.from(th), prompt(j), responses.subarray(j * m, j * m + m), row);
      for (let t = 0; t < m; t++) out[j * m + t] = row[t];
    }
    return out;
  };
  const logOld = logOf(old);
  const logRef = logOf(ref);
  const scale = Math.fround(1 / 16);

  /** The mini-batch's loss Σ_j Σ_t scale · ℓ_jt(θ) in float64. */
  function loss(th: Float64Array, c: ReferenceLoop): number {
    const row = new Float64Array(m);
    let total = 0;
    for (let j = 0; j < count; j++) {
      twin.responseLogProb(th, prompt(j), responses.subarray(j * m, j * m + m), row);
      for (let t = 0; t < m; t++) total += scale * referenceTokenLoss(row[t], logOld[j * m + t], logRef[j * m + t], advantage[j], c);
    }
    return total;
  }

  const cases = [
    { clipLow: 0.2, clipHigh: 0.28, dualClip: null, klCoef: 0, klEstimator: 'k3' },
    { clipLow: 0.2, clipHigh: 0.2, dualClip: 1.3, klCoef: 0.3, klEstimator: 'k3' },
    { clipLow: 0.1, clipHigh: 0.3, dualClip: null, klCoef: 0.5, klEstimator: 'k1' },
  ] as const;
  for (const c of cases) {
    it(`is −∇ of the PPO loss by central differences (float64 twin; dual clip ${c.dualClip}, β ${c.klCoef}, ${c.klEstimator})`, () => {
      const batch: PpoMiniBatch = {
        prompt,
        responses,
        L: m,
        lengths: new Int32Array(count).fill(m),
        first: 0,
        count,
        advantage,
        logOld,
        logRef,
        scale,
        constants: ppoTokenConstants(c),
      };
      const w = new Float64Array(theta.length);
      const { clipped, seen } = ppoDirection(twin, theta, batch, w);
      expect(seen).toBe(count * m);
      expect(clipped).toBeGreaterThan(0); // the clip acts on some tokens …
      expect(clipped).toBeLessThan(seen); // … not all
      const reference: ReferenceLoop = {
        ...c,
        estimator: c.klEstimator,
        G: 1,
        B: 1,
        epochs: 1,
        miniBatches: 1,
        stepSize: 0,
        aggregation: 'seq-sum',
        advantage: 'mean',
        epsilon: 0,
      };
      const h = 1e-6;
      let worst = 0;
      let norm = 0;
      for (let i = 0; i < theta.length; i++) norm = Math.max(norm, Math.abs(w[i]));
      for (let i = 0; i < theta.length; i += 7) {
        const plus = theta.slice();
        const minus = theta.slice();
        plus[i] += h;
        minus[i] -= h;
        const fd = -(loss(plus, reference) - loss(minus, reference)) / (2 * h);
        worst = Math.max(worst, Math.abs(fd - w[i]));
      }
      expect(norm).toBeGreaterThan(1e-3);
      expect(worst / norm).toBeLessThan(1e-5); // the weights are f32 (ppo-loss.ts), the rest float64
    });
  }
});

describe('the exact KL to π_ref', () => {
  it('equals the sum over every whole response of π(o)(log π(o) − log π_ref(o)), mean over prompts', () => {
    const twin32 = new TransformerTwin(transformerModel(shape, F32));
    const twin64 = new TransformerTwin(transformerModel(shape, F64));
    const theta = parameters(20, 0.5, 3);
    const ref = parameters(20, 0, 0);
    const kl = prefixSums(twin32, theta, ref, set, m).kl;
    const N = set.trainPrompts.length / k;
    let sum = 0;
    const o = new Int32Array(m);
    for (let q = 0; q < N; q++) {
      const prompt = set.trainPrompts.subarray(q * k, q * k + k);
      for (let code = 0; code < shape.V ** m; code++) {
        for (let t = 0, c = code; t < m; t++, c = Math.floor(c / shape.V)) o[t] = c % shape.V;
        const lp = twin64.responseLogProb(Float64Array.from(theta), prompt, o);
        sum += Math.exp(lp) * (lp - twin64.responseLogProb(Float64Array.from(ref), prompt, o));
      }
    }
    expect(kl).toBeGreaterThan(0.01);
    expect(Math.abs(kl - sum / N) / kl).toBeLessThan(1e-5);
    expect(prefixSums(twin32, theta, theta, set, m).kl).toBe(0);
  });
});

describe('the PPO loop on the transformer', () => {
  const model = transformerModel({ V: 4, d: 16, T: 4, layers: 1, heads: 2 }, F32);
  const twin = new TransformerTwin(model);
  const task: TaskSet = makeTaskSet({ task: 'copy', V: 4, promptLength: 2, N: 8, heldOutPrompts: 0 }, 3, 0);
  const theta0 = initialParameters(model.layout, 3, 0);
  supervisedWarmStart(twin, theta0, task, { J0: 0.3, sftLearningRate: 0.01, sftMaxSteps: 400 });
  const loop: TransformerLoopParams = { ...DEFAULT_RUN, G: 4, B: 4, iterations: 6, recordEvery: 2, stepSize: 0.1, seed: 2, run: 3 };

  it('at μ = M = 1, β = 0 takes the one-step loop’s steps bit for bit through its own code', () => {
    for (const [advantage, optimizer, aggregation] of [
      ['group-std', 'sgd', 'seq-sum'],
      ['rloo', 'adam', 'token-mean'],
      ['oracle', 'momentum', 'constant-no-batch'],
    ] as const) {
      const q = { ...loop, advantage, optimizer, aggregation, stepSize: optimizer === 'adam' ? 0.01 : 0.1 };
      const a = theta0.slice();
      const b = theta0.slice();
      const plain = trainTransformerGrpo(twin, a, task, q);
      const ppo = trainTransformerLoop(twin, b, task, q, true);
      expect(b).toEqual(a);
      expect(Number.isNaN(plain.klReference[1])).toBe(true); // outside the PPO loop
      expect(Array.from(ppo.klReference)[0]).toBe(0);
      expect(Array.from(ppo.clippedShare)).toEqual([0, 0, 0, 0]); // ρ = 1: no clip
      expect({ ...ppo, klReference: null }).toEqual({ ...plain, klReference: null });
    }
  });

  it('takes μ × M updates a batch: the clip acts, KL to π_ref grows from 0, and β holds it back', () => {
    const ppo = { ...loop, ppoEpochs: 4, miniBatches: 2, optimizer: 'adam', stepSize: 0.003 } as const;
    const free = trainTransformerGrpo(twin, theta0.slice(), task, ppo);
    expect(free.diverged).toBe(false);
    expect(free.klReference[0]).toBe(0);
    expect(free.clippedShare[0]).toBe(0);
    expect(Math.max(...free.clippedShare)).toBeGreaterThan(0);
    expect(free.klReference[3]).toBeGreaterThan(0.1);
    // A stronger pull to π_ref keeps θ nearer it (Adam at a small η; SGD at a large one can stall at k3's clamp).
    const held = trainTransformerGrpo(twin, theta0.slice(), task, { ...ppo, klCoef: 1 });
    const tight = trainTransformerGrpo(twin, theta0.slice(), task, { ...ppo, klCoef: 3 });
    expect(held.klReference[3]).toBeLessThan(free.klReference[3]);
    expect(tight.klReference[3]).toBeLessThan(held.klReference[3]);
    expect(trainTransformerGrpo(twin, theta0.slice(), task, ppo)).toEqual(free); // deterministic
    for (const advantage of ADVANTAGES)
      expect(trainTransformerGrpo(twin, theta0.slice(), task, { ...ppo, advantage, iterations: 2 }).deltaNorm[1]).toBeGreaterThan(0);
  });

  it('refuses mini-batches that do not divide B, naming the fields', () => {
    expect(() => trainTransformerGrpo(twin, theta0.slice(), task, { ...loop, miniBatches: 3 })).toThrow(/miniBatches 3 must divide B 4/);
  });
});
