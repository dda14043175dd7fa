/**
 * A minimal GRPO loop for the transformer policy on the f32 twin (SPEC 1.3 and 1.10): each step
 * draws B distinct training prompts, samples G responses to each with the KV cache, rewards exact
 * matches, takes group advantages, weights every response token by A times the aggregation's
 * scale, accumulates ∇ Σ w_t log π(o_t | ·) and steps with the existing optimizer (SPEC 1.6,
 * OptimizerState). J and held-out J are exact (teacher forcing) at recorded steps.
 *
 * Draws (training stream, key (seed, STREAM_TRAINING)), as the log-linear twin counts them:
 * prompt g of a step: counter (run, step, g, PROMPT_DRAW), a partial Fisher–Yates over the N
 * prompts (without replacement, SPEC 1.8; all of them in order when B = N); token t of response j
 * (j = g·G + i): counter (run, step, j, t).
 *
 * Not yet: EOS, rloo/batch-std/oracle advantages, the PPO loop, exact mode, the WGSL kernel and
 * runSweep wiring (issue 22).
 *
 * @example
 *   const out = trainTransformerGrpo(twin, theta, set, { ...loop, seed, run }); // θ trained in place
 *   out.J;  // exact training J at steps 0, recordEvery, …, iterations
 */
import { KvCache, exactMatchReward, sampleFromLogProbs, teacherForcedSuccessRates, type TaskSet, type TransformerTwin } from '../model/index.ts';
import { PROMPT_DRAW, STREAM_TRAINING, philoxWord0, uniformFromBits } from '../rng/index.ts';
import type { OptimizerKey, RunParams } from '../spec/index.ts';
import { OptimizerState } from './optimizer.ts';

const f32 = Math.fround;

/** The advantages and aggregations this loop takes (the rest of SPEC 1.3's table: not yet). */
export const TRANSFORMER_ADVANTAGES = ['none', 'mean', 'group-std'] as const;
export const TRANSFORMER_AGGREGATIONS = ['seq-sum', 'seq-mean-token-mean', 'token-mean', 'constant'] as const;

export type TransformerLoopParams = Pick<RunParams, 'G' | 'B' | 'iterations' | 'recordEvery' | 'stepSize' | 'epsilon' | 'std' | OptimizerKey> & {
  advantage: (typeof TRANSFORMER_ADVANTAGES)[number];
  aggregation: (typeof TRANSFORMER_AGGREGATIONS)[number];
  seed: number;
  run: number; // the run's index: counter word 0 of its draws
};

export interface TransformerLoopResult {
  steps: number[]; // the recorded steps (0 … iterations)
  J: Float32Array; // exact training J at each recorded step
  heldOutJ: Float32Array; // exact held-out J at each recorded step (NaN without a held-out set)
  deltaNorm: Float32Array; // ‖Δθ‖ of the step before each recorded step (0 at step 0)
  meanReward: Float32Array; // the sampled batch's mean reward of the step before (NaN at step 0)
  diverged: boolean; // θ left the finite floats (the run stops there)
}

/** The aggregation's scale of one token's weight, for responses all of length m (no EOS): SPEC 1.3's table. */
function tokenScale(aggregation: TransformerLoopParams['aggregation'], B: number, G: number, m: number): number {
  if (aggregation === 'seq-sum') return f32(1 / (B * G));
  return f32(1 / (B * G * m)); // seq-mean-token-mean, token-mean and constant coincide at a fixed length
}

/**
 * The B distinct prompts of a step into order[0..B−1] (order holds N entries): a partial
 * Fisher–Yates shuffle of 0..N−1, swap g drawn at counter (run, step, g, PROMPT_DRAW); with B = N
 * no draw, every prompt in order.
 */
export function drawPrompts(seed: number, run: number, step: number, B: number, order: Int32Array): void {
  const N = order.length;
  for (let q = 0; q < N; q++) order[q] = q;
  if (B >= N) return;
  for (let g = 0; g < B; g++) {
    const u = uniformFromBits(philoxWord0(run, step, g, PROMPT_DRAW, seed, STREAM_TRAINING));
    const pick = g + Math.min(Math.floor(u * (N - g)), N - g - 1);
    const keep = order[g];
    order[g] = order[pick];
    order[pick] = keep;
  }
}

/** Trains θ (f32, in place) for p.iterations GRPO steps on the training prompts of `set`. */
export function trainTransformerGrpo(twin: TransformerTwin, theta: Float32Array, set: TaskSet, p: TransformerLoopParams): TransformerLoopResult {
  const { V } = twin.model.layout.shape;
  const k = set.promptLength;
  const m = set.responseLength;
  const N = set.trainPrompts.length / k;
  const { B, G } = p;
  if (B > N) throw new Error(`B ${B} exceeds the ${N} training prompts`);
  const cache = new KvCache(twin.model);
  const opt = new OptimizerState(theta.length);
  opt.configure(p);
  const w = new Float32Array(theta.length);
  const delta = new Float32Array(theta.length);
  const order = new Int32Array(N);
  const responses = new Int32Array(B * G * m);
  const rewards = new Float32Array(B * G);
  const weights = new Float32Array(m);
  const scale = tokenScale(p.aggregation, B, G, m);
  const steps: number[] = [];
  for (let s = 0; s <= p.iterations; s += p.recordEvery) steps.push(s);
  if (steps[steps.length - 1] !== p.iterations) steps.push(p.iterations);
  const out: TransformerLoopResult = {
    steps,
    J: new Float32Array(steps.length),
    heldOutJ: new Float32Array(steps.length),
    deltaNorm: new Float32Array(steps.length),
    meanReward: new Float32Array(steps.length).fill(NaN),
    diverged: false,
  };
  let lastDeltaNorm = 0;
  let lastReward = NaN;
  let record = 0;
  const recordAt = (step: number) => {
    if (steps[record] !== step) return;
    out.J[record] = teacherForcedSuccessRates(twin, theta, set.trainPrompts, set.trainTargets, k, m).mean;
    out.heldOutJ[record] = teacherForcedSuccessRates(twin, theta, set.heldOutPrompts, set.heldOutTargets, k, m).mean;
    out.deltaNorm[record] = lastDeltaNorm;
    out.meanReward[record] = lastReward;
    record++;
  };
  recordAt(0);
  for (let step = 0; step < p.iterations; step++) {
    drawPrompts(p.seed, p.run, step, B, order);
    // Sample B·G responses with the KV cache.
    let rewardSum = 0;
    for (let g = 0; g < B; g++) {
      const q = order[g];
      const prompt = set.trainPrompts.subarray(q * k, q * k + k);
      const target = set.trainTargets.subarray(q * m, q * m + m);
      for (let i = 0; i < G; i++) {
        const j = g * G + i;
        cache.reset();
        for (let t = 0; t < k; t++) cache.push(theta, prompt[t], t === k - 1);
        for (let t = 0; t < m; t++) {
          const token = sampleFromLogProbs(cache.logp, V, uniformFromBits(philoxWord0(p.run, step, j, t, p.seed, STREAM_TRAINING)), f32);
          responses[j * m + t] = token;
          if (t < m - 1) cache.push(theta, token);
        }
        rewards[j] = exactMatchReward(responses.subarray(j * m, j * m + m), target);
        rewardSum += rewards[j];
      }
    }
    lastReward = f32(rewardSum / (B * G));
    // Advantages per group (as the log-linear twin computes them), the token weights, and w = Σ_j ∇ Σ_t w_jt log π.
    w.fill(0);
    for (let g = 0; g < B; g++) {
      let sum = 0;
      for (let i = 0; i < G; i++) sum += rewards[g * G + i];
      const mean = f32(sum / G);
      let std = 0;
      if (p.advantage === 'group-std') {
        let ss = 0;
        for (let i = 0; i < G; i++) ss += (rewards[g * G + i] - mean) * (rewards[g * G + i] - mean);
        std = f32(Math.sqrt(f32(ss / (p.std === 'unbiased' ? G - 1 : G))));
      }
      const q = order[g];
      for (let i = 0; i < G; i++) {
        const r = rewards[g * G + i];
        const A = p.advantage === 'none' ? r : p.advantage === 'mean' ? f32(r - mean) : f32(f32(r - mean) / f32(std + f32(p.epsilon)));
        const weight = f32(A * scale);
        if (weight === 0) continue; // adds exactly nothing (an all-equal group under GRPO)
        weights.fill(weight);
        const j = g * G + i;
        twin.addGradient(theta, set.trainPrompts.subarray(q * k, q * k + k), responses.subarray(j * m, j * m + m), weights, w);
      }
    }
    const finite = opt.step(step, theta, w, delta);
    let ss = 0;
    for (let i = 0; i < delta.length; i++) ss = f32(ss + f32(delta[i] * delta[i]));
    lastDeltaNorm = f32(Math.sqrt(ss));
    if (!finite) {
      out.diverged = true;
      out.steps.length = record;
      for (const key of ['J', 'heldOutJ', 'deltaNorm', 'meanReward'] as const) out[key] = out[key].slice(0, record);
      return out;
    }
    recordAt(step + 1);
  }
  return out;
}
