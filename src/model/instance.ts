/**
 * Problem instances: the features Φ, the hidden θ*, and the reward (SPEC 1.2), drawn from the
 * Philox instance stream so that any instance is a pure function of (seed, seed index, shape).
 *
 * Both families are one object: a table of P states × K actions with features Φ[P][K][d].
 * - bandit: states are prompts, actions responses, L = 1, reward table R[P][K];
 * - token: states and actions are the V tokens, L steps, θ shared across positions; N prompts
 *   start at tokens 0..N−1, each with its own target (SPEC 1.8), θ shared across prompts too.
 *
 * The instance depends on the seed index but not on η, G, the advantage or L (the target is the
 * greedy path of θ*, and a longer L only extends it), so cells that differ in those are paired:
 * seed s starts from the same problem and the same θ0 in every cell.
 *
 * @example
 *   const inst = makeInstance(params, spec.seed, seedIndex);
 *   const theta0 = initialTheta(inst, params); // α·θ*, with J(θ0) = J0
 */
import { normalFromBits, philox4x32, STREAM_INSTANCE } from '../rng/index.ts';
import { effectiveDim, tableShape, type RunParams } from '../spec/index.ts';
import { policyLogits, softmaxRows, successRate } from './policy.ts';

export type RewardKind = 'table' | 'exact-match' | 'final-answer';

export interface Instance {
  P: number; // states (prompts, or previous token)
  K: number; // actions (responses, or next token)
  d: number; // feature dimension
  L: number; // steps per response (1 for bandits); the maximum length with EOS
  eos: number; // the EOS token (V − 1) when responses end at it (SPEC 1.7), else −1
  start: number; // start state of prompt 0's token sequence (token family); bandits draw a prompt
  starts: Int32Array; // token family: the start token of each of the N prompts (prompt q starts at q); bandits: empty
  phi: Float64Array; // Φ[P][K][d], d fastest
  reward: RewardKind;
  rewardTable: Uint8Array; // R[P][K] for bandits, empty otherwise
  target: Int32Array; // prompt 0's y*_1..y*_L for token rewards (final-answer uses only y*_L); with EOS y*_1..y*_{L*}, ending with EOS (final-answer uses y*_{L*−1})
  targets: Int32Array; // token family: every prompt's target, [N][target.length] (row 0 is `target`)
  thetaStar: Float64Array; // the hidden parameter that makes the correct answers realizable
}

// Counter word 1 of the instance stream: which quantity a draw belongs to.
const TAG_PHI = 1;
const TAG_THETA_STAR = 2;
// With EOS, a visited state's feature row is redrawn until θ* leads where the target must go: tag 3 + attempt.
const TAG_EOS_ROW = 3;
const MAX_ROW_ATTEMPTS = 100_000;

function gaussianVector(seed: number, seedIndex: number, tag: number, length: number): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i += 2) {
    const [x0, x1, x2, x3] = philox4x32([seedIndex, tag, i >>> 1, 0], [seed, STREAM_INSTANCE]);
    out[i] = normalFromBits(x0, x1);
    if (i + 1 < length) out[i + 1] = normalFromBits(x2, x3);
  }
  return out;
}

function oneHotFeatures(P: number, K: number, d: number, column: (a: number, b: number) => number): Float64Array {
  const phi = new Float64Array(P * K * d);
  for (let a = 0; a < P; a++) for (let b = 0; b < K; b++) phi[(a * K + b) * d + column(a, b)] = 1;
  return phi;
}

function argmaxRow(phi: Float64Array, theta: Float64Array, a: number, K: number, d: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let b = 0; b < K; b++) {
    let v = 0;
    for (let k = 0; k < d; k++) v += phi[(a * K + b) * d + k] * theta[k];
    if (v > bestValue) {
      bestValue = v;
      best = b;
    }
  }
  return best;
}

/** Draws the instance of seed index `seedIndex` for the shape and feature kind of `p`. */
export function makeInstance(p: RunParams, seed: number, seedIndex: number): Instance {
  const { P, K, L } = tableShape(p);
  const d = effectiveDim(p);
  const thetaStar = gaussianVector(seed, seedIndex, TAG_THETA_STAR, d);
  let phi: Float64Array;
  if (p.features === 'tabular') {
    phi = p.family === 'bandit' ? oneHotFeatures(P, K, d, (_a, b) => b) : oneHotFeatures(P, K, d, (a, b) => a * K + b);
  } else {
    // Entries N(0, 1/d), so E‖Φ[a][b]‖² = 1 whatever d: step sizes stay comparable across d.
    phi = gaussianVector(seed, seedIndex, TAG_PHI, P * K * d);
    const scale = 1 / Math.sqrt(d);
    for (let i = 0; i < phi.length; i++) phi[i] *= scale;
  }
  if (p.family === 'bandit') {
    // Realizable rewards: the response θ* ranks first is the correct one.
    const rewardTable = new Uint8Array(P * K);
    for (let a = 0; a < P; a++) rewardTable[a * K + argmaxRow(phi, thetaStar, a, K, d)] = 1;
    const none = new Int32Array(0);
    return { P, K, d, L, eos: -1, start: 0, starts: none, phi, reward: 'table', rewardTable, target: none, targets: none, thetaStar };
  }
  if (p.eos) return eosInstance(p, seed, seedIndex, phi, thetaStar);
  // Prompt q's target is θ*'s greedy path from its start token q (SPEC 1.8), so every prompt is
  // realizable by one θ*; Φ and θ* do not depend on N, so prompt 0 is the same in every cell over N.
  const N = p.N;
  const targets = new Int32Array(N * L);
  for (let q = 0; q < N; q++) {
    let prev = q;
    for (let t = 0; t < L; t++) prev = targets[q * L + t] = argmaxRow(phi, thetaStar, prev, K, d);
  }
  const starts = Int32Array.from({ length: N }, (_, q) => q);
  return { P, K, d, L, eos: -1, start: 0, starts, phi, reward: p.reward, rewardTable: new Uint8Array(0), target: targets.subarray(0, L), targets, thetaStar };
}

/**
 * The instance with a stop token (SPEC 1.7): EOS is token V − 1, its features drawn like the others.
 * The target is θ*'s greedy path from the start token and ends with EOS after exactly
 * `targetLength` tokens: each state on the path has its feature row redrawn (seeded: attempt in
 * the counter) until θ*'s argmax from it is a token not yet visited (not EOS), or EOS at the last
 * step. The policy reads only the previous token, so the path never revisits one. The instance
 * does not depend on L (it only cuts responses), so cells over L stay paired.
 */
function eosInstance(p: RunParams, seed: number, seedIndex: number, phi: Float64Array, thetaStar: Float64Array): Instance {
  const { P, K, L } = tableShape(p);
  const d = effectiveDim(p);
  const eos = K - 1;
  const n = p.targetLength;
  const target = new Int32Array(n);
  const visited = new Set<number>([0]);
  let prev = 0;
  for (let t = 0; t < n; t++) {
    const wantEos = t === n - 1;
    const ok = (b: number) => (wantEos ? b === eos : b !== eos && !visited.has(b));
    let next = argmaxRow(phi, thetaStar, prev, K, d);
    for (let attempt = 0; !ok(next); attempt++) {
      if (attempt >= MAX_ROW_ATTEMPTS)
        throw new InitError(`no draw of token ${prev}'s row leads θ* to ${wantEos ? 'EOS' : 'a new token'} (targetLength = ${n})`);
      // Tags above TAG_EOS_ROW, one per (attempt, state): distinct from Φ's and θ*'s and from each other.
      const tag = TAG_EOS_ROW + attempt * K + prev;
      if (p.features === 'tabular') {
        // One-hot features: the row's preferences live in θ*[prev·K .. prev·K + K).
        thetaStar.set(gaussianVector(seed, seedIndex, tag, K), prev * K);
      } else {
        const row = gaussianVector(seed, seedIndex, tag, K * d);
        const scale = 1 / Math.sqrt(d);
        for (let i = 0; i < K * d; i++) phi[prev * K * d + i] = row[i] * scale;
      }
      next = argmaxRow(phi, thetaStar, prev, K, d);
    }
    target[t] = next;
    visited.add(next);
    prev = next;
  }
  // One prompt with EOS (validation refuses N > 1: the redrawn rows would move other prompts' paths).
  return { P, K, d, L, eos, start: 0, starts: Int32Array.of(0), phi, reward: p.reward, rewardTable: new Uint8Array(0), target, targets: target, thetaStar };
}

/** Prompts of an instance: the bandit's P rows, or the token family's N start tokens. */
export function promptCount(inst: Pick<Instance, 'reward' | 'P' | 'starts'>): number {
  return inst.reward === 'table' ? inst.P : inst.starts.length;
}

/** Prompt q of a token instance on its own: its start token and its target, the shared Φ and θ*. */
export function promptInstance(inst: Instance, q: number): Instance {
  const n = inst.target.length;
  const target = inst.targets.subarray(q * n, (q + 1) * n);
  return { ...inst, start: inst.starts[q], starts: inst.starts.subarray(q, q + 1), target, targets: target };
}

/** Error raised when no scale α of θ* reaches the requested J0. */
export class InitError extends Error {}

/**
 * θ0 for a run: the explicit θ0 when given, else α·θ* with α found by bisection so that
 * J(α·θ*) = J0 (SPEC 1.2); with many prompts J is their mean, so the prompts start at different
 * J_q (SPEC 1.8). Works in float64; the engine stores θ0 as f32.
 */
export function initialTheta(inst: Instance, p: Pick<RunParams, 'theta0' | 'J0'>): Float64Array {
  if (p.theta0) return Float64Array.from(p.theta0);
  // Logits are linear in α: precompute Φ·θ* once, so each bisection step is one softmax.
  const starLogits = policyLogits(inst, inst.thetaStar);
  const J = (alpha: number) =>
    successRate(
      inst,
      softmaxRows(
        starLogits.map((v) => alpha * v),
        inst.P,
        inst.K,
      ),
    );
  const target = p.J0;
  let lo = 0;
  const jLo = J(0);
  let hi: number;
  // Bracket the root: search upward from 0 when J(0) < J0, downward otherwise.
  const dir = jLo < target ? 1 : -1;
  let step = 1;
  hi = lo;
  let jHi = jLo;
  for (let i = 0; i < 60 && (jHi - target) * dir < 0; i++) {
    lo = hi;
    hi = dir * step;
    jHi = J(hi);
    step *= 2;
  }
  if ((jHi - target) * dir < 0) {
    throw new InitError(`J0 = ${target} is not reachable by scaling θ* (J(0) = ${J(0).toPrecision(4)}, J(${hi}) = ${jHi.toPrecision(4)})`);
  }
  for (let i = 0; i < 100; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    const jm = J(mid);
    if ((jm - target) * dir < 0) lo = mid;
    else hi = mid;
  }
  const alpha = 0.5 * (lo + hi);
  return inst.thetaStar.map((v) => alpha * v);
}
