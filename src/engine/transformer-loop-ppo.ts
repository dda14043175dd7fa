/**
 * The PPO loop of the transformer policy (SPEC 1.9), beside transformer-grpo.ts's one on-policy
 * step: π_old's log-probabilities are those the KV cache gave each token when it was sampled
 * (equal bit for bit to the full forward's), then μ passes over the batch, each split into M
 * mini-batches of B/M whole prompt groups, each mini-batch one optimizer step. Each token's share
 * of the ascent direction is ppo-loss.ts's (the clip, the dual clip and the KL to π_ref, family
 * independent) times the mini-batch's aggregation scale: w = Σ_j ∇ Σ_t f32(c · weight_jt) log π(o_t | ·),
 * as ppo-update.ts does for the log-linear policy. π_ref is θ at the start of RL (after the SFT
 * warm start).
 * With EOS (SPEC 1.7) each response has its own length, and the per-length aggregations scale
 * each response by aggregation-scale.ts's responseScale over the mini-batch's Σ|o|, as
 * ppo-update.ts does. The exact KL to π_ref is transformer-loop-prefixes.ts's.
 */
import type { Numbers, TransformerTwin } from '../model/index.ts';
import type { RunParams } from '../spec/index.ts';
import { perLengthAggregation } from '../spec/index.ts';
import { responseScale, sampleScale } from './aggregation-scale.ts';
import type { OptimizerState } from './optimizer.ts';
import { ppoTokenConstants, ppoTokenTerms, type PpoTokenConstants } from './ppo-loss.ts';
import { transformerTokenScale } from './transformer-loop-advantage.ts';

const f32 = Math.fround;

/** The PPO fields of a run (SPEC 1.9). */
export type TransformerPpoParams = Pick<RunParams, 'ppoEpochs' | 'miniBatches' | 'clipLow' | 'clipHigh' | 'dualClip' | 'klCoef' | 'klEstimator'>;

/** One mini-batch of a sampled batch as the direction reads it. */
export interface PpoMiniBatch {
  prompt: (j: number) => ArrayLike<number>; // the prompt of response j
  responses: Int32Array; // [j][L], response j its first lengths[j] tokens
  L: number;
  lengths: Int32Array;
  first: number; // responses first .. first + count − 1
  count: number;
  advantage: Float32Array; // A_j, before any scale
  logOld: Float32Array; // [j][L]: log π_old(o_t | ·) at sampling
  logRef: Float32Array; // [j][L]: log π_ref(o_t | ·) (read only when β > 0)
  scale: number; // the aggregation's scale of the mini-batch
  responseScales?: Float32Array; // [j]: each response's own scale instead (per-length aggregations with EOS)
  constants: PpoTokenConstants;
}

/**
 * w += Σ_j ∇ Σ_t f32(scale · weight_jt) log π_θ(o_t | ·) over the mini-batch, the weights from
 * ppo-loss.ts at log π_θ of a forward at θ; precision-generic so the float64 twin can be checked
 * against finite differences. Returns the tokens whose ratio term the clip zeroed, and all of them.
 */
export function ppoDirection(twin: TransformerTwin, theta: Numbers, batch: PpoMiniBatch, w: Numbers): { clipped: number; seen: number } {
  const { L, responses } = batch;
  const logTheta = twin.model.precision.array(L);
  const weights = new Float32Array(L);
  let clipped = 0;
  let seen = 0;
  for (let j = batch.first; j < batch.first + batch.count; j++) {
    const prompt = batch.prompt(j);
    const m = batch.lengths[j];
    const response = responses.subarray(j * L, j * L + m);
    const scale = batch.responseScales ? batch.responseScales[j] : batch.scale;
    twin.responseLogProb(theta, prompt, response, logTheta);
    let any = false;
    for (let t = 0; t < m; t++) {
      const terms = ppoTokenTerms(f32(logTheta[t]), batch.logOld[j * L + t], batch.logRef[j * L + t], batch.advantage[j], batch.constants);
      if (terms.clipped) clipped++;
      weights[t] = f32(scale * terms.weight);
      if (weights[t] !== 0) any = true;
    }
    seen += m;
    if (any) twin.addGradient(theta, prompt, response, weights, w);
  }
  return { clipped, seen };
}

/** The loop's arrays of one run: π_old's and π_ref's per-token log-probabilities, θ_ref, θ at the batch's start. */
export class TransformerPpoState {
  readonly logOld: Float32Array;
  readonly logRef: Float32Array;
  readonly thetaRef: Float32Array;
  readonly thetaStart: Float32Array;
  readonly w: Float32Array;
  readonly stepDelta: Float32Array;
  readonly responseScales: Float32Array;
  readonly constants: PpoTokenConstants;
  constructor(
    readonly p: TransformerPpoParams & Pick<RunParams, 'B' | 'G' | 'aggregation'>,
    theta: Float32Array,
    L: number, // tokens a response may take
  ) {
    if (!(Number.isInteger(p.miniBatches) && p.miniBatches >= 1 && p.B % p.miniBatches === 0))
      throw new Error(`miniBatches ${p.miniBatches} must divide B ${p.B} (whole prompt groups per mini-batch)`);
    if (!(Number.isInteger(p.ppoEpochs) && p.ppoEpochs >= 1)) throw new Error(`ppoEpochs ${p.ppoEpochs} must be an integer ≥ 1`);
    const samples = p.B * p.G;
    this.logOld = new Float32Array(samples * L);
    this.logRef = new Float32Array(samples * L);
    this.responseScales = new Float32Array(samples);
    this.thetaRef = theta.slice(); // π_ref = π at the start of RL
    this.thetaStart = new Float32Array(theta.length);
    this.w = new Float32Array(theta.length);
    this.stepDelta = new Float32Array(theta.length);
    this.constants = ppoTokenConstants(p);
  }

  /**
   * μ × M updates on the sampled batch (responses [j][L] of lengths, advantages, logOld filled at sampling;
   * `eos` true when responses end at EOS, so per-length aggregations scale each response)
   * at optimizer step `step` (the batch's, as the log-linear loop passes it); delta = θ after − θ
   * before the batch. finite is false when θ left the finite floats.
   */
  updates(
    twin: TransformerTwin,
    theta: Float32Array,
    prompt: (j: number) => ArrayLike<number>,
    responses: Int32Array,
    L: number,
    lengths: Int32Array,
    eos: boolean,
    advantage: Float32Array,
    opt: OptimizerState,
    step: number,
    delta: Float32Array,
  ): { finite: boolean; clippedShare: number } {
    const { p } = this;
    const n = p.B * p.G;
    if (this.constants.klCoef > 0) {
      const lp = new Float32Array(L);
      for (let j = 0; j < n; j++) {
        twin.responseLogProb(this.thetaRef, prompt(j), responses.subarray(j * L, j * L + lengths[j]), lp);
        this.logRef.set(lp.subarray(0, lengths[j]), j * L);
      }
    }
    this.thetaStart.set(theta);
    const groups = p.B / p.miniBatches;
    const count = groups * p.G;
    // The mini-batch's own aggregation (its B/M·G responses, its Σ|o|), as verl computes each mini-batch's loss.
    const scale = eos ? sampleScale({ aggregation: p.aggregation, B: groups, G: p.G, eos: true }, L) : transformerTokenScale(p, groups, L);
    const perLength = eos && perLengthAggregation(p.aggregation);
    if (perLength) {
      for (let first = 0; first < n; first += count) {
        let tokens = 0;
        for (let j = first; j < first + count; j++) tokens += lengths[j];
        for (let j = first; j < first + count; j++) this.responseScales[j] = responseScale(p.aggregation, scale, lengths[j], tokens);
      }
    }
    let clipped = 0;
    let seen = 0;
    for (let epoch = 0; epoch < p.ppoEpochs; epoch++) {
      for (let mini = 0; mini < p.miniBatches; mini++) {
        this.w.fill(0);
        const batch: PpoMiniBatch = {
          prompt,
          responses,
          L,
          lengths,
          first: mini * count,
          count,
          advantage,
          logOld: this.logOld,
          logRef: this.logRef,
          scale,
          ...(perLength ? { responseScales: this.responseScales } : {}),
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
