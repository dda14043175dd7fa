/**
 * The hand-written backward of the transformer (SPEC 1.10) for the loss of one response,
 * Σ_t w_t · log π(o_t | x, o_<t): every RL loss of 1.3–1.9 reduces to a weight per token (an
 * advantage times the aggregation's scale, a PPO ratio, a KL term), and SFT's cross-entropy is
 * w_t = −1/tokens. Gradients are added into `grad` (the layout of the parameters), so a batch of
 * responses accumulates by calling it once per response, in order.
 *
 * Order (what the WGSL kernel must reproduce): the output layer for positions ascending; then the
 * layers from the last down, each: the MLP for positions ascending, W_o for positions ascending,
 * attention for queries p ascending (keys u ascending inside), then the input projections for
 * positions ascending; last, E and P from the embedding input for positions ascending. Each
 * accumulation is r(acc + r(a·b)) with the operations of ops.ts.
 *
 * @example
 *   forwardSequence(model, theta, tokens, n, k - 1, acts);
 *   const value = backwardSequence(model, theta, tokens, n, k - 1, weights, acts, scratch, grad);
 */
import type { TransformerActivations, TransformerModel } from './forward.ts';
import { addOuterProducts, rmsNormBackward, rowTimesMatrix, rowTimesTransposed } from './ops.ts';
import type { Numbers } from './precision.ts';

/** The backward's own buffers, sized for T positions. */
export class BackwardScratch {
  readonly dx: Numbers; // gradient of the residual stream, [T][d]
  readonly dh1: Numbers; // of the residual after attention
  readonly dq: Numbers;
  readonly dk: Numbers;
  readonly dv: Numbers;
  readonly dO: Numbers; // of the heads' outputs
  readonly dRow: Numbers; // d wide
  readonly dRow2: Numbers; // d wide
  readonly dz: Numbers; // of the MLP's hidden units, [T][4d]
  readonly dl: Numbers; // of the logits, [T][V]
  readonly dp: Numbers; // of the attention weights of one query, T wide
  constructor(model: TransformerModel) {
    const { V, d, T } = model.layout.shape;
    const a = model.precision.array;
    this.dx = a(T * d);
    this.dh1 = a(T * d);
    this.dq = a(T * d);
    this.dk = a(T * d);
    this.dv = a(T * d);
    this.dO = a(T * d);
    this.dRow = a(d);
    this.dRow2 = a(d);
    this.dz = a(T * 4 * d);
    this.dl = a(T * V);
    this.dp = a(T);
  }
}

/**
 * Adds ∇_θ Σ_p w_p · log π(tokens[p+1] | tokens[0..p]) over p = first … n−2 to `grad`, from the
 * activations of forwardSequence(model, theta, tokens, n − 1, first, acts) — n is the sequence's
 * length with its last token, which is scored but never fed. weights[p − first] is w_p.
 * Returns the loss's value, Σ_p r(acc + r(w_p · log π)).
 */
export function backwardSequence(
  model: TransformerModel,
  theta: Numbers,
  tokens: ArrayLike<number>,
  n: number,
  first: number,
  weights: ArrayLike<number>,
  acts: TransformerActivations,
  s: BackwardScratch,
  grad: Numbers,
): number {
  const { layout, scale } = model;
  const r = model.precision.round;
  const { V, d, T, heads } = layout.shape;
  const E = layout.embedding.offset;
  const fed = n - 1; // positions that went through the network
  const dh = d / heads;
  const { dx, dh1, dq, dk, dv, dO, dRow, dRow2, dz, dl, dp } = s;
  dx.fill(0, 0, fed * d);
  let value = 0;
  // Output layer: log π_o = l_o − lse, so ∂/∂l_v = w·([v = o] − π_v); logits = f·Eᵀ (tied).
  for (let p = first; p < fed; p++) {
    const w = r(weights[p - first]);
    const o = tokens[p + 1];
    const row = p * V;
    value = r(value + r(w * acts.logp[row + o]));
    for (let v = 0; v < V; v++) dl[row + v] = r(w * r((v === o ? 1 : 0) - r(Math.exp(acts.logp[row + v]))));
    rowTimesMatrix(r, dl, row, theta, E, V, d, dRow, 0); // df_i = Σ_v dl_v E_vi: E is V × d, so this is dl·E
    rmsNormBackward(r, acts.x[layout.layers.length], p * d, acts.invF[p], dRow, 0, d, dx, p * d);
  }
  // grad E_vi += r(dl_pv f_pi) for p ascending (the outer products dlᵀ·f). Speed (same results): each
  // weight-gradient block below is touched by nothing else in its stage, so its per-position outer
  // products are added after the stage's loop, all positions in one pass, p ascending per element.
  if (fed > first) addOuterProducts(r, dl, first * V, V, acts.f, first * d, d, fed - first, V, d, grad, E);
  for (let l = layout.layers.length - 1; l >= 0; l--) {
    const w = layout.layers[l];
    const A = acts.layers[l];
    const xIn = acts.x[l];
    // MLP: x_out = h1 + relu(a2·W_1)·W_2.
    for (let p = 0; p < fed; p++) {
      const zp = p * 4 * d;
      rowTimesTransposed(r, dx, p * d, theta, w.w2.offset, 4 * d, d, dz, zp);
      for (let j = 0; j < 4 * d; j++) if (!(A.z[zp + j] > 0)) dz[zp + j] = 0;
      rowTimesTransposed(r, dz, zp, theta, w.w1.offset, d, 4 * d, dRow, 0);
      rmsNormBackward(r, A.h1, p * d, A.inv2[p], dRow, 0, d, dRow2, 0);
      for (let i = 0; i < d; i++) dh1[p * d + i] = r(dx[p * d + i] + dRow2[i]);
    }
    addOuterProducts(r, A.z, 0, 4 * d, dx, 0, d, fed, 4 * d, d, grad, w.w2.offset); // ∇W_2 += zᵀ·dx
    addOuterProducts(r, A.a2, 0, d, dz, 0, 4 * d, fed, d, 4 * d, grad, w.w1.offset); // ∇W_1 += a2ᵀ·dz
    // Attention output: h1 = x_in + o·W_o.
    for (let p = 0; p < fed; p++) rowTimesTransposed(r, dh1, p * d, theta, w.wo.offset, d, d, dO, p * d);
    addOuterProducts(r, A.o, 0, d, dh1, 0, d, fed, d, d, grad, w.wo.offset);
    // Attention: o_p = Σ_u π_pu v_u per head, π_p = softmax(s_p), s_pu = scale·q_p·k_u.
    dq.fill(0, 0, fed * d);
    dk.fill(0, 0, fed * d);
    dv.fill(0, 0, fed * d);
    // Speed (same results): offsets hoisted, each accumulator of a chain kept in a local.
    for (let p = 0; p < fed; p++) {
      const pd = p * d;
      for (let h = 0; h < heads; h++) {
        const col = h * dh;
        const pb = h * T * T + p * T;
        let sum = 0;
        for (let u = 0; u <= p; u++) {
          const pu = A.probs[pb + u];
          const ud = u * d + col;
          let acc = 0;
          for (let i = 0; i < dh; i++) {
            const g = dO[pd + col + i];
            acc = r(acc + r(g * A.v[ud + i]));
            dv[ud + i] = r(dv[ud + i] + r(pu * g));
          }
          dp[u] = acc;
          sum = r(sum + r(pu * acc));
        }
        for (let u = 0; u <= p; u++) {
          const ds = r(r(A.probs[pb + u] * r(dp[u] - sum)) * scale);
          const ud = u * d + col;
          const qd = pd + col;
          for (let i = 0; i < dh; i++) {
            dq[qd + i] = r(dq[qd + i] + r(ds * A.k[ud + i]));
            dk[ud + i] = r(dk[ud + i] + r(ds * A.q[qd + i]));
          }
        }
      }
    }
    // Input projections: q, k, v = a1·W_q, a1·W_k, a1·W_v; a1 = rmsNorm(x_in).
    addOuterProducts(r, A.a1, 0, d, dq, 0, d, fed, d, d, grad, w.wq.offset);
    addOuterProducts(r, A.a1, 0, d, dk, 0, d, fed, d, d, grad, w.wk.offset);
    addOuterProducts(r, A.a1, 0, d, dv, 0, d, fed, d, d, grad, w.wv.offset);
    for (let p = 0; p < fed; p++) {
      rowTimesTransposed(r, dq, p * d, theta, w.wq.offset, d, d, dRow, 0);
      rowTimesTransposed(r, dk, p * d, theta, w.wk.offset, d, d, dRow2, 0);
      for (let i = 0; i < d; i++) dRow[i] = r(dRow[i] + dRow2[i]);
      rowTimesTransposed(r, dv, p * d, theta, w.wv.offset, d, d, dRow2, 0);
      for (let i = 0; i < d; i++) dRow[i] = r(dRow[i] + dRow2[i]);
      rmsNormBackward(r, xIn, p * d, A.inv1[p], dRow, 0, d, dRow2, 0);
      for (let i = 0; i < d; i++) dx[p * d + i] = r(dh1[p * d + i] + dRow2[i]);
    }
  }
  // Embedding input: x_p = E[token_p] + P[p].
  const P = layout.positions.offset;
  for (let p = 0; p < fed; p++) {
    const tok = tokens[p];
    for (let i = 0; i < d; i++) {
      grad[E + tok * d + i] = r(grad[E + tok * d + i] + dx[p * d + i]);
      grad[P + p * d + i] = r(grad[P + p * d + i] + dx[p * d + i]);
    }
  }
  return value;
}
