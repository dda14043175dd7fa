/**
 * CPU twin of `shaders/sequence.wgsl`: one RLVR training run of the log-linear policy, the same
 * maths in the same order with the same Philox stream. It is the test oracle for the kernel and
 * the engine on machines whose WebGPU adapter is a software one.
 *
 * The twin rounds to f32 wherever the kernel stores to memory (θ, π, C, J); its running sums are
 * float64 where the kernel's are f32, and JS exp is not WGSL exp, so values agree to ~1e-6
 * relative and sampled tokens agree except when a uniform draw sits within that of a CDF edge.
 *
 * One step (SPEC 1.3), with score s(o) = Σ_t Φ[o_{t−1}][o_t] − E_π Φ[o_{t−1}]:
 *   w = Σ_j c_j s(o_j) = Σ_{a,b} (C[a][b] − n_a π[a][b]) Φ[a][b],  C[a][b] = Σ_j c_j #(a→b in o_j),
 * with c_j = A_j · aggregation scale and n_a = Σ_b C[a][b]; then θ ← θ + η·w, or the
 * practitioners' step from g = −w (clipping, schedule, momentum/Adam/AdamW: optimizer.ts, SPEC 1.6).
 * Exact mode replaces C by its expectation (forward–backward over the chain).
 *
 * With EOS (SPEC 1.7) a response stops at the EOS token or is cut at L; C counts only its own
 * tokens, and the aggregation's scale is per response (1/|o_j|) or per batch (1/Σ|o|) as TRL and
 * verl compute it; the chains carry an absorbing "ended" state.
 */
import { STREAM_TRAINING, philoxWord0, uniformFromBits } from '../rng/index.ts';
import type { ExactDirection, RunParams } from '../spec/index.ts';
import { aggregationLengthScale, isPlainSgd, isPpoLoop } from '../spec/index.ts';
import { responseScale, sampleScale } from './aggregation-scale.ts';
import { PpoScratch, ppoIteration, referenceKl, type PolicyOps } from './ppo-update.ts';
import { OptimizerState } from './optimizer.ts';
import { ADVANTAGE_CODE, NO_EOS, type PackedInstance } from './packing.ts';
import { expectedAdvantageFactor } from './expected-advantage.ts';
import { drawPrompts } from './prompt-draw.ts';
import { KERNEL_RECORD_OUTPUTS, type RunRecord } from './run-outputs.ts';

/** Per-run outputs the twin writes (declared in run-outputs.ts); records have one slot per recorded step. */
export type { RunRecord };
/** The aggregation's scale, re-exported from where it has always been imported. */
export { sampleScale };

/**
 * Optional probe for tests: every sampled token in (step, sample, position) order, with the
 * distance of its uniform draw to the nearest edge of the chosen CDF bin (tiny = a float tie).
 */
export type TokenProbe = (step: number, sample: number, position: number, token: number, edgeMargin: number) => void;

/** Optional probe for tests: each step's prompt draws, in group order (SPEC 1.8). */
export type PromptProbe = (step: number, group: number, prompt: number) => void;

/**
 * Optional capture for a replayed run (replay.ts): J_q of every prompt at each recorded step, in
 * prompt order, exactly as the shares are counted from it (SPEC 1.8). A hook, not an output: J_q
 * per prompt as a sweep output would multiply every sweep's memory by N.
 */
export type PromptJCapture = (record: number, prompt: number, Jq: number) => void;

const f32 = Math.fround;

/** Fills `pi` with the row-softmax of Φ·θ (max-subtracted), rounded to f32. False when a logit overflowed. */
export function computePolicy(inst: PackedInstance, theta: Float32Array, pi: Float32Array): boolean {
  let finite = true;
  const { P, K, d, phi } = inst;
  for (let a = 0; a < P; a++) {
    let max = -Infinity;
    for (let b = 0; b < K; b++) {
      const base = (a * K + b) * d;
      let logit = 0;
      for (let k = 0; k < d; k++) logit += phi[base + k] * theta[k];
      pi[a * K + b] = logit;
      if (!Number.isFinite(pi[a * K + b])) finite = false;
      if (pi[a * K + b] > max) max = pi[a * K + b];
    }
    let sum = 0;
    for (let b = 0; b < K; b++) {
      pi[a * K + b] = Math.exp(pi[a * K + b] - max);
      sum += pi[a * K + b];
    }
    const inv = f32(sum);
    for (let b = 0; b < K; b++) pi[a * K + b] = pi[a * K + b] / inv;
  }
  return finite;
}

/** Exact J of the current table (f32 result); fills `rowJ` with per-prompt J for bandits and many token prompts. */
function successRateF32(inst: PackedInstance, pi: Float32Array, rowJ: Float32Array, alpha: Float32Array, next: Float32Array): number {
  const { P, K } = inst;
  if (inst.rewardKind !== 0 && inst.prompts > 1) {
    // SPEC 1.8: J_q from start token q along its own target; the mean summed in f32 as the kernel's thread 0 sums it.
    let total = 0;
    for (let q = 0; q < inst.prompts; q++) total = f32(total + (rowJ[q] = tokenSuccessF32(inst, pi, q, q * inst.targetLength, alpha, next)));
    return f32(total / inst.prompts);
  }
  if (inst.rewardKind !== 0) return tokenSuccessF32(inst, pi, inst.start, 0, alpha, next);
  let total = 0;
  for (let a = 0; a < P; a++) {
    let row = 0;
    for (let b = 0; b < K; b++) if (inst.rewardData[a * K + b]) row += pi[a * K + b];
    rowJ[a] = row;
    total += rowJ[a];
  }
  return f32(total / P);
}

/** J of one token prompt: from `start` along the target at `offset` in rewardData (f32, as the kernel). */
function tokenSuccessF32(inst: PackedInstance, pi: Float32Array, start: number, offset: number, alpha: Float32Array, next: Float32Array): number {
  const { P, K, L } = inst;
  if (inst.rewardKind === 1) {
    let J = 1;
    let prev = start;
    for (let t = 0; t < inst.targetLength; t++) {
      J = f32(J * pi[prev * K + inst.rewardData[offset + t]]);
      prev = inst.rewardData[offset + t];
    }
    return J;
  }
  if (inst.eos !== NO_EOS) return aliveChain(inst, pi, alpha, next).J;
  alpha.fill(0, 0, K);
  alpha[start] = 1;
  for (let t = 0; t < L; t++) {
    for (let b = 0; b < K; b++) {
      let s = 0;
      for (let a = 0; a < P; a++) s += alpha[a] * pi[a * K + b];
      next[b] = s;
    }
    alpha.set(next.subarray(0, K));
  }
  return alpha[inst.rewardData[offset + L - 1]];
}

/** The answer of a final-answer instance: the target's last token, or with EOS its token before EOS. */
function answerOf(inst: PackedInstance): number {
  return inst.eos === NO_EOS ? inst.rewardData[inst.L - 1] : inst.rewardData[inst.targetLength - 2];
}

/**
 * The chain with EOS, forward over the mass not yet ended: J of final answer (Σ_t α_t(y) π(EOS|y),
 * f32 as the kernel's thread 0 sums it) and E|o| = Σ_{t<L} Σ_a α_t(a).
 */
function aliveChain(inst: PackedInstance, pi: Float32Array, alpha: Float32Array, next: Float32Array): { J: number; expectedLength: number } {
  const { P, K, L, eos } = inst;
  const y = answerOf(inst);
  alpha.fill(0, 0, K);
  alpha[inst.start] = 1;
  let J = 0;
  let length = 0;
  for (let t = 0; t < L; t++) {
    let alive = 0;
    for (let b = 0; b < K; b++) alive += alpha[b];
    length = f32(length + f32(alive));
    J = f32(J + f32(alpha[y] * pi[y * K + eos]));
    for (let b = 0; b < K; b++) {
      let s = 0;
      if (b !== eos) for (let a = 0; a < P; a++) s += alpha[a] * pi[a * K + b];
      next[b] = s;
    }
    alpha.set(next.subarray(0, K));
  }
  return { J, expectedLength: length };
}

/** Scratch arrays sized for one run; reused across runs of the same shape to avoid allocation. */
export class RunScratch {
  readonly theta: Float32Array;
  readonly pi: Float32Array;
  readonly cdf: Float32Array;
  readonly C: Float32Array;
  readonly w: Float32Array;
  readonly tokens: Int32Array;
  readonly lengths: Int32Array; // |o_j|, EOS included; L without EOS
  readonly rewards: Float32Array;
  readonly coef: Float32Array;
  readonly prompts: Int32Array;
  readonly promptOrder: Int32Array; // the partial shuffle's scratch (prompt-draw.ts)
  readonly rowJ: Float32Array;
  readonly alpha: Float32Array;
  readonly next: Float32Array;
  readonly beta: Float32Array;
  readonly delta: Float32Array; // θ_new − θ_old of the last step, for ‖Δθ‖
  readonly initialPromptJ: Float32Array; // J_q(0) of each prompt, for the lost-prompt rule (SPEC 1.8)
  readonly optimizer: OptimizerState;
  ppo: PpoScratch | null = null; // the PPO loop's arrays for the current run (SPEC 1.9); null in today's loop (usePpo)
  private ppoStore: PpoScratch | null = null;
  constructor(inst: PackedInstance, p: RunParams) {
    const { P, K, d, L } = inst;
    const samples = p.B * p.G;
    this.theta = new Float32Array(d);
    this.pi = new Float32Array(P * K);
    this.cdf = new Float32Array(P * K);
    this.C = new Float32Array(P * K);
    this.w = new Float32Array(d);
    this.tokens = new Int32Array(samples * L);
    this.lengths = new Int32Array(samples);
    this.rewards = new Float32Array(samples);
    this.coef = new Float32Array(samples);
    this.prompts = new Int32Array(p.B);
    this.promptOrder = new Int32Array(Math.max(P, p.N));
    this.rowJ = new Float32Array(P);
    this.alpha = new Float32Array(Math.max(P, K));
    this.next = new Float32Array(Math.max(P, K));
    this.beta = new Float32Array((L + 1) * K);
    this.delta = new Float32Array(d);
    this.initialPromptJ = new Float32Array(P);
    this.optimizer = new OptimizerState(d);
    this.usePpo(inst, p);
  }

  /** Sets up the PPO loop's arrays for a run of `p` (a scratch serves every run of its shape, in or out of the loop). */
  usePpo(inst: PackedInstance, p: RunParams): PpoScratch | null {
    this.ppo = isPpoLoop(p) && p.mode === 'sampled' ? (this.ppoStore ??= new PpoScratch(inst, p)).configure(p) : null;
    return this.ppo;
  }
}

/** Advantages of one step's samples, times the aggregation scale, into `coef` (SPEC 1.3 table). */
function sampledCoefficients(p: RunParams, inst: PackedInstance, s: RunScratch, J: number): void {
  const G = p.G;
  const B = p.B;
  const n = B * G;
  const adv = ADVANTAGE_CODE[p.advantage];
  const scale = sampleScale(p, inst.L);
  const eos = inst.eos !== NO_EOS;
  let tokens = 0; // Σ_j |o_j|, token-mean's normalizer with EOS
  if (eos) for (let j = 0; j < n; j++) tokens += s.lengths[j];
  let batchStd = 0;
  if (adv === ADVANTAGE_CODE['batch-std']) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += s.rewards[j];
    const mean = f32(sum / n);
    let ss = 0;
    for (let j = 0; j < n; j++) ss += (s.rewards[j] - mean) * (s.rewards[j] - mean);
    batchStd = f32(Math.sqrt(f32(ss / (p.std === 'unbiased' ? n - 1 : n))));
  }
  for (let g = 0; g < B; g++) {
    let sum = 0;
    for (let i = 0; i < G; i++) sum += s.rewards[g * G + i];
    const mean = f32(sum / G);
    let std = 0;
    if (adv === ADVANTAGE_CODE['group-std']) {
      let ss = 0;
      for (let i = 0; i < G; i++) ss += (s.rewards[g * G + i] - mean) * (s.rewards[g * G + i] - mean);
      std = f32(Math.sqrt(f32(ss / (p.std === 'unbiased' ? G - 1 : G))));
    }
    const baselineJ = inst.rewardKind === 0 || inst.prompts > 1 ? s.rowJ[s.prompts[g]] : J; // oracle: the drawn prompt's own J
    for (let i = 0; i < G; i++) {
      const r = s.rewards[g * G + i];
      let A: number;
      switch (adv) {
        case 0:
          A = r;
          break; // none
        case 1:
          A = r - mean;
          break; // mean
        case 2:
          A = f32(r - mean) / f32(std + f32(p.epsilon));
          break; // group-std
        case 3:
          A = f32(r - mean) / f32(batchStd + f32(p.epsilon));
          break; // batch-std
        case 4:
          A = r - f32(f32(sum - r) / (G - 1));
          break; // rloo
        default:
          A = r - baselineJ; // oracle
      }
      const a = f32(A);
      if (s.ppo) s.ppo.advantage[g * G + i] = a; // the PPO loop scales it per mini-batch (ppo-update.ts)
      s.coef[g * G + i] = f32(a * (eos ? responseScale(p.aggregation, scale, s.lengths[g * G + i], tokens) : scale));
    }
  }
}

/** Samples B·G responses at `step`, fills tokens, rewards, and the weighted transition counts C. */
function sampleStep(
  p: RunParams,
  inst: PackedInstance,
  s: RunScratch,
  seed: number,
  run: number,
  step: number,
  probe?: TokenProbe,
  promptProbe?: PromptProbe,
): void {
  const { P, K, L } = inst;
  const G = p.G;
  // Row CDFs, accumulated in f32 as the kernel accumulates them while it scans a row.
  for (let a = 0; a < P; a++) {
    let acc = 0;
    for (let c = 0; c < K; c++) s.cdf[a * K + c] = acc = f32(acc + s.pi[a * K + c]);
  }
  // Prompts of the step: bandit rows, or token prompts (prompt q starts at token q, SPEC 1.8); all of them in order when B
  // is their count, else B distinct ones (prompt-draw.ts).
  const count = inst.rewardKind === 0 ? P : inst.prompts;
  if (inst.rewardKind !== 0 && count === 1) s.prompts[0] = inst.start;
  else drawPrompts(s.prompts, p.B, count, s.promptOrder, seed, run, step);
  if (promptProbe) for (let g = 0; g < p.B; g++) promptProbe(step, g, s.prompts[g]);
  const eos = inst.eos;
  const y = inst.rewardKind === 2 ? answerOf(inst) : 0;
  for (let j = 0; j < p.B * G; j++) {
    let prev = s.prompts[(j / G) | 0];
    const target = inst.rewardKind === 0 ? 0 : prev * inst.targetLength; // the prompt's target in rewardData
    let allMatch = true;
    let length = L;
    for (let t = 0; t < L; t++) {
      const u = uniformFromBits(philoxWord0(run, step, j, t, seed, STREAM_TRAINING));
      const row = prev * K;
      let b = K - 1; // u beyond the rounded CDF's last edge: take the last action
      for (let c = 0; c < K; c++) {
        if (u < s.cdf[row + c]) {
          b = c;
          break;
        }
      }
      s.tokens[j * L + t] = b;
      if (probe) probe(step, j, t, b, Math.min(u - (b > 0 ? s.cdf[row + b - 1] : 0), Math.abs(s.cdf[row + b] - u)));
      if (inst.rewardKind !== 0 && (t >= inst.targetLength || b !== inst.rewardData[target + t])) allMatch = false;
      if (b === eos) {
        // The response ends here (SPEC 1.7): no more draws for it.
        length = t + 1;
        break;
      }
      prev = b;
    }
    s.lengths[j] = length;
    const first = s.prompts[(j / G) | 0];
    if (eos !== NO_EOS && inst.rewardKind !== 0) {
      // Exact match: every token of the target, its EOS included (so the length is L*); final answer: the token before EOS. Cut: 0.
      const ended = s.tokens[j * L + length - 1] === eos;
      s.rewards[j] =
        inst.rewardKind === 1 ? (allMatch && length === inst.targetLength ? 1 : 0) : ended && length >= 2 && s.tokens[j * L + length - 2] === y ? 1 : 0;
      continue;
    }
    s.rewards[j] =
      inst.rewardKind === 0
        ? inst.rewardData[first * K + s.tokens[j * L]]
        : inst.rewardKind === 1
          ? allMatch
            ? 1
            : 0
          : s.tokens[j * L + L - 1] === inst.rewardData[target + L - 1]
            ? 1
            : 0;
  }
}

/** C[a][b] = Σ_j c_j · #(a→b in o_j), accumulated in (j, t) order as the kernel's row threads do. */
function sampledCounts(p: RunParams, inst: PackedInstance, s: RunScratch): void {
  const { K, L } = inst;
  s.C.fill(0);
  for (let j = 0; j < p.B * p.G; j++) {
    const c = s.coef[j];
    if (c === 0) continue;
    let prev = s.prompts[(j / p.G) | 0];
    for (let t = 0; t < s.lengths[j]; t++) {
      const b = s.tokens[j * L + t];
      s.C[prev * K + b] += c;
      prev = b;
    }
  }
}

/**
 * Expected C of one token prompt without EOS, from `start` with its target at `offset`, times `f`:
 * exact match adds f along the target's transitions; final answer runs β_t(b) = P(o_L = y | o_t = b)
 * backward, then C += α_{t−1}(a) π(b|a) β_t(b) · f forward.
 */
function tokenExactCounts(inst: PackedInstance, s: RunScratch, start: number, offset: number, f: number): void {
  const { P, K, L } = inst;
  if (inst.rewardKind === 1) {
    let prev = start;
    for (let t = 0; t < inst.targetLength; t++) {
      s.C[prev * K + inst.rewardData[offset + t]] += f;
      prev = inst.rewardData[offset + t];
    }
    return;
  }
  const beta = s.beta;
  beta.fill(0, L * K, (L + 1) * K);
  beta[L * K + inst.rewardData[offset + L - 1]] = 1;
  for (let t = L - 1; t >= 1; t--) {
    for (let a = 0; a < K; a++) {
      let acc = 0;
      for (let b = 0; b < K; b++) acc += s.pi[a * K + b] * beta[(t + 1) * K + b];
      beta[t * K + a] = acc;
    }
  }
  s.alpha.fill(0, 0, K);
  s.alpha[start] = 1;
  for (let t = 1; t <= L; t++) {
    for (let a = 0; a < P; a++) {
      const fa = s.alpha[a];
      if (fa === 0) continue;
      for (let b = 0; b < K; b++) s.C[a * K + b] += f32(f32(fa * s.pi[a * K + b]) * beta[t * K + b]) * f;
    }
    for (let b = 0; b < K; b++) {
      let acc = 0;
      for (let a = 0; a < P; a++) acc += s.alpha[a] * s.pi[a * K + b];
      s.next[b] = acc;
    }
    s.alpha.set(s.next.subarray(0, K));
  }
}

/**
 * Expected C: ∇J = Σ_{a,b} (C − n_a π) Φ with C the success-weighted transition mass, times the
 * factor of `direction` (∇J itself, the gap g, or E[A·s] of the run's advantage and aggregation).
 */
function exactCounts(p: RunParams, inst: PackedInstance, s: RunScratch, J: number, direction: ExactDirection): void {
  const { P, K, L } = inst;
  s.C.fill(0);
  const lengthScale = direction === 'expected-update' ? aggregationLengthScale(p.aggregation, L, p.B * p.G) : 1;
  const factor = (Jx: number) => (direction === 'expected-update' ? expectedAdvantageFactor(p.advantage, p.G, Jx, p.epsilon, p.std) * lengthScale : 1);
  if (inst.rewardKind === 0) {
    for (let a = 0; a < P; a++) {
      const f = f32(factor(s.rowJ[a]) / P);
      for (let b = 0; b < K; b++) if (inst.rewardData[a * K + b]) s.C[a * K + b] = s.pi[a * K + b] * f;
    }
  } else if (inst.prompts > 1) {
    // SPEC 1.8: each prompt's own counts from its start token, weighted by its J_q's factor over N.
    for (let q = 0; q < inst.prompts; q++) {
      const Jq = s.rowJ[q];
      const f = inst.rewardKind === 1 ? f32(f32(Jq * factor(Jq)) / inst.prompts) : f32(f32(factor(Jq)) / inst.prompts);
      tokenExactCounts(inst, s, q, q * inst.targetLength, f);
    }
  } else if (inst.rewardKind === 1) {
    tokenExactCounts(inst, s, inst.start, 0, f32(J * factor(J)));
  } else if (inst.eos !== NO_EOS) {
    eosFinalAnswerCounts(inst, s, f32(factor(J)));
  } else {
    tokenExactCounts(inst, s, inst.start, 0, f32(factor(J)));
  }
  if (direction === 'gap') {
    // g = ∇J / (J(1−J)): the gradient of logit J (reconstructed identity, SPEC 1.1).
    const inv = f32(1 / Math.max(J * (1 - J), 1e-30));
    for (let i = 0; i < P * K; i++) s.C[i] = s.C[i] * inv;
  }
}

/**
 * Expected C of final answer with EOS (SPEC 1.7): the value of a transition a → b at position t is
 * V_t(a, EOS) = 1{a = y} (the answer then EOS), else β_t(b), with β_L = 0 (cut) and
 * β_{t−1}(a) = Σ_b π(b|a) V_t(a, b); then C += α_{t−1}(a) π(b|a) V_t(a, b) over the mass not yet ended.
 */
function eosFinalAnswerCounts(inst: PackedInstance, s: RunScratch, f: number): void {
  const { P, K, L, eos } = inst;
  const y = answerOf(inst);
  const beta = s.beta;
  const value = (t: number, a: number, b: number) => (b === eos ? (a === y ? 1 : 0) : beta[t * K + b]);
  beta.fill(0, L * K, (L + 1) * K);
  for (let t = L - 1; t >= 1; t--) {
    for (let a = 0; a < K; a++) {
      let acc = 0;
      for (let b = 0; b < K; b++) acc += s.pi[a * K + b] * value(t + 1, a, b);
      beta[t * K + a] = acc;
    }
  }
  s.alpha.fill(0, 0, K);
  s.alpha[inst.start] = 1;
  for (let t = 1; t <= L; t++) {
    for (let a = 0; a < P; a++) {
      const fa = s.alpha[a];
      if (fa === 0) continue;
      for (let b = 0; b < K; b++) s.C[a * K + b] += f32(f32(fa * s.pi[a * K + b]) * value(t, a, b)) * f;
    }
    for (let b = 0; b < K; b++) {
      let acc = 0;
      if (b !== eos) for (let a = 0; a < P; a++) acc += s.alpha[a] * s.pi[a * K + b];
      s.next[b] = acc;
    }
    s.alpha.set(s.next.subarray(0, K));
  }
}

/**
 * Shares of the prompts solved (J_q > ½) and lost (J_q < J_q(0)/2) into record `rec` (SPEC 1.8),
 * as the kernel's thread 0 counts them; J_q(0) is kept from step 0. Bandits count their P rows; a
 * single token prompt is J itself.
 */
function recordPromptShares(inst: PackedInstance, s: RunScratch, out: RunRecord, rec: number, step: number, J: number, capture?: PromptJCapture): void {
  const n = inst.rewardKind === 0 ? inst.P : inst.prompts;
  let solved = 0;
  let lost = 0;
  for (let q = 0; q < n; q++) {
    const Jq = inst.rewardKind === 0 || n > 1 ? s.rowJ[q] : J;
    capture?.(rec, q, Jq);
    if (step === 0) s.initialPromptJ[q] = Jq;
    if (Jq > 0.5) solved++;
    if (Jq < 0.5 * s.initialPromptJ[q]) lost++;
  }
  out.solvedShare[rec] = f32(solved / n);
  out.lostShare[rec] = f32(lost / n);
}

/** Mean length of the sampled responses (all, passing, failing) into record `rec` (SPEC 1.7). */
function recordLengths(out: RunRecord, rec: number, s: RunScratch, n: number): void {
  let all = 0;
  let pass = 0;
  let passing = 0;
  let fail = 0;
  for (let j = 0; j < n; j++) {
    all += s.lengths[j];
    if (s.rewards[j] > 0) {
      pass += s.lengths[j];
      passing++;
    } else fail += s.lengths[j];
  }
  out.meanLength[rec] = f32(all) / n;
  out.meanLengthPassing[rec] = passing ? f32(pass) / passing : NaN;
  out.meanLengthFailing[rec] = n - passing ? f32(fail) / (n - passing) : NaN;
}

/** w = Σ_{a,b} (C[a][b] − n_a π[a][b]) Φ[a][b] into s.w. */
function computeDirection(inst: PackedInstance, s: RunScratch): void {
  const { P, K, d, phi } = inst;
  const w = s.w;
  w.fill(0);
  for (let a = 0; a < P; a++) {
    let n = 0;
    for (let b = 0; b < K; b++) n += s.C[a * K + b];
    const na = f32(n);
    for (let b = 0; b < K; b++) {
      const D = f32(s.C[a * K + b] - f32(na * s.pi[a * K + b]));
      if (D === 0) continue;
      const base = (a * K + b) * d;
      for (let k = 0; k < d; k++) w[k] += D * phi[base + k];
    }
  }
}

/**
 * θ ← θ + η·w (plain SGD), or the optimizer's step from g = −w. Returns false when θ left the
 * finite floats. With `wantDelta`, s.delta holds θ_new − θ_old (the kernel computes it only then too).
 */
export function applyUpdate(p: RunParams, inst: PackedInstance, s: RunScratch, step: number, plain: boolean, wantDelta: boolean): boolean {
  computeDirection(inst, s);
  const { d } = inst;
  const w = s.w;
  if (!plain) return s.optimizer.step(step, s.theta, w, s.delta);
  let finite = true;
  for (let k = 0; k < d; k++) {
    const old = s.theta[k];
    s.theta[k] = old + f32(p.stepSize) * w[k];
    if (wantDelta) s.delta[k] = f32(s.theta[k] - old);
    if (!Number.isFinite(s.theta[k])) finite = false;
  }
  return finite;
}

/** ‖Δθ‖ of the last step, summed in f32 in coordinate order as the kernel's thread 0 sums it. */
function updateNorm(s: RunScratch, d: number): number {
  let ss = 0;
  for (let k = 0; k < d; k++) ss = f32(ss + f32(s.delta[k] * s.delta[k]));
  return f32(Math.sqrt(ss));
}

/** A diverged run: flagged, final J NaN, the records it never reached NaN. */
function markDiverged(out: RunRecord, rec: number, records: number): void {
  out.diverged = true;
  out.finalJ = NaN;
  for (const name of KERNEL_RECORD_OUTPUTS) out[name].fill(NaN, rec, records);
}

/**
 * Runs one training run from θ0 for p.iterations steps. `recordSteps` lists the steps whose J,
 * ‖θ‖, exact ‖∇J‖ and ‖Δθ‖ (of the step into θ_t) are written into `out.trajectory`,
 * `out.thetaNorm`, `out.gradientNorm`, `out.updateNorm`. `promptJ` receives J_q of each prompt at
 * those steps (replay.ts); without it the run does no extra work.
 */
export function simulateRun(
  p: RunParams,
  inst: PackedInstance,
  theta0: Float32Array,
  seed: number,
  run: number,
  recordSteps: readonly number[],
  out: RunRecord,
  scratch = new RunScratch(inst, p),
  probe?: TokenProbe,
  promptProbe?: PromptProbe,
  promptJ?: PromptJCapture,
): RunRecord {
  const s = scratch;
  s.theta.set(theta0);
  const plain = isPlainSgd(p);
  const eos = inst.eos !== NO_EOS;
  if (!plain) s.optimizer.configure(p);
  let lastUpdateNorm = 0; // ‖Δθ‖ of the step into the current θ; 0 before the first step
  let lastClippedShare = 0; // of the batch trained into the current θ (SPEC 1.9); 0 before the first
  let rec = 0;
  out.minJ = Infinity;
  out.diverged = false;
  const ppo = s.usePpo(inst, p);
  let currentStep = 0;
  const ops: PolicyOps = {
    computePolicy: () => computePolicy(inst, s.theta, s.pi),
    update: () => applyUpdate(p, inst, s, currentStep, plain, false),
  };
  for (let step = 0; step <= p.iterations; step++) {
    if (!computePolicy(inst, s.theta, s.pi)) {
      markDiverged(out, rec, recordSteps.length);
      break;
    }
    if (ppo && step === 0) ppo.setReference(s.pi);
    const isRecord = recordSteps[rec] === step;
    const needJ = isRecord || p.mode === 'exact' || p.advantage === 'oracle';
    const J = needJ ? successRateF32(inst, s.pi, s.rowJ, s.alpha, s.next) : 0;
    if (isRecord) {
      let ss = 0;
      for (let k = 0; k < inst.d; k++) ss += s.theta[k] * s.theta[k];
      out.trajectory[rec] = J;
      recordPromptShares(inst, s, out, rec, step, J, promptJ);
      out.thetaNorm[rec] = Math.sqrt(ss);
      exactCounts(p, inst, s, J, 'gradient'); // C is refilled by the step below
      computeDirection(inst, s);
      let gg = 0;
      for (let k = 0; k < inst.d; k++) gg += s.w[k] * s.w[k];
      out.gradientNorm[rec] = Math.sqrt(gg);
      out.updateNorm[rec] = lastUpdateNorm;
      if (!eos) {
        // Every response has length L.
        out.expectedLength[rec] = inst.L;
        out.meanLength[rec] = out.meanLengthPassing[rec] = out.meanLengthFailing[rec] = inst.L;
      } else {
        out.expectedLength[rec] = aliveChain(inst, s.pi, s.alpha, s.next).expectedLength;
        out.meanLength[rec] = out.meanLengthPassing[rec] = out.meanLengthFailing[rec] = NaN; // sampled below, or none (exact mode)
      }
      out.clippedShare[rec] = lastClippedShare;
      out.klReference[rec] = ppo ? referenceKl(inst, s) : NaN;
      if (J < out.minJ) out.minJ = f32(J);
      rec++;
    }
    if (step === p.iterations) {
      out.finalJ = J;
      if (eos && p.mode === 'sampled') {
        // A batch drawn only for the length record (counter step = iterations, never trained on).
        sampleStep(p, inst, s, seed, run, step);
        recordLengths(out, rec - 1, s, p.B * p.G);
      }
      break;
    }
    const wantDelta = recordSteps[rec] === step + 1; // the next step is recorded: it reports this step's ‖Δθ‖
    if (p.mode === 'sampled') {
      sampleStep(p, inst, s, seed, run, step, probe, promptProbe);
      if (eos && isRecord) recordLengths(out, rec - 1, s, p.B * p.G);
      sampledCoefficients(p, inst, s, J);
      if (ppo) {
        // SPEC 1.9: μ passes × M mini-batches on this batch (ppo-update.ts); θ after minus θ before is its ‖Δθ‖.
        currentStep = step;
        const done = ppoIteration(p, inst, s, ops, wantDelta);
        if (!done.finite) {
          markDiverged(out, rec, recordSteps.length);
          break;
        }
        lastClippedShare = done.clippedShare;
        if (wantDelta) lastUpdateNorm = updateNorm(s, inst.d);
        continue;
      }
      sampledCounts(p, inst, s);
    } else {
      exactCounts(p, inst, s, J, p.exactDirection);
    }
    if (!applyUpdate(p, inst, s, step, plain, wantDelta)) {
      markDiverged(out, rec, recordSteps.length);
      break;
    }
    if (wantDelta) lastUpdateNorm = updateNorm(s, inst.d);
  }
  return out;
}

/** One sampled step's batch and its update direction w, before η (tests hold the aggregations to SPEC 1.7's formulas with it). */
export interface SampledStep {
  tokens: Int32Array; // [sample][L], valid up to each length
  lengths: Int32Array;
  rewards: Float32Array;
  pi: Float32Array;
  w: Float32Array;
}

/** Samples the batch of `step` at θ and returns it with w, exactly as simulateRun's step computes them. */
export function sampledStep(p: RunParams, inst: PackedInstance, theta: Float32Array, seed: number, run: number, step: number): SampledStep {
  const s = new RunScratch(inst, p);
  s.theta.set(theta);
  computePolicy(inst, s.theta, s.pi);
  const J = successRateF32(inst, s.pi, s.rowJ, s.alpha, s.next);
  sampleStep(p, inst, s, seed, run, step);
  sampledCoefficients(p, inst, s, J);
  sampledCounts(p, inst, s);
  computeDirection(inst, s);
  return { tokens: s.tokens, lengths: s.lengths, rewards: s.rewards, pi: s.pi, w: s.w };
}

/** One PPO batch (SPEC 1.9) and what its μ × M updates did, for tests against an independent reference. */
export interface PpoSampledStep {
  tokens: Int32Array;
  lengths: Int32Array;
  rewards: Float32Array;
  prompts: Int32Array;
  theta: Float32Array; // after the batch's updates
  clippedShare: number;
  finite: boolean;
}

/**
 * Samples the batch of `step` at θ and takes the PPO loop's updates on it (whatever μ, M and β, so
 * μ = M = 1 with β = 0 runs the loop's own code), with π_ref = π at `thetaRef`.
 */
export function ppoSampledStep(
  p: RunParams,
  inst: PackedInstance,
  theta: Float32Array,
  thetaRef: Float32Array,
  seed: number,
  run: number,
  step: number,
): PpoSampledStep {
  const s = new RunScratch(inst, { ...p, klCoef: Math.max(p.klCoef, Number.MIN_VALUE) }); // a scratch with the loop's arrays
  const q = { ...p };
  s.ppo!.configure(q);
  const plain = isPlainSgd(q);
  if (!plain) s.optimizer.configure(q);
  computePolicy(inst, thetaRef, s.pi);
  s.ppo!.setReference(s.pi);
  s.theta.set(theta);
  computePolicy(inst, s.theta, s.pi);
  const J = successRateF32(inst, s.pi, s.rowJ, s.alpha, s.next);
  sampleStep(q, inst, s, seed, run, step);
  sampledCoefficients(q, inst, s, J);
  const ops: PolicyOps = { computePolicy: () => computePolicy(inst, s.theta, s.pi), update: () => applyUpdate(q, inst, s, step, plain, false) };
  const done = ppoIteration(q, inst, s, ops, false);
  return { tokens: s.tokens, lengths: s.lengths, rewards: s.rewards, prompts: s.prompts, theta: s.theta, clippedShare: done.clippedShare, finite: done.finite };
}
