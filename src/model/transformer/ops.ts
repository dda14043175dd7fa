/**
 * The transformer's primitive operations, in the one order of rounding the twin and the WGSL
 * kernel share (SPEC 1.10). Every binary operation's result is rounded (`r`); a sum runs over its
 * index in ascending order, r(acc + r(a·b)) — the product and the add are two roundings, never a
 * fused multiply-add. Where the GPU may differ in the last bits: sqrt, exp, log and division
 * (WGSL does not promise correct rounding for them), and any product-add a shader compiler fuses.
 *
 * The full forward (forward.ts), the KV-cache forward (kv-cache.ts) and the backward
 * (backward.ts) call these and nothing else for arithmetic on rows, which is what makes the two
 * forwards agree bit for bit.
 */
import type { Numbers } from './precision.ts';

type Round = (x: number) => number;

/** RMSNorm's ε (SPEC 1.10), rounded to the working precision where it is used. */
export const RMS_EPSILON = 1e-5;

/**
 * y = x / √(mean(x²) + ε), without weights; returns the factor inv = 1/√(mean(x²) + ε), which
 * the backward needs. Order: ss = Σ_i r(ss + r(x_i²)); inv = r(1 / r(√ r(r(ss / d) + ε))); y_i = r(x_i · inv).
 */
export function rmsNorm(r: Round, x: Numbers, xOff: number, d: number, y: Numbers, yOff: number): number {
  let ss = 0;
  for (let i = 0; i < d; i++) ss = r(ss + r(x[xOff + i] * x[xOff + i]));
  const inv = r(1 / r(Math.sqrt(r(r(ss / d) + r(RMS_EPSILON)))));
  for (let i = 0; i < d; i++) y[yOff + i] = r(x[xOff + i] * inv);
  return inv;
}

/**
 * The gradient through y = rmsNorm(x): dx_i = dy_i·inv − x_i·inv³·(Σ_j dy_j x_j)/d.
 * Order: dot = Σ_j r(dot + r(dy_j x_j)); c = r(r(r(dot · inv) · r(inv · inv)) / d);
 * dx_i = r(r(dy_i · inv) − r(x_i · c)).
 */
export function rmsNormBackward(r: Round, x: Numbers, xOff: number, inv: number, dy: Numbers, dyOff: number, d: number, dx: Numbers, dxOff: number): void {
  let dot = 0;
  for (let j = 0; j < d; j++) dot = r(dot + r(dy[dyOff + j] * x[xOff + j]));
  const c = r(r(r(dot * inv) * r(inv * inv)) / d);
  for (let i = 0; i < d; i++) dx[dxOff + i] = r(r(dy[dyOff + i] * inv) - r(x[xOff + i] * c));
}

/**
 * y = a·W for a row a (length rows) and W (rows × cols, row-major at wOff): y_j = Σ_i r(y_j + r(a_i W_ij)),
 * i ascending (the loop runs i outside j, which rounds each y_j in the same sequence).
 */
export function rowTimesMatrix(r: Round, a: Numbers, aOff: number, W: Numbers, wOff: number, rows: number, cols: number, y: Numbers, yOff: number): void {
  // Speed (same results): each y_j keeps its own accumulator in a local, i ascending as above, four
  // columns at a time so four independent rounding chains overlap (one chain is latency-bound).
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    let y0 = 0;
    let y1 = 0;
    let y2 = 0;
    let y3 = 0;
    for (let i = 0, w = wOff + j; i < rows; i++, w += cols) {
      const ai = a[aOff + i];
      y0 = r(y0 + r(ai * W[w]));
      y1 = r(y1 + r(ai * W[w + 1]));
      y2 = r(y2 + r(ai * W[w + 2]));
      y3 = r(y3 + r(ai * W[w + 3]));
    }
    y[yOff + j] = y0;
    y[yOff + j + 1] = y1;
    y[yOff + j + 2] = y2;
    y[yOff + j + 3] = y3;
  }
  for (; j < cols; j++) {
    let acc = 0;
    for (let i = 0, w = wOff + j; i < rows; i++, w += cols) acc = r(acc + r(a[aOff + i] * W[w]));
    y[yOff + j] = acc;
  }
}

/** ReLU in place; a NaN stays NaN (a diverged run must still show it). Its derivative is 1 where z > 0, else 0. */
export function relu(z: Numbers, off: number, n: number): void {
  for (let j = 0; j < n; j++) if (z[off + j] < 0) z[off + j] = 0;
}

/**
 * da = dy·Wᵀ (the input gradient of y = a·W): da_i = Σ_j r(da_i + r(dy_j W_ij)), j ascending.
 */
export function rowTimesTransposed(
  r: Round,
  dy: Numbers,
  dyOff: number,
  W: Numbers,
  wOff: number,
  rows: number,
  cols: number,
  da: Numbers,
  daOff: number,
): void {
  // Speed (same results): four rows at a time, four independent rounding chains, j ascending in each.
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const w0 = wOff + i * cols;
    const w1 = w0 + cols;
    const w2 = w1 + cols;
    const w3 = w2 + cols;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let j = 0; j < cols; j++) {
      const g = dy[dyOff + j];
      a0 = r(a0 + r(g * W[w0 + j]));
      a1 = r(a1 + r(g * W[w1 + j]));
      a2 = r(a2 + r(g * W[w2 + j]));
      a3 = r(a3 + r(g * W[w3 + j]));
    }
    da[daOff + i] = a0;
    da[daOff + i + 1] = a1;
    da[daOff + i + 2] = a2;
    da[daOff + i + 3] = a3;
  }
  for (; i < rows; i++) {
    const row = wOff + i * cols;
    let acc = 0;
    for (let j = 0; j < cols; j++) acc = r(acc + r(dy[dyOff + j] * W[row + j]));
    da[daOff + i] = acc;
  }
}

/** gW += aᵀ·dy for one row (the weight gradient of y = a·W): gW_ij = r(gW_ij + r(a_i dy_j)). */
export function addOuterProduct(r: Round, a: Numbers, aOff: number, dy: Numbers, dyOff: number, rows: number, cols: number, gW: Numbers, gOff: number): void {
  for (let i = 0; i < rows; i++) {
    const ai = a[aOff + i];
    const row = gOff + i * cols;
    for (let j = 0; j < cols; j++) gW[row + j] = r(gW[row + j] + r(ai * dy[dyOff + j]));
  }
}

/**
 * addOuterProduct for `count` rows of a and dy at once (row p at aOff + p·aStride and dyOff + p·dyStride):
 * gW_ij = r(gW_ij + r(a_pi dy_pj)) for p ascending — per element the very sequence of roundings of
 * calling addOuterProduct once per p, ascending, but each gW_ij is loaded and stored once, and four
 * independent chains run at a time (speed only).
 */
export function addOuterProducts(
  r: Round,
  a: Numbers,
  aOff: number,
  aStride: number,
  dy: Numbers,
  dyOff: number,
  dyStride: number,
  count: number,
  rows: number,
  cols: number,
  gW: Numbers,
  gOff: number,
): void {
  for (let i = 0; i < rows; i++) {
    const row = gOff + i * cols;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      let g0 = gW[row + j];
      let g1 = gW[row + j + 1];
      let g2 = gW[row + j + 2];
      let g3 = gW[row + j + 3];
      for (let p = 0, ap = aOff + i, dp = dyOff + j; p < count; p++, ap += aStride, dp += dyStride) {
        const ai = a[ap];
        g0 = r(g0 + r(ai * dy[dp]));
        g1 = r(g1 + r(ai * dy[dp + 1]));
        g2 = r(g2 + r(ai * dy[dp + 2]));
        g3 = r(g3 + r(ai * dy[dp + 3]));
      }
      gW[row + j] = g0;
      gW[row + j + 1] = g1;
      gW[row + j + 2] = g2;
      gW[row + j + 3] = g3;
    }
    for (; j < cols; j++) {
      let g = gW[row + j];
      for (let p = 0; p < count; p++) g = r(g + r(a[aOff + p * aStride + i] * dy[dyOff + p * dyStride + j]));
      gW[row + j] = g;
    }
  }
}

/**
 * Causal attention of the query at position p over keys and values 0..p, every head; rows of K
 * and V are d wide (head h is columns h·dh … (h+1)·dh − 1). Writes the attention weights of head
 * h to probs[base + h·headStride + u] and the heads' outputs, side by side, to o.
 * Order per head: s_u = r(r(Σ_i r(q_i k_ui)) · scale); m = max s; e_u = r(exp(r(s_u − m)));
 * Z = Σ_u r(Z + e_u); p_u = r(e_u / Z); o_i = Σ_u r(o_i + r(p_u v_ui)), u ascending.
 */
export function attend(
  r: Round,
  heads: number,
  d: number,
  scale: number,
  q: Numbers,
  qOff: number,
  K: Numbers,
  V: Numbers,
  p: number,
  probs: Numbers,
  base: number,
  headStride: number,
  o: Numbers,
  oOff: number,
): void {
  const dh = d / heads;
  for (let h = 0; h < heads; h++) {
    const col = h * dh;
    const pb = base + h * headStride;
    let m = -Infinity;
    for (let u = 0; u <= p; u++) {
      let dot = 0;
      const ku = u * d + col;
      const qc = qOff + col;
      for (let i = 0; i < dh; i++) dot = r(dot + r(q[qc + i] * K[ku + i]));
      const s = r(dot * scale);
      probs[pb + u] = s;
      if (s > m) m = s;
    }
    let Z = 0;
    for (let u = 0; u <= p; u++) {
      const e = r(Math.exp(r(probs[pb + u] - m)));
      probs[pb + u] = e;
      Z = r(Z + e);
    }
    for (let u = 0; u <= p; u++) probs[pb + u] = r(probs[pb + u] / Z);
    // Speed (same results): each o_i in a local, u ascending as above.
    for (let i = 0; i < dh; i++) {
      let acc = 0;
      for (let u = 0, vu = col + i; u <= p; u++, vu += d) acc = r(acc + r(probs[pb + u] * V[vu]));
      o[oOff + col + i] = acc;
    }
  }
}

/**
 * log π(·) over the vocabulary from the final normed row f: l_v = Σ_i r(l_v + r(f_i E_vi)) (tied
 * embedding); m = max l; Z = Σ_v r(Z + r(exp(r(l_v − m)))); lse = r(m + r(log Z)); log π_v = r(l_v − lse).
 */
export function logSoftmaxLogits(r: Round, f: Numbers, fOff: number, E: Numbers, eOff: number, V: number, d: number, logp: Numbers, lOff: number): void {
  // The logits are rows of E times f: rowTimesTransposed's dot products, in its order.
  rowTimesTransposed(r, f, fOff, E, eOff, V, d, logp, lOff);
  let m = -Infinity;
  for (let v = 0; v < V; v++) if (logp[lOff + v] > m) m = logp[lOff + v];
  let Z = 0;
  for (let v = 0; v < V; v++) Z = r(Z + r(Math.exp(r(logp[lOff + v] - m))));
  const lse = r(m + r(Math.log(Z)));
  for (let v = 0; v < V; v++) logp[lOff + v] = r(logp[lOff + v] - lse);
}
