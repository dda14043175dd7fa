/**
 * Exact sums over a transformer's responses by walking the tree of response prefixes with the KV
 * cache (the transformer has no Markov state to run a forward recursion over, as the log-linear
 * twin does): a prefix o_<t of probability π(o_<t | x) contributes its next token's distribution.
 * A response ends at EOS (SPEC 1.7; no children past it) or is cut at L tokens.
 * - KL(π_θ ‖ π_ref) of a response = Σ_t Σ_{o_<t alive} π(o_<t | x) Σ_b π(b | ·)(log π − log π_ref)(b | ·);
 * - E_π|o| = Σ_{t<L} Σ_{o_<t alive} π(o_<t | x), the mass still alive at each position.
 * Both are means over the training prompts, f32 at the end. A tree past PREFIX_LIMIT prefixes is
 * not enumerated (NaN).
 */
import { KvCache, type TaskSet, type TransformerTwin } from '../model/index.ts';

const f32 = Math.fround;

/** Prefixes of one prompt's response tree past which an exact sum is not enumerated (NaN instead). */
export const PREFIX_LIMIT = 1 << 16;

/** The exact sums of one policy (and, for the KL, a reference), mean over the training prompts. */
export interface PrefixSums {
  kl: number; // KL(π_θ ‖ π_ref) of a response (0 without a reference)
  expectedLength: number; // E_π|o|
}

/** Prefixes walked per prompt for responses of at most L tokens (a non-EOS token has V − 1 or V children). */
export function prefixCount(V: number, L: number, eos: boolean): number {
  const branching = eos ? V - 1 : V;
  let count = 0;
  for (let t = 0; t < L; t++) count += branching ** t;
  return count;
}

/**
 * The exact KL to θ_ref (null: no KL, 0) and E|o| of responses of at most L tokens under θ,
 * mean over the training prompts of `set` (EOS: set.eos).
 */
export function prefixSums(twin: TransformerTwin, theta: Float32Array, thetaRef: Float32Array | null, set: TaskSet, L: number): PrefixSums {
  const { V } = twin.model.layout.shape;
  const eos = set.eos ?? -1;
  if (prefixCount(V, L, eos >= 0) > PREFIX_LIMIT) return { kl: NaN, expectedLength: NaN };
  const k = set.promptLength;
  const now = new KvCache(twin.model);
  const ref = thetaRef ? new KvCache(twin.model) : null;
  const rows = Array.from({ length: L }, () => ({ now: new Float64Array(V), ref: new Float64Array(V) }));
  let kl = 0;
  let length = 0;
  const walk = (t: number, logP: number): void => {
    const row = rows[t];
    row.now.set(now.logp);
    const mass = Math.exp(logP);
    length += mass;
    if (ref) {
      row.ref.set(ref.logp);
      let step = 0;
      for (let b = 0; b < V; b++) step += Math.exp(row.now[b]) * (row.now[b] - row.ref[b]);
      kl += mass * step;
    }
    if (t === L - 1) return;
    const at = now.length;
    for (let b = 0; b < V; b++) {
      if (b === eos) continue; // the response ended
      now.length = at; // back to this prefix: the next push overwrites position `at`
      now.push(theta, b);
      if (ref && thetaRef) {
        ref.length = at;
        ref.push(thetaRef, b);
      }
      walk(t + 1, logP + row.now[b]);
    }
  };
  const N = set.trainPrompts.length / k;
  let klSum = 0;
  let lengthSum = 0;
  for (let q = 0; q < N; q++) {
    now.reset();
    ref?.reset();
    for (let i = 0; i < k; i++) {
      now.push(theta, set.trainPrompts[q * k + i], i === k - 1);
      if (ref && thetaRef) ref.push(thetaRef, set.trainPrompts[q * k + i], i === k - 1);
    }
    kl = 0;
    length = 0;
    walk(0, 0);
    klSum = f32(klSum + f32(kl));
    lengthSum = f32(lengthSum + f32(length));
  }
  return { kl: f32(klSum / N), expectedLength: f32(lengthSum / N) };
}
