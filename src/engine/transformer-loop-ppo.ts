/**
 * The PPO loop of the transformer policy (SPEC 1.9), beside transformer-grpo.ts's one on-policy
 * step: π_old's log-probabilities are those the KV cache gave each token when it was sampled
 * (equal bit for bit to the full forward's), then μ passes over the batch, each split into M
 * mini-batches of B/M whole prompt groups, each mini-batch one optimizer step. Each token's share
 * of the ascent direction is ppo-loss.ts's (the clip, the dual clip and the KL to π_ref, family
 * independent) times the mini-batch's aggregation scale: w = Σ_j ∇ Σ_t f32(c · weight_jt) log π(o_t | ·),
 * as ppo-update.ts does for the log-linear policy. π_ref is θ at the start of RL (after the SFT
 * warm start).
 *
 * Also the exact KL(π_θ ‖ π_ref) of a response, by walking the tree of response prefixes with
 * two KV caches: KL = Σ_t Σ_{o_<t} π(o_<t | x) Σ_b π(b | x, o_<t)(log π − log π_ref)(b | x, o_<t).
 */
import { KvCache, type Numbers, type TaskSet, type TransformerTwin } from '../model/index.ts';
import type { RunParams } from '../spec/index.ts';
import type { OptimizerState } from './optimizer.ts';
import { ppoTokenConstants, ppoTokenTerms, type PpoTokenConstants } from './ppo-loss.ts';
import { transformerTokenScale } from './transformer-loop-advantage.ts';

const f32 = Math.fround;

/** The PPO fields of a run (SPEC 1.9). */
export type TransformerPpoParams = Pick<RunParams, 'ppoEpochs' | 'miniBatches' | 'clipLow' | 'clipHigh' | 'dualClip' | 'klCoef' | 'klEstimator'>;

/** Prefixes of one prompt's response tree past which the exact KL is not enumerated (NaN instead). */
export const KL_PREFIX_LIMIT = 1 << 16;

/** One mini-batch of a sampled batch as the direction reads it. */
export interface PpoMiniBatch {
  prompt: (j: number) => ArrayLike<number>; // the prompt of response j
  responses: Int32Array; // [j][m]
  m: number;
  first: number; // responses first .. first + count − 1
  count: number;
  advantage: Float32Array; // A_j, before any scale
  logOld: Float32Array; // [j][m]: log π_old(o_t | ·) at sampling
  logRef: Float32Array; // [j][m]: log π_ref(o_t | ·) (read only when β > 0)
  scale: number; // the aggregation's scale of the mini-batch
  constants: PpoTokenConstants;
}

/**
 * w += Σ_j ∇ Σ_t f32(scale · weight_jt) log π_θ(o_t | ·) over the mini-batch, the weights from
 * ppo-loss.ts at log π_θ of a forward at θ; precision-generic so the float64 twin can be checked
 * against finite differences. Returns the tokens whose ratio term the clip zeroed, and all of them.
 */
export function ppoDirection(twin: TransformerTwin, theta: Numbers, batch: PpoMiniBatch, w: Numbers): { clipped: number; seen: number } {
  const { m, responses } = batch;
  const logTheta = twin.model.precision.array(m);
  const weights = new Float32Array(m);
  let clipped = 0;
  for (let j = batch.first; j < batch.first + batch.count; j++) {
    const prompt = batch.prompt(j);
    const response = responses.subarray(j * m, j * m + m);
    twin.responseLogProb(theta, prompt, response, logTheta);
    let any = false;
    for (let t = 0; t < m; t++) {
      const terms = ppoTokenTerms(f32(logTheta[t]), batch.logOld[j * m + t], batch.logRef[j * m + t], batch.advantage[j], batch.constants);
      if (terms.clipped) clipped++;
      weights[t] = f32(batch.scale * terms.weight);
      if (weights[t] !== 0) any = true;
    }
    if (any) twin.addGradient(theta, prompt, response, weights, w);
  }
  return { clipped, seen: batch.count * m };
}

/** The loop's arrays of one run: π_old's and π_ref's per-token log-probabilities, θ_ref, θ at the batch's start. */
export class TransformerPpoState {
  readonly logOld: Float32Array;
  readonly logRef: Float32Array;
  readonly thetaRef: Float32Array;
  readonly thetaStart: Float32Array;
  readonly w: Float32Array;
  readonly stepDelta: Float32Array;
  readonly constants: PpoTokenConstants;
  constructor(
    readonly p: TransformerPpoParams & Pick<RunParams, 'B' | 'G' | 'aggregation'>,
    theta: Float32Array,
    m: number,
  ) {
    if (!(Number.isInteger(p.miniBatches) && p.miniBatches >= 1 && p.B % p.miniBatches === 0))
      throw new Error(`miniBatches ${p.miniBatches} must divide B ${p.B} (whole prompt groups per mini-batch)`);
    if (!(Number.isInteger(p.ppoEpochs) && p.ppoEpochs >= 1)) throw new Error(`ppoEpochs ${p.ppoEpochs} must be an integer ≥ 1`);
    const samples = p.B * p.G;
    this.logOld = new Float32Array(samples * m);
    this.logRef = new Float32Array(samples * m);
    this.thetaRef = theta.slice(); // π_ref = π at the start of RL
    this.thetaStart = new Float32Array(theta.length);
    this.w = new Float32Array(theta.length);
    this.stepDelta = new Float32Array(theta.length);
    this.constants = ppoTokenConstants(p);
  }

  /**
   * μ × M updates on the sampled batch (responses [j][m], advantages, logOld filled at sampling)
   * at optimizer step `step` (the batch's, as the log-linear loop passes it); delta = θ after − θ
   * before the batch. finite is false when θ left the finite floats.
   */
  updates(
    twin: TransformerTwin,
    theta: Float32Array,
    prompt: (j: number) => ArrayLike<number>,
    responses: Int32Array,
    m: number,
    advantage: Float32Array,
    opt: OptimizerState,
    step: number,
    delta: Float32Array,
  ): { finite: boolean; clippedShare: number } {
    const { p } = this;
    const n = p.B * p.G;
    if (this.constants.klCoef > 0) {
      const lp = new Float32Array(m);
      for (let j = 0; j < n; j++) {
        twin.responseLogProb(this.thetaRef, prompt(j), responses.subarray(j * m, j * m + m), lp);
        this.logRef.set(lp, j * m);
      }
    }
    this.thetaStart.set(theta);
    const groups = p.B / p.miniBatches;
    const count = groups * p.G;
    const scale = transformerTokenScale(p, groups, m);
    let clipped = 0;
    let seen = 0;
    for (let epoch = 0; epoch < p.ppoEpochs; epoch++) {
      for (let mini = 0; mini < p.miniBatches; mini++) {
        this.w.fill(0);
        const batch = {
          prompt,
          responses,
          m,
          first: mini * count,
          count,
          advantage,
          logOld: this.logOld,
          logRef: this.logRef,
          scale,
          constants: this.constants,
        };
        const done = ppoDirection(twin, theta, batch, this.w);
        clipped += done.clipped;
        seen += done.seen;
        if (!opt.step(step, theta, this.w, this.stepDelta)) return { finite: false, clippedShare: NaN };
      }
    }
    for (let k = 0; k < theta.length; k++) delta[k] = f32(theta[k] - this.thetaStart[k]);
    return { finite: true, clippedShare: seen ? f32(clipped / seen) : 0 };
  }
}

/**
 * Exact KL(π_θ ‖ π_ref) of a response, the mean over the training prompts of `set` (f32); NaN
 * when a prompt's tree of response prefixes exceeds KL_PREFIX_LIMIT.
 */
export function exactReferenceKl(twin: TransformerTwin, theta: Float32Array, thetaRef: Float32Array, set: TaskSet): number {
  const { V } = twin.model.layout.shape;
  const k = set.promptLength;
  const m = set.responseLength;
  let prefixes = 0;
  for (let t = 0; t < m; t++) prefixes += V ** t;
  if (prefixes > KL_PREFIX_LIMIT) return NaN;
  const now = new KvCache(twin.model);
  const ref = new KvCache(twin.model);
  const rows = Array.from({ length: m }, () => ({ now: new Float64Array(V), ref: new Float64Array(V) }));
  // Σ over the prefixes below depth t of P(prefix) · KL of the next token's distributions.
  const walk = (t: number, logP: number): number => {
    const row = rows[t];
    row.now.set(now.logp);
    row.ref.set(ref.logp);
    let kl = 0;
    for (let b = 0; b < V; b++) kl += Math.exp(row.now[b]) * (row.now[b] - row.ref[b]);
    let total = Math.exp(logP) * kl;
    if (t === m - 1) return total;
    const at = now.length;
    for (let b = 0; b < V; b++) {
      now.length = ref.length = at; // back to this prefix: the next push overwrites position `at`
      now.push(theta, b);
      ref.push(thetaRef, b);
      total += walk(t + 1, logP + row.now[b]);
    }
    return total;
  };
  const N = set.trainPrompts.length / k;
  let sum = 0;
  for (let q = 0; q < N; q++) {
    now.reset();
    ref.reset();
    for (let i = 0; i < k; i++) {
      now.push(theta, set.trainPrompts[q * k + i], i === k - 1);
      ref.push(thetaRef, set.trainPrompts[q * k + i], i === k - 1);
    }
    sum = f32(sum + f32(walk(0, 0)));
  }
  return f32(sum / N);
}
