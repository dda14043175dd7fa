/**
 * The transformer's full forward over one token sequence (SPEC 1.10), layer by layer over all
 * positions, keeping every activation the backward needs. Runs in either precision (precision.ts)
 * with the operations and rounding order of ops.ts, so it agrees bit for bit with the KV-cache
 * forward (kv-cache.ts), which runs position by position.
 *
 * Per position p (token x_p): x = r(E[x_p] + P[p]); per layer: a = rmsNorm(x); q, k, v = a·W_q,
 * a·W_k, a·W_v; o = attend(q; k, v of 0..p); x = r(x + o·W_o); b = rmsNorm(x); z = relu(b·W_1);
 * x = r(x + z·W_2). Then f = rmsNorm(x) and log π(· | x_0..x_p) = logSoftmax(f·Eᵀ).
 *
 * @example
 *   const model = transformerModel(shape, F32);
 *   const acts = new TransformerActivations(model);
 *   forwardSequence(model, theta, tokens, n, k - 1, acts); // log π at positions k−1 … n−1 in acts.logp
 */
import { type TransformerLayout, type TransformerShape, transformerLayout } from './layout.ts';
import { attend, logSoftmaxLogits, relu, rmsNorm, rowTimesMatrix } from './ops.ts';
import type { Numbers, Precision } from './precision.ts';

/** A shape's layout with the precision its twin runs in. */
export interface TransformerModel {
  layout: TransformerLayout;
  precision: Precision;
  /** 1/√(d/heads), rounded once. */
  scale: number;
}

/** The model of a shape in a precision. Refuses a width that the heads do not divide. */
export function transformerModel(shape: TransformerShape, precision: Precision): TransformerModel {
  if (!Number.isInteger(shape.d / shape.heads)) throw new Error(`d ${shape.d} is not divisible by heads ${shape.heads}`);
  const r = precision.round;
  return { layout: transformerLayout(shape), precision, scale: r(1 / r(Math.sqrt(shape.d / shape.heads))) };
}

/** One layer's activations over up to T positions (rows of d, or 4d for z). */
export interface LayerActivations {
  a1: Numbers; // rmsNorm of the layer input
  inv1: Numbers; // its factor per position
  q: Numbers;
  k: Numbers;
  v: Numbers;
  probs: Numbers; // attention weights [heads][T][T], row p filled up to u = p
  o: Numbers; // heads' outputs side by side
  h1: Numbers; // the residual after attention
  a2: Numbers; // rmsNorm of h1
  inv2: Numbers;
  z: Numbers; // relu(a2·W_1), 4d per position
}

/** Every activation of one sequence's forward, sized for T positions. */
export class TransformerActivations {
  /** Residual stream into layer l (x[layers] is the output of the last). */
  readonly x: Numbers[];
  readonly layers: LayerActivations[];
  readonly f: Numbers; // final rmsNorm
  readonly invF: Numbers;
  /** log π over the vocabulary at each position, [T][V] (rows from the first prediction on). */
  readonly logp: Numbers;
  /** Scratch row of width max(d, 4d). */
  readonly row: Numbers;
  constructor(readonly model: TransformerModel) {
    const { V, d, T, layers, heads } = model.layout.shape;
    const a = model.precision.array;
    this.x = Array.from({ length: layers + 1 }, () => a(T * d));
    this.layers = Array.from({ length: layers }, () => ({
      a1: a(T * d),
      inv1: a(T),
      q: a(T * d),
      k: a(T * d),
      v: a(T * d),
      probs: a(heads * T * T),
      o: a(T * d),
      h1: a(T * d),
      a2: a(T * d),
      inv2: a(T),
      z: a(T * 4 * d),
    }));
    this.f = a(T * d);
    this.invF = a(T);
    this.logp = a(T * V);
    this.row = a(4 * d);
  }
}

/**
 * Forward over tokens[0..n−1] (n ≤ T), writing log π(· | tokens[0..p]) to acts.logp row p for
 * p = first … n−1 (the positions whose next token is scored; first = prompt length − 1).
 */
export function forwardSequence(
  model: TransformerModel,
  theta: Numbers,
  tokens: ArrayLike<number>,
  n: number,
  first: number,
  acts: TransformerActivations,
): void {
  const { layout, scale } = model;
  const r = model.precision.round;
  const { V, d, T, heads } = layout.shape;
  const E = layout.embedding.offset;
  const P = layout.positions.offset;
  const x0 = acts.x[0];
  for (let p = 0; p < n; p++) {
    const tok = tokens[p];
    for (let i = 0; i < d; i++) x0[p * d + i] = r(theta[E + tok * d + i] + theta[P + p * d + i]);
  }
  const y = acts.row;
  for (let l = 0; l < layout.layers.length; l++) {
    const w = layout.layers[l];
    const A = acts.layers[l];
    const x = acts.x[l];
    const out = acts.x[l + 1];
    for (let p = 0; p < n; p++) {
      A.inv1[p] = rmsNorm(r, x, p * d, d, A.a1, p * d);
      rowTimesMatrix(r, A.a1, p * d, theta, w.wq.offset, d, d, A.q, p * d);
      rowTimesMatrix(r, A.a1, p * d, theta, w.wk.offset, d, d, A.k, p * d);
      rowTimesMatrix(r, A.a1, p * d, theta, w.wv.offset, d, d, A.v, p * d);
    }
    for (let p = 0; p < n; p++) {
      attend(r, heads, d, scale, A.q, p * d, A.k, A.v, p, A.probs, p * T, T * T, A.o, p * d);
      rowTimesMatrix(r, A.o, p * d, theta, w.wo.offset, d, d, y, 0);
      for (let i = 0; i < d; i++) A.h1[p * d + i] = r(x[p * d + i] + y[i]);
      A.inv2[p] = rmsNorm(r, A.h1, p * d, d, A.a2, p * d);
      rowTimesMatrix(r, A.a2, p * d, theta, w.w1.offset, d, 4 * d, A.z, p * 4 * d);
      relu(A.z, p * 4 * d, 4 * d);
      rowTimesMatrix(r, A.z, p * 4 * d, theta, w.w2.offset, 4 * d, d, y, 0);
      for (let i = 0; i < d; i++) out[p * d + i] = r(A.h1[p * d + i] + y[i]);
    }
  }
  const xF = acts.x[layout.layers.length];
  for (let p = first; p < n; p++) {
    acts.invF[p] = rmsNorm(r, xF, p * d, d, acts.f, p * d);
    logSoftmaxLogits(r, acts.f, p * d, theta, E, V, d, acts.logp, p * V);
  }
}
