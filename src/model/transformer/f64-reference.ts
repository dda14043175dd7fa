/**
 * TEST-ONLY: an independent float64 reference of the transformer of SPEC 1.10, written apart from
 * the twin (it imports nothing of it) in another style: whole-sequence matrices as number[][],
 * a causal mask of −∞, and backward passes through explicit Jacobians (softmax: diag(p) − p·pᵀ;
 * RMSNorm: inv·I − inv³·x·xᵀ/d) rather than the twin's fused formulas. It reads the flat
 * parameter array in the order SPEC 1.10 and layout.ts state — E, P, then per layer
 * W_q, W_k, W_v, W_o, W_1, W_2 — declared again here, so a layout mistake shows too.
 */
type Matrix = number[][];

const zeros = (rows: number, cols: number): Matrix => Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
const transpose = (A: Matrix): Matrix => A[0].map((_, j) => A.map((row) => row[j]));
function matmul(A: Matrix, B: Matrix): Matrix {
  const C = zeros(A.length, B[0].length);
  for (let i = 0; i < A.length; i++) for (let k = 0; k < B.length; k++) for (let j = 0; j < B[0].length; j++) C[i][j] += A[i][k] * B[k][j];
  return C;
}
const add = (A: Matrix, B: Matrix): Matrix => A.map((row, i) => row.map((x, j) => x + B[i][j]));
const columns = (A: Matrix, from: number, to: number): Matrix => A.map((row) => row.slice(from, to));

interface ReferenceLayer {
  Wq: Matrix;
  Wk: Matrix;
  Wv: Matrix;
  Wo: Matrix;
  W1: Matrix;
  W2: Matrix;
}
interface ReferenceParams {
  E: Matrix;
  P: Matrix;
  layers: ReferenceLayer[];
}
export interface ReferenceShape {
  V: number;
  d: number;
  T: number;
  layers: number;
  heads: number;
}

function unpack(theta: ArrayLike<number>, s: ReferenceShape): ReferenceParams {
  let at = 0;
  const take = (rows: number, cols: number): Matrix => {
    const M = zeros(rows, cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) M[i][j] = theta[at++];
    return M;
  };
  const E = take(s.V, s.d);
  const P = take(s.T, s.d);
  const layers: ReferenceLayer[] = [];
  for (let l = 0; l < s.layers; l++)
    layers.push({ Wq: take(s.d, s.d), Wk: take(s.d, s.d), Wv: take(s.d, s.d), Wo: take(s.d, s.d), W1: take(s.d, 4 * s.d), W2: take(4 * s.d, s.d) });
  if (at !== theta.length) throw new Error(`reference layout reads ${at} parameters, the array has ${theta.length}`);
  return { E, P, layers };
}

function flatten(g: ReferenceParams): Float64Array {
  const out: number[] = [];
  const put = (M: Matrix) => M.forEach((row) => out.push(...row));
  put(g.E);
  put(g.P);
  for (const L of g.layers) [L.Wq, L.Wk, L.Wv, L.Wo, L.W1, L.W2].forEach(put);
  return Float64Array.from(out);
}

function rms(X: Matrix): { Y: Matrix; inv: number[] } {
  const d = X[0].length;
  const inv = X.map((row) => 1 / Math.sqrt(row.reduce((s, x) => s + x * x, 0) / d + 1e-5));
  return { Y: X.map((row, p) => row.map((x) => x * inv[p])), inv };
}
function rmsBack(X: Matrix, inv: number[], dY: Matrix): Matrix {
  const d = X[0].length;
  // Jacobian ∂y_i/∂x_j = inv·δ_ij − inv³·x_i·x_j/d (symmetric), applied to dY row by row.
  return X.map((x, p) => x.map((_, j) => x.reduce((s, xi, i) => s + dY[p][i] * ((i === j ? inv[p] : 0) - (inv[p] ** 3 * xi * x[j]) / d), 0)));
}
function softmaxRows(S: Matrix): Matrix {
  return S.map((row) => {
    const m = Math.max(...row);
    const e = row.map((s) => Math.exp(s - m));
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / z);
  });
}
function softmaxBack(Pm: Matrix, dP: Matrix): Matrix {
  // Jacobian diag(p) − p·pᵀ per row.
  return Pm.map((p, r) => p.map((_, j) => p.reduce((s, pi, i) => s + dP[r][i] * ((i === j ? pi : 0) - pi * p[j]), 0)));
}

interface LayerCache {
  X: Matrix;
  A1: Matrix;
  inv1: number[];
  Q: Matrix;
  K: Matrix;
  Vv: Matrix;
  probs: Matrix[];
  O: Matrix;
  H1: Matrix;
  A2: Matrix;
  inv2: number[];
  U: Matrix; // before relu
  Z: Matrix;
}

/**
 * log π(next token | prefix) for every position of `tokens` (n × V), and, with `weights` (one per
 * position, 0 where unscored) and `next` (the token scored at each position), the gradient of
 * Σ_p weights[p]·log π(next[p] | tokens[0..p]) as a flat array in the layout's order.
 */
export function referenceForwardBackward(
  theta: ArrayLike<number>,
  shape: ReferenceShape,
  tokens: number[],
  next: number[],
  weights: number[],
): { logp: Matrix; value: number; grad: Float64Array } {
  const W = unpack(theta, shape);
  const n = tokens.length;
  const { d, heads } = shape;
  const dh = d / heads;
  let X: Matrix = tokens.map((t, p) => W.E[t].map((e, i) => e + W.P[p][i]));
  const caches: LayerCache[] = [];
  for (const L of W.layers) {
    const { Y: A1, inv: inv1 } = rms(X);
    const Q = matmul(A1, L.Wq);
    const K = matmul(A1, L.Wk);
    const Vv = matmul(A1, L.Wv);
    const probs: Matrix[] = [];
    let O: Matrix = zeros(n, 0);
    for (let h = 0; h < heads; h++) {
      const Qh = columns(Q, h * dh, (h + 1) * dh);
      const Kh = columns(K, h * dh, (h + 1) * dh);
      const S = matmul(Qh, transpose(Kh)).map((row, p) => row.map((s, u) => (u <= p ? s / Math.sqrt(dh) : -Infinity)));
      const Ph = softmaxRows(S);
      probs.push(Ph);
      const Oh = matmul(Ph, columns(Vv, h * dh, (h + 1) * dh));
      O = O.map((row, p) => row.concat(Oh[p]));
    }
    const H1 = add(X, matmul(O, L.Wo));
    const { Y: A2, inv: inv2 } = rms(H1);
    const U = matmul(A2, L.W1);
    const Z = U.map((row) => row.map((u) => Math.max(0, u)));
    caches.push({ X, A1, inv1, Q, K, Vv, probs, O, H1, A2, inv2, U, Z });
    X = add(H1, matmul(Z, L.W2));
  }
  const { Y: F, inv: invF } = rms(X);
  const logits = matmul(F, transpose(W.E));
  const logp = logits.map((row) => {
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, l) => s + Math.exp(l - m), 0));
    return row.map((l) => l - lse);
  });
  const value = weights.reduce((s, w, p) => s + (w === 0 ? 0 : w * logp[p][next[p]]), 0);

  // Backward.
  const g: ReferenceParams = {
    E: zeros(shape.V, d),
    P: zeros(shape.T, d),
    layers: W.layers.map(() => ({ Wq: zeros(d, d), Wk: zeros(d, d), Wv: zeros(d, d), Wo: zeros(d, d), W1: zeros(d, 4 * d), W2: zeros(4 * d, d) })),
  };
  const dLogits = logp.map((row, p) => row.map((lp, v) => weights[p] * ((v === next[p] ? 1 : 0) - Math.exp(lp))));
  g.E = add(g.E, matmul(transpose(dLogits), F));
  let dX = rmsBack(X, invF, matmul(dLogits, W.E));
  for (let l = W.layers.length - 1; l >= 0; l--) {
    const L = W.layers[l];
    const c = caches[l];
    const gl = g.layers[l];
    gl.W2 = matmul(transpose(c.Z), dX);
    const dU = matmul(dX, transpose(L.W2)).map((row, p) => row.map((x, j) => (c.U[p][j] > 0 ? x : 0)));
    gl.W1 = matmul(transpose(c.A2), dU);
    const dH1 = add(dX, rmsBack(c.H1, c.inv2, matmul(dU, transpose(L.W1))));
    gl.Wo = matmul(transpose(c.O), dH1);
    const dO = matmul(dH1, transpose(L.Wo));
    const dQ = zeros(n, d);
    const dK = zeros(n, d);
    const dV = zeros(n, d);
    for (let h = 0; h < heads; h++) {
      const dOh = columns(dO, h * dh, (h + 1) * dh);
      const Ph = c.probs[h];
      const dVh = matmul(transpose(Ph), dOh);
      const dPh = matmul(dOh, transpose(columns(c.Vv, h * dh, (h + 1) * dh)));
      const dS = softmaxBack(Ph, dPh).map((row) => row.map((x) => x / Math.sqrt(dh)));
      const dQh = matmul(dS, columns(c.K, h * dh, (h + 1) * dh));
      const dKh = matmul(transpose(dS), columns(c.Q, h * dh, (h + 1) * dh));
      for (let p = 0; p < n; p++)
        for (let i = 0; i < dh; i++) {
          dQ[p][h * dh + i] = dQh[p][i];
          dK[p][h * dh + i] = dKh[p][i];
          dV[p][h * dh + i] = dVh[p][i];
        }
    }
    gl.Wq = matmul(transpose(c.A1), dQ);
    gl.Wk = matmul(transpose(c.A1), dK);
    gl.Wv = matmul(transpose(c.A1), dV);
    const dA1 = add(add(matmul(dQ, transpose(L.Wq)), matmul(dK, transpose(L.Wk))), matmul(dV, transpose(L.Wv)));
    dX = add(dH1, rmsBack(c.X, c.inv1, dA1));
  }
  tokens.forEach((t, p) => {
    for (let i = 0; i < d; i++) {
      g.E[t][i] += dX[p][i];
      g.P[p][i] += dX[p][i];
    }
  });
  return { logp, value, grad: flatten(g) };
}
