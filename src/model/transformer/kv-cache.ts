/**
 * The transformer's forward one position at a time with a KV cache, for sampling (SPEC 1.10): each
 * new token adds its keys and values per layer and reads the cache for attention. It calls the same
 * operations of ops.ts in the same order as the full forward (forward.ts), so its log π is bit
 * identical to the full forward's at every position (kv-cache.test.ts checks it).
 *
 * Sampling turns u ∈ [0, 1) into a token by the rounded CDF: c = Σ_v r(c + r(exp(log π_v))),
 * the first v with u < c, the last token when u lies beyond the rounded CDF's end (as the
 * log-linear twin samples).
 *
 * @example
 *   const cache = new KvCache(model);
 *   cache.reset();
 *   for (let p = 0; p < k; p++) cache.push(theta, prompt[p]);   // prompt: the last push gives log π of y_1
 *   const y1 = sampleFromLogProbs(cache.logp, V, u, Math.fround);
 */
import type { TransformerModel } from './forward.ts';
import { attend, logSoftmaxLogits, relu, rmsNorm, rowTimesMatrix } from './ops.ts';
import type { Numbers } from './precision.ts';

export class KvCache {
  /** Keys and values of the positions pushed so far, [layer] of [T][d]. */
  private readonly keys: Numbers[];
  private readonly values: Numbers[];
  private readonly x: Numbers;
  private readonly a: Numbers;
  private readonly q: Numbers;
  private readonly o: Numbers;
  private readonly y: Numbers;
  private readonly z: Numbers;
  private readonly probs: Numbers;
  private readonly f: Numbers;
  /** log π(· | tokens pushed so far), V entries, after each push. */
  readonly logp: Numbers;
  /** Positions pushed. */
  length = 0;
  constructor(readonly model: TransformerModel) {
    const { V, d, T, layers, heads } = model.layout.shape;
    const a = model.precision.array;
    this.keys = Array.from({ length: layers }, () => a(T * d));
    this.values = Array.from({ length: layers }, () => a(T * d));
    this.x = a(d);
    this.a = a(d);
    this.q = a(d);
    this.o = a(d);
    this.y = a(d);
    this.z = a(4 * d);
    this.probs = a(heads * T);
    this.f = a(d);
    this.logp = a(V);
  }

  /** Forgets every position (the next push is position 0). */
  reset(): void {
    this.length = 0;
  }

  /** Appends `token` at the next position; with `scores` (default) writes log π of the token after it to `logp`. */
  push(theta: Numbers, token: number, scores = true): void {
    const { layout, scale } = this.model;
    const r = this.model.precision.round;
    const { V, d, T, heads } = layout.shape;
    const p = this.length;
    if (p >= T) throw new Error(`KV cache full: ${T} positions`);
    const E = layout.embedding.offset;
    const P = layout.positions.offset;
    const { x, a, q, o, y, z } = this;
    for (let i = 0; i < d; i++) x[i] = r(theta[E + token * d + i] + theta[P + p * d + i]);
    for (let l = 0; l < layout.layers.length; l++) {
      const w = layout.layers[l];
      const K = this.keys[l];
      const Vs = this.values[l];
      rmsNorm(r, x, 0, d, a, 0);
      rowTimesMatrix(r, a, 0, theta, w.wq.offset, d, d, q, 0);
      rowTimesMatrix(r, a, 0, theta, w.wk.offset, d, d, K, p * d);
      rowTimesMatrix(r, a, 0, theta, w.wv.offset, d, d, Vs, p * d);
      attend(r, heads, d, scale, q, 0, K, Vs, p, this.probs, 0, T, o, 0);
      rowTimesMatrix(r, o, 0, theta, w.wo.offset, d, d, y, 0);
      for (let i = 0; i < d; i++) x[i] = r(x[i] + y[i]);
      rmsNorm(r, x, 0, d, a, 0);
      rowTimesMatrix(r, a, 0, theta, w.w1.offset, d, 4 * d, z, 0);
      relu(z, 0, 4 * d);
      rowTimesMatrix(r, z, 0, theta, w.w2.offset, 4 * d, d, y, 0);
      for (let i = 0; i < d; i++) x[i] = r(x[i] + y[i]);
    }
    this.length = p + 1;
    if (!scores) return;
    rmsNorm(r, x, 0, d, this.f, 0);
    logSoftmaxLogits(r, this.f, 0, theta, E, V, d, this.logp, 0);
  }
}

/** The token that u ∈ [0, 1) picks from log π (V entries) by the rounded CDF. */
export function sampleFromLogProbs(logp: Numbers, V: number, u: number, r: (x: number) => number): number {
  let c = 0;
  for (let v = 0; v < V; v++) {
    c = r(c + r(Math.exp(logp[v])));
    if (u < c) return v;
  }
  return V - 1;
}
