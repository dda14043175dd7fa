/**
 * The RL loop of the transformer policy on the f32 twin (SPEC 1.3, 1.9 and 1.10): each step draws
 * B distinct training prompts, samples G responses to each with the KV cache, rewards exact
 * matches, takes the advantages (transformer-loop-advantage.ts: every one of SPEC 1.3's, as the
 * log-linear twin computes them), weights every response token by A times the aggregation's scale,
 * accumulates w = ∇ Σ w_t log π(o_t | ·) and steps with the existing optimizer (SPEC 1.6,
 * OptimizerState: momentum/Adam/AdamW, clipping at maxGradNorm, warmup and schedule). With μ·M > 1
 * or β > 0 the batch instead takes the PPO loop's μ × M updates (transformer-loop-ppo.ts). J,
 * held-out J, ‖∇J‖, the gradient gap and the prompt shares are exact (teacher forcing) at recorded
 * steps (transformer-loop-records.ts).
 *
 * Draws (training stream, key (seed, STREAM_TRAINING)), as the log-linear twin counts them:
 * prompt g of a step: counter (run, step, g, PROMPT_DRAW), a partial Fisher–Yates over the N
 * prompts (without replacement, SPEC 1.8; all of them in order when B = N); token t of response j
 * (j = g·G + i): counter (run, step, j, t).
 *
 * Not yet: EOS, exact mode, the WGSL kernel and runSweep wiring (issue 22).
 *
 * @example
 *   const out = trainTransformerGrpo(twin, theta, set, { ...loop, seed, run }); // θ trained in place
 *   out.J;  // exact training J at steps 0, recordEvery, …, iterations
 */
import { KvCache, exactMatchReward, sampleFromLogProbs, teacherForcedSuccessRate, type TaskSet, type TransformerTwin } from '../model/index.ts';
import { PROMPT_DRAW, STREAM_TRAINING, philoxWord0, uniformFromBits } from '../rng/index.ts';
import type { OptimizerKey, PpoKey, RunParams } from '../spec/index.ts';
import { isPpoLoop, perLengthAggregation, PPO_DEFAULTS } from '../spec/index.ts';
import { OptimizerState } from './optimizer.ts';
import { batchAdvantages, transformerTokenScale } from './transformer-loop-advantage.ts';
import { TransformerPpoState } from './transformer-loop-ppo.ts';
import { prefixSums } from './transformer-loop-prefixes.ts';
import { responseScale, sampleScale } from './aggregation-scale.ts';
import { ExactRecorder } from './transformer-loop-records.ts';

export { TRANSFORMER_ADVANTAGES, TRANSFORMER_AGGREGATIONS } from './transformer-loop-advantage.ts';

const f32 = Math.fround;

/** A run's loop fields: RunParams' own (a full RunParams spread fits), the PPO ones optional (PPO_DEFAULTS: the one-step loop). */
export type TransformerLoopParams = Pick<
  RunParams,
  'G' | 'B' | 'iterations' | 'recordEvery' | 'stepSize' | 'epsilon' | 'std' | 'advantage' | 'aggregation' | OptimizerKey
> &
  Partial<Pick<RunParams, PpoKey | 'eos' | 'L'>> & {
    seed: number;
    run: number; // the run's index: counter word 0 of its draws
  };

/**
 * A run's records. The twin fills every field (TransformerLoopRecords); the fields after
 * `diverged` are optional so a result built elsewhere (the WGSL kernel's, which records the first
 * six) still type-checks until it records them too.
 */
export interface TransformerLoopResult {
  steps: number[]; // the recorded steps (0 … iterations)
  J: Float32Array; // exact training J at each recorded step
  heldOutJ: Float32Array; // exact held-out J at each recorded step (NaN without a held-out set)
  deltaNorm: Float32Array; // ‖Δθ‖ of the step before each recorded step (0 at step 0); with PPO, θ after − θ before the batch's μ·M updates
  meanReward: Float32Array; // the sampled batch's mean reward of the step before (NaN at step 0)
  diverged: boolean; // θ left the finite floats (the run stops there)
  gradientNorm?: Float32Array; // exact ‖∇J‖ of the training set, ∇J = mean_q ∇J(x_q): RUN_OUTPUTS gradientNorm
  gapNorm?: Float32Array; // ‖g‖ = ‖∇J‖/(J(1−J)), as run-outputs.ts derives gapNorm (the mixture's gap); NaN where J is 0 or 1
  solvedShare?: Float32Array; // share of training prompts with J_q > ½ (SPEC 1.8)
  lostShare?: Float32Array; // share of training prompts with J_q < J_q(0)/2
  thetaNorm?: Float32Array; // ‖θ‖
  clippedShare?: Float32Array; // share of the token-updates of the batch before whose ratio term the clip zeroed; 0 at step 0 and in the one-step loop
  klReference?: Float32Array; // exact KL(π_θ ‖ π_ref) of a response, mean over training prompts; NaN outside the PPO loop (or past PREFIX_LIMIT)
  expectedLength?: Float32Array; // exact E_π|o| (mean over training prompts; NaN past PREFIX_LIMIT); the task's length without EOS
  meanLength?: Float32Array; // mean length of the batch sampled at each recorded step (the last: a batch drawn for the record); the task's length without EOS
  meanLengthPassing?: Float32Array; // … of its responses with reward 1 (NaN when none passed)
  meanLengthFailing?: Float32Array; // … of its responses with reward 0 (NaN when none failed)
}

/** The twin's result: every record present. */
export type TransformerLoopRecords = Required<TransformerLoopResult>;

/** The per-record arrays of a result, cut together when a run diverges. */
const RECORDS = [
  'J',
  'heldOutJ',
  'deltaNorm',
  'meanReward',
  'gradientNorm',
  'gapNorm',
  'solvedShare',
  'lostShare',
  'thetaNorm',
  'clippedShare',
  'klReference',
  'expectedLength',
  'meanLength',
  'meanLengthPassing',
  'meanLengthFailing',
] as const;

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

/** Trains θ (f32, in place) for p.iterations steps on the training prompts of `set`. */
export function trainTransformerGrpo(twin: TransformerTwin, theta: Float32Array, set: TaskSet, p: TransformerLoopParams): TransformerLoopRecords {
  return trainTransformerLoop(twin, theta, set, p, isPpoLoop({ ...PPO_DEFAULTS, ...p }));
}

/** Test probe: each training step's sampled batch (prompt indices of its B groups; responses [j][L] of lengths). */
export type BatchProbe = (step: number, batch: { prompts: Int32Array; responses: Int32Array; lengths: Int32Array; rewards: Float32Array; L: number }) => void;

/**
 * The loop itself; `ppoPath` takes the PPO loop's updates even at μ = M = 1, β = 0 (where they
 * must equal the one-step loop's bit for bit: the tests force it to check that); `probe` sees each
 * step's batch before the update.
 */
export function trainTransformerLoop(
  twin: TransformerTwin,
  theta: Float32Array,
  set: TaskSet,
  p: TransformerLoopParams,
  ppoPath: boolean,
  probe?: BatchProbe,
): TransformerLoopRecords {
  const { V, T } = twin.model.layout.shape;
  const k = set.promptLength;
  const m = set.responseLength; // the target's length (its EOS included)
  const N = set.trainPrompts.length / k;
  const { B, G } = p;
  if (B > N) throw new Error(`B ${B} exceeds the ${N} training prompts`);
  const eos = set.eos ?? -1;
  if ((p.eos ?? false) !== eos >= 0) throw new Error(`eos ${p.eos ?? false} but the task set was made ${eos >= 0 ? 'with' : 'without'} EOS`);
  // Tokens a response may take: the task's without EOS; with it, L_max (SPEC 1.7), cut there.
  const L = eos >= 0 ? (p.L ?? m) : m;
  if (eos >= 0 && !(Number.isInteger(L) && L >= m && k + L - 1 <= T))
    throw new Error(`L ${L} must be an integer from the target's length ${m} (EOS included) to T − promptLength + 1 = ${T - k + 1}`);
  const cache = new KvCache(twin.model);
  const opt = new OptimizerState(theta.length);
  opt.configure(p);
  const ppo = ppoPath ? new TransformerPpoState({ ...PPO_DEFAULTS, ...p }, theta, L) : null;
  const recorder = new ExactRecorder(twin, set);
  const w = new Float32Array(theta.length);
  const delta = new Float32Array(theta.length);
  const order = new Int32Array(N);
  const responses = new Int32Array(B * G * L);
  const lengths = new Int32Array(B * G).fill(L);
  const rewards = new Float32Array(B * G);
  const advantages = new Float32Array(B * G);
  const weights = new Float32Array(L);
  // Without EOS one scale for every token (today's rounding); with EOS aggregation-scale.ts's, per response where the length matters.
  const scale = eos >= 0 ? sampleScale({ aggregation: p.aggregation, B, G, eos: true }, L) : transformerTokenScale(p, B, m);
  const perLength = eos >= 0 && perLengthAggregation(p.aggregation);
  const promptOf = (g: number) => set.trainPrompts.subarray(order[g] * k, order[g] * k + k);
  const targetOf = (g: number) => set.trainTargets.subarray(order[g] * m, order[g] * m + m);
  const promptJ = (g: number) => teacherForcedSuccessRate(twin, theta, promptOf(g), targetOf(g)); // the oracle's baseline
  const steps: number[] = [];
  for (let s = 0; s <= p.iterations; s += p.recordEvery) steps.push(s);
  if (steps[steps.length - 1] !== p.iterations) steps.push(p.iterations);
  const out = { steps, diverged: false } as TransformerLoopRecords;
  for (const key of RECORDS) out[key] = new Float32Array(steps.length);
  out.meanReward.fill(NaN);
  let lastDeltaNorm = 0;
  let lastReward = NaN;
  let lastClippedShare = 0;
  let record = 0;

  /** Samples the B·G responses of `step` (with the PPO loop, log π_old of each token as sampled); returns the mean reward. */
  const sample = (step: number): number => {
    drawPrompts(p.seed, p.run, step, B, order);
    let rewardSum = 0;
    for (let g = 0; g < B; g++) {
      const prompt = promptOf(g);
      const target = targetOf(g);
      for (let i = 0; i < G; i++) {
        const j = g * G + i;
        cache.reset();
        for (let t = 0; t < k; t++) cache.push(theta, prompt[t], t === k - 1);
        let length = L;
        for (let t = 0; t < L; t++) {
          const token = sampleFromLogProbs(cache.logp, V, uniformFromBits(philoxWord0(p.run, step, j, t, p.seed, STREAM_TRAINING)), f32);
          responses[j * L + t] = token;
          if (ppo) ppo.logOld[j * L + t] = cache.logp[token];
          if (token === eos) {
            length = t + 1; // the response ends here (SPEC 1.7): no more draws for it
            break;
          }
          if (t < L - 1) cache.push(theta, token);
        }
        lengths[j] = length;
        rewards[j] = exactMatchReward(responses.subarray(j * L, j * L + length), target);
        rewardSum += rewards[j];
      }
    }
    return f32(rewardSum / (B * G));
  };

  /** The sampled lengths' records (SPEC 1.7): all, passing, failing; L without EOS. */
  const recordLengths = (at: number) => {
    let all = 0;
    let pass = 0;
    let passing = 0;
    for (let j = 0; j < B * G; j++) {
      all += lengths[j];
      if (rewards[j] > 0) {
        pass += lengths[j];
        passing++;
      }
    }
    const n = B * G;
    out.meanLength[at] = f32(all / n);
    out.meanLengthPassing[at] = passing ? f32(pass / passing) : NaN;
    out.meanLengthFailing[at] = n - passing ? f32((all - pass) / (n - passing)) : NaN;
  };

  const recordAt = (step: number) => {
    if (steps[record] !== step) return false;
    const exact = recorder.record(theta);
    out.J[record] = exact.J;
    out.heldOutJ[record] = exact.heldOutJ;
    out.gradientNorm[record] = exact.gradientNorm;
    out.gapNorm[record] = exact.gapNorm;
    out.solvedShare[record] = exact.solvedShare;
    out.lostShare[record] = exact.lostShare;
    out.thetaNorm[record] = exact.thetaNorm;
    out.deltaNorm[record] = lastDeltaNorm;
    out.meanReward[record] = lastReward;
    out.clippedShare[record] = lastClippedShare;
    if (eos >= 0 || ppo) {
      const sums = prefixSums(twin, theta, ppo ? ppo.thetaRef : null, set, L);
      out.klReference[record] = ppo ? sums.kl : NaN;
      out.expectedLength[record] = eos >= 0 ? sums.expectedLength : L;
    } else {
      out.klReference[record] = NaN;
      out.expectedLength[record] = L;
    }
    out.meanLength[record] = out.meanLengthPassing[record] = out.meanLengthFailing[record] = eos >= 0 ? NaN : L; // sampled below with EOS
    record++;
    return true;
  };

  let recorded = recordAt(0);
  for (let step = 0; step < p.iterations; step++) {
    lastReward = sample(step);
    probe?.(step, { prompts: order.subarray(0, B), responses, lengths, rewards, L });
    if (eos >= 0 && recorded) recordLengths(record - 1);
    batchAdvantages(p, rewards, B, G, promptJ, advantages);
    let finite: boolean;
    if (ppo) {
      const done = ppo.updates(twin, theta, (j) => promptOf((j / G) | 0), responses, L, lengths, eos >= 0, advantages, opt, step, delta);
      finite = done.finite;
      lastClippedShare = done.clippedShare;
    } else {
      // w = Σ_j ∇ Σ_t f32(A_j · scale_j) log π(o_jt | ·), one optimizer step.
      let tokens = 0; // Σ|o|: token-mean's normalizer with EOS
      if (perLength) for (let j = 0; j < B * G; j++) tokens += lengths[j];
      w.fill(0);
      for (let j = 0; j < B * G; j++) {
        const weight = f32(advantages[j] * (perLength ? responseScale(p.aggregation, scale, lengths[j], tokens) : scale));
        if (weight === 0) continue; // adds exactly nothing (an all-equal group under GRPO)
        weights.fill(weight);
        twin.addGradient(theta, promptOf((j / G) | 0), responses.subarray(j * L, j * L + lengths[j]), weights, w);
      }
      finite = opt.step(step, theta, w, delta);
    }
    let ss = 0;
    for (let i = 0; i < delta.length; i++) ss = f32(ss + f32(delta[i] * delta[i]));
    lastDeltaNorm = f32(Math.sqrt(ss));
    if (!finite) {
      out.diverged = true;
      out.steps.length = record;
      for (const key of RECORDS) out[key] = out[key].slice(0, record);
      return out;
    }
    recorded = recordAt(step + 1);
  }
  if (eos >= 0 && recorded) {
    // A batch drawn only for the last record's lengths (counter step = iterations, never trained on), as the log-linear twin does.
    sample(p.iterations);
    recordLengths(record - 1);
  }
  return out;
}
