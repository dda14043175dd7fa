/**
 * EOS for the transformer (SPEC 1.7): the task's targets end with EOS; sampled responses end at
 * EOS or are cut at L; the per-length aggregations' first SGD step against w recomputed in float64
 * from the sampled batch with SPEC 1.7's formulas; E|o| and the KL to π_ref against a sum over
 * every response.
 */
import { describe, expect, it } from 'vitest';
import { F32, F64, initialParameters, makeTaskSet, TransformerTwin, transformerModel, type TaskSet } from '../model/index.ts';
import { AGGREGATIONS, DEFAULT_RUN, type Aggregation } from '../spec/index.ts';
import { trainTransformerGrpo, trainTransformerLoop, type TransformerLoopParams } from './transformer-grpo.ts';
import { prefixSums } from './transformer-loop-prefixes.ts';
import { referenceTokenLoss, type ReferenceLoop } from './ppo-reference.ts';
import { supervisedWarmStart } from './transformer-sft.ts';

const V = 5; // EOS = 4; the task uses tokens 0..3
const k = 2;
const L = 4; // the target is 3 tokens (2 + EOS); responses may run one longer
const shape = { V, d: 16, T: k + L, layers: 1, heads: 2 };
const set = makeTaskSet({ task: 'reverse', V, promptLength: k, N: 8, heldOutPrompts: 0, eos: true }, 3, 0);
const twin = new TransformerTwin(transformerModel(shape, F32));
const twin64 = new TransformerTwin(transformerModel(shape, F64));
const theta0 = initialParameters(twin.model.layout, 3, 0);
supervisedWarmStart(twin, theta0, set, { J0: 0.3, sftLearningRate: 0.01, sftMaxSteps: 600 });
const loop: TransformerLoopParams = { ...DEFAULT_RUN, eos: true, L, G: 4, B: 4, iterations: 1, recordEvery: 1, stepSize: 0.05, seed: 6, run: 2 };

/** Every response of at most L tokens a prompt can get: ended at EOS, or cut at L. */
function everyResponse(): number[][] {
  const out: number[][] = [];
  const grow = (prefix: number[]) => {
    if (prefix.length === L) return void out.push(prefix);
    for (let b = 0; b < V; b++) {
      if (b === V - 1) out.push([...prefix, b]);
      else grow([...prefix, b]);
    }
  };
  grow([]);
  return out;
}

describe('EOS on the transformer (SPEC 1.7)', () => {
  it('makes targets f(prompt) over V − 1 tokens ending with EOS = V − 1', () => {
    expect(set.eos).toBe(V - 1);
    expect(set.responseLength).toBe(3);
    for (let q = 0; q < 8; q++) {
      const prompt = Array.from(set.trainPrompts.subarray(q * k, q * k + k));
      expect(prompt.every((x) => x >= 0 && x < V - 1)).toBe(true);
      expect(Array.from(set.trainTargets.subarray(q * 3, q * 3 + 3))).toEqual([prompt[1], prompt[0], V - 1]);
    }
    const plain = makeTaskSet({ task: 'reverse', V, promptLength: k, N: 8, heldOutPrompts: 0 }, 3, 0);
    expect(plain.eos).toBeUndefined();
    expect(plain.responseLength).toBe(2);
  });

  it('E|o| and KL(π_θ ‖ π_ref) by the prefix walk equal sums over every response', () => {
    const ref = initialParameters(twin.model.layout, 3, 0);
    const sums = prefixSums(twin, theta0, ref, set, L);
    let length = 0;
    let kl = 0;
    let total = 0;
    const [theta64, ref64] = [Float64Array.from(theta0), Float64Array.from(ref)];
    for (let q = 0; q < 8; q++) {
      const prompt = set.trainPrompts.subarray(q * k, q * k + k);
      for (const o of everyResponse()) {
        const lp = twin64.responseLogProb(theta64, prompt, o);
        const P = Math.exp(lp);
        total += P / 8;
        length += (P * o.length) / 8;
        kl += (P * (lp - twin64.responseLogProb(ref64, prompt, o))) / 8;
      }
    }
    expect(total).toBeCloseTo(1, 6);
    expect(sums.expectedLength).toBeGreaterThan(1);
    expect(Math.abs(sums.expectedLength - length) / length).toBeLessThan(1e-5);
    expect(kl).toBeGreaterThan(0.01);
    expect(Math.abs(sums.kl - kl) / kl).toBeLessThan(1e-5);
  });

  it('samples responses that end at their first EOS or at L; a pass has exactly the target’s length', () => {
    let seen = 0;
    const out = trainTransformerLoop(twin, theta0.slice(), set, { ...loop, iterations: 6, stepSize: 0 }, false, (_, b) => {
      for (let j = 0; j < 16; j++) {
        const o = Array.from(b.responses.subarray(j * L, j * L + b.lengths[j]));
        expect(o.slice(0, -1).includes(V - 1)).toBe(false);
        if (o.length < L) expect(o[o.length - 1]).toBe(V - 1);
        const q = b.prompts[(j / 4) | 0];
        expect(b.rewards[j]).toBe(o.join() === Array.from(set.trainTargets.subarray(q * 3, q * 3 + 3)).join() ? 1 : 0);
        seen += b.rewards[j];
      }
    });
    expect(seen).toBeGreaterThan(0);
    for (let r = 0; r < out.steps.length; r++) {
      if (!Number.isNaN(out.meanLengthPassing[r])) expect(out.meanLengthPassing[r]).toBe(3);
      expect(out.meanLength[r]).toBeGreaterThanOrEqual(1);
      expect(out.meanLength[r]).toBeLessThanOrEqual(L);
    }
    // At η = 0 the policy stays, so the sampled lengths average near E|o| (7 batches of 16).
    const mean = out.meanLength.reduce((a, b) => a + b, 0) / out.steps.length;
    expect(Math.abs(mean - out.expectedLength[0])).toBeLessThan(0.4);
  });

  it('takes the first SGD step along SPEC 1.7’s w for every aggregation (w recomputed in float64 from the batch)', () => {
    const scaleOf = (aggregation: Aggregation, length: number, tokens: number) => {
      const n = loop.B * loop.G;
      if (aggregation === 'seq-sum') return 1 / n;
      if (aggregation === 'seq-mean-token-mean') return 1 / (n * length);
      if (aggregation === 'token-mean') return 1 / tokens;
      if (aggregation === 'constant') return 1 / (n * L);
      return 1 / L; // constant-no-batch
    };
    for (const aggregation of AGGREGATIONS) {
      const theta = theta0.slice();
      let w: Float64Array | null = null;
      trainTransformerLoop(twin, theta, set, { ...loop, aggregation, advantage: 'mean' }, false, (_, b) => {
        const n = 16;
        let tokens = 0;
        for (let j = 0; j < n; j++) tokens += b.lengths[j];
        w = new Float64Array(theta.length);
        for (let g = 0; g < 4; g++) {
          const mean = (b.rewards[g * 4] + b.rewards[g * 4 + 1] + b.rewards[g * 4 + 2] + b.rewards[g * 4 + 3]) / 4;
          for (let i = 0; i < 4; i++) {
            const j = g * 4 + i;
            const c = (b.rewards[j] - mean) * scaleOf(aggregation, b.lengths[j], tokens);
            if (c === 0) continue;
            const q = b.prompts[g];
            const o = b.responses.subarray(j * L, j * L + b.lengths[j]);
            twin64.addGradient(Float64Array.from(theta0), set.trainPrompts.subarray(q * k, q * k + k), o, new Float64Array(o.length).fill(c), w);
          }
        }
      });
      const step = Float64Array.from(theta, (x, i) => x - theta0[i]);
      const want = w!.map((x) => loop.stepSize * x);
      const norm = Math.hypot(...want);
      expect(norm).toBeGreaterThan(1e-4);
      expect(Math.hypot(...step.map((x, i) => x - want[i])) / norm).toBeLessThan(1e-4);
    }
  });

  it('runs the PPO loop with EOS, and refuses an L the target does not fit or a set made without EOS', () => {
    const out = trainTransformerGrpo(twin, theta0.slice(), set, {
      ...loop,
      iterations: 3,
      ppoEpochs: 2,
      miniBatches: 2,
      aggregation: 'token-mean',
      klCoef: 0.1,
    });
    expect(out.diverged).toBe(false);
    expect(out.klReference[3]).toBeGreaterThan(0);
    expect(() => trainTransformerGrpo(twin, theta0.slice(), set, { ...loop, L: 2 })).toThrow(/L 2 must be an integer from the target's length 3/);
    const plain: TaskSet = makeTaskSet({ task: 'reverse', V, promptLength: k, N: 8, heldOutPrompts: 0 }, 3, 0);
    expect(() => trainTransformerGrpo(twin, theta0.slice(), plain, loop)).toThrow(/eos true but the task set was made without EOS/);
  });

  it('splits a batch into mini-batches with their own Σ|o| (token-mean): two PPO updates recomputed in float64 (verl’s loss, its slope by differences)', () => {
    const p = { ...loop, aggregation: 'token-mean', advantage: 'mean', miniBatches: 2, stepSize: 3 } as const;
    const theta = theta0.slice();
    let batch: { prompts: Int32Array; responses: Int32Array; lengths: Int32Array; rewards: Float32Array } | null = null;
    const out = trainTransformerLoop(twin, theta, set, p, true, (_, b) => {
      batch = { prompts: b.prompts.slice(), responses: b.responses.slice(), lengths: b.lengths.slice(), rewards: b.rewards.slice() };
    });
    const { prompts, responses, lengths, rewards } = batch!;
    const c: ReferenceLoop = {
      G: 4,
      B: 4,
      epochs: 1,
      miniBatches: 2,
      clipLow: 0.2,
      clipHigh: 0.2,
      dualClip: null,
      klCoef: 0,
      estimator: 'k3',
      stepSize: 3,
      aggregation: 'token-mean',
      advantage: 'mean',
      epsilon: 0,
    };
    const th = Float64Array.from(theta0);
    const promptOf = (j: number) => set.trainPrompts.subarray(prompts[(j / 4) | 0] * k, prompts[(j / 4) | 0] * k + k);
    const responseOf = (j: number) => responses.subarray(j * L, j * L + lengths[j]);
    const logOld = Array.from({ length: 16 }, (_, j) => {
      const row = new Float64Array(lengths[j]);
      twin64.responseLogProb(th, promptOf(j), responseOf(j), row);
      return row;
    });
    const A = Array.from(
      { length: 16 },
      (_, j) => rewards[j] - (rewards[j - (j % 4)] + rewards[j - (j % 4) + 1] + rewards[j - (j % 4) + 2] + rewards[j - (j % 4) + 3]) / 4,
    );
    for (const first of [0, 8]) {
      let tokens = 0;
      for (let j = first; j < first + 8; j++) tokens += lengths[j];
      const w = new Float64Array(th.length);
      for (let j = first; j < first + 8; j++) {
        const x = new Float64Array(lengths[j]);
        twin64.responseLogProb(th, promptOf(j), responseOf(j), x);
        const h = 1e-6;
        const weights = Array.from(
          x,
          (xt, t) => -(referenceTokenLoss(xt + h, logOld[j][t], 0, A[j], c) - referenceTokenLoss(xt - h, logOld[j][t], 0, A[j], c)) / (2 * h) / tokens,
        );
        twin64.addGradient(th, promptOf(j), responseOf(j), weights, w);
      }
      for (let i = 0; i < th.length; i++) th[i] += 3 * w[i];
    }
    const moved = Math.hypot(...Array.from(th, (x, i) => x - theta0[i]));
    expect(moved).toBeGreaterThan(1e-3);
    expect(Math.hypot(...Array.from(th, (x, i) => x - theta[i])) / moved).toBeLessThan(1e-4);
    expect(out.deltaNorm[1]).toBeCloseTo(moved, 4);
  });
});
