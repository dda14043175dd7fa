/**
 * The CPU twin of the PPO loop's updates on one sampled batch (SPEC 1.9), beside sequence-cpu.ts's
 * single on-policy step: π_old's log-probabilities of the sampled tokens are kept, then μ passes
 * over the batch, each split into M mini-batches of B/M whole prompt groups, each mini-batch one
 * optimizer step. A token puts `weight` (ppo-loss.ts) times the aggregation's scale of its
 * response into the transition counts C, so w = Σ_{a,b} (C[a][b] − n_a π[a][b]) Φ[a][b] as today.
 * The aggregation is the mini-batch's own (its B/M·G responses, its Σ|o|), as verl computes the
 * loss of each mini-batch. Kernel: shaders/ppo-loop.wgsl.
 *
 * Also the exact KL(π_θ ‖ π_ref) of a response (π_ref = π_θ0): Σ_t Σ_a α_t(a) KL_a with α_t the
 * mass at token a not yet ended and KL_a = Σ_b π(b|a)(log π(b|a) − log π_ref(b|a)), the forward
 * recursion of exact J; with many prompts, the mean over their start tokens.
 */
import type { RunParams } from '../spec/index.ts';
import { perLengthAggregation } from '../spec/index.ts';
import { responseScale, sampleScale } from './aggregation-scale.ts';
import { NO_EOS, type PackedInstance } from './packing.ts';
import { ppoTokenConstants, ppoTokenTerms, type PpoTokenConstants } from './ppo-loss.ts';
import type { RunScratch } from './sequence-cpu.ts';

const f32 = Math.fround;

/** The loop's scratch of one run: advantages, π_old's per-token log-probabilities, log π_ref, θ at the batch's start. */
export class PpoScratch {
  readonly advantage: Float32Array; // A_j of the batch, before any scale
  readonly logOld: Float32Array; // [sample][t]: log π_old(o_t | ·) of the sampled tokens
  readonly logRef: Float32Array; // [a][b]: log π_θ0(b | a), kept from step 0
  readonly rowKl: Float32Array; // KL_a of the current policy to π_ref, per row
  readonly thetaStart: Float32Array;
  constants: PpoTokenConstants;
  constructor(inst: PackedInstance, p: RunParams) {
    const samples = p.B * p.G;
    this.advantage = new Float32Array(samples);
    this.logOld = new Float32Array(samples * inst.L);
    this.logRef = new Float32Array(inst.P * inst.K);
    this.rowKl = new Float32Array(inst.P);
    this.thetaStart = new Float32Array(inst.d);
    this.constants = ppoTokenConstants(p);
  }

  /** Takes a run's loop constants (a scratch serves every run of its shape). */
  configure(p: RunParams): this {
    this.constants = ppoTokenConstants(p);
    return this;
  }

  /** log π_θ0, from the policy table at step 0. */
  setReference(pi: Float32Array): void {
    for (let e = 0; e < this.logRef.length; e++) this.logRef[e] = f32(Math.log(pi[e]));
  }
}

/** What sequence-cpu.ts lends the loop: a fresh policy table from θ, and one optimizer step from C. */
export interface PolicyOps {
  computePolicy(): boolean; // false when a logit overflowed
  update(): boolean; // one optimizer step from the counts in s.C; false when θ left the finite floats
}

/** The outcome of one batch's updates. */
export interface PpoIteration {
  finite: boolean;
  updates: number; // optimizer steps taken
  clippedShare: number; // clipped token-updates over all token-updates of the batch (TRL clip_ratio/region_mean)
}

/**
 * μ × M updates on the batch in `s` (sampled at π_old = the policy in s.pi, advantages in
 * s.ppo.advantage). With `wantDelta`, s.delta = θ after − θ before the batch.
 */
export function ppoIteration(p: RunParams, inst: PackedInstance, s: RunScratch, ops: PolicyOps, wantDelta: boolean): PpoIteration {
  const ppo = s.ppo!;
  const { K, L } = inst;
  const G = p.G;
  const n = p.B * G;
  for (let j = 0; j < n; j++) {
    let prev = s.prompts[(j / G) | 0];
    for (let t = 0; t < s.lengths[j]; t++) {
      const b = s.tokens[j * L + t];
      ppo.logOld[j * L + t] = f32(Math.log(s.pi[prev * K + b]));
      prev = b;
    }
  }
  if (wantDelta) ppo.thetaStart.set(s.theta);
  const groups = p.B / p.miniBatches;
  const perMini = groups * G;
  const scale = sampleScale({ ...p, B: groups }, L);
  const perLength = inst.eos !== NO_EOS && perLengthAggregation(p.aggregation);
  let updates = 0;
  let clipped = 0;
  let seen = 0;
  for (let epoch = 0; epoch < p.ppoEpochs; epoch++) {
    for (let mini = 0; mini < p.miniBatches; mini++) {
      if ((epoch > 0 || mini > 0) && !ops.computePolicy()) return { finite: false, updates, clippedShare: NaN };
      const first = mini * perMini;
      let tokens = 0; // Σ|o| of the mini-batch: token-mean's normalizer with EOS
      if (perLength) for (let j = first; j < first + perMini; j++) tokens += s.lengths[j];
      s.C.fill(0);
      for (let j = first; j < first + perMini; j++) {
        const A = ppo.advantage[j];
        const c = perLength ? responseScale(p.aggregation, scale, s.lengths[j], tokens) : scale;
        let prev = s.prompts[(j / G) | 0];
        for (let t = 0; t < s.lengths[j]; t++) {
          const b = s.tokens[j * L + t];
          const terms = ppoTokenTerms(f32(Math.log(s.pi[prev * K + b])), ppo.logOld[j * L + t], ppo.logRef[prev * K + b], A, ppo.constants);
          if (terms.clipped) clipped++;
          seen++;
          s.C[prev * K + b] += f32(c * terms.weight);
          prev = b;
        }
      }
      updates++;
      if (!ops.update()) return { finite: false, updates, clippedShare: NaN };
    }
  }
  if (wantDelta) for (let k = 0; k < inst.d; k++) s.delta[k] = f32(s.theta[k] - ppo.thetaStart[k]);
  return { finite: true, updates, clippedShare: seen ? f32(clipped / seen) : 0 };
}

/** Exact KL(π_θ ‖ π_ref) of a response under the policy in s.pi (f32 stores, as the kernel's). */
export function referenceKl(inst: PackedInstance, s: RunScratch): number {
  const ppo = s.ppo!;
  const { P, K, L, eos } = inst;
  for (let a = 0; a < P; a++) {
    let kl = 0;
    for (let b = 0; b < K; b++) {
      const q = s.pi[a * K + b];
      if (q > 0) kl += q * (f32(Math.log(q)) - ppo.logRef[a * K + b]);
    }
    ppo.rowKl[a] = f32(kl);
  }
  if (inst.rewardKind === 0) {
    // A bandit response is one action: the mean over its prompts (rows).
    let total = 0;
    for (let a = 0; a < P; a++) total = f32(total + ppo.rowKl[a]);
    return f32(total / P);
  }
  const starts = inst.prompts > 1 ? inst.prompts : 1;
  let total = 0;
  for (let q = 0; q < starts; q++) {
    s.alpha.fill(0, 0, K);
    s.alpha[inst.prompts > 1 ? q : inst.start] = 1;
    let kl = 0;
    for (let t = 0; t < L; t++) {
      let step = 0;
      for (let a = 0; a < P; a++) step += s.alpha[a] * ppo.rowKl[a];
      kl = f32(kl + f32(step));
      for (let b = 0; b < K; b++) {
        let m = 0;
        if (b !== eos) for (let a = 0; a < P; a++) m += s.alpha[a] * s.pi[a * K + b];
        s.next[b] = m;
      }
      s.alpha.set(s.next.subarray(0, K));
    }
    total = f32(total + kl);
  }
  return f32(total / starts);
}
